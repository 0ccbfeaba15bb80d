/**
 * Reads one flow-sensor CSV export into readings, rejecting bad rows with a reason and counting
 * everything, so that rows in = loaded + duplicates + quarantined always holds:
 *
 * - the header is found by the mapping (sensor-columns.ts), split by comma, semicolon or tab;
 * - a value written as `?`, `NA`, `NaN`, `-` or left empty is MISSING: the row is quarantined
 *   with the field and what was written (a logger's gap is not a zero);
 * - numbers are plain decimals (a decimal comma is accepted in `;`- or tab-separated files);
 *   flow must be 0 … maxFlowLpm, pressure −1 … maxPressureBar (gauge pressure: slightly below 0
 *   is a vacuum, not an error);
 * - times are read by sensor-timestamps.ts; naive ones in `timezone`. In the hour repeated when
 *   DST ends, a device whose clock goes back (the same wall time again, later in the file) gets the
 *   second occurrence;
 * - the same device and minute twice: an identical row is a duplicate; a different one replaces
 *   the earlier (the later row is the logger's correction) and the earlier counts as a duplicate.
 *
 * Blank lines are not rows (counted apart). Each reject names the file, the line and the fix.
 */
import { parseCsvLine } from '../../steps/transform/csv-header';
import { sensorLayout, type SensorColumns, type SensorField } from './sensor-columns';
import { parseSensorTime, wallToInstants, type DateOrder } from './sensor-timestamps';

export interface SensorReading {
  device_id: string;
  /** UTC ms of the minute. */
  minuteMs: number;
  flow_lpm: number;
  pressure_bar: number | null;
}

export interface SensorReject {
  file: string;
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  reason: string;
  raw: string;
}

export interface SensorCsvOptions {
  /** Name used in messages and rejects. */
  file: string;
  columns?: SensorColumns;
  /** Device of every row, for files without a device_id column. */
  deviceId?: string;
  /** IANA zone of naive timestamps. */
  timezone: string;
  dateOrder?: DateOrder;
  /** Default 50,000 L/min (a 1 m main at 1 m/s is ~47,000). */
  maxFlowLpm?: number;
  /** Default 100 bar. */
  maxPressureBar?: number;
}

export interface SensorCsvResult {
  readings: SensorReading[];
  rejects: SensorReject[];
  /** One entry per duplicate row: the index in `readings` of the reading that replaced it. */
  duplicateOf: number[];
  counts: { rowsIn: number; loaded: number; duplicates: number; quarantined: number; blankLines: number };
}

const MISSING = new Set(['', '?', 'na', 'n/a', 'nan', 'null', 'none', '-', '--']);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DEVICE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function readSensorCsv(text: string, o: SensorCsvOptions): SensorCsvResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  const result: SensorCsvResult = { readings: [], rejects: [], duplicateOf: [], counts: { rowsIn: 0, loaded: 0, duplicates: 0, quarantined: 0, blankLines: 0 } };
  if (headerAt === -1) return result;
  const layout = sensorLayout(o.file, lines[headerAt]!, o.columns ?? {}, o.deviceId !== undefined);
  const decimalComma = layout.delimiter !== ',';
  const maxFlow = o.maxFlowLpm ?? 50_000;
  const maxPressure = o.maxPressureBar ?? 100;
  const byKey = new Map<string, number>();
  const lastMs = new Map<string, number>();
  // DST switches happen on a quarter hour of the wall clock in every zone (Chatham's at 02:45): the
  // instants of a wall time are looked up once per wall-clock quarter hour.
  const offsetsByWallHour = new Map<number, number[]>();
  const instantsOf = (wallMs: number): number[] => {
    const hour = Math.floor(wallMs / 900_000);
    let offsets = offsetsByWallHour.get(hour);
    if (!offsets) offsetsByWallHour.set(hour, (offsets = wallToInstants(wallMs, o.timezone).map((t) => wallMs - t)));
    return offsets.map((off) => wallMs - off);
  };

  for (let k = headerAt + 1; k < lines.length; k++) {
    const raw = lines[k]!;
    if (raw.trim() === '') {
      if (k < lines.length - 1) result.counts.blankLines++;
      continue;
    }
    result.counts.rowsIn++;
    const reject = (reason: string) => result.rejects.push({ file: o.file, line: k + 1, reason, raw });
    // Loggers rarely quote: a line without quotes splits as is (the quote-aware parser is 5× slower).
    const fields = (raw.includes('"') ? parseCsvLine(raw, layout.delimiter) : raw.split(layout.delimiter)).map((f) => f.trim());
    if (fields.length !== layout.header.length) {
      reject(`the line has ${fields.length} field(s), the header ${layout.header.length}: a separator is missing or extra`);
      continue;
    }
    const get = (f: SensorField) => (layout.index[f] === undefined ? undefined : fields[layout.index[f]!]!);

    const device = get('device_id') ?? o.deviceId!;
    if (!DEVICE.test(device)) {
      reject(MISSING.has(device.toLowerCase()) ? 'device_id is missing' : `device_id "${device}" is not a device id: use 1–64 letters, digits, ".", "_" or "-"`);
      continue;
    }
    const flow = numberField('flow_lpm', get('flow_lpm')!, decimalComma);
    if (typeof flow === 'string') {
      reject(flow);
      continue;
    }
    if (flow < 0 || flow > maxFlow) {
      reject(flow < 0 ? `flow_lpm ${flow} is negative: a flow meter reports forward flow in L/min` : `flow_lpm ${flow} is above ${maxFlow} L/min: check the unit (m³/h × 16.67 = L/min)`);
      continue;
    }
    const pressureText = get('pressure_bar');
    let pressure: number | null = null;
    if (pressureText !== undefined) {
      const p = numberField('pressure_bar', pressureText, decimalComma);
      if (typeof p === 'string') {
        reject(p);
        continue;
      }
      if (p < -1 || p > maxPressure) {
        reject(`pressure_bar ${p} is outside −1 … ${maxPressure} bar: check the unit (kPa ÷ 100 = bar, psi ÷ 14.5 = bar)`);
        continue;
      }
      pressure = p;
    }
    const timeText = layout.index.timestamp !== undefined ? get('timestamp')! : `${get('date')} ${get('time')}`;
    if (MISSING.has(timeText.trim().toLowerCase()) || (layout.index.timestamp === undefined && (MISSING.has(get('date')!.toLowerCase()) || MISSING.has(get('time')!.toLowerCase())))) {
      reject('the timestamp is missing');
      continue;
    }
    const parsed = parseSensorTime(timeText, o.dateOrder);
    if (parsed.kind === 'error') {
      reject(parsed.reason);
      continue;
    }
    let ms: number;
    if (parsed.kind === 'instant') ms = parsed.ms;
    else {
      const candidates = instantsOf(parsed.wallMs);
      if (candidates.length === 0) {
        reject(`"${timeText.trim()}" does not exist in ${o.timezone} (the hour skipped when summer time starts): the logger's clock is wrong, or its times are in another zone (--timezone)`);
        continue;
      }
      const last = lastMs.get(device);
      ms = candidates.length === 2 && last !== undefined && candidates[0]! <= last ? candidates[1]! : candidates[0]!;
    }
    lastMs.set(device, Math.max(ms, lastMs.get(device) ?? -Infinity));

    const reading: SensorReading = { device_id: device, minuteMs: ms, flow_lpm: flow, pressure_bar: pressure };
    const key = `${device}\u0000${ms}`;
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, result.readings.length);
      result.readings.push(reading);
    } else {
      // Same minute again: identical or a correction; the later row is kept either way.
      result.readings[seen] = reading;
      result.duplicateOf.push(seen);
      result.counts.duplicates++;
    }
  }
  result.counts.loaded = result.readings.length;
  result.counts.quarantined = result.rejects.length;
  return result;
}

/** A number, or the reason it is not one. */
function numberField(field: string, text: string, decimalComma: boolean): number | string {
  const t = text.trim();
  if (MISSING.has(t.toLowerCase())) return `${field} is missing (written "${t}")`;
  const normal = decimalComma && /^[+-]?\d*,\d+$/.test(t) ? t.replace(',', '.') : t;
  if (!NUMBER.test(normal)) return `${field} "${t}" is not a number: write a plain decimal such as 12.5`;
  return Number(normal);
}
