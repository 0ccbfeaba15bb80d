/**
 * Load: curated Parquet → warehouse, in a number of statements that does not grow with files. For
 * each source and dataset: ONE COPY of all the run's curated files (a manifest lists them) into a
 * staging table, deduplicate staging by the natural key (Redshift's MERGE rejects duplicate source
 * keys), check the staged rows, write them as the dataset's declared disposition says (merge: exactly
 * once per natural key; append; replace — lambdas/datasets/write-sql.ts), check the table, rebuild
 * the touched meter_daily days, and record the run in etl_runs — all of one date's datasets in ONE
 * transaction, so a failure (a failed data check included) leaves nothing half-loaded.
 */
import type { SourceName } from '../config';
import {
  parseInput,
  LoadInputSchema,
  type BatchOutput,
  type LoadInput,
  type LoadOutput,
  type RejectedBatch,
} from '../contract/manifests';
import { dataChecks, type DataCheck } from '../datasets/check-sql';
import { columnNames, type DatasetDeclaration } from '../datasets/dataset';
import { dataset } from '../datasets/registry';
import { writeStatements } from '../datasets/write-sql';
import { readTransformResults } from './load-inputs';
import { assertIdentifier, type BatchItem, type Statement } from '../ports/warehouse';
import { SOURCES } from '../sources/registry';
import type { SourceModule } from '../sources/source';
import { sqlFile } from '../sql/files';
import { scriptStatements } from '../sql/script';
import type { StepPorts } from './ports';
import { causeText } from './step-error';

/**
 * The tables the load may write, in load order, derived from the sources' declarations: each source
 * lists its datasets in the order they load (a meter list before its readings, whose load registers
 * unknown meters and reads their timezones), and the load order keeps every source's order; ties go
 * to the dataset declared first. A new source adds its datasets here by declaring them.
 */
export function loadOrder(sources: readonly Pick<SourceModule, 'name' | 'datasets'>[]): string[] {
  const order: string[] = [];
  const before = new Map<string, Set<string>>(); // dataset → datasets that must load before it
  for (const source of sources) {
    source.datasets.forEach((name, i) => {
      if (!order.includes(name)) order.push(name);
      const deps = before.get(name) ?? new Set<string>();
      for (const earlier of source.datasets.slice(0, i)) deps.add(earlier);
      before.set(name, deps);
    });
  }
  const out: string[] = [];
  while (out.length < order.length) {
    const next = order.find((d) => !out.includes(d) && [...before.get(d)!].every((e) => out.includes(e)));
    if (!next) {
      const left = order.filter((d) => !out.includes(d));
      throw new Error(`load: the sources declare their datasets in conflicting orders (${left.join(', ')}); make every source list them in the same order.`);
    }
    out.push(next);
  }
  return out;
}

export const LOADABLE_TABLES: readonly string[] = loadOrder(SOURCES);
for (const source of SOURCES) {
  for (const name of source.datasets) {
    if (!dataset(name, `Source ${source.name}`).disposition) {
      throw new Error(`Source ${source.name} lists dataset ${name}, which declares no raw fields and disposition (a results table); list only datasets the load writes.`);
    }
  }
}

interface SourceTally {
  source: SourceName;
  rowsIn: number;
  duplicates: number;
  quarantined: number;
}

export async function load(rawInput: unknown, ports: StepPorts): Promise<LoadOutput> {
  const input: LoadInput = parseInput(LoadInputSchema, rawInput, 'load');
  // Every batch's result, read back from the lake (the TransformBatches maps' ResultWriter files).
  const all = await readTransformResults(ports.lake, input);
  // A batch's output lists its rejected files (`rejected: [...]`); a batch the workflow caught whole is `rejected: true`.
  const transformed = all.filter((t): t is BatchOutput => t.rejected !== true);
  // Files left out of their batch (RawFileRejected), and whole batches the workflow caught.
  const rejected: RejectedRawFile[] = [
    ...transformed.flatMap((t) => t.rejected.map((r) => ({ source: t.source, rawKey: r.rawKey, error: r.error }))),
    ...all.filter((t): t is RejectedBatch => t.rejected === true).map((r) => ({ source: r.source, rawKey: `batch ${r.tag}`, error: r.error })),
  ];
  const tallies = new Map<SourceName, SourceTally>();
  for (const source of input.sources) tallies.set(source, { source, rowsIn: 0, duplicates: 0, quarantined: 0 });
  for (const t of transformed) {
    const tally = tallies.get(t.source) ?? { source: t.source, rowsIn: 0, duplicates: 0, quarantined: 0 };
    tally.rowsIn += t.rowsIn;
    tally.duplicates += t.duplicates;
    tally.quarantined += t.quarantined;
    tallies.set(t.source, tally);
  }

  // Temp tables are created and dropped inside this one transaction: a failed load rolls back their
  // creation too (DuckDB, Postgres and Redshift alike), so none is left behind to drop first.
  const items: BatchItem[] = [{ name: 'create_load_counts', sql: sqlFile('load/create_load_counts.sql') }];
  const warnings: Array<{ at: number; check: DataCheck }> = [];
  for (const table of LOADABLE_TABLES) {
    const declaration = dataset(table);
    for (const tally of tallies.values()) {
      const keys = curatedKeys(transformed, tally.source, table);
      if (keys.length === 0) continue;
      items.push(...stageStatements(tally.source, declaration, keys));
      if (table === 'meter_readings') items.push(...readingsSideEffects(tally.source, input.runId, ports.config.meters.defaultTimezone));
      const write = writeAndCheckStatements(declaration, input.date);
      for (const w of write.warnings) warnings.push({ at: items.length + w.at, check: w.check });
      items.push(...write.items);
      items.push(...dropStaging(table));
    }
  }
  // The run record is written in the same transaction: it says "succeeded" only if the data is there.
  const finishedAt = ports.clock.now().toISOString();
  for (const tally of tallies.values()) {
    items.push({ name: 'delete_etl_run', sql: sqlFile('load/delete_etl_run.sql'), params: { run_id: input.runId, source: tally.source } });
    items.push({
      name: 'record_loaded_run',
      sql: sqlFile('load/record_loaded_run.sql'),
      params: {
        run_id: input.runId,
        source: tally.source,
        run_date: input.date,
        rows_in: tally.rowsIn,
        duplicates: tally.duplicates,
        quarantined: tally.quarantined,
        started_at: input.startedAt,
        finished_at: finishedAt,
        ...rejectionOf(rejected, tally.source),
      },
    });
  }
  // The date's analysis is still to do: a kill after this commit leaves it visibly 'pending'.
  const stageParams = { run_id: input.runId, run_date: input.date, started_at: input.startedAt };
  items.push({ name: 'delete_run_stages', sql: sqlFile('load/delete_run_stages.sql'), params: { run_id: input.runId } });
  items.push({ name: 'insert_run_stages_pending', sql: sqlFile('load/insert_run_stages_pending.sql'), params: stageParams });
  const countsAt = items.length;
  items.push({ name: 'load_counts', sql: 'SELECT source, SUM(staged) AS staged, SUM(uniq) AS uniq FROM load_counts GROUP BY source' });
  items.push({ name: 'drop_load_counts_end', sql: 'DROP TABLE load_counts' });

  const results = await ports.warehouse.transaction(items);
  const warned = warnings
    .filter((w) => (results[w.at] ?? []).length > 0)
    .map((w) => `${w.check.description}: newest is ${results[w.at]![0]!.latest ?? 'none (the table is empty)'}`);
  for (const warning of warned) ports.log.warn('data check warning', { runId: input.runId, date: input.date, warning });
  const staging = new Map((results[countsAt] ?? []).map((r) => [String(r.source), { staged: Number(r.staged), uniq: Number(r.uniq) }]));
  const counts = [...tallies.values()].map((tally) => {
    const { staged, uniq } = staging.get(tally.source) ?? { staged: 0, uniq: 0 };
    return {
      source: tally.source,
      rowsIn: tally.rowsIn,
      rowsLoaded: uniq,
      // Keys repeated across batches of one run are duplicates too (staging kept one of each).
      duplicates: tally.duplicates + (staged - uniq),
      quarantined: tally.quarantined,
    };
  });
  ports.log.info('load finished', { runId: input.runId, date: input.date, counts, warnings: warned.length });
  if (rejected.length > 0) {
    // The good batches are loaded and recorded; the run still fails so the bad file is noticed.
    throw new BatchRejectedError(rejected.map((r) => `${r.rawKey}: ${causeText(r.error)}`));
  }
  return { runId: input.runId, date: input.date, counts, ...(warned.length ? { warnings: warned } : {}) };
}

/**
 * The statements that write one dataset's staged rows (stg_<name>) as its disposition says, with its
 * data checks around them: checks of the staged rows before the write, checks of the table after it.
 * A failing `error` check fails the transaction (the warehouse adapter rolls back); `warn` checks are
 * plain queries whose rows the caller reads: `warnings[].at` is their index in `items`.
 */
export function writeAndCheckStatements(
  declaration: DatasetDeclaration,
  runDate: string,
): { items: Statement[]; warnings: Array<{ at: number; check: DataCheck }> } {
  const checks = dataChecks(declaration);
  const items: Statement[] = [];
  const warnings: Array<{ at: number; check: DataCheck }> = [];
  const run = (check: DataCheck) => {
    const params = { ...check.params, ...check.runParams?.(runDate) };
    const statement: Statement = { name: `check_${declaration.name}_${check.id}`, sql: check.sql, params };
    if (check.severity === 'error') statement.failIfRows = check.description;
    else warnings.push({ at: items.length, check });
    items.push(statement);
  };
  for (const check of checks) if (check.phase === 'staged') run(check);
  const writes = writeStatements(declaration);
  const kind = declaration.disposition?.kind ?? 'merge';
  writes.forEach((sql, i) => items.push({ name: `${kind}_${declaration.name}${writes.length > 1 ? `_${i + 1}` : ''}`, sql }));
  for (const check of checks) if (check.phase === 'written') run(check);
  return { items, warnings };
}

/** Thrown after a load in which some raw files were rejected whole; names each file and why. */
export class BatchRejectedError extends Error {
  override readonly name = 'BatchRejectedError';
  constructor(readonly problems: string[]) {
    super(`${problems.length} input file(s) could not be read and were not loaded (the other files were): ${problems.join(' | ')}`);
  }
}

/** A raw file that was not loaded because its source could not read it as a whole. */
interface RejectedRawFile {
  source: SourceName;
  rawKey: string;
  error: string;
}

function rejectionOf(rejected: RejectedRawFile[], source: SourceName): { status: string; error: string | null } {
  const mine = rejected.filter((r) => r.source === source);
  if (mine.length === 0) return { status: 'succeeded', error: null };
  return { status: 'failed', error: mine.map((r) => `${r.rawKey}: ${causeText(r.error)}`).join(' | ').slice(0, 4000) };
}

/** The curated objects of one source and dataset, in batch order (one per batch). */
function curatedKeys(transformed: BatchOutput[], source: SourceName, table: string): string[] {
  return transformed.filter((t) => t.source === source && t.dataset === table).flatMap((t) => t.curatedKeys);
}

/**
 * The columns a curated file carries after the table's (lambdas/steps/transform.ts writes them):
 * `file_seq`, the raw file's position among the run's files of its source, and for readings
 * `file_timezone`, the zone its naive timestamps were read in.
 */
export function loadColumns(table: string): string[] {
  return table === 'meter_readings' ? ['file_seq', 'file_timezone'] : ['file_seq'];
}

/**
 * The staging of one source's dataset, the same statements whatever the number of files: ONE COPY
 * of every curated file (the warehouse adapter lists them in a COPY manifest) into stg_raw_<t>,
 * whose columns are the table's plus the load columns (Redshift's COPY matches Parquet columns BY
 * POSITION: https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html).
 * Files (and batches) of one run may repeat keys: as within a file, the later version wins —
 * ROW_NUMBER keeps each key's row from the last file (`file_seq`; Redshift's MERGE rejects duplicate
 * source keys); for a merge dataset declared `newestBy` (readings: received_at) the newest version
 * wins, then file order, and rows older than the target's version are dropped. Readings note each
 * file's meters with the zone its timestamps were read in (stg_meter_timezones), for registering
 * meters no list declared. Identifiers are allow-listed.
 */
export function stageStatements(source: string, declaration: DatasetDeclaration, keys: string[]): BatchItem[] {
  const t = assertIdentifier(declaration.name);
  const columns = columnNames(declaration);
  const keyCols = declaration.naturalKey.map((k) => assertIdentifier(k, columns));
  const cols = columns.map((c) => assertIdentifier(c)).join(', ');
  const newestBy = declaration.disposition?.kind === 'merge' && declaration.disposition.newestBy ? assertIdentifier(declaration.disposition.newestBy, columns) : undefined;
  const superseded = newestBy ? dropSuperseded(source, t, keyCols, newestBy) : [];
  const readings = t === 'meter_readings';
  const extra = readings ? ', CAST(0 AS INTEGER) AS file_seq, CAST(NULL AS VARCHAR(64)) AS file_timezone' : ', CAST(0 AS INTEGER) AS file_seq';
  return [
    ...(readings ? [{ name: 'create_stg_meter_timezones', sql: sqlFile('load/create_stg_meter_timezones.sql') }] : []),
    { name: `create_stg_raw_${t}`, sql: `CREATE TEMP TABLE stg_raw_${t} AS SELECT *${extra} FROM ${t} WHERE 1 = 0` },
    { name: `copy_${t}`, copyParquet: { table: `stg_raw_${t}`, keys } },
    ...(readings
      ? [{ name: 'meter_timezones', sql: 'INSERT INTO stg_meter_timezones SELECT DISTINCT meter_id, file_timezone, file_seq FROM stg_raw_meter_readings' }]
      : []),
    {
      name: `dedupe_stg_${t}`,
      sql:
        `CREATE TEMP TABLE stg_${t} AS SELECT ${cols} FROM (` +
        `SELECT *, ROW_NUMBER() OVER (PARTITION BY ${keyCols.join(', ')} ORDER BY ${newestBy ? `${newestBy} DESC NULLS LAST, ` : ''}file_seq DESC) AS rn ` +
        `FROM stg_raw_${t}) d WHERE rn = 1`,
    },
    {
      name: `count_stg_${t}`,
      sql: `INSERT INTO load_counts SELECT CAST(:source AS VARCHAR(32)), (SELECT COUNT(*) FROM stg_raw_${t}), (SELECT COUNT(*) FROM stg_${t})`,
      params: { source },
    },
    { name: `drop_stg_raw_${t}_end`, sql: `DROP TABLE stg_raw_${t}` },
    ...superseded,
  ];
}

/**
 * For a merge dataset declared `newestBy`: removes from staging the rows whose key the table already
 * holds in a newer version, so that re-running an older date never reverts a later correction (the
 * MERGE then updates only with rows at least as new; Redshift's MERGE takes no condition on WHEN
 * MATCHED). Removed rows count as duplicates: a correction row is written to load_counts first.
 */
function dropSuperseded(source: string, t: string, keyCols: readonly string[], newestBy: string): BatchItem[] {
  const on = keyCols.map((k) => `${t}.${k} = stg_${t}.${k}`).join(' AND ');
  const newer = `${on} AND ${t}.${newestBy} > stg_${t}.${newestBy}`;
  return [
    {
      name: `count_superseded_${t}`,
      sql: `INSERT INTO load_counts SELECT CAST(:source AS VARCHAR(32)), 0, -COUNT(*) FROM stg_${t} JOIN ${t} ON ${newer}`,
      params: { source },
    },
    { name: `drop_superseded_${t}`, sql: `DELETE FROM stg_${t} USING ${t} WHERE ${newer}` },
  ];
}

function readingsSideEffects(source: SourceName, runId: string, defaultTimezone: string): Statement[] {
  const params = { default_timezone: defaultTimezone };
  return [
    { name: 'register_unknown_meters', sql: sqlFile('load/register_unknown_meters.sql'), params: { source, run_id: runId } },
    { name: 'drop_stg_meter_timezones_end', sql: 'DROP TABLE stg_meter_timezones' },
    ...scriptStatements('load/affected_days.sql', 'affected_days', params),
  ];
}

export function dropStaging(table: string): Statement[] {
  const t = assertIdentifier(table);
  const out: Statement[] = [];
  if (t === 'meter_readings') {
    // The daily rebuild runs after the readings MERGE so it sees the merged values.
    out.push({ name: 'delete_meter_daily', sql: sqlFile('load/delete_meter_daily.sql') });
    out.push({ name: 'insert_meter_daily', sql: sqlFile('load/insert_meter_daily.sql') });
    out.push({ name: 'drop_affected_days_end', sql: 'DROP TABLE IF EXISTS affected_days' });
  }
  out.push({ name: `drop_stg_${t}_end`, sql: `DROP TABLE stg_${t}` });
  return out;
}
