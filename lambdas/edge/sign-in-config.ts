/**
 * What the dashboard's sign-in check needs to know: the Cognito user pool, its app client and the
 * hosted sign-in domain. None of it is secret (the client id and domain appear in every sign-in
 * redirect). In the cloud it is read once per container from the Secrets Manager secret the stack
 * writes (lib/dashboard-sign-in.ts says why it cannot be baked into the bundle).
 */
export interface SignInConfig {
  /** Region of the user pool, e.g. eu-west-2. */
  region: string;
  /** User pool id, `<region>_<id>`. */
  userPoolId: string;
  /** The app client the hosted sign-in issues tokens for (the `aud` of its ID tokens). */
  clientId: string;
  /** Hosted sign-in domain without scheme, e.g. `gridlake-dev-123456789012.auth.eu-west-2.amazoncognito.com`. */
  domain: string;
}

/**
 * Each field's rule. Checked by hand rather than with zod, which alone would take 450 kB of the
 * 1 MB viewer-request package (test/cdk/edge-bundle.test.ts).
 */
const RULES: Record<keyof SignInConfig, [RegExp, string]> = {
  region: [/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'must be a region such as eu-west-2'],
  userPoolId: [/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d_[0-9a-zA-Z]+$/, 'must be a Cognito user pool id such as eu-west-2_AbC123'],
  clientId: [/^[\w+]+$/, 'must be a Cognito app client id'],
  domain: [/^[a-z0-9.-]+$/, 'must be a host name without https://'],
};

/** Where the deployed function finds its configuration: fixed at synth and baked into the bundle. */
export interface SignInConfigLocation {
  /** Secrets Manager secret name. */
  secretId: string;
  /** Region of the secret (the stack's region). */
  region: string;
}

export function parseSignInConfig(text: string, where: string): SignInConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is not JSON (${(e as Error).message}): redeploy the stack, which writes it.`);
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const problems = Object.entries(RULES)
    .filter(([field, [rule]]) => typeof record[field] !== 'string' || !rule.test(record[field] as string))
    .map(([field, [, message]]) => `${field}: ${message}`);
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}. Redeploy the stack, which writes it.`);
  const { region, userPoolId, clientId, domain } = record as unknown as SignInConfig;
  return { region, userPoolId, clientId, domain };
}
