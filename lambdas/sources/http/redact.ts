/**
 * Secrets never reach logs or error messages: URLs lose their credential query parameters, and any
 * text that might echo a secret (a response body, a driver's error) has it masked.
 */
// `serviceKey`: data.go.kr's (the Korean national EV charger API).
const SECRET_PARAMS = ['apikey', 'api_key', 'key', 'servicekey', 'token', 'access_token', 'secret', 'signature'];

/** The URL without credential query parameters (matched case-insensitively, e.g. `apiKey`). */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/([?&])(apikey|api_key|servicekey|token|access_token|key|secret)=[^&#]*/gi, '$1$2=REDACTED');
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.includes(name.toLowerCase())) parsed.searchParams.delete(name);
  }
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

/** `text` with every occurrence of each non-empty secret replaced by `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}
