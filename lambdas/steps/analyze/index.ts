/**
 * Analyze: runs each analysis in order against the warehouse and writes the JSON results for the
 * dashboard under `results/latest/` (replaced as a whole: files no analysis produced this time are
 * removed) and `results/runs/<runId>/` (kept for history). Re-running a date replaces its results.
 */
import { AnalyzeInputSchema, parseInput, type AnalyzeOutput } from '../../contract/manifests';
import { CONTRACT_VERSION, RESULT_FILES, type Manifest } from '../../contract/results';
import { listKeys } from '../../ports/object-store';
import type { StepPorts } from '../ports';
import { sqlFile } from '../../sql/files';
import type { Analysis } from './analysis';
import { alertsAnalysis } from './alerts';
import { anomaliesAnalysis } from './anomalies';
import { consumptionAnalysis } from './consumption';
import { emissionsAnalysis } from './emissions';
import { evAlertsAnalysis } from './ev-alerts';
import { evChargersAnalysis } from './ev-chargers';
import { flowSensorsAnalysis } from './flow-sensors';
import { forecastsAnalysis } from './forecasts';
import { marketAnalysis } from './market';
import { overviewAnalysis } from './overview';
import { runsAnalysis } from './runs';

/**
 * In order: the models write their tables before the summaries that read them (alerts after
 * anomalies); overview goes last: it counts this run's anomalies.
 */
export const ANALYSES: Analysis[] = [
  // Reads only loaded tables, so it can go first: its thousand per-customer files are then written
  // while the models below keep the warehouse busy.
  consumptionAnalysis,
  emissionsAnalysis,
  marketAnalysis,
  anomaliesAnalysis,
  alertsAnalysis,
  forecastsAnalysis,
  // EV stations stand apart from the meters: their own data, their own as-of (the newest snapshot).
  evChargersAnalysis,
  evAlertsAnalysis,
  // Flow meters: its own tables, device files and leak alerts (after the meters' alerts).
  flowSensorsAnalysis,
  runsAnalysis,
  overviewAnalysis,
];

export const LATEST_PREFIX = 'results/latest/';
const JSON_OBJECT = { contentType: 'application/json' };
/** Object writes in flight at once. */
const WRITES_IN_FLIGHT = 16;

export async function analyze(rawInput: unknown, ports: StepPorts, analyses: Analysis[] = ANALYSES): Promise<AnalyzeOutput> {
  const input = parseInput(AnalyzeInputSchema, rawInput, 'analyze');
  const from = input.fromDate && input.fromDate < input.date ? input.fromDate : input.date;
  const [newest] = await ports.warehouse.query({ name: 'newest_data_day', sql: sqlFile('results/newest_data_day.sql') });
  const asOfDay = typeof newest?.day === 'string' ? newest.day.slice(0, 10) : input.date;
  const ctx = { input, ports, asOfDay, fromDay: from, detectToDay: input.date };
  const history = `results/runs/${input.runId}/`;
  const producedBy = new Map<string, string>();
  /** File name → its JSON text (serialised once, stored under history/ and results/latest/). */
  const texts = new Map<string, string>();
  const counts: Record<string, number> = {};
  // Each analysis's files go to the run's history folder while the next analyses run (their warehouse
  // work leaves this process mostly idle); results/latest/ is only touched once every analysis succeeded.
  const historyWrites: Promise<void>[] = [];
  const writeHistory = (entries: [string, unknown][]) =>
    mapLimit(entries, WRITES_IN_FLIGHT, async ([name, content]) => {
      const text = JSON.stringify(content);
      texts.set(name, text);
      await ports.lake.put(history + name, text, JSON_OBJECT);
    });
  let failure: { error: unknown } | undefined;
  try {
    for (const analysis of analyses) {
      const started = Date.now();
      const result = await analysis.run(ctx);
      for (const name of Object.keys(result.files)) {
        const other = producedBy.get(name);
        if (other) throw new Error(`Analyses "${other}" and "${analysis.name}" both produce ${name}: each result file belongs to one analysis.`);
        producedBy.set(name, analysis.name);
      }
      historyWrites.push(writeHistory(Object.entries(result.files)));
      for (const [k, v] of Object.entries(result.counts)) counts[`${analysis.name}.${k}`] = v;
      counts[`${analysis.name}.ms`] = Date.now() - started;
      ports.log.info('analysis finished', { analysis: analysis.name, ms: Date.now() - started, ...result.counts });
    }
  } catch (error) {
    failure = { error };
  }
  // Never leave writes running behind a failure; an analysis's own error comes first.
  const writes = await Promise.allSettled(historyWrites);
  if (failure) throw failure.error;
  for (const w of writes) if (w.status === 'rejected') throw w.reason;

  const manifest: Manifest = {
    version: CONTRACT_VERSION,
    generatedAt: ports.clock.now().toISOString(),
    runId: input.runId,
    files: [...producedBy.keys()].sort(),
  };
  await writeHistory([[RESULT_FILES.manifest, manifest]]);

  // Listed while the new files go in: a key is either one of them (kept) or left over (removed).
  const written = new Set([...texts.keys()].map((name) => LATEST_PREFIX + name));
  const [present] = await Promise.all([
    listKeys(ports.lake, LATEST_PREFIX),
    mapLimit([...texts.entries()], WRITES_IN_FLIGHT, (entry) => ports.lake.put(LATEST_PREFIX + entry[0], entry[1], JSON_OBJECT)),
  ]);
  for (const key of present) {
    if (!written.has(key)) await ports.lake.delete(key);
  }
  // Only the top-level files are named in the state payload (per-customer files can be thousands).
  const resultKeys = [...written].filter((k) => !k.slice(LATEST_PREFIX.length).includes('/')).sort();
  return { runId: input.runId, resultKeys, counts };
}

/**
 * Runs `fn` over items with at most `limit` in flight. After a failure no new item starts; the first
 * error is thrown once the items in flight have finished (nothing keeps running behind it).
 */
export async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await fn(items[next++]!);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const done = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  for (const d of done) if (d.status === 'rejected') throw d.reason;
}
