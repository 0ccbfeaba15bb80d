/**
 * The meter-fleet simulator: pure functions from (options, date) to readings and fault labels.
 * Deterministic: every value is drawn from a PRNG keyed by (seed, meter, date), so a day's output
 * never depends on other days, on the fleet size or on the order of calls. kWh is rounded to 4
 * decimals so the serialised bytes are stable.
 */
import { roundTo, seeded } from '../random';
import { planFaults, type FaultKind, type PlannedFault } from './faults';
import { expectedKwh, meterTraits } from './load-shape';
import { isoInstant, localDayIntervals, SimulatorInputError, type LocalInterval } from './local-day';

export type { FaultKind } from './faults';
export { FAULT_RATES } from './faults';
export { SimulatorInputError } from './local-day';

export interface SimMeter {
  meter_id: string;
  timezone: string;
  area: string;
  tariff: string;
}

export interface SimReading {
  meter_id: string;
  /** Interval start, ISO-8601 UTC with Z. */
  timestamp: string;
  kwh: number;
}

export interface FaultLabel {
  meter_id: string;
  kind: FaultKind;
  /** First affected interval start, ISO UTC. */
  start: string;
  /** End of the last affected interval, ISO UTC (exclusive). */
  end: string;
}

export interface SimOptions {
  meters: number;
  seed: number;
  timezone: string;
  faults: boolean;
}

export const INTERVAL_MINUTES = 30;
const AREAS = ['a1', 'a2', 'a3', 'a4'] as const;
const TARIFFS = ['t1', 't2', 't3'] as const;
/** Multiplicative noise: log-normal with σ = 0.1 (about ±10%), mean 1. */
const NOISE_SIGMA = 0.1;
/**
 * A spike is 6–15× the expected value, where "expected" is the largest expected value of the
 * interval and its two neighbours: that keeps it ≥ 5× normal even for a detector that buckets by
 * hour of day or estimates the expected value from noisy history, so spikes separate cleanly from
 * normal peaks. Capped at 20 kWh so it stays below the transform's default 25 kWh plausibility
 * ceiling and reaches the warehouse as an anomaly instead of the quarantine.
 */
const SPIKE_MULTIPLE: readonly [number, number] = [6, 15];
const SPIKE_CAP_KWH = 20;

export function meterId(index: number, fleetSize: number): string {
  return `M${String(index).padStart(Math.max(4, String(fleetSize).length), '0')}`;
}

function checkOptions(o: SimOptions): void {
  if (!Number.isInteger(o.meters) || o.meters < 1) {
    throw new SimulatorInputError(`simulator.meters is ${o.meters}: give a positive whole number of meters.`);
  }
  if (!Number.isInteger(o.seed)) throw new SimulatorInputError(`simulator.seed is ${o.seed}: give a whole number.`);
}

/** The fleet: ids M0001…, areas a1..a4 and tariffs t1..t3 drawn per (seed, meter). */
export function simulateFleet(o: SimOptions): SimMeter[] {
  checkOptions(o);
  const fleet: SimMeter[] = [];
  for (let i = 1; i <= o.meters; i++) {
    const id = meterId(i, o.meters);
    const r = seeded(o.seed, 'attributes', id);
    fleet.push({ meter_id: id, timezone: o.timezone, area: r.pick(AREAS), tariff: r.pick(TARIFFS) });
  }
  return fleet;
}

/** One local day of readings for the whole fleet, with the labels of every injected fault. */
export function simulateDay(o: SimOptions & { date: string }): { readings: SimReading[]; labels: FaultLabel[] } {
  checkOptions(o);
  const intervals = localDayIntervals(o.date, o.timezone, INTERVAL_MINUTES);
  const readings: SimReading[] = [];
  const labels: FaultLabel[] = [];
  for (const meter of simulateFleet(o)) {
    const day = simulateMeterDay(o, meter.meter_id, intervals);
    readings.push(...day.readings);
    labels.push(...day.labels);
  }
  return { readings, labels };
}

function simulateMeterDay(
  o: SimOptions & { date: string },
  id: string,
  intervals: LocalInterval[],
): { readings: SimReading[]; labels: FaultLabel[] } {
  const traits = meterTraits(o.seed, id);
  const noise = seeded(o.seed, 'noise', id, o.date);
  const expected = intervals.map((iv) => expectedKwh(traits, iv));
  const clean = expected.map((e) => roundTo(e * Math.exp(NOISE_SIGMA * noise.normal() - (NOISE_SIGMA * NOISE_SIGMA) / 2), 4));
  // Faults use their own stream, so switching faults off leaves the clean readings unchanged.
  const faults = planFaults(seeded(o.seed, 'faults', id, o.date), intervals.length, o.faults);

  const values: Array<number | null> = [...clean];
  const extraAfter = new Map<number, number>(); // interval index → value of a row emitted right after it
  const corrections: SimReading[] = []; // re-sent correct rows, emitted at the end of the meter's block
  for (const f of faults) applyFault(f, values, expected, extraAfter, corrections, id, intervals);

  const readings: SimReading[] = [];
  intervals.forEach((iv, i) => {
    const v = values[i];
    if (v === null || v === undefined) return;
    readings.push({ meter_id: id, timestamp: iv.start, kwh: v });
    const extra = extraAfter.get(i);
    if (extra !== undefined) readings.push({ meter_id: id, timestamp: iv.start, kwh: extra });
  });
  readings.push(...corrections);

  const step = INTERVAL_MINUTES * 60_000;
  const labels = faults.map((f) => ({
    meter_id: id,
    kind: f.kind,
    start: intervals[f.first]!.start,
    end: isoInstant(intervals[f.first + f.length - 1]!.startMs + step),
  }));
  return { readings, labels };
}

function applyFault(
  f: PlannedFault,
  values: Array<number | null>,
  expected: number[],
  extraAfter: Map<number, number>,
  corrections: SimReading[],
  id: string,
  intervals: LocalInterval[],
): void {
  const at = f.first;
  const value = values[at]!;
  switch (f.kind) {
    case 'spike': {
      const e = Math.max(expected[at - 1] ?? 0, expected[at]!, expected[at + 1] ?? 0);
      const [lo, hi] = SPIKE_MULTIPLE;
      const multiple = Math.max(lo, Math.min(hi, SPIKE_CAP_KWH / e) * f.magnitude + lo * (1 - f.magnitude));
      // Rounded up, so the stored value is never below `lo` × expected.
      values[at] = Math.ceil(e * multiple * 10_000) / 10_000;
      return;
    }
    case 'stuck':
      // The register freezes at the value it showed when the run began.
      for (let i = at; i < at + f.length; i++) values[i] = value;
      return;
    case 'gap':
      for (let i = at; i < at + f.length; i++) values[i] = null;
      return;
    case 'duplicate':
      extraAfter.set(at, value);
      return;
    case 'resent': {
      // First a wrong value (30–80% of the truth), later the correct one for the same interval.
      let wrong = roundTo(value * (0.3 + 0.5 * f.magnitude), 4);
      if (wrong === value) wrong = roundTo(value + 0.0001, 4);
      values[at] = wrong;
      corrections.push({ meter_id: id, timestamp: intervals[at]!.start, kwh: value });
      return;
    }
  }
}
