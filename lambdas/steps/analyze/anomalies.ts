/**
 * Anomalies: the meters' (detected by ./anomaly-detection.ts, fleet-wide inputs and a page of meters
 * at a time: ./anomaly-pages.ts — the workflow runs the pages as a Distributed Map before Analyze;
 * called without them, this analysis runs the same pages in process) and the configured threshold
 * rules on monthly utility usage; then anomalies.json for the dashboard.
 */
import { thresholdBreaches, type MonthlyUsage } from '../../analysis/threshold-rules';
import type { Anomalies, AnomalyItem, AnomalySeverity } from '../../contract/results';
import { RESULT_FILES } from '../../contract/results';
import { sqlFile } from '../../sql/files';
import type { Analysis, AnalysisContext } from './analysis';
import { pseudonymise, pseudonymiseHousehold } from './pseudonym';
import { instantMs } from './instant';
import { anomalyReason } from '../../analysis/anomaly-reason';
import { anomalyId, iso, num, replaceRanges, round, type AnomalyRow } from './anomaly-detection';
import { detectAnomalyPagesInProcess } from './anomaly-pages';
import { addDays } from './window';

export { anomalyId, instantMs };
export { BASELINE_DAYS, CHUNK_DAYS, CONTEXT_HOURS, LOOKAHEAD_DAYS, REVIEW_DAYS, SPREAD_DAYS } from './anomaly-detection';

/** Threshold breaches for months starting in [fromMonth, detectToDay]. */
async function detectThresholds(ctx: AnalysisContext, fromMonth: string): Promise<AnomalyRow[]> {
  const usage = await ctx.ports.warehouse.query({
    name: 'utility_usage_months',
    sql: sqlFile('analysis/utility_usage_months.sql'),
    params: { from_day: fromMonth, to_day: ctx.detectToDay },
  });
  const monthly: MonthlyUsage[] = usage.map((r) => ({
    householdId: String(r.household_id),
    energyType: String(r.energy_type),
    month: String(r.month).slice(0, 10),
    amount: Number(r.amount),
    unit: String(r.unit),
  }));
  return thresholdBreaches(monthly, ctx.ports.config.utilities.thresholds).map((b) => {
    const rule = `threshold:${b.energyType}`;
    const occurredAt = `${b.month}T00:00:00.000Z`;
    return {
      anomaly_id: anomalyId(rule, 'household', b.householdId, occurredAt),
      subject_type: 'household',
      subject_id: b.householdId,
      occurred_at: occurredAt,
      rule,
      severity: b.severity,
      value: round(b.amount, 3),
      expected: b.threshold,
      score: round(b.ratio, 4),
      detected_run: ctx.input.runId,
      notified_at: null,
    };
  });
}

/** anomalies.json: the newest 500 anomalies with a little context each, and totals over all. */
async function publish(ctx: AnalysisContext): Promise<Anomalies> {
  const wh = ctx.ports.warehouse;
  const latest = await wh.query({ name: 'anomalies_latest', sql: sqlFile('analysis/anomalies_latest.sql') });
  const totals = await wh.query({ name: 'anomalies_totals', sql: sqlFile('analysis/anomalies_totals.sql') });
  const context = new Map<string, { t: string[]; v: (number | null)[] }>();
  const add = (id: string, t: string, v: number | null) => {
    let c = context.get(id);
    if (!c) context.set(id, (c = { t: [], v: [] }));
    c.t.push(t);
    c.v.push(v);
  };
  for (const r of await wh.query({ name: 'anomaly_context_meters', sql: sqlFile('analysis/anomaly_context_meters.sql') })) {
    add(String(r.anomaly_id), iso(instantMs(r.interval_start!, 'meter_readings.interval_start')), round(num(r.kwh)));
  }
  for (const r of await wh.query({ name: 'anomaly_context_households', sql: sqlFile('analysis/anomaly_context_households.sql') })) {
    add(String(r.anomaly_id), String(r.month).slice(0, 10), round(num(r.amount), 3));
  }
  const intervalMinutes = ctx.ports.config.meters.intervalMinutes;
  const units: Record<string, string> = { electricity: 'kWh', heating: 'kWh', water: 'm³' };
  const items: AnomalyItem[] = latest.map((r) => {
    const meter = r.subject_type === 'meter';
    const occurredMs = instantMs(r.occurred_at!, 'anomalies.occurred_at');
    const occurred = iso(occurredMs);
    const rule = String(r.rule);
    const score = num(r.score);
    const end = meter && (rule === 'stuck' || rule === 'gap') && score !== null ? iso(occurredMs + score * intervalMinutes * 60_000) : undefined;
    const reason = anomalyReason({ rule, value: num(r.value), expected: num(r.expected), score, intervalMinutes, unit: units[rule.slice('threshold:'.length)] });
    return {
      ...(meter ? { timezone: (r.timezone as string | null) ?? ctx.ports.config.meters.defaultTimezone } : {}),
      ...(end ? { end } : {}),
      reason,
      id: String(r.anomaly_id),
      subjectType: meter ? 'meter' : 'household',
      subject: meter ? pseudonymise(ctx.ports.pseudonymKey, String(r.subject_id)) : pseudonymiseHousehold(ctx.ports.pseudonymKey, String(r.subject_id)),
      time: meter ? occurred : occurred.slice(0, 10), // utilities: the month's first day
      rule: String(r.rule),
      severity: r.severity as AnomalySeverity,
      value: num(r.value),
      expected: num(r.expected),
      score: num(r.score),
      context: context.get(String(r.anomaly_id)) ?? { t: [], v: [] },
    };
  });
  return {
    generatedAt: ctx.ports.clock.now().toISOString(),
    items,
    totals: totals.map((t) => ({ rule: String(t.rule), severity: t.severity as AnomalySeverity, count: Number(t.anomalies) })),
  };
}

export const anomaliesAnalysis: Analysis = {
  name: 'anomalies',
  async run(ctx) {
    const detectTo = Date.parse(`${addDays(ctx.detectToDay, 1)}T00:00:00Z`);
    const fromMonth = `${addDays(ctx.detectToDay, -ctx.ports.config.analysis.historyDays).slice(0, 7)}-01`;
    // Meters: the workflow ran the pages before Analyze (PrepareAnomalies, DetectAnomalies); a direct
    // call runs the same pages here, one after the other.
    if (!ctx.input.anomalyPages) await detectAnomalyPagesInProcess(ctx.input, ctx.ports);
    const householdRows = await detectThresholds(ctx, fromMonth);
    await replaceRanges(ctx, [{ subjectType: 'household', fromTs: `${fromMonth}T00:00:00Z`, toTs: iso(detectTo) }], householdRows);
    // What this execution detected, counted where the page workers wrote it.
    const meterCounts = await ctx.ports.warehouse.query({ name: 'anomalies_detected', sql: sqlFile('analysis/anomalies_detected.sql'), params: { run_id: ctx.input.runId } });
    const counts: Record<string, number> = { detected: householdRows.length };
    for (const r of meterCounts) {
      counts[String(r.rule)] = Number(r.anomalies);
      counts.detected! += Number(r.anomalies);
    }
    if (householdRows.length) counts.threshold = householdRows.length;
    return { files: { [RESULT_FILES.anomalies]: await publish(ctx) }, counts };
  },
};
