/**
 * The live market-price provider against a loopback server replaying Polygon-shaped responses
 * (test/fixtures/market-api/*.json), and the watermark query on real DuckDB and Postgres (PGlite).
 * Time is virtual: the rate limiter and backoff sleep on an injected clock, so nothing here waits
 * for real except the one per-request timeout test (200 ms).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpPriceProvider,
  MarketApiBodyError,
  MarketApiRequestError,
  tradeDateOf,
  type HttpPriceProviderOptions,
} from '../../lambdas/sources/market/http-provider';
import { incrementalRange, readWatermarks, WatermarkError } from '../../lambdas/sources/market/watermark';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';
import { rewriteNamedParams, type Row, type Statement, type Warehouse } from '../../lambdas/ports/warehouse';
import { loadCassette, startReplayServer, type ReplayServer } from '../fixtures/market-api/replay-server';

const API_KEY = 'test-key-5f3a9c';

/** A clock that only moves when someone sleeps on it. */
function virtualClock(start = Date.UTC(2024, 0, 11, 1, 0, 0)) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

/** `fetch`, recording the virtual time at which each request was sent. */
function recordingFetch(clock: { now: () => number }) {
  const sent: { url: string; at: number }[] = [];
  const fetchImpl = (url: string, init?: RequestInit) => {
    sent.push({ url, at: clock.now() });
    return fetch(url, init);
  };
  return { fetchImpl, sent };
}

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(cassette: string, overrides: Partial<HttpPriceProviderOptions> = {}) {
  server = await startReplayServer(loadCassette(cassette), API_KEY);
  const clock = virtualClock();
  const { fetchImpl, sent } = recordingFetch(clock);
  const warnings: Record<string, unknown>[] = [];
  const provider = createHttpPriceProvider({
    baseUrl: server.origin,
    apiKey: API_KEY,
    fetchImpl,
    maxRequestsPerMinute: Infinity,
    maxRetries: 3,
    timeoutMs: 5_000,
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
    log: { info() {}, warn: (_m, f) => warnings.push(f ?? {}), error() {} },
    ...overrides,
  });
  return { provider, clock, sent, warnings, server };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('createHttpPriceProvider (Polygon daily aggregates, replayed on 127.0.0.1)', () => {
  it('follows next_url across two pages per series, sending the key on every page, and joins OHLCV with adj_close', async () => {
    const { provider, server } = await setup('spy-two-pages.json', { pageLimit: 3 });
    const bars = await provider.fetchDaily('SPY', '2024-01-02', '2024-01-10');

    expect(bars.map((b) => b.trade_date)).toEqual(['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09', '2024-01-10']);
    expect(bars[0]).toEqual({ symbol: 'SPY', trade_date: '2024-01-02', open: 472.16, high: 473.67, low: 470.49, close: 472.65, adj_close: 472.65, volume: 123623700 });
    expect(bars[6]).toMatchObject({ trade_date: '2024-01-10', close: 476.56, volume: 67310600 });
    // 2 series × 2 pages, all matched, every one with the key; page 2 came from next_url (cursor).
    expect(server.requests).toHaveLength(4);
    expect(server.requests.every((r) => r.matched !== null && r.apiKey === API_KEY)).toBe(true);
    expect(server.requests.filter((r) => 'cursor' in r.query)).toHaveLength(2);
    expect(server.unused()).toEqual([]);
  });

  it('takes OHLC and volume from adjusted=false and adj_close from adjusted=true (NVDA 10-for-1 split)', async () => {
    const { provider } = await setup('nvda-split.json');
    const bars = await provider.fetchDaily('NVDA', '2024-06-06', '2024-06-11');
    expect(bars[0]).toEqual({ symbol: 'NVDA', trade_date: '2024-06-06', open: 1240.4, high: 1255.87, low: 1183.2, close: 1209.98, adj_close: 120.998, volume: 41238600 });
    expect(bars[2]).toMatchObject({ trade_date: '2024-06-10', close: 121.79, adj_close: 121.79 });
    expect(bars).toHaveLength(4);
  });

  it('maps a config symbol to another API ticker but reports bars under the config symbol', async () => {
    const { provider, server } = await setup('nvda-split.json', { tickers: { 'NVDA.US': 'NVDA' } });
    const bars = await provider.fetchDaily('NVDA.US', '2024-06-06', '2024-06-11');
    expect(bars.every((b) => b.symbol === 'NVDA.US')).toBe(true);
    expect(server.requests[0]!.path).toBe('/v2/aggs/ticker/NVDA/range/1/day/2024-06-06/2024-06-11');
  });

  it('retries a 429 after the Retry-After it was given, then succeeds', async () => {
    const { provider, clock, server, warnings } = await setup('spy-rate-limited.json', { adjustment: 'adjusted-only' });
    const bars = await provider.fetchDaily('SPY', '2024-01-08', '2024-01-10');
    expect(bars.map((b) => b.trade_date)).toEqual(['2024-01-08', '2024-01-09', '2024-01-10']);
    expect(bars[0]!.adj_close).toBe(bars[0]!.close);
    expect(server.requests).toHaveLength(2);
    // Retry-After: 1 is a floor over the jittered backoff (0.5 × 1 000 ms here).
    expect(clock.sleeps).toEqual([1_000]);
    expect(warnings).toEqual([expect.objectContaining({ symbol: 'SPY', status: 429, attempt: 1, delayMs: 1_000 })]);
    expect(JSON.stringify(warnings)).not.toContain(API_KEY);
  });

  it('ends a 500 storm after maxRetries with a typed error naming symbol, status, URL (no key) and the fix', async () => {
    const { provider, clock, server } = await setup('spy-server-error-storm.json', { adjustment: 'adjusted-only', maxRetries: 3, random: () => 1 - 1e-9 });
    const error = await failure(provider.fetchDaily('SPY', '2024-01-02', '2024-01-10'));

    expect(error).toBeInstanceOf(MarketApiRequestError);
    const e = error as MarketApiRequestError;
    expect(server.requests).toHaveLength(4);
    expect(e.attempts).toBe(4);
    expect(e.status).toBe(500);
    expect(e.symbol).toBe('SPY');
    expect(e.message).toContain('SPY');
    expect(e.message).toContain('HTTP 500');
    expect(e.message).toContain('4 attempts');
    expect(e.message).toContain(`${server.origin}/v2/aggs/ticker/SPY/range/1/day/2024-01-02/2024-01-10?adjusted=true&sort=asc&limit=50000`);
    expect(e.message).toMatch(/re-run later/);
    expect(`${e.message}\n${e.stack}\n${JSON.stringify(e)}`).not.toContain(API_KEY);
    // Exponential backoff with full jitter (random ≈ 1 → the full ceiling): 1 s, 2 s, 4 s.
    expect(clock.sleeps.map((ms) => Math.round(ms / 1000))).toEqual([1, 2, 4]);
  });

  it('rejects a malformed bar with a typed error naming the symbol and the field, keeping nothing', async () => {
    const { provider } = await setup('spy-malformed-bar.json', { adjustment: 'adjusted-only' });
    const error = await failure(provider.fetchDaily('SPY', '2024-01-02', '2024-01-04'));
    expect(error).toBeInstanceOf(MarketApiBodyError);
    expect(error.message).toContain('SPY');
    expect(error.message).toContain('results[1].c');
    expect(error.message).toContain('results[2].v');
    expect(error.message).not.toContain(API_KEY);
  });

  it('rejects a truncated JSON body and a body that announces results it does not carry', async () => {
    const truncated = await setup('spy-truncated-body.json', { adjustment: 'adjusted-only' });
    const e1 = await failure(truncated.provider.fetchDaily('SPY', '2024-01-02', '2024-01-04'));
    expect(e1).toBeInstanceOf(MarketApiBodyError);
    expect(e1.message).toMatch(/SPY.*not JSON/);
    await server!.close();

    const missing = await setup('spy-results-missing.json', { adjustment: 'adjusted-only' });
    const e2 = await failure(missing.provider.fetchDaily('SPY', '2024-01-02', '2024-01-04'));
    expect(e2).toBeInstanceOf(MarketApiBodyError);
    expect(e2.message).toContain('resultsCount is 3 but the body has no results array');
  });

  it('returns [] for an empty range (resultsCount 0, no results)', async () => {
    const { provider, server } = await setup('spy-empty-range.json');
    expect(await provider.fetchDaily('SPY', '2024-01-06', '2024-01-07')).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  it('spaces requests by 60 000 / maxRequestsPerMinute on the (virtual) clock', async () => {
    const { provider, sent } = await setup('spy-two-pages.json', { pageLimit: 3, maxRequestsPerMinute: 5 });
    await provider.fetchDaily('SPY', '2024-01-02', '2024-01-10');
    expect(sent).toHaveLength(4);
    const gaps = sent.slice(1).map((r, i) => r.at - sent[i]!.at);
    expect(gaps.every((g) => g >= 12_000)).toBe(true);
    // Not more than necessary either: the limiter waits exactly the interval when requests are instant.
    expect(gaps).toEqual([12_000, 12_000, 12_000]);
  });

  it('times out a request that never answers (AbortController) and retries it', async () => {
    const { provider, server } = await setup('spy-timeout-then-ok.json', { adjustment: 'adjusted-only', timeoutMs: 200 });
    const bars = await provider.fetchDaily('SPY', '2024-01-08', '2024-01-10');
    expect(bars).toHaveLength(3);
    expect(server.requests).toHaveLength(2);
  });

  it('fails at once on a rejected key (401), without retrying and without echoing the key', async () => {
    server = await startReplayServer(loadCassette('spy-two-pages.json'), API_KEY);
    const clock = virtualClock();
    const wrongKey = 'wrong-key-0000';
    const provider = createHttpPriceProvider({ baseUrl: server.origin, apiKey: wrongKey, sleep: clock.sleep, now: clock.now, maxRequestsPerMinute: Infinity });
    const error = (await failure(provider.fetchDaily('SPY', '2024-01-02', '2024-01-10'))) as MarketApiRequestError;
    expect(error).toBeInstanceOf(MarketApiRequestError);
    expect(error.status).toBe(401);
    expect(error.attempts).toBe(1);
    expect(error.message).toContain('Unknown API Key');
    expect(error.message).toContain('MARKET_API_KEY');
    expect(error.message).not.toContain(wrongKey);
  });

  /** What fetching from an origin that never answers ends with, on a virtual clock (no real waits). */
  async function unreachableFailure(baseUrl: string, maxRetries: number): Promise<MarketApiRequestError> {
    const clock = virtualClock();
    const provider = createHttpPriceProvider({ baseUrl, apiKey: API_KEY, maxRetries, maxRequestsPerMinute: Infinity, sleep: clock.sleep, now: clock.now });
    return (await failure(provider.fetchDaily('XLE', '2024-01-02', '2024-01-03'))) as MarketApiRequestError;
  }

  it('retries network errors and then names the unreachable URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await unreachableFailure(`http://127.0.0.1:${port}`, 2);
    expect(error).toBeInstanceOf(MarketApiRequestError);
    expect(error.attempts).toBe(3);
    expect(error.status).toBeNull();
    expect(error.message).toMatch(/XLE.*no HTTP response.*ECONNREFUSED.*unreachable/);
    expect(error.message).not.toContain(API_KEY);
  });

  it('does not retry a request fetch refuses to make (a blocked port): it fails the same way every time', async () => {
    const error = await unreachableFailure('http://127.0.0.1:9', 5); // port 9 (discard) is on fetch's list of blocked ports
    expect(error).toBeInstanceOf(MarketApiRequestError);
    expect(error.attempts).toBe(1);
    expect(error.message).toMatch(/bad port/);
  });

  it('refuses to follow a next_url to another host with the key', async () => {
    const { provider, sent } = await setup('spy-foreign-next-url.json', { adjustment: 'adjusted-only', pageLimit: 3 });
    const error = await failure(provider.fetchDaily('SPY', '2024-01-02', '2024-01-10'));
    expect(error).toBeInstanceOf(MarketApiBodyError);
    expect(error.message).toContain('refusing to send the API key');
    expect(sent.every((r) => r.url.startsWith(server!.origin))).toBe(true);
  });

  it('rejects bad arguments before any request', async () => {
    const { provider, server } = await setup('spy-two-pages.json');
    await expect(provider.fetchDaily('SPY', '2024-01-10', '2024-01-02')).rejects.toThrow(/after/);
    await expect(provider.fetchDaily('SPY', '2024-02-30', '2024-03-02')).rejects.toThrow(/not a date/);
    expect(server.requests).toHaveLength(0);
    expect(() => createHttpPriceProvider({ baseUrl: server.origin, apiKey: '' })).toThrow(/MARKET_API_KEY/);
  });
});

describe('tradeDateOf', () => {
  it('reads the bar start as a New York calendar date, on both sides of DST changes', () => {
    expect(tradeDateOf(Date.UTC(2024, 0, 2, 5))).toBe('2024-01-02'); // EST midnight
    expect(tradeDateOf(Date.UTC(2024, 5, 6, 4))).toBe('2024-06-06'); // EDT midnight
    expect(tradeDateOf(Date.UTC(2024, 2, 8, 5))).toBe('2024-03-08'); // Friday before spring-forward
    expect(tradeDateOf(Date.UTC(2024, 2, 11, 4))).toBe('2024-03-11'); // Monday after
    expect(tradeDateOf(Date.UTC(2024, 10, 4, 5))).toBe('2024-11-04'); // Monday after fall-back
    // Not the UTC date: 02:00Z on the 3rd is still the 2nd in New York.
    expect(tradeDateOf(Date.UTC(2024, 0, 3, 2))).toBe('2024-01-02');
  });
});

describe('incrementalRange', () => {
  it('starts the day after the watermark and ends on the run date', () => {
    expect(incrementalRange('2024-01-05', '2024-01-10', 30)).toEqual({ from: '2024-01-06', to: '2024-01-10' });
    expect(incrementalRange('2024-02-28', '2024-03-01', 30)).toEqual({ from: '2024-02-29', to: '2024-03-01' });
  });
  it('backfills from runDate − backfillDays without a watermark', () => {
    expect(incrementalRange(null, '2024-03-01', 30)).toEqual({ from: '2024-01-31', to: '2024-03-01' });
    expect(incrementalRange(null, '2024-03-01', 0)).toEqual({ from: '2024-03-01', to: '2024-03-01' });
  });
  it('is null when up to date', () => {
    expect(incrementalRange('2024-01-10', '2024-01-10', 30)).toBeNull();
    expect(incrementalRange('2024-01-11', '2024-01-10', 30)).toBeNull();
  });
  it('names a bad input', () => {
    expect(() => incrementalRange('2024-13-01', '2024-01-10', 30)).toThrow(/watermark "2024-13-01"/);
    expect(() => incrementalRange(null, '10/01/2024', 30)).toThrow(/runDate/);
    expect(() => incrementalRange(null, '2024-01-10', -1)).toThrow(/backfillDays/);
  });
});

/** The Warehouse port over PGlite (a real Postgres): named `:params` become `$1…`. */
function pgliteWarehouse(db: PGlite): Warehouse {
  const run = async (statement: Statement) => {
    const values: unknown[] = [];
    const sql = rewriteNamedParams(statement.sql, (name) => {
      if (!statement.params || !(name in statement.params)) throw new Error(`${statement.name}: no value for :${name}`);
      values.push(statement.params[name]);
      return `$${values.length}`;
    });
    return db.query<Row>(sql, values);
  };
  return {
    query: async <T extends Row = Row>(s: Statement) => (await run(s)).rows as T[],
    execute: async (s) => {
      await run(s);
    },
    transaction: async () => {
      throw new Error('not needed by these tests');
    },
    close: () => db.close(),
  };
}

/** Records every statement a warehouse receives, so tests can check what SQL text was sent. */
function recording(inner: Warehouse, seen: Statement[]): Warehouse {
  return {
    query: (s) => (seen.push(s), inner.query(s)),
    execute: (s) => (seen.push(s), inner.execute(s)),
    transaction: (items) => inner.transaction(items),
    close: () => inner.close(),
  };
}

const warehouses: [string, () => Promise<Warehouse>][] = [
  ['DuckDB (the local warehouse adapter)', () => DuckDbWarehouse.open(':memory:')],
  ['Postgres (PGlite)', async () => pgliteWarehouse(new PGlite())],
];

describe.each(warehouses)('readWatermarks on %s with the real market_prices DDL', (_name, open) => {
  const seen: Statement[] = [];
  let warehouse: Warehouse;

  beforeAll(async () => {
    warehouse = recording(await open(), seen);
    await warehouse.execute({ name: 'create_market_prices', sql: readFileSync(join(__dirname, '../../lambdas/sql/tables/market_prices.sql'), 'utf8') });
    const rows: [string, string][] = [
      ['SPY', '2024-01-03'],
      ['SPY', '2024-01-05'],
      ['SPY', '2024-01-04'],
      ['CL=F', '2024-01-02'],
      ['XLU', '2024-01-09'],
    ];
    for (const [symbol, date] of rows) {
      await warehouse.execute({
        name: 'seed_market_prices',
        sql: `INSERT INTO market_prices (symbol, trade_date, open_price, high, low, close, adj_close, volume, source, run_id)
              VALUES (:symbol, CAST(:date AS DATE), 1, 2, 0.5, 1.5, 1.5, 100, 'test', 'run-1')`,
        params: { symbol, date },
      });
    }
  });
  afterAll(async () => {
    await warehouse?.close();
  });

  it('returns the last trade date per symbol, null for symbols never loaded, binding symbols as :s0, :s1 …', async () => {
    seen.length = 0;
    const marks = await readWatermarks(warehouse, ['SPY', 'CL=F', 'ICLN', 'SPY']);
    expect(Object.fromEntries(marks)).toEqual({ SPY: '2024-01-05', 'CL=F': '2024-01-02', ICLN: null });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.params).toEqual({ s0: 'SPY', s1: 'CL=F', s2: 'ICLN' });
    expect(seen[0]!.sql).toContain('IN (:s0, :s1, :s2)');
    expect(seen[0]!.sql).not.toMatch(/SPY|CL=F|ICLN/);
  });

  it('refuses a symbol outside the allow-list pattern before touching the warehouse', async () => {
    seen.length = 0;
    await expect(readWatermarks(warehouse, ['SPY', "X') OR 1=1 --"])).rejects.toBeInstanceOf(WatermarkError);
    expect(seen).toHaveLength(0);
    expect(await readWatermarks(warehouse, [])).toEqual(new Map());
    expect(seen).toHaveLength(0);
  });

  it('drives an incremental fetch: watermark → range → paged requests for exactly the missing days', async () => {
    await warehouse.execute({
      name: 'seed_watermark',
      sql: `INSERT INTO market_prices (symbol, trade_date, open_price, high, low, close, adj_close, volume, source, run_id)
            VALUES ('QQQ', CAST(:date AS DATE), 1, 2, 0.5, 1.5, 1.5, 100, 'test', 'run-1')`,
      params: { date: '2024-01-01' },
    });
    const mark = (await readWatermarks(warehouse, ['QQQ'])).get('QQQ')!;
    const range = incrementalRange(mark, '2024-01-10', 30);
    expect(range).toEqual({ from: '2024-01-02', to: '2024-01-10' });

    // The replayed SPY session stands in for QQQ's API ticker.
    const { provider, server } = await setup('spy-two-pages.json', { pageLimit: 3, tickers: { QQQ: 'SPY' } });
    const bars = await provider.fetchDaily('QQQ', range!.from, range!.to);
    expect(bars).toHaveLength(7);
    expect(bars[0]!.trade_date > mark).toBe(true);
    expect(server.unused()).toEqual([]);
  });
});
