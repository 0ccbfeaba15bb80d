import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../lambdas/config';
import { fixedClock } from '../../lambdas/ports/clock';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import type { Warehouse } from '../../lambdas/ports/warehouse';
import { decodeJsonlGz } from '../../lambdas/sources/jsonl-gz';
import { meterSimulatorSource, readLabels } from '../../lambdas/sources/meter-simulator';
import { expectedKwh, meterTraits } from '../../lambdas/sources/meter-simulator/load-shape';
import { localDayIntervals } from '../../lambdas/sources/meter-simulator/local-day';
import { simulateDay, simulateFleet, type FaultLabel, type SimReading } from '../../lambdas/sources/meter-simulator/simulate';
import { rawPrefix } from '../../lambdas/sources/source';
import { silentLog, type StepPorts } from '../../lambdas/steps/ports';

const TZ = 'Europe/London';
const HALF_HOUR = 30 * 60_000;
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** The ports collect uses (config, lake, log); the warehouse must not be touched by a source. */
async function portsFor(config: Config): Promise<StepPorts> {
  const root = await mkdtemp(join(tmpdir(), 'gridlake-metersim-'));
  dirs.push(root);
  const lake = new LocalFolderStore(join(root, 'lake'));
  const warehouse = new Proxy({} as Warehouse, {
    get: () => {
      throw new Error('a source must not use the warehouse');
    },
  });
  return {
    config,
    lake,
    site: new LocalFolderStore(join(root, 'site')),
    warehouse,
    notifier: { notify: async () => {} },
    clock: fixedClock('2026-03-30T06:00:00Z'),
    log: silentLog,
    pseudonymKey: 'test',
    tmpDir: root,
  };
}

function days(from: string, count: number): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

const hourFormat = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', hourCycle: 'h23' });
const localHour = (iso: string): number => Number(hourFormat.format(new Date(iso)));
const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TZ });
const localDate = (iso: string): string => dateFormat.format(new Date(iso));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe('simulateFleet', () => {
  it('numbers meters M0001… with areas a1..a4 and tariffs t1..t3, deterministically', () => {
    const fleet = simulateFleet({ meters: 200, seed: 42, timezone: TZ, faults: true });
    expect(fleet).toHaveLength(200);
    expect(fleet[0]!.meter_id).toBe('M0001');
    expect(fleet[199]!.meter_id).toBe('M0200');
    expect(new Set(fleet.map((m) => m.area))).toEqual(new Set(['a1', 'a2', 'a3', 'a4']));
    expect(new Set(fleet.map((m) => m.tariff))).toEqual(new Set(['t1', 't2', 't3']));
    expect(fleet.every((m) => m.timezone === TZ)).toBe(true);
    expect(simulateFleet({ meters: 200, seed: 42, timezone: TZ, faults: true })).toEqual(fleet);
  });

  it('rejects a fleet size that is not a positive whole number, naming the field', () => {
    expect(() => simulateFleet({ meters: 0, seed: 1, timezone: TZ, faults: false })).toThrow(/simulator\.meters/);
  });
});

describe('simulateDay: local days and DST', () => {
  const perMeter = (date: string, timezone = TZ): number =>
    simulateDay({ meters: 3, seed: 1, timezone, faults: false, date }).readings.filter((r) => r.meter_id === 'M0001').length;

  it('emits 48 half-hours on a normal day, 46 on spring-forward and 50 on fall-back (Europe/London)', () => {
    expect(perMeter('2026-01-14')).toBe(48);
    expect(perMeter('2026-03-29')).toBe(46);
    expect(perMeter('2026-10-25')).toBe(50);
    expect(perMeter('2026-03-08', 'America/New_York')).toBe(46);
  });

  it('starts the day at local midnight, as a UTC instant with Z, on the 30-minute grid', () => {
    const summer = simulateDay({ meters: 1, seed: 1, timezone: TZ, faults: false, date: '2026-07-01' }).readings;
    expect(summer[0]!.timestamp).toBe('2026-06-30T23:00:00Z');
    expect(summer.at(-1)!.timestamp).toBe('2026-07-01T22:30:00Z');
    const fallBack = simulateDay({ meters: 1, seed: 1, timezone: TZ, faults: false, date: '2026-10-25' }).readings;
    expect(fallBack[0]!.timestamp).toBe('2026-10-24T23:00:00Z');
    expect(fallBack.at(-1)!.timestamp).toBe('2026-10-25T23:30:00Z');
    for (const r of [...summer, ...fallBack]) expect(Date.parse(r.timestamp) % HALF_HOUR).toBe(0);
  });

  it('names the bad input', () => {
    expect(() => simulateDay({ meters: 1, seed: 1, timezone: TZ, faults: false, date: '2026-02-30' })).toThrow(/2026-02-30/);
    expect(() => simulateDay({ meters: 1, seed: 1, timezone: 'Mars/Olympus', faults: false, date: '2026-02-01' })).toThrow(/Mars\/Olympus/);
  });
});

describe('simulateDay: determinism', () => {
  it('gives the same readings for the same (seed, date), whatever the fleet size or call order', () => {
    const o = { seed: 42, timezone: TZ, faults: true, date: '2026-02-10' };
    const a = simulateDay({ ...o, meters: 50 });
    simulateDay({ ...o, meters: 10, date: '2026-02-11' });
    const b = simulateDay({ ...o, meters: 50 });
    expect(b).toEqual(a);
    const bigger = simulateDay({ ...o, meters: 80 });
    const first50 = (rs: SimReading[]) => rs.filter((r) => Number(r.meter_id.slice(1)) <= 50);
    expect(first50(bigger.readings)).toEqual(a.readings);
    expect(simulateDay({ ...o, meters: 50, seed: 43 }).readings).not.toEqual(a.readings);
  });

  it('rounds kWh to 4 decimals and never emits negative energy', () => {
    const { readings } = simulateDay({ meters: 100, seed: 5, timezone: TZ, faults: true, date: '2026-05-02' });
    for (const r of readings) {
      expect(r.kwh).toBeGreaterThan(0);
      expect(Math.round(r.kwh * 10_000) / 10_000).toBe(r.kwh);
    }
  });
});

describe('simulateDay: load shape', () => {
  // Two clean weeks of a 40-meter fleet in January, and one week in July.
  const january = days('2026-01-05', 14).flatMap((date) =>
    simulateDay({ meters: 40, seed: 42, timezone: TZ, faults: false, date }).readings.map((r) => ({ ...r, date })),
  );

  it('has a night low, a morning peak and a larger evening peak', () => {
    const byHour = (from: number, to: number) => mean(january.filter((r) => localHour(r.timestamp) >= from && localHour(r.timestamp) < to).map((r) => r.kwh));
    const night = byHour(0, 5);
    expect(byHour(7, 9)).toBeGreaterThan(1.5 * night);
    expect(byHour(17, 21)).toBeGreaterThan(2 * night);
    expect(byHour(17, 21)).toBeGreaterThan(byHour(11, 15));
  });

  it('is strongly daily and weekly periodic in the fleet total', () => {
    const totals = new Map<string, number>();
    for (const r of january) totals.set(r.timestamp, (totals.get(r.timestamp) ?? 0) + r.kwh);
    const series = [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
    expect(series).toHaveLength(14 * 48);
    const corr = (lag: number) => {
      const x = series.slice(lag);
      const y = series.slice(0, series.length - lag);
      const mx = mean(x);
      const my = mean(y);
      const cov = mean(x.map((v, i) => (v - mx) * (y[i]! - my)));
      const sd = (v: number[], m: number) => Math.sqrt(mean(v.map((a) => (a - m) ** 2)));
      return cov / (sd(x, mx) * sd(y, my));
    };
    expect(corr(48)).toBeGreaterThan(0.8); // one day
    expect(corr(7 * 48)).toBeGreaterThan(0.95); // one week
    expect(corr(7 * 48)).toBeGreaterThan(corr(48)); // weekends differ from weekdays
  });

  it('differs at weekends: more use in the daytime and a later morning', () => {
    const weekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
    const at = (we: boolean, from: number, to: number) =>
      mean(january.filter((r) => weekend(r.date) === we && localHour(r.timestamp) >= from && localHour(r.timestamp) < to).map((r) => r.kwh));
    expect(at(true, 11, 16)).toBeGreaterThan(1.2 * at(false, 11, 16));
    expect(at(true, 9, 11)).toBeGreaterThan(at(false, 9, 11));
  });

  it('uses more in winter than in summer', () => {
    const july = days('2026-07-06', 14).flatMap((date) => simulateDay({ meters: 40, seed: 42, timezone: TZ, faults: false, date }).readings);
    expect(mean(january.map((r) => r.kwh))).toBeGreaterThan(1.4 * mean(july.map((r) => r.kwh)));
  });

  it('keeps household base loads between 0.1 and 0.6 kWh per half-hour', () => {
    for (const m of simulateFleet({ meters: 200, seed: 42, timezone: TZ, faults: false })) {
      const { base } = meterTraits(42, m.meter_id);
      expect(base).toBeGreaterThanOrEqual(0.1);
      expect(base).toBeLessThanOrEqual(0.6);
    }
  });
});

describe('simulateDay: faults and their labels', () => {
  const METERS = 200;
  const DATES = days('2026-01-01', 60);
  const key = (meter: string, ts: string) => `${meter}|${ts}`;
  interface Day {
    date: string;
    readings: SimReading[];
    labels: FaultLabel[];
    /** The same day with faults off: the truth. */
    clean: Map<string, number>;
    byMeter: Map<string, SimReading[]>;
  }
  const group = (rs: SimReading[]) => {
    const m = new Map<string, SimReading[]>();
    for (const r of rs) m.set(r.meter_id, [...(m.get(r.meter_id) ?? []), r]);
    return m;
  };
  const simulated: Day[] = DATES.map((date) => {
    const o = { meters: METERS, seed: 42, timezone: TZ, date };
    const day = simulateDay({ ...o, faults: true });
    const clean = new Map(simulateDay({ ...o, faults: false }).readings.map((r) => [key(r.meter_id, r.timestamp), r.kwh]));
    return { date, ...day, clean, byMeter: group(day.readings) };
  });
  const all = simulated.flatMap((day) => day.labels.map((label) => ({ label, day })));
  const rowsIn = (d: Day, l: FaultLabel) => (d.byMeter.get(l.meter_id) ?? []).filter((r) => r.timestamp >= l.start && r.timestamp < l.end);
  const intervalsOf = (l: FaultLabel) => (Date.parse(l.end) - Date.parse(l.start)) / HALF_HOUR;

  it('injects each kind at roughly its configured rate', () => {
    const meterDays = METERS * DATES.length;
    const rate = (k: string) => all.filter((x) => x.label.kind === k).length / meterDays;
    expect(rate('spike')).toBeGreaterThan(0.012);
    expect(rate('spike')).toBeLessThan(0.03);
    for (const k of ['stuck', 'gap', 'duplicate']) {
      expect(rate(k)).toBeGreaterThan(0.005);
      expect(rate(k)).toBeLessThan(0.016);
    }
    expect(rate('resent')).toBeGreaterThan(0.002);
    expect(rate('resent')).toBeLessThan(0.009);
  });

  it('labels stuck runs of 8–24 intervals that all carry the value at the run start', () => {
    const stuck = all.filter((x) => x.label.kind === 'stuck');
    expect(stuck.length).toBeGreaterThan(0);
    for (const { label, day } of stuck) {
      const rows = rowsIn(day, label);
      expect(rows).toHaveLength(intervalsOf(label));
      expect(rows.length).toBeGreaterThanOrEqual(8);
      expect(rows.length).toBeLessThanOrEqual(24);
      expect(new Set(rows.map((r) => r.kwh)).size).toBe(1);
      expect(rows[0]!.kwh).toBe(day.clean.get(key(label.meter_id, label.start)));
      expect(rows[0]!.kwh).toBeGreaterThan(0);
    }
  });

  it('labels gaps of 2–12 intervals that are absent from the data', () => {
    const gaps = all.filter((x) => x.label.kind === 'gap');
    expect(gaps.length).toBeGreaterThan(0);
    for (const { label, day } of gaps) {
      expect(rowsIn(day, label)).toHaveLength(0);
      expect(intervalsOf(label)).toBeGreaterThanOrEqual(2);
      expect(intervalsOf(label)).toBeLessThanOrEqual(12);
    }
  });

  it('labels spikes of one interval at ≥ 5× the expected and ≥ 5× the typical value for that weekday and hour', () => {
    // Typical: the median of the meter's clean readings in the same local hour on the same weekday.
    const typical = new Map<string, number[]>();
    const slot = (meter: string, iso: string) => `${meter}|${new Date(`${localDate(iso)}T00:00:00Z`).getUTCDay()}|${localHour(iso)}`;
    const spikes = all.filter((x) => x.label.kind === 'spike');
    const wanted = new Set(spikes.map((x) => x.label.meter_id));
    for (const d of simulated) {
      for (const [k, v] of d.clean) {
        const [meter, ts] = k.split('|') as [string, string];
        if (!wanted.has(meter)) continue;
        const s = slot(meter, ts);
        const list = typical.get(s);
        if (list) list.push(v);
        else typical.set(s, [v]);
      }
    }
    expect(spikes.length).toBeGreaterThan(0);
    for (const { label, day } of spikes) {
      expect(intervalsOf(label)).toBe(1);
      const rows = rowsIn(day, label);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      const interval = localDayIntervals(localDate(row.timestamp), TZ).find((i) => i.start === row.timestamp)!;
      expect(row.kwh).toBeGreaterThanOrEqual(5 * expectedKwh(meterTraits(42, label.meter_id), interval));
      expect(row.kwh).toBeLessThanOrEqual(25); // under the transform's plausibility ceiling
      expect(row.kwh).toBeGreaterThanOrEqual(5 * median(typical.get(slot(label.meter_id, row.timestamp))!));
    }
  });

  it('labels exact duplicates and re-sends whose later row is the correct value', () => {
    const dups = all.filter((x) => x.label.kind === 'duplicate');
    const resent = all.filter((x) => x.label.kind === 'resent');
    expect(dups.length).toBeGreaterThan(0);
    expect(resent.length).toBeGreaterThan(0);
    for (const { label, day } of dups) {
      const rows = rowsIn(day, label);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toEqual(rows[1]);
      expect(rows[0]!.kwh).toBe(day.clean.get(key(label.meter_id, label.start)));
    }
    for (const { label, day } of resent) {
      const rows = rowsIn(day, label);
      expect(rows).toHaveLength(2);
      expect(rows[0]!.kwh).not.toBe(rows[1]!.kwh);
      expect(rows[1]!.kwh).toBe(day.clean.get(key(label.meter_id, label.start)));
      expect(day.readings.indexOf(rows[1]!)).toBeGreaterThan(day.readings.indexOf(rows[0]!));
    }
  });

  it('never overlaps faults on a meter, and leaves every unlabelled row exactly as the clean day', () => {
    for (const d of simulated) {
      expect(d.clean.size).toBe(METERS * 48); // without faults: every (meter, interval) exactly once
      const labels = new Map<string, FaultLabel[]>();
      for (const l of d.labels) labels.set(l.meter_id, [...(labels.get(l.meter_id) ?? []), l]);
      for (const ls of labels.values()) {
        const sorted = [...ls].sort((a, b) => (a.start < b.start ? -1 : 1));
        for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.start >= sorted[i - 1]!.end).toBe(true);
      }
      const seen = new Set<string>();
      for (const r of d.readings) {
        if ((labels.get(r.meter_id) ?? []).some((l) => r.timestamp >= l.start && r.timestamp < l.end)) continue;
        const k = key(r.meter_id, r.timestamp);
        if (seen.has(k) || r.kwh !== d.clean.get(k)) throw new Error(`unlabelled fault at ${k} on ${d.date}`);
        seen.add(k);
      }
      expect(seen.size + d.labels.reduce((n, l) => n + intervalsOf(l), 0)).toBe(METERS * 48);
    }
  });
});

describe('meterSimulatorSource.collect', () => {
  const input = { runId: '2026-03-29-a1', date: '2026-03-29', source: 'meter-simulator' as const };
  const config = parseConfig({ simulator: { meters: 30, seed: 9, timezone: TZ, faults: true } });

  it('writes meters, readings and labels as jsonl.gz and returns one batch per dataset', async () => {
    const ports = await portsFor(config);
    const batches = await meterSimulatorSource.collect(input, ports);
    const prefix = rawPrefix('meter-simulator', input.date, input.runId);
    expect(batches).toEqual([
      { ...input, dataset: 'meters', rawKey: `${prefix}meters-00000.jsonl.gz`, format: 'jsonl.gz', options: {} },
      { ...input, dataset: 'meter_readings', rawKey: `${prefix}meter_readings-00000.jsonl.gz`, format: 'jsonl.gz', options: {} },
    ]);
    const meters = decodeJsonlGz<Record<string, unknown>>(await ports.lake.get(batches[0]!.rawKey), 'meters');
    expect(meters).toHaveLength(30);
    expect(Object.keys(meters[0]!)).toEqual(['meter_id', 'timezone', 'area', 'tariff']);
    const readings = decodeJsonlGz<Record<string, unknown>>(await ports.lake.get(batches[1]!.rawKey), 'readings');
    const expected = simulateDay({ ...config.simulator, date: input.date });
    expect(readings).toEqual(expected.readings);
    expect(Object.keys(readings[0]!)).toEqual(['meter_id', 'timestamp', 'kwh']);
    expect(await readLabels(ports.lake, prefix)).toEqual(expected.labels);
    // Every batch is of a dataset the source declares, in its declared (load) order.
    expect(batches.map((b) => b.dataset)).toEqual([...meterSimulatorSource.datasets]);
  });

  it('writes the same bytes when run twice (idempotent collect)', async () => {
    const a = await portsFor(config);
    const b = await portsFor(config);
    const batchesA = await meterSimulatorSource.collect(input, a);
    await meterSimulatorSource.collect(input, b);
    await meterSimulatorSource.collect(input, b); // a re-run over the same keys
    const prefix = rawPrefix('meter-simulator', input.date, input.runId);
    for (const k of [...batchesA.map((x) => x.rawKey), `${prefix}labels.jsonl.gz`]) {
      expect(Buffer.from(await b.lake.get(k)).equals(Buffer.from(await a.lake.get(k)))).toBe(true);
    }
  });
});
