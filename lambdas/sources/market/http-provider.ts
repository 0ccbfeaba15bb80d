/**
 * The live market-price provider: Polygon.io (now Massive) daily aggregates,
 * `GET /v2/aggs/ticker/{ticker}/range/1/day/{from}/{to}?adjusted=…&sort=asc&limit=…&apiKey=…`.
 * See docs/MARKET_API.md for the API, its limits and how the tests replay it.
 *
 * - Paging: a response with `next_url` has more bars; the next page is that URL plus the API key
 *   (Polygon leaves the key off `next_url`). A `next_url` on another host is refused, never sent the key.
 * - Adjustment (`adjustment: 'split'`, the default): OHLC and volume come from `adjusted=false` (the
 *   prices that actually traded that day); `adj_close` comes from `adjusted=true`. Polygon adjusts
 *   for splits only, not dividends. `'adjusted-only'` halves the requests: OHLCV split-adjusted and
 *   `adj_close = close`.
 * - Trade date: `t` is the Unix ms of the bar's start, midnight America/New_York for daily bars. The
 *   trade date is that instant's calendar date *in New York*, not in UTC or in the machine's zone.
 * - Every body is validated with zod; a malformed one is a {@link MarketApiBodyError}, never dropped.
 *   `resultsCount: 0` without `results` is an empty range: [].
 */
import { z } from 'zod';
import type { Log } from '../../steps/ports';
import { fetchWithRetry, HttpRequestError, type FetchLike, type FetchWithRetryOptions } from '../http/fetch-with-retry';
import { createRateLimiter, realSleep } from '../http/rate-limiter';
import { maskSecrets, redactUrl } from '../http/redact';
import { DEFAULT_RETRY_POLICY } from '../http/retry';
import type { PriceBar, PriceProvider } from './provider';

export const POLYGON_BASE_URL = 'https://api.polygon.io';
/** The exchange timezone Polygon uses for daily bar boundaries. */
export const MARKET_TIMEZONE = 'America/New_York';

export interface HttpPriceProviderOptions {
  /** API origin, e.g. {@link POLYGON_BASE_URL} or `https://api.massive.com`; tests pass a loopback server. */
  baseUrl: string;
  /** The API key (from MARKET_API_KEY locally, a Secrets Manager secret in the cloud). Never logged. */
  apiKey: string;
  /** Default the global `fetch`. */
  fetchImpl?: FetchLike;
  /** Client-side limit. Default 5, Polygon's free tier. `Infinity` disables it. */
  maxRequestsPerMinute?: number;
  /** Retries per request after the first attempt on 429, 5xx, timeouts and network errors. Default 5. */
  maxRetries?: number;
  /** Per-request timeout, headers and body, ms. Default 30 000. */
  timeoutMs?: number;
  /** Backoff of the first retry before jitter, ms. Default 1 000. */
  baseDelayMs?: number;
  /** Cap of the exponential backoff before jitter, ms. Default 60 000. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this fails the request at once instead of waiting. Default 120 000. */
  maxRetryAfterMs?: number;
  /** Waits for the rate limiter and backoff. Default a `setTimeout` promise. */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1) source for jitter. Default `Math.random`. */
  random?: () => number;
  /** Milliseconds clock for the rate limiter and `Retry-After` dates. Default `Date.now`. */
  now?: () => number;
  /** `limit` query parameter: base bars per page. Default 50 000 (the API's maximum). */
  pageLimit?: number;
  /** `split` (default): OHLCV unadjusted + split-adjusted `adj_close`; `adjusted-only`: one request series. */
  adjustment?: 'split' | 'adjusted-only';
  /** Config symbol → API ticker where they differ (e.g. `{ "BRK.B": "BRK.B" }`). Default identity. */
  tickers?: Readonly<Record<string, string>>;
  /** Retries are logged as warnings (URL without the key). Default silent. */
  log?: Log;
}

/** Something went wrong fetching one symbol; the message names the symbol and what to do. */
export class MarketApiError extends Error {
  override readonly name: string = 'MarketApiError';
  constructor(readonly symbol: string, message: string) {
    super(message);
  }
}

/** The API did not answer with a 2xx after retries (or answered a status not worth retrying). */
export class MarketApiRequestError extends MarketApiError {
  override readonly name = 'MarketApiRequestError';
  constructor(
    symbol: string,
    /** Without the API key. */
    readonly url: string,
    readonly status: number | null,
    readonly attempts: number,
    detail: string,
    advice: string,
  ) {
    super(
      symbol,
      `Market API request for ${symbol} failed after ${attempts} attempt${attempts === 1 ? '' : 's'} ` +
        `(${status === null ? 'no HTTP response' : `HTTP ${status}`}): GET ${url}${detail ? ` — ${detail}` : ''}. ${advice}`,
    );
  }
}

/** A 2xx response whose body is not the documented aggregates shape. */
export class MarketApiBodyError extends MarketApiError {
  override readonly name = 'MarketApiBodyError';
  constructor(symbol: string, readonly url: string, readonly problem: string) {
    super(
      symbol,
      `Market API returned a malformed body for ${symbol} (GET ${url}): ${problem}. ` +
        'No bars were kept for this symbol; check the API status and docs/MARKET_API.md, then re-run.',
    );
  }
}

/** Bad arguments to the provider itself (dates, symbol, options). */
export class MarketApiUsageError extends MarketApiError {
  override readonly name = 'MarketApiUsageError';
}

const AggBarSchema = z.object({
  /** Unix ms of the start of the bar. */
  t: z.number().int(),
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  v: z.number().nonnegative(),
  vw: z.number().optional(),
  n: z.number().int().nonnegative().optional(),
  otc: z.boolean().optional(),
});

const AggsResponseSchema = z.object({
  ticker: z.string(),
  queryCount: z.number().int().nonnegative(),
  resultsCount: z.number().int().nonnegative(),
  adjusted: z.boolean(),
  results: z.array(AggBarSchema).optional(),
  status: z.string(),
  request_id: z.string(),
  next_url: z.string().optional(),
});
type AggBar = z.infer<typeof AggBarSchema>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_PAGES = 10_000;

export function createHttpPriceProvider(options: HttpPriceProviderOptions): PriceProvider {
  const apiKey = options.apiKey?.trim() ?? '';
  if (!apiKey) {
    throw new MarketApiUsageError(
      '(all)',
      'The market API key is empty: set MARKET_API_KEY (locally) or the market API secret (in the cloud), ' +
        'or keep config.market.provider = "simulator".',
    );
  }
  const base = parseBaseUrl(options.baseUrl);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const log = options.log;
  const adjustment = options.adjustment ?? 'split';
  const pageLimit = options.pageLimit ?? 50_000;
  if (!Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > 50_000) {
    throw new MarketApiUsageError('(all)', `pageLimit must be an integer from 1 to 50000 (got ${pageLimit}).`);
  }
  const request: FetchWithRetryOptions = {
    fetchImpl: options.fetchImpl ?? ((input, init) => fetch(input, init)),
    limiter: createRateLimiter({ maxRequestsPerMinute: options.maxRequestsPerMinute ?? 5, now, sleep }),
    policy: {
      maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
    },
    timeoutMs: options.timeoutMs ?? 30_000,
    sleep,
    random: options.random ?? Math.random,
    now,
    secrets: [apiKey],
  };

  /** Every bar of one adjustment series, across pages, keyed by trade date. */
  async function fetchSeries(symbol: string, ticker: string, from: string, to: string, adjusted: boolean): Promise<Map<string, AggBar>> {
    const bars = new Map<string, AggBar>();
    const first = new URL(`${base.href}/v2/aggs/ticker/${encodeURIComponent(ticker)}/range/1/day/${from}/${to}`);
    first.searchParams.set('adjusted', String(adjusted));
    first.searchParams.set('sort', 'asc');
    first.searchParams.set('limit', String(pageLimit));
    first.searchParams.set('apiKey', apiKey);

    const seen = new Set<string>();
    let url: string | undefined = first.toString();
    for (let page = 1; url !== undefined; page += 1) {
      const safeUrl = redactUrl(url);
      if (page > MAX_PAGES || seen.has(url)) {
        throw new MarketApiBodyError(symbol, safeUrl, `paging did not end (page ${page}, next_url repeats or exceeds ${MAX_PAGES} pages)`);
      }
      seen.add(url);
      const body = await getJson(symbol, url);
      const parsed = AggsResponseSchema.safeParse(body);
      if (!parsed.success) throw new MarketApiBodyError(symbol, safeUrl, describeIssues(parsed.error));
      const data = parsed.data;
      checkEnvelope(symbol, safeUrl, data, ticker, adjusted);
      for (const [index, bar] of (data.results ?? []).entries()) {
        const date = tradeDateOf(bar.t);
        if (date < from || date > to) {
          throw new MarketApiBodyError(symbol, safeUrl, `results[${index}] has trade date ${date} (t=${bar.t}), outside the requested ${from}..${to}`);
        }
        if (bars.has(date)) throw new MarketApiBodyError(symbol, safeUrl, `results[${index}] repeats trade date ${date}`);
        bars.set(date, bar);
      }
      url = data.next_url === undefined ? undefined : nextPageUrl(symbol, safeUrl, data.next_url);
    }
    return bars;
  }

  async function getJson(symbol: string, url: string): Promise<unknown> {
    let text: string;
    try {
      text = (await fetchWithRetry(url, { ...request, onRetry: (e) => log?.warn('market api retry', { symbol, ...e }) })).text;
    } catch (error) {
      if (error instanceof HttpRequestError) {
        throw new MarketApiRequestError(symbol, error.url, error.status, error.attempts, error.detail, adviceFor(error));
      }
      throw error;
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      const start = maskSecrets(text.slice(0, 80).replace(/\s+/g, ' '), [apiKey]);
      throw new MarketApiBodyError(symbol, redactUrl(url), `body is not JSON (${(error as Error).message}); it starts "${start}"`);
    }
  }

  /** The next page: Polygon's `next_url` plus our key, only if it stays on the configured host. */
  function nextPageUrl(symbol: string, safeUrl: string, next: string): string {
    let parsed: URL;
    try {
      parsed = new URL(next);
    } catch {
      throw new MarketApiBodyError(symbol, safeUrl, `next_url "${redactUrl(next)}" is not a URL`);
    }
    if (parsed.origin !== base.origin) {
      throw new MarketApiBodyError(
        symbol,
        safeUrl,
        `next_url points to ${parsed.origin}, not the configured ${base.origin}; refusing to send the API key there (check baseUrl)`,
      );
    }
    parsed.searchParams.set('apiKey', apiKey);
    return parsed.toString();
  }

  return {
    name: 'polygon',
    async fetchDaily(symbol, from, to) {
      checkRange(symbol, from, to);
      const ticker = options.tickers?.[symbol] ?? symbol;
      if (adjustment === 'adjusted-only') {
        const adjusted = await fetchSeries(symbol, ticker, from, to, true);
        return [...adjusted].map(([date, bar]) => toPriceBar(symbol, date, bar, bar.c)).sort(byDate);
      }
      const raw = await fetchSeries(symbol, ticker, from, to, false);
      const adjusted = await fetchSeries(symbol, ticker, from, to, true);
      const onlyRaw = [...raw.keys()].filter((d) => !adjusted.has(d));
      const onlyAdjusted = [...adjusted.keys()].filter((d) => !raw.has(d));
      if (onlyRaw.length || onlyAdjusted.length) {
        throw new MarketApiBodyError(
          symbol,
          redactUrl(`${base.href}/v2/aggs/ticker/${encodeURIComponent(ticker)}/range/1/day/${from}/${to}`),
          `adjusted=false and adjusted=true disagree on trading days (only unadjusted: ${onlyRaw.join(', ') || 'none'}; ` +
            `only adjusted: ${onlyAdjusted.join(', ') || 'none'}); the data changed between requests, re-run`,
        );
      }
      return [...raw].map(([date, bar]) => toPriceBar(symbol, date, bar, adjusted.get(date)!.c)).sort(byDate);
    },
  };
}

/**
 * The New York calendar date of a bar's start instant. Polygon's daily bars start at midnight
 * America/New_York (04:00Z in summer, 05:00Z in winter); formatting in that zone is right across DST
 * and independent of the machine's own timezone.
 */
export function tradeDateOf(unixMs: number): string {
  const parts = NEW_YORK_DATE.formatToParts(new Date(unixMs));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const NEW_YORK_DATE = new Intl.DateTimeFormat('en-US', {
  timeZone: MARKET_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function toPriceBar(symbol: string, date: string, bar: AggBar, adjClose: number): PriceBar {
  return {
    symbol,
    trade_date: date,
    open: bar.o,
    high: bar.h,
    low: bar.l,
    close: bar.c,
    adj_close: adjClose,
    // Volume is a whole number of shares; the API sends a JSON number that may be written as a float.
    volume: Math.round(bar.v),
  };
}

const byDate = (a: PriceBar, b: PriceBar) => (a.trade_date < b.trade_date ? -1 : a.trade_date > b.trade_date ? 1 : 0);

function checkEnvelope(
  symbol: string,
  safeUrl: string,
  data: z.infer<typeof AggsResponseSchema>,
  ticker: string,
  adjusted: boolean,
): void {
  // "DELAYED" is what plans with delayed data receive; the bars are as valid as with "OK".
  if (data.status !== 'OK' && data.status !== 'DELAYED') {
    throw new MarketApiBodyError(symbol, safeUrl, `status is "${data.status}", expected "OK" or "DELAYED"`);
  }
  if (data.ticker !== ticker) throw new MarketApiBodyError(symbol, safeUrl, `ticker is "${data.ticker}", expected "${ticker}"`);
  if (data.adjusted !== adjusted) throw new MarketApiBodyError(symbol, safeUrl, `adjusted is ${data.adjusted}, expected ${adjusted}`);
  if (data.resultsCount > 0 && data.results === undefined) {
    throw new MarketApiBodyError(symbol, safeUrl, `resultsCount is ${data.resultsCount} but the body has no results array`);
  }
}

function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 5).map((i) => `${formatPath(i.path)}: ${i.message}`);
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `${issues.join('; ')}${more}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function adviceFor(error: HttpRequestError): string {
  if (error.reason === 'retry-after-too-long') return 'The API asked for a long pause: re-run later, or lower maxRequestsPerMinute.';
  if (error.reason === 'timeout') return 'The API did not answer in time: re-run later, or raise timeoutMs.';
  if (error.reason === 'network') return 'The API was unreachable: check network access to the API host and baseUrl.';
  const status = error.status ?? 0;
  if (status === 429) return 'Rate limited even after backoff: lower maxRequestsPerMinute (free tier: 5), or upgrade the plan.';
  if (status === 401) return 'The API key was rejected: check MARKET_API_KEY / the market API secret.';
  if (status === 403) return 'The plan is not entitled to this data or range: check the plan, or shorten the backfill.';
  if (status === 404) return 'Not found: check the symbol (config.market.symbols / tickers mapping) and baseUrl.';
  if (status >= 500) return 'The API kept failing: re-run later (the workflow retries the step), and check the provider status page.';
  return 'The request was refused: check the symbol, the date range and docs/MARKET_API.md.';
}

function checkRange(symbol: string, from: string, to: string): void {
  if (!symbol) throw new MarketApiUsageError('(empty)', 'fetchDaily needs a symbol: got an empty string.');
  for (const [field, value] of [['from', from], ['to', to]] as const) {
    if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
      throw new MarketApiUsageError(symbol, `fetchDaily(${symbol}): ${field} "${value}" is not a date YYYY-MM-DD.`);
    }
  }
  if (from > to) throw new MarketApiUsageError(symbol, `fetchDaily(${symbol}): from ${from} is after to ${to}; pass an ascending range.`);
}

function parseBaseUrl(baseUrl: string): { href: string; origin: string } {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new MarketApiUsageError('(all)', `baseUrl "${baseUrl}" is not a URL: use e.g. ${POLYGON_BASE_URL}.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new MarketApiUsageError('(all)', `baseUrl "${baseUrl}" must be http(s): use e.g. ${POLYGON_BASE_URL}.`);
  }
  if (parsed.search || parsed.hash) {
    throw new MarketApiUsageError('(all)', `baseUrl "${redactUrl(baseUrl)}" must not carry a query or fragment: pass the key as apiKey.`);
  }
  return { href: `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`, origin: parsed.origin };
}
