/**
 * The expected (noise-free) household load: base load × daily shape (by local hour, weekday vs
 * weekend) × season. Forecasting and anomaly detection are scored on data built from this, so the
 * shape is deliberately strongly daily and weekly periodic, like real residential demand.
 */
import type { LocalInterval } from './local-day';
import { seeded } from '../random';

/** What makes one meter's household different from another; fixed per (seed, meter). */
export interface MeterTraits {
  /** Mean energy per 30 minutes, kWh (household size): 0.1–0.6. */
  base: number;
  /** Weight of the morning peak (~7–9 local), 0.7–1.3. */
  morning: number;
  /** Weight of the evening peak (~17–21 local), 0.8–1.25. */
  evening: number;
}

export function meterTraits(seed: number, meterId: string): MeterTraits {
  const r = seeded(seed, 'traits', meterId);
  return { base: r.uniform(0.1, 0.6), morning: r.uniform(0.7, 1.3), evening: r.uniform(0.8, 1.25) };
}

const bump = (h: number, centre: number, width: number): number => Math.exp(-((h - centre) ** 2) / (2 * width * width));
/** ≈1 between `from` and `to` (local hours), ≈0 outside, with soft edges. */
const awake = (h: number, from: number, to: number): number => 1 / (1 + Math.exp(-2 * (h - from))) / (1 + Math.exp(2 * (h - to)));

/**
 * Relative load at a local hour; averages to about 1 over a day. Night is low; on weekdays a
 * morning peak around 07:45 and an evening peak around 19:00; at weekends people get up later
 * (peak ~09:30), stay home in the day, and the evening peak comes a little earlier.
 */
export function dailyShape(hour: number, weekend: boolean, traits: Pick<MeterTraits, 'morning' | 'evening'>): number {
  if (weekend) {
    return 0.5 + 0.6 * awake(hour, 9, 22.5) + 0.8 * traits.morning * bump(hour, 9.5, 1.3) + 1.3 * traits.evening * bump(hour, 18.5, 1.6);
  }
  return 0.45 + 0.35 * awake(hour, 7, 22) + 0.9 * traits.morning * bump(hour, 7.75, 0.8) + 1.5 * traits.evening * bump(hour, 19, 1.4);
}

/** More in winter (lighting, heating appliances), less in summer: ×1.3 mid-January, ×0.7 mid-July. */
export function seasonalFactor(dayOfYear: number): number {
  return 1 + 0.3 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25);
}

/** The noise-free expected kWh of one interval; spikes are defined relative to this. */
export function expectedKwh(traits: MeterTraits, interval: LocalInterval): number {
  const weekend = interval.weekday === 0 || interval.weekday === 6;
  return traits.base * dailyShape(interval.localHour, weekend, traits) * seasonalFactor(interval.dayOfYear);
}
