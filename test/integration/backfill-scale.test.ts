/**
 * Backfills on the ForEachDate Distributed Map: each date is a child execution with a history of
 * its own, so the execution's history does not grow with dates (counted by the runner's real model,
 * local/quotas.ts), and dates may load at once (config workflow.dateConcurrency) without losing or
 * doubling a row: the result equals the one-date-at-a-time run, table by table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { closeLocalPorts, localPorts } from '../../lambdas/ports/local-ports';
import { silentLog } from '../../lambdas/steps/ports';
import { AWS_QUOTAS } from '../../local/quotas';
import { runLocalWorkflow, type StateEvent } from '../../local/workflow';

const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'gridlake-backfill-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) {
    await closeLocalPorts(d);
    rmSync(d, { recursive: true, force: true });
  }
});

/** A small fleet: 2 simulated meters (with the simulator's faults: duplicates, spikes, gaps). */
const fleet = (dateConcurrency: number) => ({ sources: ['meter-simulator'], simulator: { meters: 2 }, workflow: { dateConcurrency } });

/** The warehouse's content, table by table, in figures that change if a row is lost or doubled. */
async function fingerprint(dir: string, config: Record<string, unknown>) {
  const ports = await localPorts({ dataDir: dir, config: parseConfig(config), log: silentLog });
  const q = async (sql: string) => (await ports.warehouse.query({ name: 'fingerprint', sql })).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));
  return {
    readings: await q('SELECT count(*) AS n, count(DISTINCT meter_id) AS meters, round(sum(kwh), 6) AS kwh FROM meter_readings'),
    daily: await q('SELECT count(*) AS n, round(sum(total_kwh), 6) AS kwh, sum(intervals) AS intervals FROM meter_daily'),
    meters: await q('SELECT count(*) AS n FROM meters'),
    runs: await q("SELECT status, count(*) AS n, sum(rows_in) AS rows_in, sum(rows_loaded) AS loaded, sum(duplicates) AS dup, sum(quarantined) AS q FROM etl_runs GROUP BY status ORDER BY status"),
  };
}

/** The most Load states running at the same moment (children of different dates). */
function peakConcurrentLoads(events: StateEvent[]): number {
  let running = 0;
  let peak = 0;
  for (const e of events.filter((x) => x.state === 'Load' && (x.kind === 'entered' || x.kind === 'exited'))) {
    running += e.kind === 'entered' ? 1 : -1;
    peak = Math.max(peak, running);
  }
  return peak;
}

describe('backfills on the ForEachDate Distributed Map', () => {
  it('a 365-date backfill of a small fleet stays far under 25,000 history events in every execution', async () => {
    const dir = dataDir();
    const config = fleet(4);
    const year = await runLocalWorkflow({ dataDir: dir, input: { from: '2025-10-01', to: '2026-09-30' }, config, retryIntervalMs: 0 });
    expect(year.error).toBeUndefined();
    expect(year.status).toBe('SUCCEEDED');
    // The parent's history does not grow with dates: a 3-date run writes the same number of events.
    const three = await runLocalWorkflow({ dataDir: dataDir(), input: { from: '2026-09-28', to: '2026-09-30' }, config, retryIntervalMs: 0 });
    expect(three.status).toBe('SUCCEEDED');
    expect(year.historyEvents).toBe(three.historyEvents);
    expect(year.historyEvents).toBeLessThan(100);
    // 365 dates, each with its source and batches: every child's history is small too.
    expect(year.childExecutions).toBeGreaterThanOrEqual(365 * 3);
    expect(year.largestChildHistoryEvents).toBeLessThan(AWS_QUOTAS.historyEvents / 500);
    expect(year.largestPayloadBytes).toBeLessThan(AWS_QUOTAS.payloadBytes / 50);
    const [runs] = (await fingerprint(dir, config)).runs;
    expect(runs).toMatchObject({ status: 'succeeded', n: '365' });
  }, 1_800_000);

  it('dates loading at once lose and double nothing: the same tables as one date at a time', async () => {
    const input = { from: '2026-10-20', to: '2026-10-27' };
    const serialDir = dataDir();
    const serial = await runLocalWorkflow({ dataDir: serialDir, input, config: fleet(1), retryIntervalMs: 0 });
    expect(serial.status).toBe('SUCCEEDED');
    const events: StateEvent[] = [];
    const parallelDir = dataDir();
    const parallel = await runLocalWorkflow({ dataDir: parallelDir, input, config: fleet(4), retryIntervalMs: 0, onEvent: (e) => events.push(e) });
    expect(parallel.error).toBeUndefined();
    expect(parallel.status).toBe('SUCCEEDED');
    // The loads did run at the same time (the warehouse adapter serialises their transactions).
    expect(peakConcurrentLoads(events)).toBeGreaterThanOrEqual(2);
    const expected = await fingerprint(serialDir, fleet(1));
    expect(Number(expected.readings[0]!.n)).toBeGreaterThan(0);
    expect(expected.runs).toEqual([expect.objectContaining({ status: 'succeeded', n: '8' })]);
    expect(await fingerprint(parallelDir, fleet(4))).toEqual(expected);
  }, 600_000);
});
