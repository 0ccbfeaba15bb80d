/**
 * Pipeline results: the newest run records with their reconciliation counts, and the top reasons
 * rows were quarantined (read from the quarantine objects of those runs).
 */
import type { RunRow, Runs } from '../../contract/results';
import { RESULT_FILES } from '../../contract/results';
import { getText, listKeys } from '../../ports/object-store';
import { sqlFile } from '../../sql/files';
import type { Analysis } from './analysis';
import { fileKeysNamedIn, redactFileNames } from './redact-file-names';

/** Runs whose quarantine files are read for reasons (the newest ones). */
const RUNS_WITH_REASONS = 60;

export const runsAnalysis: Analysis = {
  name: 'runs',
  async run({ ports }) {
    const rows = await ports.warehouse.query({ name: 'recent_runs', sql: sqlFile('results/recent_runs.sql') });
    const runs: RunRow[] = [];
    for (const [i, r] of rows.entries()) {
      const row: RunRow = {
        runId: String(r.run_id),
        runDate: String(r.run_date),
        source: String(r.source),
        status: r.status as RunRow['status'],
        rowsIn: Number(r.rows_in),
        rowsLoaded: Number(r.rows_loaded),
        duplicates: Number(r.duplicates),
        quarantined: Number(r.quarantined),
        startedAt: String(r.started_at),
        finishedAt: (r.finished_at as string | null) ?? null,
        error: publishedError((r.error as string | null) ?? null),
        quarantineReasons: [],
      };
      if (i < RUNS_WITH_REASONS && row.quarantined > 0) {
        row.quarantineReasons = await quarantineReasons(ports.lake, row.source, row.runDate, row.runId);
      }
      runs.push(row);
    }
    const result: Runs = { generatedAt: ports.clock.now().toISOString(), runs };
    return { files: { [RESULT_FILES.runs]: result }, counts: { runs: runs.length } };
  },
};

/**
 * A run's error as the dashboard shows it: file names are left out (redact-file-names.ts), because a
 * file name can be a customer's name or meter id and the dashboard shows customers only as
 * pseudonyms. The full text stays in the warehouse (etl_runs.error).
 */
export function publishedError(error: string | null): string | null {
  if (error === null) return null;
  return redactFileNames(error, fileKeysNamedIn(error));
}

/** Reason → count over the quarantine objects of one run and source, most frequent first. */
async function quarantineReasons(
  lake: Parameters<typeof listKeys>[0],
  source: string,
  date: string,
  runId: string,
): Promise<{ reason: string; count: number }[]> {
  const tally = new Map<string, number>();
  for (const key of await listKeys(lake, `quarantine/${source}/dt=${date}/run=${runId}/`)) {
    for (const line of (await getText(lake, key)).split('\n')) {
      if (!line.trim()) continue;
      try {
        const reason = String((JSON.parse(line) as { reason?: unknown }).reason ?? 'unknown');
        // Group by the kind of reason, not by the value it quotes.
        const kind = reason.split(':')[0]!.trim();
        tally.set(kind, (tally.get(kind) ?? 0) + 1);
      } catch {
        tally.set('unreadable quarantine line', (tally.get('unreadable quarantine line') ?? 0) + 1);
      }
    }
  }
  return [...tally.entries()]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, 10);
}
