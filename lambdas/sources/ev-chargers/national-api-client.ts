/**
 * The HTTP client for the national charger-status API (national-api-layout.ts): one page per call,
 * rate-limited, retried with backoff on 429/5xx/timeouts (sources/http), and on a body cut off in
 * transit. The service key travels as `serviceKey` and never reaches a log or an error message.
 * `collectChargerSnapshot` (collect-snapshot.ts) drives it through consistent-snapshot.ts.
 */
import type { Log } from '../../steps/ports';
import { fetchWithRetry, HttpRequestError, type FetchLike, type FetchWithRetryOptions } from '../http/fetch-with-retry';
import { createRateLimiter, realSleep } from '../http/rate-limiter';
import { redactUrl } from '../http/redact';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../http/retry';
import type { PageRequest, PageResult } from './consistent-snapshot';
import { NationalApiBodyError, pageParams, parsePageBody, StatusItemSchema, type PagingStyle, type StatusItem } from './national-api-layout';

export const NATIONAL_API_BASE_URL = 'https://apis.data.go.kr/B552584/EvCharger';
export const STATUS_OPERATION = 'getChargerStatus';

export interface NationalApiOptions {
  /** Default {@link NATIONAL_API_BASE_URL}; tests pass a loopback server. */
  baseUrl?: string;
  /** Default `getChargerStatus`. */
  operation?: string;
  /** The data.go.kr service key, as issued ("Decoding" form) or already %-encoded ("Encoding" form). */
  serviceKey: string;
  /** Default `pageNo` (pageNo/numOfRows); `startNum` for the older startNum/endNum. */
  paging?: PagingStyle;
  /** Other query parameters, e.g. `{ zcode: '11', period: '5' }` (Seoul, changes of the last 5 minutes). */
  params?: Readonly<Record<string, string>>;
  fetchImpl?: FetchLike;
  /** Default 60 per minute. */
  maxRequestsPerMinute?: number;
  /** Default 5. */
  maxRetries?: number;
  /** Default 1 000 ms. */
  baseDelayMs?: number;
  /** Default 60 000 ms. */
  maxDelayMs?: number;
  /** Default 120 000 ms. */
  maxRetryAfterMs?: number;
  /** Per request, headers and body. Default 30 000 ms. */
  timeoutMs?: number;
  /** Extra attempts for a 2xx body that is cut off (not complete JSON). Default 2. */
  maxBodyRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  log?: Log;
}

/** One item of a page: a charger status, or an item that cannot be one (kept, with why). */
export type PageItem = { ok: true; item: StatusItem } | { ok: false; raw: unknown; reason: string; page: number; index: number };

export class NationalApiError extends Error {
  override readonly name = 'NationalApiError';
}

export interface NationalApiClient {
  fetchPage(request: PageRequest): Promise<PageResult<PageItem>>;
  /** Requests sent so far (attempts included), for logs and tests. */
  requests(): number;
}

export function createNationalApiClient(options: NationalApiOptions): NationalApiClient {
  const rawKey = options.serviceKey?.trim() ?? '';
  if (!rawKey) throw new NationalApiError('The charger API service key is empty: set EV_API_SERVICE_KEY (data.go.kr), or use the EV simulator.');
  // An "Encoding" key is already %-encoded; decode it once so URLSearchParams encodes it exactly once.
  const serviceKey = /%[0-9A-Fa-f]{2}/.test(rawKey) ? decodeURIComponent(rawKey) : rawKey;
  const secrets = [serviceKey, encodeURIComponent(serviceKey), rawKey];
  const base = (options.baseUrl ?? NATIONAL_API_BASE_URL).replace(/\/+$/, '');
  const operation = options.operation ?? STATUS_OPERATION;
  const paging = options.paging ?? 'pageNo';
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const maxBodyRetries = options.maxBodyRetries ?? 2;
  let sent = 0;
  const policy = {
    maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
  };
  const fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  const request: FetchWithRetryOptions = {
    fetchImpl: (input, init) => {
      sent++;
      return fetchImpl(input, init);
    },
    limiter: createRateLimiter({ maxRequestsPerMinute: options.maxRequestsPerMinute ?? 60, now, sleep }),
    policy,
    timeoutMs: options.timeoutMs ?? 30_000,
    sleep,
    random,
    now,
    secrets,
    onRetry: (e) => options.log?.warn('charger api retry', { ...e }),
  };

  function pageUrl({ page, size }: PageRequest): string {
    const url = new URL(`${base}/${operation}`);
    url.searchParams.set('serviceKey', serviceKey);
    for (const [k, v] of Object.entries(options.params ?? {})) url.searchParams.set(k, v);
    for (const [k, v] of Object.entries(pageParams(paging, page, size))) url.searchParams.set(k, v);
    url.searchParams.set('dataType', 'JSON');
    return url.toString();
  }

  return {
    requests: () => sent,
    async fetchPage(req) {
      const url = pageUrl(req);
      const safe = redactUrl(url);
      for (let bodyAttempt = 0; ; bodyAttempt++) {
        let text: string;
        try {
          text = (await fetchWithRetry(url, request)).text;
        } catch (error) {
          if (error instanceof HttpRequestError) {
            throw new NationalApiError(`Charger API page ${req.page} failed: ${error.message}. ${advice(error)}`);
          }
          throw error;
        }
        try {
          const parsed = parsePageBody(text);
          return { totalCount: parsed.totalCount, items: parsed.items.map((raw, index) => toPageItem(raw, req.page, index)) };
        } catch (error) {
          if (!(error instanceof NationalApiBodyError)) throw error;
          if (!error.retryable || bodyAttempt >= maxBodyRetries) {
            throw new NationalApiError(`Charger API page ${req.page} (GET ${safe}): ${error.problem}. Nothing of this snapshot was kept; re-run the collection.`);
          }
          const delayMs = retryDelayMs(bodyAttempt, policy, random);
          options.log?.warn('charger api body retry', { url: safe, page: req.page, problem: error.problem, delayMs });
          await sleep(delayMs);
        }
      }
    },
  };
}

function toPageItem(raw: unknown, page: number, index: number): PageItem {
  const parsed = StatusItemSchema.safeParse(raw);
  if (parsed.success) return { ok: true, item: parsed.data };
  const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; ');
  return { ok: false, raw, reason: `page ${page} item ${index}: ${reason}`, page, index };
}

/** Key of a page item: statId+chgerId, or the raw item itself for one that has no key. */
export function pageItemKey(item: PageItem): string {
  return item.ok ? `${item.item.statId}\u001f${item.item.chgerId}` : `invalid\u001f${JSON.stringify(item.raw)}`;
}

function advice(error: HttpRequestError): string {
  if (error.reason === 'retry-after-too-long') return 'The API asked for a long pause: collect later, or lower maxRequestsPerMinute.';
  if (error.reason === 'timeout') return 'The API did not answer in time: collect later, or raise timeoutMs.';
  if (error.reason === 'network') return 'The API was unreachable: check network access to apis.data.go.kr and baseUrl.';
  if (error.status === 429) return 'Rate limited even after backoff: lower maxRequestsPerMinute.';
  if (error.status === 401 || error.status === 403) return 'The service key was refused: check EV_API_SERVICE_KEY and that the key is approved for EvCharger.';
  return 'Check the API status and docs/EV.md, then re-run.';
}
