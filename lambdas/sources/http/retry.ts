/**
 * Retry policy for HTTP sources: which failures are worth another attempt, and how long to wait.
 * Backoff is exponential with *full jitter* (wait a uniform random time in [0, min(cap, base·2^n)]),
 * which spreads retries of many clients apart better than fixed or "equal" jitter; a server's
 * `Retry-After` is a floor on top of that.
 */
export interface RetryPolicy {
  /** Retries after the first attempt: a request is tried at most `maxRetries + 1` times. */
  maxRetries: number;
  /** Backoff of the first retry before jitter, ms. */
  baseDelayMs: number;
  /** Cap of the exponential backoff before jitter, ms. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the request fails at once, saying so. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 120_000,
};

/** 429 (rate limited), 408 (request timeout) and 5xx except 501 (the server will never implement it). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599 && status !== 501);
}

/**
 * Delay before retry number `retry` (0 for the first retry): full jitter over the exponential backoff,
 * never shorter than the server's `Retry-After` when it sent one.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}

/**
 * `Retry-After` as milliseconds: either delta-seconds (`"1"`) or an HTTP date. Undefined when the
 * header is absent or unreadable (then plain backoff applies).
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
