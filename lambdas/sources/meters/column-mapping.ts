/**
 * `gridlake import meters --columns meter_id=LCLid,timestamp=tstp,kwh=energy(kWh/hh)`: which column
 * of the user's file holds each field a reading needs, named by the file's own header. Parsed and
 * checked against every file's header before anything is copied; a header name that is not in the
 * file, an unknown field or a field given twice is refused with the header that was found.
 *
 * The mapping travels to the transform as the batch option `columnMap`, in its JSON form
 * (`{"kwh":"energy(kWh/hh)",…}`, field → header): header names may hold `=`, spaces or brackets.
 */
import { CSV_DELIMITERS, parseCsvLine, type CsvDelimiter } from '../../steps/transform/csv-header';

/** The fields a meter readings file provides (kwh or wh: one of them). */
export const MAPPABLE_FIELDS = ['meter_id', 'timestamp', 'kwh', 'wh'] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];
/** Field → header name as written in the file (trimmed). */
export type ColumnMapping = Partial<Record<MappableField, string>>;

export class ColumnMappingError extends Error {
  override readonly name = 'ColumnMappingError';
}

/**
 * `field=header,field=header`. A header may contain commas: a comma only starts a new pair when a
 * field name and `=` follow it (`kwh=energy, kWh` keeps `energy, kWh` whole).
 */
export function parseColumnsOption(spec: string): ColumnMapping {
  return parseFieldColumns(spec, MAPPABLE_FIELDS, {
    what: 'a meter reading',
    example: '--columns meter_id=LCLid,timestamp=tstp,kwh=energy(kWh/hh)',
    check: (mapping) => {
      if (mapping.kwh !== undefined && mapping.wh !== undefined) {
        throw new ColumnMappingError(`--columns names both kwh ("${mapping.kwh}") and wh ("${mapping.wh}"): a reading has one value; give the column in kWh or the one in Wh.`);
      }
    },
  });
}

/**
 * The `--columns` grammar for any import (meters, flow sensors): `field=header` pairs over the
 * given fields; refuses an unknown field, a field given twice, a missing header and one column
 * mapped to two fields. `what` and `example` word the messages for the import at hand; `check`
 * (optional) refuses combinations of fields, before the one-column-two-fields check.
 */
export function parseFieldColumns<F extends string>(
  spec: string,
  fields: readonly F[],
  words: { what: string; example: string; check?: (mapping: Partial<Record<F, string>>) => void },
): Partial<Record<F, string>> {
  const pairs = spec.split(new RegExp(`,(?=\\s*(?:${fields.join('|')})\\s*=)`, 'i'));
  const mapping: Partial<Record<F, string>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const field = (eq === -1 ? pair : pair.slice(0, eq)).trim().toLowerCase();
    const header = eq === -1 ? '' : pair.slice(eq + 1).trim();
    if (!(fields as readonly string[]).includes(field)) {
      throw new ColumnMappingError(`--columns "${pair.trim()}": "${field}" is not a field of ${words.what}; use ${fields.join(', ')} as in ${words.example}.`);
    }
    if (!header) throw new ColumnMappingError(`--columns "${pair.trim()}": give the header name of the file's column after "=", e.g. ${field}=<header>.`);
    if (mapping[field as F] !== undefined) {
      throw new ColumnMappingError(`--columns names ${field} twice ("${mapping[field as F]}" and "${header}"): give each field once.`);
    }
    mapping[field as F] = header;
  }
  words.check?.(mapping);
  const headers = Object.entries(mapping) as [string, string][];
  for (let i = 0; i < headers.length; i++) {
    for (let j = i + 1; j < headers.length; j++) {
      if (sameName(headers[i]![1], headers[j]![1])) {
        throw new ColumnMappingError(`--columns maps the column "${headers[i]![1]}" to both ${headers[i]![0]} and ${headers[j]![0]}: each column holds one field.`);
      }
    }
  }
  return mapping;
}

/** Header names match after trimming, ignoring case (exports differ in both). */
export const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Checks that each mapped header is a column of this file (split by the first delimiter that finds
 * them all). Throws naming the header found.
 */
export function assertMappingFits(file: string, headerLine: string, mapping: Partial<Record<string, string>>): void {
  let best: { header: string[]; missing: string[]; delimiter: CsvDelimiter } | null = null;
  for (const delimiter of CSV_DELIMITERS) {
    const header = parseCsvLine(headerLine, delimiter).map((h) => h.trim());
    const missing = Object.entries(mapping)
      .filter(([, name]) => !header.some((h) => sameName(h, name!)))
      .map(([field, name]) => `${field}=${name}`);
    if (missing.length === 0) return;
    if (!best || missing.length < best.missing.length) best = { header, missing, delimiter };
  }
  throw new ColumnMappingError(
    `--columns ${best!.missing.join(', ')}: ${file} has no such column (found: ${best!.header.join(', ')}). Use the header names as the file writes them.`,
  );
}

/** The batch option form: JSON, field → header. */
export const columnMapOption = (mapping: ColumnMapping): string => JSON.stringify(mapping);
