/**
 * A labelled meter fleet in the energy app's export layout (`user_data.csv` + `consumption/<id>.csv`,
 * `datetime,consumption` in Wh per 30 minutes, naive local times), for testing anomaly detection
 * end to end. Each home has a daily and weekly shape, multiplicative noise, and — what real homes have
 * and the simulator did not — appliance bursts (a kettle, an oven: +0.4 to +1.2 kWh in a half hour,
 * 2 % of intervals) that are NOT anomalies. Then each meter gets labelled events, defined physically
 * and placed by day number, independent of any detector setting:
 * - spike: one half hour of 3.5–5 kWh (7–10 kW, beyond any household appliance use);
 * - stuck: the register frozen at its 18:00 reading for 8 hours;
 * - gap: 6 hours without readings;
 * - level_shift: from a day four weeks or more into the data to the end, use × 2 (a heat pump fitted).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Label {
  meterId: string;
  kind: 'spike' | 'stuck' | 'gap' | 'level_shift';
  /** UTC ms, [start, end). */
  start: number;
  end: number;
}

export interface LabelledExport {
  labels: Label[];
  /** UTC ms of the last reading written. */
  lastReadingAt: number;
}

const STEP = 30 * 60_000;

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
}

/** kWh per 30 minutes of an ordinary home at a local hour (fractional) and weekday. */
function usual(hour: number, weekday: number, scale: number): number {
  const weekend = weekday === 0 || weekday === 6;
  const bump = (centre: number, width: number, height: number) => height * Math.exp(-(((hour - centre) / width) ** 2));
  return scale * (0.12 + bump(7.5, 1.2, 0.35) + bump(19.5, 2.2, 0.6) + (weekend ? bump(13, 2.5, 0.25) : bump(13, 2, 0.08)));
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Writes the export under `dir` for `meters` homes over `days` local days from `firstDay` (YYYY-MM-DD)
 * in a zone with a fixed UTC offset `offsetHours` (the naive times are written in that zone), and
 * returns the labels.
 */
export function writeLabelledExport(dir: string, o: { meters: number; days: number; firstDay: string; offsetHours: number; seed: number }): LabelledExport {
  mkdirSync(join(dir, 'consumption'), { recursive: true });
  const users = ['id,area,tariff'];
  const labels: Label[] = [];
  const r = rng(o.seed);
  const day0 = Date.parse(`${o.firstDay}T00:00:00Z`); // local midnight of day 0, as if it were UTC
  const toUtc = (localMs: number) => localMs - o.offsetHours * 3_600_000;
  let lastReadingAt = -Infinity;
  for (let m = 0; m < o.meters; m++) {
    const id = String(5000 + m);
    users.push(`${id},a${(m % 2) + 1},t1`);
    const scale = 0.7 + 0.6 * r();
    const at = (day: number, hour: number) => day0 + day * 86_400_000 + hour * 3_600_000;
    const spikes = [8 + m, 23 + 2 * m, 37 + m].map((d, k) => at(d, [3, 14, 10.5][k]!));
    const stuckFrom = at(30 + m, 18);
    const stuckTo = stuckFrom + 16 * STEP;
    const gapFrom = at(17 + m, 10);
    const gapTo = gapFrom + 12 * STEP;
    const shiftFrom = at(o.days - 14 + m, 0);
    for (const s of spikes) labels.push({ meterId: id, kind: 'spike', start: toUtc(s), end: toUtc(s) + STEP });
    labels.push({ meterId: id, kind: 'stuck', start: toUtc(stuckFrom), end: toUtc(stuckTo) });
    labels.push({ meterId: id, kind: 'gap', start: toUtc(gapFrom), end: toUtc(gapTo) });
    labels.push({ meterId: id, kind: 'level_shift', start: toUtc(shiftFrom), end: toUtc(at(o.days, 0)) });
    const lines = ['datetime,consumption'];
    let frozen = NaN;
    for (let t = day0; t < at(o.days, 0); t += STEP) {
      const local = new Date(t);
      const hour = local.getUTCHours() + local.getUTCMinutes() / 60;
      let kwh = usual(hour, local.getUTCDay(), scale) * Math.exp(0.25 * gaussian(r));
      if (r() < 0.02) kwh += 0.4 + 0.8 * r();
      if (t >= shiftFrom) kwh *= 2;
      if (spikes.includes(t)) kwh = 3.5 + 1.5 * r();
      if (t === stuckFrom) frozen = kwh;
      if (t >= stuckFrom && t < stuckTo) kwh = frozen;
      if (t >= gapFrom && t < gapTo) continue;
      const wh = Math.round(kwh * 1000);
      lines.push(`${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:00,${wh}.0`);
      lastReadingAt = Math.max(lastReadingAt, toUtc(t));
    }
    writeFileSync(join(dir, 'consumption', `${id}.csv`), lines.join('\n') + '\n');
  }
  writeFileSync(join(dir, 'user_data.csv'), users.join('\n') + '\n');
  return { labels, lastReadingAt };
}
