/**
 * When simulated drivers arrive and how long they stay, by kind of site and local time. The shapes
 * follow what the seed's question assumes and Korean charging studies describe: offices fill at the
 * morning commute and stay all day, apartments fill in the evening and charge overnight, public car
 * parks and rest stops peak at both commutes, marts at midday and on weekends; fast chargers see
 * several short sessions an hour at peak.
 */
import type { SiteKind } from './sim-stations';

/** Gaussian bump centred on `at` hours with width `w` hours (no wrap: all peaks are inside a day). */
const bump = (hour: number, at: number, w: number) => Math.exp(-0.5 * ((hour - at) / w) ** 2);

/**
 * Expected session starts per hour at one idle charger at local `hour` (fractional) on `weekday`
 * (0 = Sunday). Multiplied by the station's popularity in the simulator.
 */
export function arrivalsPerHour(kind: SiteKind, fast: boolean, hour: number, weekday: number): number {
  const workday = weekday >= 1 && weekday <= 5;
  const commute = bump(hour, 8, 1) + bump(hour, 18.5, 1.2);
  let rate: number;
  switch (kind) {
    case 'office':
      rate = workday ? 0.35 * bump(hour, 8.3, 0.9) + 0.04 * bump(hour, 13, 2) : 0.01;
      break;
    case 'apartment':
      rate = 0.18 * bump(hour, 20, 2) + (workday ? 0.01 : 0.05 * bump(hour, 13, 3));
      break;
    case 'public-parking':
      rate = workday ? 0.2 * commute + 0.05 * bump(hour, 13, 3) : 0.08 * bump(hour, 14, 3);
      break;
    case 'mart':
      rate = (workday ? 0.08 : 0.16) * bump(hour, 14, 3) + 0.06 * bump(hour, 19, 1.5);
      break;
    case 'highway-rest':
      rate = workday ? 0.25 * commute + 0.08 * bump(hour, 13, 3) : 0.25 * bump(hour, 14, 3);
      break;
  }
  // A fast session is short, so a fast charger serves many more arrivals in the same hour.
  return fast ? rate * 4 : rate;
}

/** Session length in minutes from a uniform draw `u` in [0, 1). */
export function sessionMinutes(kind: SiteKind, fast: boolean, hour: number, u: number): number {
  if (fast) return 20 + u * 40; // 20–60 min
  if (kind === 'office') return 360 + u * 180; // the working day
  if (kind === 'apartment' && (hour >= 18 || hour < 2)) return 480 + u * 240; // overnight
  return 90 + u * 210; // 1.5–5 h
}

const SLOTS_PER_DAY = 288;
const tables = new Map<string, Float64Array>();

/**
 * `arrivalsPerHour` for every 5-minute slot of the week (weekday × 288 + slot of day), computed once
 * per kind: the simulator asks for millions of slots.
 */
export function arrivalTable(kind: SiteKind, fast: boolean): Float64Array {
  const key = `${kind}/${fast}`;
  let table = tables.get(key);
  if (!table) {
    table = new Float64Array(7 * SLOTS_PER_DAY);
    for (let d = 0; d < 7; d++) for (let i = 0; i < SLOTS_PER_DAY; i++) table[d * SLOTS_PER_DAY + i] = arrivalsPerHour(kind, fast, (i * 5) / 60, d);
    tables.set(key, table);
  }
  return table;
}
