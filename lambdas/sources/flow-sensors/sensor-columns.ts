/**
 * Which column of a sensor export holds what. The canonical header is
 * `device_id,timestamp,flow_lpm,pressure_bar`; any other export is read through `--columns`
 * (the same grammar as the meter import: meters/column-mapping.ts), e.g. a logger that splits the
 * time over two columns and names its channels its own way:
 *
 *   --columns date=Date,time=Time,flow_lpm=Global_active_power,pressure_bar=Voltage
 *
 * Rules: flow_lpm is required; pressure_bar is optional (a flow-only meter: pressure stays empty);
 * the time is `timestamp`, or `date` plus `time`; device_id may be left out when the import names
 * the device (`--device`), as for a logger that writes one file per device.
 */
import { CSV_DELIMITERS, parseCsvLine, type CsvDelimiter } from '../../steps/transform/csv-header';
import { ColumnMappingError, parseFieldColumns, sameName } from '../meters/column-mapping';

export const SENSOR_FIELDS = ['device_id', 'timestamp', 'date', 'time', 'flow_lpm', 'pressure_bar'] as const;
export type SensorField = (typeof SENSOR_FIELDS)[number];
export type SensorColumns = Partial<Record<SensorField, string>>;

export { ColumnMappingError };

export function parseSensorColumns(spec: string): SensorColumns {
  return parseFieldColumns(spec, SENSOR_FIELDS, {
    what: 'a flow sensor reading',
    example: '--columns device_id=Meter,timestamp=Time,flow_lpm=Flow,pressure_bar=Pressure',
  });
}

/** Where each field is in a file. */
export interface SensorLayout {
  delimiter: CsvDelimiter;
  header: string[];
  index: Partial<Record<SensorField, number>>;
}

/**
 * The layout of a header line under a mapping (fields not mapped are looked up by their own name).
 * Tries comma, semicolon and tab; throws naming what is missing and the header found.
 */
export function sensorLayout(file: string, headerLine: string, mapping: SensorColumns, hasDevice: boolean): SensorLayout {
  let best: { header: string[]; missing: string[]; delimiter: CsvDelimiter } | null = null;
  for (const delimiter of CSV_DELIMITERS) {
    const header = parseCsvLine(headerLine, delimiter).map((h) => h.trim());
    const find = (field: SensorField) => {
      const name = mapping[field] ?? field;
      const i = header.findIndex((h) => sameName(h, name));
      return i === -1 ? undefined : i;
    };
    const index: Partial<Record<SensorField, number>> = {};
    for (const f of SENSOR_FIELDS) if (find(f) !== undefined) index[f] = find(f);
    const missing: string[] = [];
    for (const f of SENSOR_FIELDS) if (mapping[f] !== undefined && index[f] === undefined) missing.push(`${f}=${mapping[f]}`);
    if (index.flow_lpm === undefined && mapping.flow_lpm === undefined) missing.push('flow_lpm');
    if (index.timestamp === undefined && (index.date === undefined || index.time === undefined) && mapping.timestamp === undefined && (mapping.date === undefined || mapping.time === undefined)) {
      missing.push('timestamp (or date and time)');
    }
    if (index.device_id === undefined && !hasDevice && mapping.device_id === undefined) missing.push('device_id (or --device)');
    if (missing.length === 0) {
      // One way to read the time: the mapped one, else a timestamp column, else date + time.
      const splitMapped = (mapping.date !== undefined || mapping.time !== undefined) && mapping.timestamp === undefined;
      if (splitMapped) delete index.timestamp;
      else if (index.timestamp !== undefined) delete index.date, delete index.time;
      return { delimiter, header, index };
    }
    if (!best || missing.length < best.missing.length) best = { header, missing, delimiter };
  }
  throw new ColumnMappingError(
    `${file}: no column for ${best!.missing.join(', ')} (found: ${best!.header.join(', ')}). ` +
      `Name the file's columns with --columns, e.g. --columns date=Date,time=Time,flow_lpm=Flow,pressure_bar=Pressure --device FS001.`,
  );
}
