/**
 * The `sensor_hourly` rows of one device: per UTC hour, mean, minimum and maximum of flow and of
 * pressure over the minutes that have a reading, and how many minutes that was (60 for a complete
 * hour; fewer tells a reader how much to trust the mean). Hours without any reading are left out.
 * Each channel is aggregated over its own readings, so a pressure-only minute does not dilute flow.
 */
import { MINUTE_MS, type MinuteSeries } from './flow-minute-grid';

const HOUR_MS = 3_600_000;

export interface SensorHour {
  /** UTC ms of the hour start. */
  hourMs: number;
  flowMean: number | null;
  flowMin: number | null;
  flowMax: number | null;
  pressureMean: number | null;
  pressureMin: number | null;
  pressureMax: number | null;
  /** Minutes with at least one channel read. */
  minutes: number;
}

export function hourlyAggregates(series: MinuteSeries): SensorHour[] {
  const out: SensorHour[] = [];
  const n = series.flow.length;
  let i = 0;
  while (i < n) {
    const hourMs = Math.floor((series.startMs + i * MINUTE_MS) / HOUR_MS) * HOUR_MS;
    const end = Math.min(n, (hourMs + HOUR_MS - series.startMs) / MINUTE_MS);
    const f = stats(series.flow, i, end);
    const p = stats(series.pressure, i, end);
    let minutes = 0;
    for (let k = i; k < end; k++) if (!Number.isNaN(series.flow[k]!) || !Number.isNaN(series.pressure[k]!)) minutes++;
    if (minutes > 0) out.push({ hourMs, flowMean: f.mean, flowMin: f.min, flowMax: f.max, pressureMean: p.mean, pressureMin: p.min, pressureMax: p.max, minutes });
    i = end;
  }
  return out;
}

function stats(v: Float64Array, from: number, to: number): { mean: number | null; min: number | null; max: number | null } {
  let sum = 0;
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = from; k < to; k++) {
    const x = v[k]!;
    if (Number.isNaN(x)) continue;
    sum += x;
    count++;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return count ? { mean: sum / count, min, max } : { mean: null, min: null, max: null };
}
