/**
 * Minimum night flow (MNF), the water industry's standard leak signal: between 02:00 and 04:00 local
 * time almost nobody uses water, so what still flows is mostly leakage. Per device and night, MNF is
 * the lowest 15-minute mean flow in that window (a 15-minute mean, not a single minute, so one noisy
 * or low reading does not make the night). A block counts when ≥ 10 of its minutes have a reading;
 * a night with no such block has no MNF (null, with its minutes counted), never a made-up one.
 * On a spring-forward night the window is an hour shorter; on a fall-back night the repeated hour
 * adds its minutes to the same blocks.
 */
import { dateOfDayNumber, localMinutes, type MinuteSeries } from './flow-minute-grid';

export interface NightFlow {
  /** Local date of the night's early morning (the night of 1 → 2 December is 2026-12-02). */
  date: string;
  /** Lowest 15-minute mean flow 02:00–04:00, L/min; null without a usable block. */
  mnfLpm: number | null;
  /** Minutes with a flow reading in the window. */
  minutes: number;
  /** Blocks of 15 minutes that were usable. */
  blocks: number;
}

export const NIGHT_WINDOW = { fromMinute: 120, toMinute: 240, blockMinutes: 15, minPerBlock: 10 } as const;

/**
 * MNF of every local night the series covers. `exclude` (optional, per grid minute) drops minutes
 * known to be wrong, e.g. a stuck flow sensor, which would otherwise report a flat, false MNF.
 */
export function nightFlows(series: MinuteSeries, timezone: string, exclude?: Uint8Array): NightFlow[] {
  const { fromMinute, toMinute, blockMinutes, minPerBlock } = NIGHT_WINDOW;
  const blocksPerNight = (toMinute - fromMinute) / blockMinutes;
  const local = localMinutes(series.startMs, series.flow.length, timezone);
  const nights = new Map<number, { sum: Float64Array; count: Int32Array }>();
  const seen: number[] = [];
  for (let i = 0; i < series.flow.length; i++) {
    const day = local.day[i]!;
    if (!nights.has(day)) nights.set(day, { sum: new Float64Array(blocksPerNight), count: new Int32Array(blocksPerNight) }), seen.push(day);
    const m = local.minuteOfDay[i]!;
    const v = series.flow[i]!;
    if (m < fromMinute || m >= toMinute || Number.isNaN(v) || exclude?.[i]) continue;
    const night = nights.get(day)!;
    const b = Math.floor((m - fromMinute) / blockMinutes);
    night.sum[b]! += v;
    night.count[b]!++;
  }
  return seen.map((day) => {
    const { sum, count } = nights.get(day)!;
    let best = Infinity;
    let blocks = 0;
    let minutes = 0;
    for (let b = 0; b < blocksPerNight; b++) {
      minutes += count[b]!;
      if (count[b]! < minPerBlock) continue;
      blocks++;
      best = Math.min(best, sum[b]! / count[b]!);
    }
    return { date: dateOfDayNumber(day), mnfLpm: blocks ? Math.round(best * 1000) / 1000 : null, minutes, blocks };
  });
}
