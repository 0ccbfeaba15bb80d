/**
 * Which faults a meter-day gets, and where. Each kind is drawn independently with a small
 * probability; placed faults never overlap and keep one clean interval between them, so every
 * labelled fault is separable (a spike is never inside a stuck run, a gap never swallows a duplicate).
 */
import type { Random } from '../random';

export type FaultKind = 'spike' | 'stuck' | 'gap' | 'duplicate' | 'resent';

/** Probability that one meter gets a fault of this kind on one day. */
export const FAULT_RATES: Readonly<Record<FaultKind, number>> = {
  spike: 0.02,
  stuck: 0.01,
  gap: 0.01,
  duplicate: 0.01,
  resent: 0.005,
};

/** Length range in intervals, inclusive. */
const LENGTHS: Readonly<Record<FaultKind, readonly [number, number]>> = {
  stuck: [8, 24],
  gap: [2, 12],
  spike: [1, 1],
  duplicate: [1, 1],
  resent: [1, 1],
};

/** Longest faults first, so they still find room on a day with several faults. */
const PLACEMENT_ORDER: readonly FaultKind[] = ['stuck', 'gap', 'spike', 'duplicate', 'resent'];
const PLACEMENT_TRIES = 20;

export interface PlannedFault {
  kind: FaultKind;
  /** Index of the first affected interval of the day. */
  first: number;
  /** Number of affected intervals. */
  length: number;
  /** A uniform [0, 1) draw that sizes the fault (spike multiple, resent error). */
  magnitude: number;
}

/** Plans the faults of one meter-day over `count` intervals; sorted by position. */
export function planFaults(r: Random, count: number, enabled: boolean): PlannedFault[] {
  if (!enabled) return [];
  const used = new Array<boolean>(count).fill(false);
  const planned: PlannedFault[] = [];
  for (const kind of PLACEMENT_ORDER) {
    if (!r.chance(FAULT_RATES[kind])) continue;
    const [lo, hi] = LENGTHS[kind];
    const length = r.int(lo, hi);
    const magnitude = r.next();
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      const first = r.int(0, count - length);
      // The fault plus one clean interval either side must be free.
      let free = true;
      for (let i = Math.max(0, first - 1); i < Math.min(count, first + length + 1); i++) free &&= !used[i];
      if (!free) continue;
      for (let i = first; i < first + length; i++) used[i] = true;
      planned.push({ kind, first, length, magnitude });
      break;
    }
  }
  return planned.sort((a, b) => a.first - b.first);
}
