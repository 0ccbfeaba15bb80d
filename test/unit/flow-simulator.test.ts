import { describe, expect, it } from 'vitest';
import { FlowInputError } from '../../lambdas/analysis/flow-minute-grid';
import { FLOW_FAULT_RATES } from '../../lambdas/sources/flow-sensors/faults';
import { deviceIds, simulateDeviceDay, simulateFlowRange, type FlowFaultLabel } from '../../lambdas/sources/flow-sensors/simulate';

const TOKYO = 'Asia/Tokyo';
const LONDON = 'Europe/London';
const MIN = 60_000;

const pearson = (a: number[], b: number[]) => {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) (sab += (a[i]! - ma) * (b[i]! - mb)), (saa += (a[i]! - ma) ** 2), (sbb += (b[i]! - mb) ** 2);
  return sab / Math.sqrt(saa * sbb);
};

/** Hour of the day (0–23, local) with the highest mean flow, from a Tokyo day (no DST: minute i is 00:00 + i). */
const peakHour = (flow: Float64Array) => {
  const hours = Array.from({ length: 24 }, (_, h) => flow.slice(h * 60, h * 60 + 60).reduce((s, v) => s + v, 0) / 60);
  return hours.indexOf(Math.max(...hours));
};

describe('flow simulator: shape', () => {
  it('has 20 devices by default, one reading a minute, and local days of 1,380/1,440/1,500 minutes across DST', () => {
    expect(deviceIds({ seed: 1, timezone: TOKYO })).toHaveLength(20);
    expect(deviceIds({ seed: 1, timezone: TOKYO })[0]).toBe('FS001');
    const o = { seed: 1, timezone: LONDON, faults: false };
    expect(simulateDeviceDay(o, 'FS001', '2026-03-28').day.flow).toHaveLength(1440);
    expect(simulateDeviceDay(o, 'FS001', '2026-03-29').day.flow).toHaveLength(1380);
    expect(simulateDeviceDay(o, 'FS001', '2026-10-25').day.flow).toHaveLength(1500);
    // The day starts at local midnight: 2026-07-01 00:00 BST = 2026-06-30T23:00Z.
    expect(new Date(simulateDeviceDay(o, 'FS001', '2026-07-01').day.startMs).toISOString()).toBe('2026-06-30T23:00:00.000Z');
  });

  it('is low at night, peaks in the morning on weekdays and later at weekends, and pressure falls as demand rises', () => {
    const o = { seed: 3, timezone: TOKYO, faults: false };
    for (const id of ['FS001', 'FS002', 'FS003']) {
      const weekday = simulateDeviceDay(o, id, '2026-12-02').day; // a Wednesday
      const weekend = simulateDeviceDay(o, id, '2026-12-06').day; // a Sunday
      const night = weekday.flow.slice(120, 240).reduce((s, v) => s + v, 0) / 120;
      const morning = weekday.flow.slice(420, 480).reduce((s, v) => s + v, 0) / 60;
      expect(morning).toBeGreaterThan(2.5 * night);
      expect(peakHour(weekday.flow)).toBeGreaterThanOrEqual(6);
      expect(peakHour(weekday.flow)).toBeLessThanOrEqual(8);
      expect(peakHour(weekend.flow)).toBeGreaterThan(peakHour(weekday.flow));
      expect(pearson([...weekday.flow], [...weekday.pressure])).toBeLessThan(-0.9);
      for (const v of weekday.pressure) expect(v).toBeGreaterThan(1);
      for (const v of weekday.flow) expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('refuses bad options with the fix in the message', () => {
    expect(() => deviceIds({ seed: 1, timezone: TOKYO, devices: 0 })).toThrow(FlowInputError);
    expect(() => deviceIds({ seed: 1.5, timezone: TOKYO })).toThrow(/give a whole number/);
    expect(() => deviceIds({ seed: 1, timezone: 'JST' })).toThrow(/not an IANA timezone: use Area\/Location/);
    expect(() => simulateDeviceDay({ seed: 1, timezone: TOKYO }, 'FS001', '2026-02-30')).toThrow(/not a calendar date: use YYYY-MM-DD/);
    expect(() => simulateFlowRange({ seed: 1, timezone: TOKYO }, '2026-12-02', '2026-12-01')).toThrow(/ends before it starts/);
  });

  it('rounds to sensor resolution: 0.01 L/min and 0.001 bar', () => {
    const { day } = simulateDeviceDay({ seed: 5, timezone: TOKYO }, 'FS004', '2026-12-01');
    for (let i = 0; i < day.flow.length; i += 37) {
      if (Number.isNaN(day.flow[i]!)) continue;
      expect(Math.abs(day.flow[i]! * 100 - Math.round(day.flow[i]! * 100))).toBeLessThan(1e-6);
      expect(Math.abs(day.pressure[i]! * 1000 - Math.round(day.pressure[i]! * 1000))).toBeLessThan(1e-6);
    }
  });
});

describe('flow simulator: determinism', () => {
  it('gives the same day whether simulated alone or inside a range, and the same output twice', () => {
    const o = { seed: 42, timezone: LONDON, devices: 3 };
    const range = simulateFlowRange(o, '2026-10-20', '2026-10-27');
    const alone = simulateDeviceDay(o, 'FS002', '2026-10-26');
    const device = range.devices.find((d) => d.device_id === 'FS002')!;
    const offset = (alone.day.startMs - device.startMs) / MIN;
    expect([...device.flow.slice(offset, offset + alone.day.flow.length)]).toEqual([...alone.day.flow]);
    expect([...device.pressure.slice(offset, offset + alone.day.pressure.length)]).toEqual([...alone.day.pressure]);
    expect(simulateFlowRange(o, '2026-10-20', '2026-10-27').labels).toEqual(range.labels);
    expect(simulateFlowRange({ ...o, seed: 43 }, '2026-10-20', '2026-10-27').labels).not.toEqual(range.labels);
  });

  it('is continuous across midnight (no step a detector would call an anomaly)', () => {
    const o = { seed: 8, timezone: TOKYO, devices: 4, faults: false };
    const { devices } = simulateFlowRange(o, '2026-11-01', '2026-11-10');
    for (const d of devices) {
      const steps: number[] = [];
      for (let i = 1; i < d.flow.length; i++) steps.push(Math.abs(d.flow[i]! - d.flow[i - 1]!) / d.flow[i - 1]!);
      const midnight = Array.from({ length: 9 }, (_, k) => steps[(k + 1) * 1440 - 1]!);
      const typical = [...steps].sort((a, b) => a - b)[Math.floor(steps.length * 0.999)]!;
      for (const s of midnight) expect(s).toBeLessThan(typical);
    }
  });
});

describe('flow simulator: labelled faults', () => {
  const o = { seed: 11, timezone: LONDON, devices: 20 };
  const from = '2026-10-10';
  const to = '2026-11-08';
  const faulty = simulateFlowRange(o, from, to);
  const clean = simulateFlowRange({ ...o, faults: false }, from, to);
  const byKind = (kind: string) => faulty.labels.filter((l) => l.kind === kind);
  const span = (l: FlowFaultLabel, startMs: number) => [(Date.parse(l.start) - startMs) / MIN, (Date.parse(l.end) - startMs) / MIN] as const;

  it('injects every kind, at about the configured rates, and labels nothing without faults', () => {
    expect(clean.labels).toEqual([]);
    const deviceDays = 20 * 30;
    for (const kind of ['burst', 'stuck', 'dropout', 'transient'] as const) {
      const n = byKind(kind).length;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(3 * FLOW_FAULT_RATES[kind] * deviceDays + 5);
    }
    expect(new Set(byKind('leak').map((l) => l.fault_id)).size).toBeGreaterThan(0);
  });

  it('changes readings only inside labelled faults (labels are the whole truth)', () => {
    const unlabelled: string[] = [];
    faulty.devices.forEach((d, k) => {
      const c = clean.devices[k]!;
      const covered = new Uint8Array(d.flow.length);
      const leakCovered = new Uint8Array(d.flow.length);
      for (const l of faulty.labels.filter((x) => x.device_id === d.device_id)) {
        const [a, b] = span(l, d.startMs);
        (l.kind === 'leak' ? leakCovered : covered).fill(1, a, b);
      }
      for (let i = 0; i < d.flow.length; i++) {
        const same = Object.is(d.flow[i], c.flow[i]) && Object.is(d.pressure[i], c.pressure[i]);
        if (!same && !covered[i] && !leakCovered[i]) unlabelled.push(`${d.device_id} minute ${i}`);
      }
    });
    expect(unlabelled).toEqual([]);
  });

  it('bursts add flow and drop pressure; stuck sensors repeat the labelled value; dropouts are missing; transients swing pressure only', () => {
    const at = (id: string) => faulty.devices.findIndex((d) => d.device_id === id);
    for (const l of faulty.labels) {
      const k = at(l.device_id);
      const d = faulty.devices[k]!;
      const c = clean.devices[k]!;
      const [a, b] = span(l, d.startMs);
      if (l.kind === 'burst') {
        for (let i = a; i < b; i++) {
          if (Number.isNaN(d.flow[i]!)) continue;
          expect(d.flow[i]! - c.flow[i]!).toBeGreaterThan(0.9 * l.magnitude!);
          expect(d.pressure[i]!).toBeLessThan(c.pressure[i]! - 0.1);
        }
      } else if (l.kind === 'stuck') {
        const series = l.channel === 'flow' ? d.flow : d.pressure;
        for (let i = a; i < b; i++) expect(series[i]).toBe(l.magnitude);
      } else if (l.kind === 'dropout') {
        for (let i = a; i < b; i++) expect(Number.isNaN(d.flow[i]!) && Number.isNaN(d.pressure[i]!)).toBe(true);
      } else if (l.kind === 'transient') {
        expect(l.channel).toBe('pressure');
        // Against the minute before (a leak running at the same time lowers both by the same head loss).
        const swing = d.pressure[a]! - c.pressure[a]! - (d.pressure[a - 1]! - c.pressure[a - 1]!);
        expect(Math.abs(swing)).toBeCloseTo(l.magnitude!, 1);
        for (let i = a; i < b; i++) expect(d.flow[i]! - c.flow[i]!).toBeCloseTo(d.flow[a - 1]! - c.flow[a - 1]!, 1);
      }
    }
  });

  it('leaks grow day after day (the night flow they add rises linearly)', () => {
    const leaks = new Map<string, FlowFaultLabel[]>();
    for (const l of byKind('leak')) leaks.set(l.fault_id, [...(leaks.get(l.fault_id) ?? []), l]);
    let checked = 0;
    for (const parts of leaks.values()) {
      const others = faulty.labels.filter((l) => l.device_id === parts[0]!.device_id && l.fault_id !== parts[0]!.fault_id);
      const k = faulty.devices.findIndex((d) => d.device_id === parts[0]!.device_id);
      const d = faulty.devices[k]!;
      const c = clean.devices[k]!;
      const start = Math.min(...parts.map((p) => Date.parse(p.start)));
      const end = Math.max(...parts.map((p) => Date.parse(p.end)));
      const added = (ms: number) => {
        const i = (ms - d.startMs) / MIN;
        return d.flow[i]! - c.flow[i]!;
      };
      const clear = (ms: number) => !others.some((l) => Date.parse(l.start) <= ms && ms < Date.parse(l.end));
      const growth = parts[0]!.magnitude!;
      // Each day adds one day's growth (to the sensor's rounding), at minutes no other fault touches.
      for (const days of [1, 2, 3]) {
        const ms = start + days * 86_400_000;
        if (ms >= end || !clear(ms) || !clear(ms - 86_400_000)) continue;
        expect(added(ms) - added(ms - 86_400_000)).toBeCloseTo(growth, 1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
