/**
 * The national EV charger-status API through the whole workflow: config.evChargers.api set, the
 * service key from the runtime (EV_API_KEY locally), the API replayed by a loopback server whose
 * list shifts while it is read. The run loads the server's final list once, reconciles, and the
 * analysis publishes it; without a key the run fails naming EV_API_KEY.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import type { EvBroken, EvUtilisation } from '../../lambdas/contract/results';
import { closeLocalPorts, localPorts } from '../../lambdas/ports/local-ports';
import { silentLog } from '../../lambdas/steps/ports';
import { runLocalWorkflow } from '../../local/workflow';
import { chargerList, startShiftingServer } from '../fixtures/ev-api/shifting-server';

const KEY = 'Xy+9/abc==SECRET';
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) {
    await closeLocalPorts(d);
    rmSync(d, { recursive: true, force: true });
  }
  delete process.env.EV_API_KEY;
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gridlake-ev-api-'));
  dirs.push(d);
  return d;
};

describe('the national EV charger API through the workflow', () => {
  it('collects a consistent snapshot while pages shift, loads and analyses it', async () => {
    const items = chargerList(40);
    items[3]!.stat = '4';
    items[7]!.stat = '3';
    const server = await startShiftingServer({
      serviceKey: KEY,
      items,
      // Between pages of the first pass a charger appears at the front and another goes away.
      beforeRequest: (n, list) => {
        if (n === 2) list.unshift({ ...list[0]!, statId: 'AA0001', chgerId: '01', stat: '2' });
        if (n === 3) list.splice(20, 1);
      },
    });
    const dir = tempDir();
    try {
      process.env.EV_API_KEY = KEY;
      const config = { evChargers: { simulator: false, api: { baseUrl: server.origin, pageSize: 10, maxRequestsPerMinute: 60_000, params: { zcode: '11', period: '5' } } } };
      const run = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-20', sources: ['ev-chargers'] }, config, retryIntervalMs: 0 });
      expect(run.error).toBeUndefined();
      expect(server.requests.every((r) => r.status === 200 && r.query.zcode === '11' && r.query.period === '5' && r.query.numOfRows === '10')).toBe(true);

      const ports = await localPorts({ dataDir: dir, config: parseConfig(config), log: silentLog });
      const loaded = await ports.warehouse.query({ name: 't', sql: 'SELECT station_id, charger_id, status_code FROM charger_status ORDER BY station_id, charger_id' });
      expect(loaded.map((r) => `${r.station_id}/${r.charger_id}:${r.status_code}`)).toEqual(
        server.list.map((i) => `${i.statId}/${i.chgerId}:${i.stat}`).sort(),
      );
      const [record] = await ports.warehouse.query({ name: 't', sql: "SELECT rows_in, rows_loaded, duplicates, quarantined FROM etl_runs WHERE source = 'ev-chargers'" });
      expect(Number(record!.rows_in)).toBe(Number(record!.rows_loaded) + Number(record!.duplicates) + Number(record!.quarantined));
      expect(Number(record!.rows_loaded)).toBe(server.list.length);
      // The service key never reaches a log, a raw object or a result.
      expect(JSON.stringify(run)).not.toContain('SECRET');

      // Analysed: the statuses are there for utilisation (the API gives no station places: those come from imports).
      const util = JSON.parse(readFileSync(join(dir, 'lake', 'results', 'latest', 'ev-utilisation.json'), 'utf8')) as EvUtilisation;
      expect(util.stations.length).toBe(new Set(server.list.map((i) => i.statId)).size);
      const broken = JSON.parse(readFileSync(join(dir, 'lake', 'results', 'latest', 'ev-broken.json'), 'utf8')) as EvBroken;
      expect(broken.items).toEqual([]); // one snapshot: nothing has been out of service for 2 h yet
    } finally {
      await server.close();
    }
  }, 120_000);

  it('without a service key the run fails and says where the key goes', async () => {
    delete process.env.EV_API_KEY;
    const dir = tempDir();
    const config = { evChargers: { simulator: false, api: { baseUrl: 'http://127.0.0.1:9', maxRequestsPerMinute: 60_000 } } };
    const run = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-20', sources: ['ev-chargers'] }, config, retryIntervalMs: 0 });
    expect(JSON.stringify(run.error)).toContain('EV_API_KEY');
  }, 120_000);
});
