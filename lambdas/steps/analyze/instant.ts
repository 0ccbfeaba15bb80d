/** Instants as the warehouses return them. */
import type { SqlValue } from '../../ports/warehouse';

/** Warehouse instants arrive as ISO strings (DuckDB) or `YYYY-MM-DD HH:MM:SS+00` (Redshift/Postgres). */
export function instantMs(value: SqlValue, field: string): number {
  const text = String(value);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2} /.test(text) ? text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00') : text);
  if (Number.isNaN(ms)) throw new Error(`Warehouse returned "${text}" for ${field}, which is not an instant.`);
  return ms;
}
