/**
 * The live market provider through the whole workflow: config.market.provider = "http", the key
 * from the runtime (MARKET_API_KEY locally), the API replayed by a loopback server shaped like the
 * real one. The first run backfills from nothing; the next run fetches only after the watermark.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { closeLocalPorts, localPorts } from '../../lambdas/ports/local-ports';
import { silentLog } from '../../lambdas/steps/ports';
import { runLocalWorkflow } from '../../local/workflow';
import { startReplayServer, type Cassette, type Interaction } from '../fixtures/market-api/replay-server';

const KEY = 'test-key-123';
const DAY = 86_400_000;
const NY_MIDNIGHT_2024_01_02 = 1704171600000;

/** One unadjusted and one adjusted answer for SPY over [from, to], with a bar for each given day. */
function series(from: string, to: string, firstDay: number, days: number): Interaction[] {
  const bars = Array.from({ length: days }, (_, i) => ({ v: 1000 + i, vw: 470, o: 470 + i, c: 471 + i, h: 472 + i, l: 469 + i, t: NY_MIDNIGHT_2024_01_02 + (firstDay + i) * DAY, n: 10 }));
  return ['false', 'true'].map((adjusted) => ({
    request: { path: `/v2/aggs/ticker/SPY/range/1/day/${from}/${to}`, query: { adjusted, sort: 'asc', limit: '50000' } },
    response: { body: { ticker: 'SPY', queryCount: days, resultsCount: days, adjusted: adjusted === 'true', results: bars, status: 'OK', request_id: 'r' } },
  }));
}

const dir = mkdtempSync(join(tmpdir(), 'gridlake-mkt-'));
afterAll(async () => {
  await closeLocalPorts(dir);
  rmSync(dir, { recursive: true, force: true });
  delete process.env.MARKET_API_KEY;
});

describe('market prices from the live HTTP API through the workflow', () => {
  it('backfills from nothing, then continues from the watermark', async () => {
    const cassette: Cassette = {
      description: 'SPY Jan 2–5 2024 (backfill), then Jan 8 (incremental)',
      provenance: 'written for this test in the documented aggregates response shape',
      interactions: [...series('2024-01-02', '2024-01-05', 0, 4), ...series('2024-01-06', '2024-01-08', 6, 1)],
    };
    const server = await startReplayServer(cassette, KEY);
    try {
      process.env.MARKET_API_KEY = KEY;
      const config = { market: { symbols: ['SPY'], provider: 'http', backfillDays: 3, http: { baseUrl: server.origin, maxRequestsPerMinute: 6000 } } };
      const first = await runLocalWorkflow({ dataDir: dir, input: { date: '2024-01-05', sources: ['market'] }, config });
      expect(first.error).toBeUndefined();
      const second = await runLocalWorkflow({ dataDir: dir, input: { date: '2024-01-08', sources: ['market'] }, config });
      expect(second.error).toBeUndefined();
      expect(server.unused()).toEqual([]);
      expect(server.requests.every((r) => r.apiKey === KEY)).toBe(true);

      const ports = await localPorts({ dataDir: dir, config: parseConfig(config), log: silentLog });
      const rows = await ports.warehouse.query({ name: 't', sql: 'SELECT CAST(trade_date AS VARCHAR) AS d, open_price, close FROM market_prices ORDER BY trade_date' });
      expect(rows.map((r) => r.d)).toEqual(['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08']);
      const runs = await ports.warehouse.query({ name: 't', sql: "SELECT run_id, rows_in, rows_loaded FROM etl_runs WHERE source = 'market' ORDER BY run_id" });
      expect(runs.map((r) => [r.rows_in, r.rows_loaded])).toEqual([
        [4, 4],
        [1, 1],
      ]);
    } finally {
      await server.close();
    }
  });
});
