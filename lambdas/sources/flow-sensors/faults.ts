/**
 * Which faults a flow sensor has, where, and how big: the ground truth the detectors are scored
 * against. Every draw is keyed by (seed, device, local date), so a day's faults never depend on
 * which other days or devices are simulated. Within a day, faults never overlap and keep an hour of
 * clean readings between them, so each label is separable. Leaks span days: a leak that started on
 * an earlier date is found by looking back over the dates it could have started on.
 */
import { seeded } from '../random';
import { dateOfDayNumber } from '../../analysis/flow-minute-grid';

/** Faults that start and end within one day. */
export type DayFaultKind = 'burst' | 'stuck' | 'dropout' | 'transient';
export type FlowFaultKind = DayFaultKind | 'leak';
export type Channel = 'flow' | 'pressure';

/** Probability that one device gets a fault of this kind on one day (leak: that a leak starts). */
export const FLOW_FAULT_RATES: Readonly<Record<FlowFaultKind, number>> = {
  burst: 0.03,
  stuck: 0.02,
  dropout: 0.03,
  transient: 0.05,
  leak: 1 / 200,
};

/** Length range in minutes, inclusive. */
const LENGTHS: Readonly<Record<DayFaultKind, readonly [number, number]>> = {
  burst: [30, 240],
  stuck: [60, 360],
  dropout: [5, 180],
  transient: [1, 3],
};
/** Clean minutes kept between two faults of a day. */
const MARGIN = 60;
const PLACEMENT_ORDER: readonly DayFaultKind[] = ['stuck', 'burst', 'dropout', 'transient'];
const PLACEMENT_TRIES = 20;
/** A leak runs this many days (it is found and repaired, or the simulation ends first). */
export const LEAK_DAYS: readonly [number, number] = [20, 60];

export interface PlannedFault {
  kind: DayFaultKind;
  /** Index of the first affected minute of the day. */
  first: number;
  length: number;
  /** The channel a stuck sensor freezes; null for the others. */
  channel: Channel | null;
  /** A uniform [0, 1) draw that sizes the fault. */
  magnitude: number;
}

/** The within-day faults of one device-day of `minutes` minutes, sorted by position. */
export function planDayFaults(seed: number, deviceId: string, date: string, minutes: number): PlannedFault[] {
  const r = seeded(seed, 'flow-faults', deviceId, date);
  const used = new Uint8Array(minutes);
  const planned: PlannedFault[] = [];
  for (const kind of PLACEMENT_ORDER) {
    if (!r.chance(FLOW_FAULT_RATES[kind])) continue;
    const [lo, hi] = LENGTHS[kind];
    const length = Math.min(r.int(lo, hi), minutes - 2 * MARGIN);
    const magnitude = r.next();
    const channel: Channel | null = kind === 'stuck' ? (r.chance(0.5) ? 'flow' : 'pressure') : null;
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      const first = r.int(MARGIN, minutes - MARGIN - length);
      let free = true;
      for (let i = first - MARGIN; i < first + length + MARGIN && free; i++) free = !used[i];
      if (!free) continue;
      used.fill(1, first, first + length);
      planned.push({ kind, first, length, channel, magnitude });
      break;
    }
  }
  return planned.sort((a, b) => a.first - b.first);
}

export interface PlannedLeak {
  /** Local day number the leak started on, and the minute of that day. */
  startDay: number;
  startMinute: number;
  /** Days it runs (the leak stops at the start of day startDay + days). */
  days: number;
  /** Growth of the leak flow per day, as a fraction of the device's night flow (3–8 %). */
  growthOfNightFlow: number;
}

/** Leaks of a device that are running on local day `day` (usually none, rarely two). */
export function activeLeaks(seed: number, deviceId: string, day: number): PlannedLeak[] {
  const out: PlannedLeak[] = [];
  for (let back = 0; back < LEAK_DAYS[1]; back++) {
    const startDay = day - back;
    const r = seeded(seed, 'flow-leak', deviceId, dateOfDayNumber(startDay));
    if (!r.chance(FLOW_FAULT_RATES.leak)) continue;
    const leak = { startDay, startMinute: r.int(0, 1439), days: r.int(LEAK_DAYS[0], LEAK_DAYS[1]), growthOfNightFlow: r.uniform(0.03, 0.08) };
    if (back < leak.days) out.push(leak);
  }
  return out;
}
