/**
 * What the dashboard's sign-in check needs to know: the Cognito user pool, its app client and the
 * hosted sign-in domain. None of it is secret (the client id and domain appear in every sign-in
 * redirect). In the cloud it is read once per container from the Secrets Manager secret the stack
 * writes (lib/dashboard-sign-in.ts says why it cannot be baked into the bundle).
 */
import { z } from 'zod';

export const SignInConfigSchema = z.strictObject({
  /** Region of the user pool, e.g. eu-west-2. */
  region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'must be a region such as eu-west-2'),
  /** User pool id, `<region>_<id>`. */
  userPoolId: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must be a Cognito user pool id such as eu-west-2_AbC123'),
  /** The app client the hosted sign-in issues tokens for (the `aud` of its ID tokens). */
  clientId: z.string().regex(/^[\w+]+$/, 'must be a Cognito app client id'),
  /** Hosted sign-in domain without scheme, e.g. `gridlake-dev-123456789012.auth.eu-west-2.amazoncognito.com`. */
  domain: z.string().regex(/^[a-z0-9.-]+$/, 'must be a host name without https://'),
});
export type SignInConfig = z.infer<typeof SignInConfigSchema>;

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
  const parsed = SignInConfigSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}. Redeploy the stack, which writes it.`);
  }
  return parsed.data;
}
