/**
 * Where each local stand-in lives under a data directory (layout: local-ports.ts). Its own module,
 * free of DuckDB, so that CLI commands that only need a path (`import`) do not load the warehouse.
 */
import { join, resolve } from 'node:path';

export function localPaths(dataDir: string) {
  const root = resolve(dataDir);
  return {
    root,
    lake: join(root, 'lake'),
    site: join(root, 'site'),
    siteData: join(root, 'site', 'data'),
    warehouse: join(root, 'warehouse.duckdb'),
    notifications: join(root, 'notifications.jsonl'),
    pseudonymKey: join(root, 'pseudonym.key'),
  };
}
