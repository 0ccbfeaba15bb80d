/**
 * One resilient GET: rate-limited, with a per-attempt timeout (AbortController, covering headers and
 * body), retried with backoff and full jitter on 429, 5xx, timeouts and network errors, honouring
 * `Retry-After`. Returns the body text of a 2xx response; anything else ends in an
 * {@link HttpRequestError} whose URL carries no credentials.
 */
import type { RateLimiter } from './rate-limiter';
import { maskSecrets, redactUrl } from './redact';
import { isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface FetchWithRetryOptions {
  fetchImpl: FetchLike;
  limiter: RateLimiter;
  policy: RetryPolicy;
  /** Per attempt, from sending the request to the last byte of the body. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  /** Strings masked in every message (the API key). */
  secrets: readonly string[];
  /** Called before each backoff wait; for logs and metrics. The URL is already redacted. */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  url: string;
  attempt: number;
  status: number | null;
  reason: FailureReason;
  delayMs: number;
}

export type FailureReason = 'status' | 'timeout' | 'network' | 'retry-after-too-long';

export interface HttpSuccess {
  status: number;
  headers: Headers;
  text: string;
  attempts: number;
}

/** A request that did not produce a 2xx response. `url` is redacted; `detail` is masked. */
export class HttpRequestError extends Error {
  override readonly name = 'HttpRequestError';
  constructor(
    readonly url: string,
    readonly status: number | null,
    readonly reason: FailureReason,
    readonly attempts: number,
    readonly detail: string,
  ) {
    super(
      `GET ${url} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ` +
        `${status === null ? reason : `HTTP ${status}`}${detail ? ` (${detail})` : ''}`,
    );
  }
}

type Attempt =
  | { ok: true; success: Omit<HttpSuccess, 'attempts'> }
  | { ok: false; status: number | null; reason: FailureReason; detail: string; retryable: boolean; retryAfterMs?: number };

export async function fetchWithRetry(url: string, options: FetchWithRetryOptions): Promise<HttpSuccess> {
  const { policy } = options;
  const safeUrl = redactUrl(url);
  for (let attempt = 1; ; attempt += 1) {
    await options.limiter.acquire();
    const result = await attemptOnce(url, options);
    if (result.ok) return { ...result.success, attempts: attempt };

    const detail = maskSecrets(result.detail, options.secrets);
    if (!result.retryable || attempt > policy.maxRetries) {
      throw new HttpRequestError(safeUrl, result.status, result.reason, attempt, detail);
    }
    if (result.retryAfterMs !== undefined && result.retryAfterMs > policy.maxRetryAfterMs) {
      throw new HttpRequestError(
        safeUrl,
        result.status,
        'retry-after-too-long',
        attempt,
        `server asked to wait ${Math.round(result.retryAfterMs / 1000)} s, more than the ${Math.round(policy.maxRetryAfterMs / 1000)} s allowed`,
      );
    }
    const delayMs = retryDelayMs(attempt - 1, policy, options.random, result.retryAfterMs);
    options.onRetry?.({ url: safeUrl, attempt, status: result.status, reason: result.reason, delayMs });
    await options.sleep(delayMs);
  }
}

async function attemptOnce(url: string, options: FetchWithRetryOptions): Promise<Attempt> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const response = await options.fetchImpl(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: controller.signal,
    });
    // Reading the body inside the same timeout: a server that stalls mid-body is a timeout too.
    const text = await response.text();
    if (response.ok) return { ok: true, success: { status: response.status, headers: response.headers, text } };
    return {
      ok: false,
      status: response.status,
      reason: 'status',
      detail: snippet(text),
      retryable: isRetryableStatus(response.status),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), options.now()),
    };
  } catch (error) {
    if (timedOut) {
      return { ok: false, status: null, reason: 'timeout', detail: `no complete response within ${options.timeoutMs} ms`, retryable: true };
    }
    return { ok: false, status: null, reason: 'network', detail: describeNetworkError(error), retryable: isTransientNetworkError(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A failure of the network itself (the cause has a system error code: ECONNREFUSED, ECONNRESET,
 * ETIMEDOUT, EAI_AGAIN, …) may pass; a request fetch refuses to make (a bad or blocked port, an
 * unknown scheme, a malformed URL: no code) fails the same way every time, so it is not retried.
 */
function isTransientNetworkError(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  return typeof cause?.code === 'string';
}

/** undici reports "fetch failed" and hides the useful part (ECONNREFUSED, ECONNRESET) in `cause`. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
