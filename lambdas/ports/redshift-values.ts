/**
 * Redshift Data API values → the port's one spelling (lambdas/ports/warehouse.ts `SqlValue`), chosen
 * by the column's `typeName` in the result's ColumnMetadata
 * (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ColumnMetadata.html). The Data
 * API returns dates, times and NUMERIC as text in Redshift's own output format
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_Datetime_types.html): `2026-11-01 10:00:00+00`
 * becomes `2026-11-01T10:00:00.000Z`, a NUMERIC becomes a number (an integer past 2^53 stays exact
 * text, as DuckDB's adapter does for BIGINT), so steps never see which engine answered.
 * One limit no adapter code can lift: a BIGINT arrives as the JSON number `longValue`, which the SDK
 * has already parsed into a JS number, so a BIGINT past 2^53 is rounded before it gets here; cast
 * such a column to VARCHAR (or NUMERIC, returned as text) in the SQL if its exact value matters.
 */
import type { ColumnMetadata, Field } from '@aws-sdk/client-redshift-data';
import type { SqlValue } from './warehouse';

/** The value of one field of a result row, converted per its column's type. */
export function redshiftValue(field: Field, column: ColumnMetadata | undefined): SqlValue {
  if (field.isNull) return null;
  const type = (column?.typeName ?? '').toLowerCase();
  if (field.stringValue !== undefined) return fromText(field.stringValue, type);
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('base64');
  return null;
}

function fromText(text: string, type: string): SqlValue {
  switch (type) {
    case 'timestamptz':
    case 'timestamp with time zone':
    case 'timestamp':
    case 'timestamp without time zone':
      return isoInstant(text);
    case 'date':
      return isoDay(text);
    case 'numeric':
    case 'decimal':
    case 'int8':
    case 'bigint':
    case 'int4':
    case 'int2':
    case 'float4':
    case 'float8':
      return number(text);
    default:
      return text;
  }
}

const REDSHIFT_INSTANT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(?:([+-])(\d{2})(?::?(\d{2}))?|Z)?$/;

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]` → ISO-8601 UTC with milliseconds. A TIMESTAMP without a
 * zone is read as UTC: the warehouse stores UTC instants only. Text that is no instant (`infinity`)
 * is returned as it is rather than guessed at.
 */
export function isoInstant(text: string): string {
  const m = REDSHIFT_INSTANT.exec(text.trim());
  if (!m) return text;
  const [, day, time, fraction = '', sign, hh, mm] = m;
  const offset = sign ? `${sign}${hh}:${mm ?? '00'}` : 'Z';
  const ms = Date.parse(`${day}T${time}${fraction.slice(0, 4)}${offset}`);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/** `YYYY-MM-DD` (Redshift's DATE output) as it is; anything else (`2026-11-01 00:00:00`) cut to the day. */
export function isoDay(text: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : text;
}

/** A number, unless it is an integer a JS number cannot hold exactly: then its exact decimal text. */
function number(text: string): SqlValue {
  const n = Number(text);
  if (Number.isNaN(n)) return text;
  if (/^[+-]?\d+$/.test(text.trim()) && !Number.isSafeInteger(n)) return text.trim().replace(/^\+/, '');
  return n;
}
