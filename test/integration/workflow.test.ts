/**
 * The spine end to end: the real ASL run by aws-local-stepfunctions, the real handlers, a real
 * folder lake and a real DuckDB warehouse. Exactly-once re-runs, reconciliation, failure handling
 * and retries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeLocalPorts, localPorts } from '../../lambdas/ports/local-ports';
import { getText } from '../../lambdas/ports/object-store';
import { parseConfig, SOURCE_NAMES } from '../../lambdas/config';
import { silentLog } from '../../lambdas/steps/ports';
import { DATASETS } from '../../lambdas/datasets/registry';
import { runLocalWorkflow, type StateEvent } from '../../local/workflow';

const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'gridlake-wf-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) {
    await closeLocalPorts(d);
    rmSync(d, { recursive: true, force: true });
  }
});

const CONFIG = { simulator: { meters: 12 }, market: { symbols: ['SPY', 'XLE'] } };
const TABLES = ['meters', 'meter_readings', 'meter_daily', 'buildings', 'households', 'utility_usage', 'market_prices', 'etl_runs'];

async function sql(dir: string, text: string, params?: Record<string, string | number>) {
  const ports = await localPorts({ dataDir: dir, config: parseConfig(CONFIG), log: silentLog });
  return ports.warehouse.query({ name: 'test', sql: text, params });
}

async function tableCounts(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await sql(dir, `SELECT COUNT(*) AS n FROM ${t}`))[0]!.n);
  return out;
}

describe('local workflow', () => {
  const dir = dataDir();
  let first: Record<string, number>;

  it('runs a 3-day backfill through every state and loads every table', async () => {
    const events: StateEvent[] = [];
    const result = await runLocalWorkflow({ dataDir: dir, input: { from: '2026-11-01', to: '2026-11-03' }, config: CONFIG, onEvent: (e) => events.push(e) });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('SUCCEEDED');
    const exited = new Set(events.filter((e) => e.kind === 'exited').map((e) => e.state));
    for (const s of ['Plan', 'CollectSource', 'TransformBatch', 'Load', 'Analyze', 'Publish']) expect(exited).toContain(s);
    first = await tableCounts(dir);
    expect(first.meters).toBe(12);
    // 12 meters × 3 local days × 48 intervals, minus simulated gaps.
    expect(first.meter_readings).toBeGreaterThan(12 * 3 * 40);
    expect(first.meter_readings).toBeLessThanOrEqual(12 * 3 * 48);
    expect(first.meter_daily).toBe(36);
    expect(first.households).toBe(840);
    expect(first.buildings).toBe(11);
    expect(first.utility_usage).toBe(840 * 3);
    // The first run backfills a year of weekdays per symbol; later dates add their own day.
    expect(first.market_prices).toBeGreaterThanOrEqual(2 * 260);
    expect(first.market_prices).toBeLessThanOrEqual(2 * 263);
    // One run record per date and registered source.
    expect(first.etl_runs).toBe(3 * SOURCE_NAMES.length);
  });

  it('reconciles every run and source: rows in = loaded + duplicates + quarantined', async () => {
    const rows = await sql(dir, 'SELECT * FROM etl_runs');
    for (const r of rows) {
      expect(r.status).toBe('succeeded');
      expect(Number(r.rows_in)).toBe(Number(r.rows_loaded) + Number(r.duplicates) + Number(r.quarantined));
    }
  });

  it('re-running the same dates changes no row count (exactly once)', async () => {
    const again = await runLocalWorkflow({ dataDir: dir, input: { from: '2026-11-01', to: '2026-11-03' }, config: CONFIG });
    expect(again.status).toBe('SUCCEEDED');
    expect(await tableCounts(dir)).toEqual(first);
  });

  it('every table holds each natural key once (keys are declared, not enforced, as on Redshift)', async () => {
    const checked: string[] = [];
    for (const { name: table, naturalKey } of DATASETS) {
      const key = naturalKey.join(', ');
      const repeated = await sql(dir, `SELECT ${key}, COUNT(*) AS n FROM ${table} GROUP BY ${key} HAVING COUNT(*) > 1 LIMIT 3`);
      expect(repeated, `${table} (${key})`).toEqual([]);
      if (Number((await sql(dir, `SELECT COUNT(*) AS n FROM ${table}`))[0]!.n) > 0) checked.push(table);
    }
    // The check ran on filled tables, not on empty ones.
    for (const t of ['meter_readings', 'meter_daily', 'meters', 'utility_usage', 'market_prices', 'etl_runs', 'anomalies', 'market_stats']) expect(checked).toContain(t);
  });

  it('meter_daily matches meter_readings summed per local day', async () => {
    const mismatched = await sql(
      dir,
      `SELECT d.meter_id, d.day FROM meter_daily d
       JOIN (SELECT r.meter_id, CAST(r.interval_start AT TIME ZONE m.timezone AS DATE) AS day, SUM(r.kwh) AS s, COUNT(*) AS c
             FROM meter_readings r JOIN meters m USING (meter_id) GROUP BY 1, 2) x
         ON x.meter_id = d.meter_id AND x.day = d.day
       WHERE ABS(x.s - d.total_kwh) > 1e-9 OR x.c <> d.intervals`,
    );
    expect(mismatched).toEqual([]);
  });

  it('re-running an older date corrects it without rolling the dashboard back to that date', async () => {
    const overview = async () => JSON.parse(await getText((await localPorts({ dataDir: dir, config: parseConfig(CONFIG), log: silentLog })).site, 'data/overview.json')) as { asOfDay: string };
    expect((await overview()).asOfDay).toBe('2026-11-03');
    const again = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-01' }, config: CONFIG });
    expect(again.status).toBe('SUCCEEDED');
    expect((await overview()).asOfDay).toBe('2026-11-03');
    expect(await tableCounts(dir)).toEqual(first);
  });

  it('publishes the dashboard data', async () => {
    const ports = await localPorts({ dataDir: dir, config: parseConfig(CONFIG), log: silentLog });
    for (const f of ['manifest.json', 'overview.json', 'consumption.json', 'runs.json']) {
      expect(await ports.site.exists(`data/${f}`), f).toBe(true);
    }
  });
});

describe('anomalies over a backfill', () => {
  it('examines every date the execution loaded, not only the last', async () => {
    const dir = dataDir();
    const result = await runLocalWorkflow({ dataDir: dir, input: { from: '2026-11-01', to: '2026-11-05' }, config: { simulator: { meters: 40 }, sources: ['meter-simulator'] } });
    expect(result.error).toBeUndefined();
    const days = await sql(dir, "SELECT DISTINCT CAST(CAST(occurred_at AS DATE) AS VARCHAR) AS d FROM anomalies WHERE subject_type = 'meter' ORDER BY d");
    expect(days.length).toBeGreaterThan(1);
    expect(String(days[0]!.d) < '2026-11-05').toBe(true);
  });
});

describe('local workflow failures', () => {
  it('a throwing step fails the run through Catch → NotifyFailure, marks etl_runs failed, loads nothing', async () => {
    const dir = dataDir();
    const result = await runLocalWorkflow({
      dataDir: dir,
      input: { date: '2026-11-02' },
      config: CONFIG,
      retryIntervalMs: 0,
      taskOverrides: {
        Load: async () => {
          throw new Error('disk on fire');
        },
      },
    });
    expect(result.status).toBe('FAILED');
    const runs = await sql(dir, 'SELECT source, status, error FROM etl_runs ORDER BY source');
    expect(runs.length).toBe(SOURCE_NAMES.length);
    for (const r of runs) {
      expect(r.status).toBe('failed');
      expect(String(r.error)).toContain('disk on fire');
    }
    for (const t of ['meter_readings', 'utility_usage', 'market_prices', 'meter_daily']) {
      expect(Number((await sql(dir, `SELECT COUNT(*) AS n FROM ${t}`))[0]!.n), t).toBe(0);
    }
  });

  it('retries a transient error and then succeeds', async () => {
    const dir = dataDir();
    let calls = 0;
    const { handler } = await import('../../lambdas/handlers/publish');
    const result = await runLocalWorkflow({
      dataDir: dir,
      input: { date: '2026-11-02', sources: ['market'] },
      config: CONFIG,
      retryIntervalMs: 0,
      taskOverrides: {
        Publish: async (input) => {
          calls += 1;
          if (calls === 1) throw Object.assign(new Error('throttled'), { name: 'TransientError' });
          return handler(input);
        },
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toBe(2);
  });
});
