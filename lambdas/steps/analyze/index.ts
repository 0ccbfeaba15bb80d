/**
 * Analyze: runs each analysis in order against the warehouse and writes the JSON results for the
 * dashboard under `results/latest/` (replaced as a whole: files no analysis produced this time are
 * removed) and `results/runs/<runId>/` (kept for history). Re-running a date replaces its results.
 */
import { AnalyzeInputSchema, parseInput, type AnalyzeOutput } from '../../contract/manifests';
import { CONTRACT_VERSION, RESULT_FILES, type Manifest } from '../../contract/results';
import { listKeys } from '../../ports/object-store';
import type { StepPorts } from '../ports';
import { ensureSchema } from '../../sql/schema';
import type { Analysis } from './analysis';
import { alertsAnalysis } from './alerts';
import { anomaliesAnalysis } from './anomalies';
import { consumptionAnalysis } from './consumption';
import { emissionsAnalysis } from './emissions';
import { forecastsAnalysis } from './forecasts';
import { marketAnalysis } from './market';
import { overviewAnalysis } from './overview';
import { runsAnalysis } from './runs';
import { addDays } from './window';

/**
 * In order: the models first (they write their tables), then the summaries that read them.
 * Overview goes last: it counts this run's anomalies.
 */
export const ANALYSES: Analysis[] = [
  emissionsAnalysis,
  marketAnalysis,
  anomaliesAnalysis,
  alertsAnalysis,
  forecastsAnalysis,
  consumptionAnalysis,
  runsAnalysis,
  overviewAnalysis,
];

export const LATEST_PREFIX = 'results/latest/';
const JSON_OBJECT = { contentType: 'application/json' };

/**
 * A backfill examines at most its last 7 days for anomalies: detection pulls every reading of the
 * window into the models, and alerts about last month are noise, not news.
 */
export const DETECTION_MAX_DAYS = 7;

export async function analyze(rawInput: unknown, ports: StepPorts, analyses: Analysis[] = ANALYSES): Promise<AnalyzeOutput> {
  const input = parseInput(AnalyzeInputSchema, rawInput, 'analyze');
  await ensureSchema(ports.warehouse);
  const earliest = addDays(input.date, -(DETECTION_MAX_DAYS - 1));
  const from = input.fromDate && input.fromDate < input.date ? input.fromDate : input.date;
  const ctx = { input, ports, asOfDay: input.date, fromDay: from < earliest ? earliest : from };
  const files = new Map<string, unknown>();
  const counts: Record<string, number> = {};
  for (const analysis of analyses) {
    const started = Date.now();
    const result = await analysis.run(ctx);
    for (const [name, content] of Object.entries(result.files)) files.set(name, content);
    for (const [k, v] of Object.entries(result.counts)) counts[`${analysis.name}.${k}`] = v;
    counts[`${analysis.name}.ms`] = Date.now() - started;
    ports.log.info('analysis finished', { analysis: analysis.name, ms: Date.now() - started, ...result.counts });
  }

  const manifest: Manifest = {
    version: CONTRACT_VERSION,
    generatedAt: ports.clock.now().toISOString(),
    runId: input.runId,
    files: [...files.keys()].sort(),
  };
  files.set(RESULT_FILES.manifest, manifest);

  const written = new Set<string>();
  await mapLimit([...files.entries()], 16, async ([name, content]) => {
    // Serialised once, stored twice (as putJson would: JSON text, application/json).
    const text = JSON.stringify(content);
    await ports.lake.put(`results/runs/${input.runId}/${name}`, text, JSON_OBJECT);
    await ports.lake.put(LATEST_PREFIX + name, text, JSON_OBJECT);
    written.add(LATEST_PREFIX + name);
  });
  for (const key of await listKeys(ports.lake, LATEST_PREFIX)) {
    if (!written.has(key)) await ports.lake.delete(key);
  }
  // Only the top-level files are named in the state payload (per-customer files can be thousands).
  const resultKeys = [...written].filter((k) => !k.slice(LATEST_PREFIX.length).includes('/')).sort();
  return { runId: input.runId, resultKeys, counts };
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
