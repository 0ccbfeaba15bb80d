/**
 * EV chargers through the whole workflow (import → run → warehouse), as a user does it: the real
 * seed rows load with national codes, the repeated station once, the sessions that end before they
 * start withheld while their statuses load, and the run reconciles; the simulated fleet loads a
 * snapshot every 15 minutes of the local day; a re-run changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { closeLocalPorts, localPorts } from '../../lambdas/ports/local-ports';
import { importChargers } from '../../lambdas/sources/ev-chargers';
import { silentLog } from '../../lambdas/steps/ports';
import { runLocalWorkflow } from '../../local/workflow';

const FIXTURES = join(__dirname, '..', 'fixtures', 'ev-seoul');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) {
    await closeLocalPorts(d);
    rmSync(d, { recursive: true, force: true });
  }
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'gridlake-ev-'));
  dirs.push(d);
  return d;
}

const ports = (dir: string, config: object) => localPorts({ dataDir: dir, config: parseConfig(config), log: silentLog });
const sql = async (dir: string, config: object, text: string) => (await ports(dir, config)).warehouse.query({ name: 'test', sql: text });
const count = async (dir: string, config: object, table: string) => Number((await sql(dir, config, `SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);

describe('EV chargers through the workflow', () => {
  it('imported seed rows: stations once, codes mapped, sessions withheld, the run reconciled; a re-run changes nothing', async () => {
    const dir = tempDir();
    const config = { evChargers: { simulator: false } };
    await importChargers(join(FIXTURES, 'gwanghwamun'), { observedAt: '2023-08-10T00:00+09:00' }, await ports(dir, config));
    const run = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-20', sources: ['ev-chargers'] }, config, retryIntervalMs: 0 });
    expect(run.error).toBeUndefined();
    expect(await count(dir, config, 'charging_stations')).toBe(7);
    expect(await count(dir, config, 'chargers')).toBe(12);
    expect(await count(dir, config, 'charger_status')).toBe(12);
    expect(await sql(dir, config, 'SELECT status_code, COUNT(*) AS n FROM charger_status GROUP BY status_code ORDER BY status_code')).toEqual([
      { status_code: 1, n: 1 },
      { status_code: 2, n: 5 },
      { status_code: 3, n: 2 },
      { status_code: 4, n: 1 },
      { status_code: 9, n: 3 },
    ]);
    expect(await sql(dir, config, "SELECT access_limited FROM charging_stations WHERE station_id = 'HM000001'")).toEqual([{ access_limited: true }]);
    expect(
      await sql(dir, config, "SELECT last_charge_start, last_charge_end FROM charger_status WHERE station_id = 'EP210268' AND charger_id = '02'"),
    ).toEqual([{ last_charge_start: null, last_charge_end: null }]);
    const [record] = await sql(dir, config, "SELECT rows_in, rows_loaded, duplicates, quarantined FROM etl_runs WHERE source = 'ev-chargers'");
    expect(record).toEqual({ rows_in: 9 + 12 + 12, rows_loaded: 7 + 12 + 12, duplicates: 2, quarantined: 0 });

    const again = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-20', sources: ['ev-chargers'] }, config, retryIntervalMs: 0 });
    expect(again.error).toBeUndefined();
    expect(await count(dir, config, 'charger_status')).toBe(12);
  });

  it('the simulated fleet: a snapshot of every charger every 15 minutes of the Seoul day', async () => {
    const dir = tempDir();
    const config = { evChargers: { stations: 5 } };
    const run = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-20', sources: ['ev-chargers'] }, config, retryIntervalMs: 0 });
    expect(run.error).toBeUndefined();
    const chargers = await count(dir, config, 'chargers');
    expect(await count(dir, config, 'charging_stations')).toBe(5);
    expect(await count(dir, config, 'charger_status')).toBe(chargers * 96);
    expect(await sql(dir, config, 'SELECT MIN(observed_at) AS first FROM charger_status')).toEqual([{ first: '2026-11-19T15:00:00.000Z' }]);
  });
});
