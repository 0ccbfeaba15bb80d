/**
 * Broken-charger alerts through the Notifier (the local file notifier), on a real DuckDB warehouse:
 * one alert per outage, none again on a re-run or while the charger stays broken, a new one for a
 * new outage, and a notifier failing part-way leaves only the unsent for the next run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Notifier } from '../../lambdas/ports/notifier';
import { evAlertsAnalysis } from '../../lambdas/steps/analyze/ev-alerts';
import { evChargersAnalysis } from '../../lambdas/steps/analyze/ev-chargers';
import { openEvFixture, type EvFixture } from './ev-analysis-fixture';

const fixtures: EvFixture[] = [];
afterAll(async () => {
  for (const f of fixtures) await f.cleanup();
});
const HOUR = 3_600_000;
const END = Date.parse('2026-11-19T15:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

async function run(fx: EvFixture, runId: string) {
  await evChargersAnalysis.run(fx.ctx(runId));
  return (await evAlertsAnalysis.run(fx.ctx(runId))).counts.sent;
}

describe('broken-charger alerts', () => {
  it('are sent once per outage, through the file notifier', async () => {
    const fx = await openEvFixture({ stations: 1 });
    fixtures.push(fx);
    const [a, b, c] = fx.fleet.chargers.map((x) => ({ station_id: x.station_id, charger_id: x.charger_id }));
    const statuses = (from: number, to: number, code: (t: number, who: string) => number) => {
      const rows = [];
      for (let t = from; t <= to; t += HOUR) for (const x of [a!, b!, c!]) rows.push({ ...x, observed_at: iso(t), status_code: code(t, x.charger_id) });
      return rows;
    };
    // a: stopped for two days; b: a communication error for 3 h; c: fine.
    await fx.insertStatuses(statuses(END - 5 * 24 * HOUR, END, (t, who) => (who === a!.charger_id ? (t >= END - 48 * HOUR ? 4 : 2) : who === b!.charger_id ? (t >= END - 3 * HOUR ? 1 : 3) : 2)));
    expect(await run(fx, 'r1')).toBe(2);
    const first = fx.sent();
    expect(first.map((n) => [n.id, n.severity, n.kind, n.runId])).toEqual([
      [`ev-broken:${a!.station_id}/${a!.charger_id}:${iso(END - 48 * HOUR).replace('.000Z', 'Z')}`, 'high', 'threshold', 'r1'],
      [`ev-broken:${b!.station_id}/${b!.charger_id}:${iso(END - 3 * HOUR).replace('.000Z', 'Z')}`, 'warning', 'threshold', 'r1'],
    ]);
    expect(first[0]!.title).toContain(fx.fleet.stations[0]!.name);
    expect(first[0]!.message).toContain('stopped');

    // A re-run over the same data: nothing new.
    expect(await run(fx, 'r2')).toBe(0);
    // Two hours on: a repaired, b still out (same outage: no alert), c out for 3 h (a new alert).
    await fx.insertStatuses(statuses(END + HOUR, END + 5 * HOUR, (t, who) => (who === a!.charger_id ? 2 : who === b!.charger_id ? 1 : t >= END + 2 * HOUR ? 5 : 2)));
    expect(await run(fx, 'r3')).toBe(1);
    expect(fx.sent().slice(2).map((n) => n.id)).toEqual([`ev-broken:${c!.station_id}/${c!.charger_id}:${iso(END + 2 * HOUR).replace('.000Z', 'Z')}`]);
    // a breaks again: a new outage, a new alert.
    await fx.insertStatuses(statuses(END + 6 * HOUR, END + 9 * HOUR, (_t, who) => (who === a!.charger_id ? 4 : who === b!.charger_id ? 1 : 5)));
    expect(await run(fx, 'r4')).toBe(1);
    expect(fx.sent().slice(3).map((n) => n.id)).toEqual([`ev-broken:${a!.station_id}/${a!.charger_id}:${iso(END + 6 * HOUR).replace('.000Z', 'Z')}`]);
    expect(await run(fx, 'r5')).toBe(0);
    expect(new Set(fx.sent().map((n) => n.id)).size).toBe(fx.sent().length);
  });

  it('a notifier failing part-way: the sent one is marked, the next run sends only the rest', async () => {
    const fx = await openEvFixture({ stations: 1 });
    fixtures.push(fx);
    const [a, b] = fx.fleet.chargers;
    const rows = [];
    for (let t = END - 4 * HOUR; t <= END; t += HOUR) {
      rows.push({ station_id: a!.station_id, charger_id: a!.charger_id, observed_at: iso(t), status_code: 4 });
      rows.push({ station_id: b!.station_id, charger_id: b!.charger_id, observed_at: iso(t), status_code: 5 });
    }
    await fx.insertStatuses(rows);
    await evChargersAnalysis.run(fx.ctx('r1'));
    const fileNotifier = fx.ports.notifier;
    let calls = 0;
    const flaky: Notifier = {
      async notify(n) {
        if (++calls === 2) throw new Error('channel down');
        await fileNotifier.notify(n);
      },
    };
    (fx.ports as { notifier: Notifier }).notifier = flaky;
    await expect(evAlertsAnalysis.run(fx.ctx('r1'))).rejects.toThrow('channel down');
    (fx.ports as { notifier: Notifier }).notifier = fileNotifier;
    expect(fx.sent()).toHaveLength(1);
    expect((await evAlertsAnalysis.run(fx.ctx('r2'))).counts.sent).toBe(1);
    expect(fx.sent().map((n) => n.details?.charger_id).sort()).toEqual([a!.charger_id, b!.charger_id].sort());
  });
});
