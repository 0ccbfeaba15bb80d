/**
 * Anomaly detection scored against the meter simulator's own fault labels: 200 meters × 60 days,
 * detectors run on the pure model level (seasonal baseline from each meter's own history).
 * Required: recall ≥ 0.9 and precision ≥ 0.9 for spikes and stuck meters; every gap found.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { detectMeterAnomalies, type MeterAnomaly } from '../../lambdas/analysis/meter-anomalies';
import { baselineColumns, seasonalBaseline } from '../../lambdas/analysis/seasonal-baseline';
import { simulateDay, type FaultLabel } from '../../lambdas/sources/meter-simulator/simulate';

const METERS = 200;
const DAYS = 60;
const TZ = 'Europe/London';
const STEP = 30 * 60_000;

interface Scored {
  recall: number;
  precision: number;
  labels: number;
  detections: number;
}

function score(kind: 'spike' | 'stuck' | 'gap', labels: FaultLabel[], found: Map<string, MeterAnomaly[]>): Scored {
  const mine = labels.filter((l) => l.kind === kind);
  const overlaps = (a: MeterAnomaly, l: FaultLabel) => a.start < Date.parse(l.end) && Date.parse(l.start) < a.end;
  const hit = mine.filter((l) => (found.get(l.meter_id) ?? []).some((a) => a.rule === kind && overlaps(a, l))).length;
  let detections = 0;
  let correct = 0;
  const byMeter = new Map<string, FaultLabel[]>();
  for (const l of mine) byMeter.set(l.meter_id, [...(byMeter.get(l.meter_id) ?? []), l]);
  for (const [meter, list] of found) {
    for (const a of list.filter((x) => x.rule === kind)) {
      detections++;
      if ((byMeter.get(meter) ?? []).some((l) => overlaps(a, l))) correct++;
    }
  }
  return { recall: mine.length ? hit / mine.length : 1, precision: detections ? correct / detections : 1, labels: mine.length, detections };
}

describe('meter anomaly detection against simulator labels (200 meters × 60 days)', () => {
  const labels: FaultLabel[] = [];
  const found = new Map<string, MeterAnomaly[]>();

  beforeAll(() => {
    // The transform's rules: one row per (meter, interval), the last version of a re-sent reading wins.
    const series = new Map<string, Map<number, number>>();
    const start = Date.parse('2026-01-05T00:00:00Z');
    for (let d = 0; d < DAYS; d++) {
      const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
      const day = simulateDay({ meters: METERS, seed: 42, timezone: TZ, faults: true, date });
      labels.push(...day.labels);
      for (const r of day.readings) {
        let m = series.get(r.meter_id);
        if (!m) series.set(r.meter_id, (m = new Map()));
        m.set(Date.parse(r.timestamp), r.kwh);
      }
    }
    let first = Infinity;
    let last = -Infinity;
    for (const m of series.values()) for (const t of m.keys()) (first = Math.min(first, t)), (last = Math.max(last, t));
    for (const [meter, m] of series) {
      const t = [...m.keys()].sort((a, b) => a - b);
      const v = t.map((x) => m.get(x)!);
      const base = seasonalBaseline(t, v, TZ);
      found.set(
        meter,
        detectMeterAnomalies(
          { t, v, ...baselineColumns(base, t, TZ) },
          { start: first, end: last + STEP, intervalMinutes: 30 },
        ),
      );
    }
  });

  it('finds spikes with recall and precision ≥ 0.9', () => {
    const s = score('spike', labels, found);
    console.log('spike', s);
    expect(s.labels).toBeGreaterThan(100);
    expect(s.recall).toBeGreaterThanOrEqual(0.9);
    expect(s.precision).toBeGreaterThanOrEqual(0.9);
  });

  it('finds stuck meters with recall and precision ≥ 0.9', () => {
    const s = score('stuck', labels, found);
    console.log('stuck', s);
    expect(s.labels).toBeGreaterThan(50);
    expect(s.recall).toBeGreaterThanOrEqual(0.9);
    expect(s.precision).toBeGreaterThanOrEqual(0.9);
  });

  it('finds every gap, and reports no gap where none was injected', () => {
    const s = score('gap', labels, found);
    console.log('gap', s);
    expect(s.labels).toBeGreaterThan(50);
    expect(s.recall).toBe(1);
    expect(s.precision).toBe(1);
  });
});
