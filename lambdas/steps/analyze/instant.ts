/** Instants as the warehouse port returns them: ISO-8601 UTC text, whatever the engine (ports/warehouse.ts). */
import type { SqlValue } from '../../ports/warehouse';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Epoch milliseconds of a warehouse instant; anything else is a bug in an adapter, reported as such. */
export function instantMs(value: SqlValue, field: string): number {
  const text = String(value);
  const ms = ISO_INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new Error(`Warehouse returned "${text}" for ${field}, which is not an ISO-8601 UTC instant (the port's spelling): the adapter must convert it.`);
  return ms;
}
