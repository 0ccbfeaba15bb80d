/**
 * The daily device file: what a field device downloads once a day, so that it needs no logic of its
 * own (docs/FLOW.md documents the format for device firmware):
 *
 *   exports/devices/<device_id>/<issue date>.txt
 *   2026-12-03T00:00+09:00 12.4
 *   2026-12-03T01:00+09:00 11.9
 *   … exactly 168 lines, one per hour, sorted by time, each ending in "\n" (LF)
 *
 * Each line: the hour's LOCAL start time with its UTC offset (`YYYY-MM-DDTHH:MM±HH:MM`, 22
 * characters), one space, the forecast flow in L/min with a fixed number of decimals (default 1, no
 * sign, no exponent, no thousands separator). The first line is the next local midnight after the
 * issue date; lines are 168 consecutive real hours, so across a DST change the local clock jumps
 * and the offset says so (Europe/London in spring: `00:00+00:00` then `02:00+01:00`; in autumn
 * `01:00+01:00` then `01:00+00:00`), and a device that counts one hour per line never drifts.
 * ASCII only, no header, no BOM.
 */
import { utcOffsetMs as offsetAt } from './local-time';
import { FORECAST_HOURS, forecastTargetHours } from './flow-forecast';
import { FlowInputError } from './flow-minute-grid';

/** Device ids that are safe as an S3 key segment and in a URL path without escaping. */
const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function deviceFileKey(deviceId: string, issueDate: string): string {
  if (!DEVICE_ID.test(deviceId) || deviceId.includes('..')) {
    throw new FlowInputError(`Device id "${deviceId}" cannot name a device file: use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit.`);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(issueDate)) throw new FlowInputError(`Issue date "${issueDate}" is not YYYY-MM-DD.`);
  return `exports/devices/${deviceId}/${issueDate}.txt`;
}

/** `2026-12-03T00:00+09:00`: the local wall clock of a UTC instant with its offset. */
export function localStamp(utcMs: number, timezone: string): string {
  const offset = offsetAt(utcMs, timezone);
  const wall = new Date(utcMs + offset).toISOString().slice(0, 16);
  const minutes = Math.round(Math.abs(offset) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  return `${wall}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The file's text from the 168 forecast values, `values[k]` for the k-th hour after the local
 * midnight that ends `issueDate` (as forecast-flow's `hours`). Refuses anything else than 168
 * finite, non-negative values: a device must never receive a short file or `NaN`.
 */
export function formatDeviceFile(issueDate: string, timezone: string, values: readonly number[], decimals = 1): string {
  if (values.length !== FORECAST_HOURS) throw new FlowInputError(`A device file has ${FORECAST_HOURS} hourly values; got ${values.length} for ${issueDate}.`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 3) throw new FlowInputError(`Device file decimals ${decimals}: use 0–3.`);
  const hours = forecastTargetHours(issueDate, timezone);
  const lines = hours.map((t, k) => {
    const v = values[k]!;
    if (!Number.isFinite(v) || v < 0 || v >= 1e9) {
      throw new FlowInputError(`Device file for ${issueDate}: hour ${localStamp(t, timezone)} has value ${v}; every hour needs a finite flow ≥ 0.`);
    }
    return `${localStamp(t, timezone)} ${v.toFixed(decimals)}\n`;
  });
  return lines.join('');
}
