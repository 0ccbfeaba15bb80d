/**
 * What a flow sensor would read without noise or faults: the daily demand shape of a supply zone
 * (low at night, a morning peak, a lunch shoulder, a long evening peak; later and broader at
 * weekends), scaled by the device's mean flow, and the pressure that the demand leaves (head loss
 * grows with the square of the flow, so pressure sags when demand peaks).
 */
import { seeded } from '../random';
import { WALL_MINUTES } from '../../analysis/flow-minute-grid';

/** Gaussian bumps (centre hour, height, width in hours) on top of a night floor. */
const BUMPS = {
  weekday: [
    [7.25, 1.1, 1.0],
    [12.5, 0.35, 1.6],
    [19.5, 0.85, 1.8],
  ],
  weekend: [
    [9.5, 0.9, 1.7],
    [13.0, 0.45, 1.8],
    [19.5, 0.7, 2.0],
  ],
} as const;
const NIGHT_FLOOR = 0.3;
/** Daytime plateau above the night floor (people are up), between these wall-clock hours. */
const DAYTIME = { from: 6, to: 23, height: 0.35 } as const;

const shapes = new Map<string, Float64Array>();

/**
 * Demand multiplier per wall-clock minute (1,440 values, mean 1) for a weekday or a weekend day,
 * with the device's peaks moved by `shiftMinutes`.
 */
export function demandShape(weekend: boolean, shiftMinutes: number): Float64Array {
  const key = `${weekend}:${shiftMinutes}`;
  let s = shapes.get(key);
  if (s) return s;
  s = new Float64Array(WALL_MINUTES);
  const logistic = (x: number) => 1 / (1 + Math.exp(-x));
  let sum = 0;
  for (let m = 0; m < WALL_MINUTES; m++) {
    const h = (m - shiftMinutes) / 60;
    // The plateau, wrapped around the clock (its copies a day earlier and later), so the shape
    // meets itself at midnight.
    const plateau = (x: number) => logistic((x - DAYTIME.from) * 2) * logistic((DAYTIME.to - x) * 2);
    let v = NIGHT_FLOOR + DAYTIME.height * (plateau(h) + plateau(h - 24) + plateau(h + 24));
    for (const [centre, height, width] of weekend ? BUMPS.weekend : BUMPS.weekday) {
      // Circular distance, so a late peak spills over midnight instead of being cut.
      const d = Math.min(Math.abs(h - centre), 24 - Math.abs(h - centre));
      v += height * Math.exp(-0.5 * (d / width) ** 2);
    }
    s[m] = v;
    sum += v;
  }
  for (let m = 0; m < WALL_MINUTES; m++) s[m]! /= sum / WALL_MINUTES;
  shapes.set(key, s);
  return s;
}

/** Fixed per device (drawn from the seed and the device id). */
export interface DeviceTraits {
  /** Mean flow over a day, L/min (a supply zone of a few hundred homes: 30–250 L/min). */
  meanFlow: number;
  /** Minutes the device's demand peaks are moved by (−40 … +40). */
  shiftMinutes: number;
  /** Pressure at zero flow, bar. */
  staticPressure: number;
  /** Pressure lost at `referenceFlow`, bar (head loss ∝ flow²). */
  headLoss: number;
  /** Flow at which `headLoss` is lost: twice the mean (about the daily peak). */
  referenceFlow: number;
}

export function deviceTraits(seed: number, deviceId: string): DeviceTraits {
  const r = seeded(seed, 'flow-traits', deviceId);
  const meanFlow = r.uniform(30, 250);
  return {
    meanFlow,
    shiftMinutes: r.int(-40, 40),
    staticPressure: r.uniform(3.5, 6),
    headLoss: r.uniform(0.6, 1.4),
    referenceFlow: 2 * meanFlow,
  };
}

/** Pressure (bar) that a flow leaves: static pressure minus the head loss of that flow. */
export const pressureAt = (traits: DeviceTraits, flow: number): number => traits.staticPressure - traits.headLoss * (flow / traits.referenceFlow) ** 2;

/** The night floor of the demand shape, as a fraction of the mean flow (sizes leaks). */
export const nightFraction = (weekend: boolean, shiftMinutes: number): number => {
  const s = demandShape(weekend, shiftMinutes);
  let min = Infinity;
  for (const v of s) min = Math.min(min, v);
  return min;
};
