/**
 * Meter anomaly detection at fleet scale, in two steps the workflow runs before Analyze
 * (statemachines/etl.asl.json: PrepareAnomalies, then the DetectAnomalies Distributed Map):
 *
 * 1. {@link prepareAnomalyPages} — the warehouse computes, for every meter at once, what detection
 *    needs (anomaly_meters.sql: the meters numbered into pages of `analysis.metersPerPage`, their
 *    ranges; anomaly_chunk_inputs.sql: each reading's seasonal median, bucket count and the meter's
 *    envelope, a slice of time at a time) and UNLOADs it to the lake as Parquet partitioned by page:
 *        curated/_unload/anomalies/run=<runId>/meters/page=<n>/…parquet
 *        curated/_unload/anomalies/run=<runId>/chunk-<k>/page=<n>/…parquet
 *    Per-reading data never comes back through the Data API (its result sets are capped at 500 MB:
 *    https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-troubleshooting.html), and the
 *    fleet-wide statements scan the time window once instead of once per page (a filter on
 *    meter_id prunes nothing under the SORTKEY (interval_start, meter_id)). The pages go to the lake
 *    as JSON Lines for the Map's ItemReader; the state carries the key and counts.
 * 2. {@link detectAnomalyPage} — one page: its Parquet read with DuckDB, the pure rules
 *    (lambdas/analysis/meter-anomalies.ts) per meter, and the page's anomalies replaced in one
 *    transaction (./anomalies.ts replaceRanges: notified_at kept, a re-run writes nothing).
 *
 * Direct callers of Analyze (tests, `analyze()` without the workflow's pages) run both in process:
 * {@link detectAnomalyPagesInProcess}, the same code, a page at a time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AnalyzeInputSchema, parseInput, type AnomalyPages } from '../../contract/manifests';
import { putJsonl, readJsonl, WORK_PREFIX } from '../../contract/work-manifests';
import { listKeys } from '../../ports/object-store';
import { UNLOAD_PREFIX_ROOT as UNLOAD_PREFIX, type BatchItem } from '../../ports/warehouse';
import { scriptStatements } from '../../sql/script';
import { sqlFile } from '../../sql/files';
import type { StepPorts } from '../ports';
import { TransformSession, type Params } from '../transform/duckdb-session';
import { localPathOf } from '../transform/local-copy';
import { executionRunFilter } from '../plan';
import type { AnalysisContext } from './analysis';
import { detectionChunks, detectMeters, fleetGrid, iso, pageRanges, replaceRanges, type Chunk, type PageMeter, type Range, type ScoredReadings } from './anomaly-detection';

const GridSchema = z.object({
  lastDay: z.string(),
  fleetEnd: z.number(),
  chunkOrigin: z.number(),
  dataFrom: z.number(),
  spansFrom: z.number(),
  spansTo: z.number(),
});

/** One line of the pages file: everything a page worker needs (the grid and slices are the same for every page). */
export const AnomalyPageSchema = z.object({
  runId: z.string(),
  date: z.string(),
  fromDate: z.string().optional(),
  prefix: z.string().startsWith(UNLOAD_PREFIX),
  page: z.number().int().nonnegative(),
  grid: GridSchema,
  chunks: z.array(z.number().int().nonnegative()),
});
export type AnomalyPage = z.infer<typeof AnomalyPageSchema>;

export interface PageOutcome {
  page: number;
  meters: number;
  anomalies: number;
}

/**
 * Where one preparation's unloaded inputs go: a folder of its own per invocation (the run id and the
 * time), because UNLOAD … CLEANPATH replaces only the page folders it writes
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html): a retry that finds fewer pages must
 * not leave an earlier attempt's files where a page worker reads. The curated bucket expires
 * curated/_unload/ after 7 days.
 */
export function unloadPrefix(runId: string, at: Date): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(runId)) throw new Error(`run id "${runId}" cannot name an UNLOAD prefix (letters, digits, _ . - only).`);
  return `${UNLOAD_PREFIX}anomalies/run=${runId}/at=${at.toISOString().replace(/[:.]/g, '-')}/`;
}

const pagesKey = (runId: string) => `${WORK_PREFIX}run=${runId}/anomalies/pages.jsonl`;
const resultsPrefix = (runId: string) => `${WORK_PREFIX}run=${runId}/anomalies/detected`;

/**
 * The PrepareAnomalies step: the fleet-wide inputs UNLOADed per page, and the pages as JSON Lines.
 * One transaction per slice of time (a daily run has one; an import of a year ~27): its temp tables
 * live in that transaction's session.
 */
export async function prepareAnomalyPages(rawInput: unknown, ports: StepPorts): Promise<AnomalyPages> {
  const input = parseInput(AnalyzeInputSchema, rawInput, 'prepare-anomalies');
  const ctx: AnalysisContext = { input, ports, asOfDay: input.date, fromDay: input.fromDate ?? input.date, detectToDay: input.date };
  const { config } = ports;
  const key = pagesKey(input.runId);
  const out: AnomalyPages = { pagesKey: key, resultsPrefix: resultsPrefix(input.runId), pages: 0, meters: 0, concurrency: config.analysis.pageConcurrency };
  const grid = await fleetGrid(ctx);
  if (!grid) {
    await putJsonl(ports.lake, key, []);
    return out;
  }
  const prefix = unloadPrefix(input.runId, ports.clock.now());
  const chunks = detectionChunks(grid);
  const meterParams = {
    ...executionRunFilter(input),
    page_size: config.analysis.metersPerPage,
    default_timezone: config.meters.defaultTimezone,
    history_from_ts: iso(grid.spansFrom),
    to_ts: iso(grid.spansTo),
  };
  for (const chunk of chunks) {
    const first = chunk.index === 0;
    const items: BatchItem[] = [
      ...scriptStatements('analysis/anomaly_meters.sql', 'anomaly_meters', meterParams),
      ...(first
        ? [
            { name: 'anomaly_pages', sql: 'SELECT COUNT(*) AS meters, MAX(page) AS last_page FROM anomaly_meters' },
            { name: 'unload_anomaly_meters', unloadParquet: { sql: sqlFile('analysis/anomaly_meters_unload.sql'), prefix: `${prefix}meters/`, partitionBy: ['page'] } },
          ]
        : []),
      ...scriptStatements('analysis/anomaly_chunk_inputs.sql', 'anomaly_chunk_inputs', {
        interval_minutes: config.meters.intervalMinutes,
        history_from_ts: iso(chunk.historyFrom),
        to_ts: iso(chunk.historyTo),
        read_from_ts: iso(chunk.readFrom),
        envelope_from_ts: iso(chunk.envelopeFrom),
        envelope_to_ts: iso(chunk.envelopeTo),
      }),
      {
        name: 'unload_anomaly_readings',
        unloadParquet: { sql: sqlFile('analysis/anomaly_chunk_unload.sql'), prefix: `${prefix}chunk-${chunk.index}/`, partitionBy: ['page'] },
      },
      ...scriptStatements('analysis/anomaly_inputs_drop.sql', 'anomaly_inputs_drop'),
    ];
    const results = await ports.warehouse.transaction(items);
    if (first) {
      const [counts] = results[items.findIndex((i) => i.name === 'anomaly_pages')]!;
      out.meters = Number(counts?.meters ?? 0);
      out.pages = counts?.last_page === null || counts?.last_page === undefined ? 0 : Number(counts.last_page) + 1;
    }
    ports.log.info('anomaly inputs unloaded', { chunk: chunk.index, from: iso(chunk.start), to: iso(chunk.end) });
  }
  const pages: AnomalyPage[] = Array.from({ length: out.pages }, (_, page) => ({
    runId: input.runId,
    date: input.date,
    ...(input.fromDate ? { fromDate: input.fromDate } : {}),
    prefix,
    page,
    grid,
    chunks: chunks.map((c) => c.index),
  }));
  await putJsonl(ports.lake, key, pages);
  return out;
}

/** The DetectAnomalyPage step: one page's meters examined from their unloaded inputs, their anomalies replaced. */
export async function detectAnomalyPage(rawItem: unknown, ports: StepPorts): Promise<PageOutcome> {
  const item = parseInput(AnomalyPageSchema, rawItem, 'detect-anomalies');
  const input = { runId: item.runId, date: item.date, ...(item.fromDate ? { fromDate: item.fromDate } : {}) };
  const ctx: AnalysisContext = { input, ports, asOfDay: item.date, fromDay: item.fromDate ?? item.date, detectToDay: item.date };
  const work = await mkdtemp(join(ports.tmpDir, 'gridlake-anomalies-'));
  const session = await TransformSession.open({ spillDir: join(ports.tmpDir, 'duckdb-spill') });
  try {
    const meterRows = await readPartition<{ meter_id: string; timezone: string; first_loaded: number | null; first_at: number; last_at: number }>(
      session,
      ports,
      work,
      `${item.prefix}meters/page=${item.page}/`,
      'SELECT meter_id, timezone, first_loaded, first_at, last_at FROM read_parquet([FILES]) ORDER BY meter_id',
    );
    const meters: PageMeter[] = meterRows.map((r) => ({
      meterId: String(r.meter_id),
      timezone: String(r.timezone),
      firstLoaded: r.first_loaded === null ? null : Number(r.first_loaded),
      firstAt: Number(r.first_at),
      lastAt: Number(r.last_at),
    }));
    if (meters.length === 0) return { page: item.page, meters: 0, anomalies: 0 };
    const grid = item.grid;
    const ranges = pageRanges(meters, grid, ports.config.meters.intervalMinutes);
    const chunks = detectionChunks(grid).filter((c) => item.chunks.includes(c.index));
    const readChunk = async (chunk: Chunk) => scoredByMeter(await readPartition(
      session,
      ports,
      work,
      `${item.prefix}chunk-${chunk.index}/page=${item.page}/`,
      'SELECT meter_id, t, kwh, expected, history, high FROM read_parquet([FILES]) ORDER BY meter_id, t',
    ));
    const found = await detectMeters(ctx, ranges, chunks, readChunk);
    const page = { first: meters[0]!.meterId, last: meters[meters.length - 1]!.meterId };
    await replaceRanges(
      ctx,
      ranges.map((r): Range => ({ subjectType: 'meter', subjectId: r.meterId, fromTs: iso(r.from), toTs: iso(r.to) })),
      found,
      page,
    );
    return { page: item.page, meters: meters.length, anomalies: found.length };
  } finally {
    session.close();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The rows of one unloaded partition (every Parquet object under `folder`: Redshift writes one or more
 * per slice, `0000_part_00.parquet`; DuckDB `data_0.parquet`); none when the page had no rows there.
 * `sql` names the files as `[FILES]`, replaced by one bound parameter per file.
 */
async function readPartition<T extends Record<string, unknown>>(session: TransformSession, ports: StepPorts, work: string, folder: string, sql: string): Promise<T[]> {
  const keys = (await listKeys(ports.lake, folder)).filter((k) => k.endsWith('.parquet'));
  if (keys.length === 0) return [];
  const params: Params = {};
  const refs: string[] = [];
  for (const [i, key] of keys.entries()) {
    params[`f${i}`] = await localPathOf(ports.lake, key, work, `part${i}`);
    refs.push(`$f${i}`);
  }
  return session.rows<T>(sql.replace('[FILES]', `[${refs.join(', ')}]`), params);
}

function scoredByMeter(rows: Array<Record<string, unknown>>): Map<string, ScoredReadings> {
  const out = new Map<string, ScoredReadings>();
  for (const row of rows) {
    const id = String(row.meter_id);
    let s = out.get(id);
    if (!s) out.set(id, (s = { t: [], v: [], expected: [], history: [], high: row.high === null ? undefined : Number(row.high) }));
    s.t.push(Number(row.t));
    s.v.push(Number(row.kwh));
    s.expected.push(Number(row.expected));
    s.history.push(Number(row.history));
  }
  return out;
}

/** Both steps in this process, a page at a time: what Analyze does when the workflow has not run the pages. */
export async function detectAnomalyPagesInProcess(rawInput: unknown, ports: StepPorts): Promise<PageOutcome[]> {
  const prepared = await prepareAnomalyPages(rawInput, ports);
  const outcomes: PageOutcome[] = [];
  for (const page of await readJsonl(ports.lake, prepared.pagesKey, AnomalyPageSchema)) outcomes.push(await detectAnomalyPage(page, ports));
  return outcomes;
}
