/**
 * The IANA timezone names DuckDB's ICU knows, read once per process: `pg_timezone_names()` computes
 * the current offset of every zone (~20–40 ms a call), which a warm container would otherwise pay
 * for every batch, twice (the batch option and the registry's zones).
 */
import type { TransformSession } from './duckdb-session';

let known: Promise<ReadonlySet<string>> | null = null;

export function knownTimezones(session: TransformSession): Promise<ReadonlySet<string>> {
  if (!known) {
    known = session.rows<{ name: string }>('SELECT name FROM pg_timezone_names()').then((rows) => new Set(rows.map((r) => r.name)));
    known.catch(() => {
      known = null;
    });
  }
  return known;
}
