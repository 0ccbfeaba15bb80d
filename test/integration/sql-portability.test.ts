/**
 * Dialect guard: every warehouse .sql file (tables, merge, load, results, analysis, catalog) must also run
 * on Postgres — Redshift's ancestor — here PGlite, a real Postgres compiled to WASM. Transform SQL
 * (lambdas/sql/transform/) is DuckDB-only by design and is not checked here, nor are migrations/,
 * which change tables of an older shape (test/integration/schema-migrations.test.ts).
 */
import { PGlite } from '@electric-sql/pglite';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewriteNamedParams } from '../../lambdas/ports/warehouse';
import { columnNames } from '../../lambdas/datasets/dataset';
import { dataset } from '../../lambdas/datasets/registry';

const SQL = join(__dirname, '..', '..', 'lambdas', 'sql');
const WAREHOUSE_FOLDERS = ['tables', 'merge', 'append', 'replace', 'checks', 'load', 'results', 'analysis', 'ops', 'catalog'];

/** A plausible value for each named parameter the SQL files use (extend when adding a parameter). */
const SAMPLE: Record<string, string | number | null> = {
  run_id: '2026-11-01-a1', source: 'meter-simulator', run_date: '2026-11-01', status: 'succeeded',
  rows_in: 10, rows_loaded: 8, duplicates: 1, quarantined: 1, started_at: '2026-11-02T00:00:00Z',
  finished_at: '2026-11-02T00:01:00Z', error: 'boom', default_timezone: 'Europe/London',
  from_day: '2026-10-01', to_day: '2026-11-01', from_ts: '2026-10-01T00:00:00Z', to_ts: '2026-11-03T00:00:00Z',
  as_of: '2026-11-01', last30_from: '2026-10-02', prev30_from: '2026-09-02', active_from: '2026-10-25',
  week_from: '2026-10-25T00:00:00Z', month: '2026-11-01', day: '2026-11-01', symbol: 'SPY', date: '2026-11-01',
  anomaly_id: 'a1', anomaly_ids: 'a1', subject_ids: 'M1', first_run_id: '2026-10-01-a1', last_run_id: '2026-11-01-a1', run_id_pattern: '%-a1', context_from_ts: '2026-10-31T00:00:00Z', history_from_ts: '2026-08-01T00:00:00Z',
  oldest: '2026-10-25T00:00:00Z', spread_from_ts: '2026-10-01T00:00:00Z', detected_run: '2026-11-01-a1', notified_at: '2026-11-02T00:00:00Z',
  occurred_at: '2026-11-01T10:00:00Z', subject_type: 'meter', subject_id: 'M1', rule: 'spike', severity: 'high',
  value: 5.5, expected: 0.4, score: 9.1, interval_minutes: 30, group_id: 'fleet', model: 'holt-winters',
  target_hour: '2026-11-02T00:00:00Z', yhat: 10, lo80: 8, hi80: 12, lo95: 7, hi95: 13,
  trade_date: '2026-11-02', daily_return: 0.01, drawdown: -0.02, ma20: 100, ma50: 99, vol20: 0.2, stage: 'analyze',
  table_name: 'market_prices', column_name: 'open_price',
  energy_type_1: 'electricity', energy_type_2: 'heating', energy_type_3: 'water', stale_before: '2026-10-30T00:00:00Z',
  // EV checks' accepted values (lambdas/datasets/chargers.ts, charger_status.ts).
  status_code_1: 1, status_code_2: 2, status_code_3: 3, status_code_4: 4, status_code_5: 5, status_code_6: 9,
  charger_type_1: '01', charger_type_2: '02', charger_type_3: '03', charger_type_4: '04', charger_type_5: '05', charger_type_6: '06', charger_type_7: '07',
  method_1: 'single', method_2: 'simultaneous',
  // Analyze at scale: the published customers, a page of meters (lambdas/steps/analyze/consumption.ts, anomalies.ts).
  top_n: 1000, page_size: 500, first_meter: 'M0', last_meter: 'M9',
  // EV outages (lambdas/steps/analyze/ev-outages.ts) and flow meters (lambdas/steps/analyze/flow-sensors.ts).
  station_id: 'ST1', charger_id: '01', since: '2026-11-01T08:00:00Z', ended_at: null, last_seen_at: '2026-11-01T12:00:00Z',
  duration_hours: 4, codes: '4,5', oldest_ts: '2026-10-25T00:00:00Z',
  device_id: 'FS001', minute: '2026-11-01T02:30:00Z', hour: '2026-11-01T02:00:00Z', channel: 'flow', flow_lpm: 12.5,
  flow_mean: 12.5, flow_min: 10, flow_max: 15, pressure_mean: 4.2, pressure_min: 4.1, pressure_max: 4.3, minutes: 60,
  night: '2026-11-01', mnf_lpm: 3.2, blocks: 8, slope_lpm_per_night: 0.1, trend_z: 2.5, leak_suspected: 1,
  issued_on: '2026-11-01', lo: 9, hi: 16,
  // The fleet-wide anomaly inputs (lambdas/steps/analyze/anomaly-pages.ts).
  read_from_ts: '2026-10-17T00:00:00Z', envelope_from_ts: '2026-08-01T00:00:00Z', envelope_to_ts: '2026-10-31T00:00:00Z',
};

/**
 * Files that run in one transaction, in this order, over temp tables the first ones create
 * (lambdas/steps/analyze/anomaly-pages.ts): run together when the first is reached.
 */
const SEQUENCES: string[][] = [
  ['analysis/anomaly_meters.sql', 'analysis/anomaly_meters_unload.sql', 'analysis/anomaly_chunk_inputs.sql', 'analysis/anomaly_chunk_unload.sql', 'analysis/anomaly_inputs_drop.sql'],
];

function files(folder: string): string[] {
  const dir = join(SQL, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => join(folder, f));
}

/** `:name` → `$n` with the sample values, the way the Postgres wire protocol binds them. */
function bind(sql: string, file: string): { text: string; values: unknown[] } {
  const names: string[] = [];
  const text = rewriteNamedParams(sql, (name) => {
    if (!(name in SAMPLE)) throw new Error(`${file}: no sample value for parameter :${name}; add one to SAMPLE in this test.`);
    let i = names.indexOf(name);
    if (i < 0) i = names.push(name) - 1;
    return `$${i + 1}`;
  });
  return { text, values: names.map((n) => SAMPLE[n]) };
}

let pg: PGlite;

beforeAll(async () => {
  pg = new PGlite();
  await pg.exec("SET TIME ZONE 'UTC'");
});
afterAll(async () => pg?.close());

describe('warehouse SQL runs on Postgres (PGlite)', () => {
  it('creates every table from its DDL, twice (idempotent)', async () => {
    for (const f of files('tables')) {
      await pg.exec(readFileSync(join(SQL, f), 'utf8'));
      await pg.exec(readFileSync(join(SQL, f), 'utf8'));
    }
    const { rows } = await pg.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'");
    expect(rows[0]!.n).toBe(files('tables').length);
  });

  it('the DDL column lists match what the load reads from them', async () => {
    for (const f of files('tables')) {
      const table = f.replace(/^tables\//, '').replace(/\.sql$/, '');
      const { rows } = await pg.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
        [table],
      );
      expect(rows.map((r) => r.column_name), table).toEqual(columnNames(dataset(table)));
    }
  });

  it('every merge, load, results and analysis statement parses, binds and runs', async () => {
    // Staging tables and the load's temp tables, as the load creates them.
    for (const f of files('merge')) {
      const t = f.replace(/^merge\//, '').replace(/\.sql$/, '');
      await pg.exec(`CREATE TEMP TABLE stg_${t} AS SELECT * FROM ${t} WHERE 1 = 0`);
    }
    await pg.exec(readFileSync(join(SQL, 'load/create_load_counts.sql'), 'utf8'));
    await pg.exec(readFileSync(join(SQL, 'load/create_stg_meter_timezones.sql'), 'utf8'));
    await pg.exec(`INSERT INTO stg_meter_timezones VALUES ('M2', 'Asia/Tokyo', 1)`);
    await pg.exec(`INSERT INTO meters VALUES ('M1', 'Europe/London', 'a1', 't1', 'test', 'r')`);
    await pg.exec(`INSERT INTO stg_meter_readings VALUES ('M1', '2026-11-01T10:00:00Z', 30, 0.5, 'test', 'r')`);
    const ran: string[] = [];
    const inSequence = new Set(SEQUENCES.flat());
    // A sequence runs whole, in its order, where its alphabetically first file would have run.
    const ordered = WAREHOUSE_FOLDERS.slice(1).flatMap((folder) =>
      files(folder).flatMap((f) => {
        const sequence = SEQUENCES.find((q) => q.includes(f));
        if (!sequence) return [f];
        return f === [...sequence].sort()[0] ? sequence : [];
      }),
    );
    expect(ordered.filter((f) => inSequence.has(f)).sort()).toEqual([...inSequence].sort());
    {
      for (const f of ordered) {
        if (f === 'load/create_load_counts.sql' || f === 'load/create_stg_meter_timezones.sql') continue;
        if (f === 'load/affected_days.sql') await pg.exec('DROP TABLE IF EXISTS affected_days');
        // Files run alphabetically; each run-record insert gets a clean slate as in the load.
        if (/load\/(record_loaded_run|insert_missing_runs_failed)\.sql$/.test(f)) await pg.exec('DELETE FROM etl_runs');
        // A file may hold several statements (lambdas/sql/script.ts): each is bound on its own.
        const statements = readFileSync(join(SQL, f), 'utf8').split(/;\s*(?:\n|$)/).filter((s) => s.replace(/--[^\n]*/g, '').trim());
        for (const statement of statements) {
          const { text, values } = bind(statement, f);
          try {
            await pg.query(text, values);
          } catch (e) {
            throw new Error(`${f} failed on Postgres: ${(e as Error).message}`);
          }
        }
        ran.push(f);
      }
    }
    expect(ran).toContain('merge/meter_readings.sql');
    expect(ran).toContain('load/insert_meter_daily.sql');
    // The MERGE and the daily rebuild really did their work on Postgres.
    const { rows } = await pg.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM meter_readings');
    expect(rows[0]!.n).toBe(1);
  });
});
