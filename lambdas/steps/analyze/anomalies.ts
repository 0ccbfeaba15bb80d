/**
 * Anomalies: statistical rules on meter readings (spikes, stuck meters, gaps — see
 * lambdas/analysis/meter-anomalies.ts) and the configured threshold rules on monthly utility usage.
 *
 * Detection range: the as-of day (UTC) for meter readings, with one day of context before it so a
 * flat run or gap that began yesterday is recognised as the same event (and not reported again with
 * a clipped start); the months of the history window for utility usage. The range is replaced in
 * one transaction (DELETE + INSERT from its first difference, ./first-difference.ts): a re-run of a
 * date yields the same rows (and writes none), and the notified_at of anomalies already alerted is
 * carried over, so a re-run never alerts twice (see ./alerts.ts).
 *
 * The baseline (bucket medians and the meter's log spread) is computed in the warehouse with
 * percentile_cont over the history window; only the readings of the detection range and its context
 * come back, each with its baseline.
 */
import { createHash } from 'node:crypto';
import { detectMeterAnomalies, type MeterAnomaly } from '../../analysis/meter-anomalies';
import { thresholdBreaches, type MonthlyUsage } from '../../analysis/threshold-rules';
import type { Anomalies, AnomalyItem, AnomalySeverity } from '../../contract/results';
import { RESULT_FILES } from '../../contract/results';
import type { Row, SqlValue, Statement } from '../../ports/warehouse';
import { multiRowInserts } from '../../sql/analysis/multi-row-insert';
import { sqlFile } from '../../sql/files';
import { queryScript } from '../../sql/script';
import type { Analysis, AnalysisContext } from './analysis';
import { firstDifference, type ColumnKind } from './first-difference';
import { pseudonymise, pseudonymiseHousehold } from './pseudonym';
import { instantMs } from './instant';
import { addDays } from './window';

/** Hours of readings before the detection range that are read as context (not reported). */
export const CONTEXT_HOURS = 24;
/**
 * Days of history behind the seasonal baseline (at most analysis.historyDays): six weeks give each
 * weekday × interval bucket six readings — enough for a median when the spread is pooled per meter —
 * follow the season faster than three months would, and cost half the warehouse time.
 */
export const BASELINE_DAYS = 42;
/** Days of readings the pooled log spread is measured on (~670 readings per meter). */
export const SPREAD_DAYS = 14;

/** The stable id of an anomaly: the same rule, subject and time always give the same id. */
export function anomalyId(rule: string, subjectType: string, subjectId: string, occurredAtIso: string): string {
  return createHash('sha256').update(`${rule}|${subjectType}|${subjectId}|${occurredAtIso}`).digest('hex').slice(0, 32);
}

export { instantMs } from './instant';

const iso = (ms: number) => new Date(ms).toISOString();
const dayStartMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const num = (v: SqlValue): number | null => (v === null || v === undefined ? null : Number(v));
const round = (x: number | null, digits = 4) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

interface AnomalyRow extends Record<string, SqlValue> {
  anomaly_id: string;
  subject_type: 'meter' | 'household';
  subject_id: string;
  occurred_at: string;
  rule: string;
  severity: AnomalySeverity;
  value: number | null;
  expected: number | null;
  score: number | null;
  detected_run: string;
  notified_at: string | null;
}

interface Range {
  subjectType: 'meter' | 'household';
  fromTs: string;
  toTs: string;
}

/** Meter anomalies starting in [detectFrom, detectTo). */
async function detectMeters(ctx: AnalysisContext, detectFrom: number, detectTo: number): Promise<AnomalyRow[]> {
  const { warehouse, config } = ctx.ports;
  const intervalMinutes = config.meters.intervalMinutes;
  const step = intervalMinutes * 60_000;
  const historyFrom = iso(detectTo - Math.min(BASELINE_DAYS, config.analysis.historyDays) * 86_400_000);
  const contextFrom = detectFrom - CONTEXT_HOURS * 3_600_000;
  const params = { history_from_ts: historyFrom, to_ts: iso(detectTo) };
  const spans = await warehouse.query({ name: 'meter_spans', sql: sqlFile('analysis/meter_spans.sql'), params });
  if (spans.length === 0) return [];
  const rows = await queryScript(warehouse, 'analysis/meter_readings_scored.sql', 'meter_readings_scored', {
    ...params,
    spread_from_ts: iso(detectTo - SPREAD_DAYS * 86_400_000),
    context_from_ts: iso(contextFrom),
    interval_minutes: intervalMinutes,
  });
  // Data has arrived up to the fleet's latest reading: intervals after it are "not yet", not gaps.
  const fleetEnd = Math.max(...spans.map((s) => instantMs(s.last_at!, 'meter_spans.last_at'))) + step;
  const byMeter = new Map<string, Row[]>();
  for (const r of rows) {
    const id = String(r.meter_id);
    let list = byMeter.get(id);
    if (!list) byMeter.set(id, (list = []));
    list.push(r);
  }
  const out: AnomalyRow[] = [];
  for (const span of spans) {
    const meterId = String(span.meter_id);
    const list = byMeter.get(meterId) ?? [];
    const firstAt = instantMs(span.first_at!, 'meter_spans.first_at');
    const start = Math.max(contextFrom, Math.ceil((firstAt - contextFrom) / step) * step + contextFrom);
    const end = Math.min(detectTo, fleetEnd);
    if (end <= start) continue;
    const found = detectMeterAnomalies(
      {
        t: list.map((r) => instantMs(r.interval_start!, 'meter_readings.interval_start')),
        v: list.map((r) => Number(r.kwh)),
        expected: list.map((r) => Number(r.expected)),
        scale: list.map((r) => (r.log_scale === null ? NaN : Number(r.log_scale))),
        history: list.map((r) => Number(r.history)),
      },
      { start, end, intervalMinutes },
      { spike: { zThreshold: config.analysis.zThreshold } },
    );
    for (const a of found) if (a.start >= detectFrom) out.push(meterRow(ctx, meterId, a));
  }
  return out;
}

function meterRow(ctx: AnalysisContext, meterId: string, a: MeterAnomaly): AnomalyRow {
  const occurredAt = iso(a.start);
  return {
    anomaly_id: anomalyId(a.rule, 'meter', meterId, occurredAt),
    subject_type: 'meter',
    subject_id: meterId,
    occurred_at: occurredAt,
    rule: a.rule,
    severity: a.severity,
    value: round(a.value),
    expected: round(a.expected),
    score: round(a.score, 3),
    detected_run: ctx.input.runId,
    notified_at: null,
  };
}

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

/** Every column of the anomalies table, as compared when replacing a range. */
const ANOMALY_COLUMNS: Record<keyof AnomalyRow, ColumnKind> = {
  anomaly_id: 'text',
  subject_type: 'text',
  subject_id: 'text',
  occurred_at: 'instant',
  rule: 'text',
  severity: 'text',
  value: 'number',
  expected: 'number',
  score: 'number',
  detected_run: 'text',
  notified_at: 'instant',
};

/**
 * Replaces the ranges' anomalies with `rows` in one transaction, keeping notified_at of known ids.
 * Only the part of a range from its first difference on is rewritten (DELETE + INSERT): a re-run that
 * finds the same anomalies writes nothing.
 */
async function replaceRanges(ctx: AnalysisContext, ranges: Range[], rows: AnomalyRow[]): Promise<void> {
  const wh = ctx.ports.warehouse;
  const statements: Statement[] = [];
  for (const r of ranges) {
    const params = { subject_type: r.subjectType, from_ts: r.fromTs, to_ts: r.toTs };
    const existing = await wh.query({ name: `anomalies_in_range_${r.subjectType}`, sql: sqlFile('analysis/anomalies_in_range.sql'), params });
    const notified = new Map<string, string>();
    for (const e of existing) {
      if (e.notified_at !== null) notified.set(String(e.anomaly_id), iso(instantMs(e.notified_at!, 'anomalies.notified_at')));
    }
    const wanted = rows
      .filter((x) => x.subject_type === r.subjectType)
      .map((x) => ({ ...x, notified_at: notified.get(x.anomaly_id) ?? null }));
    const from = firstDifference(existing, wanted, ANOMALY_COLUMNS, 'occurred_at');
    if (from === undefined) continue;
    statements.push({
      name: `anomalies_delete_${r.subjectType}`,
      sql: sqlFile('analysis/anomalies_delete_range.sql'),
      params: { ...params, from_ts: iso(Number(from)) },
    });
    const changed = wanted.filter((x) => Date.parse(x.occurred_at) >= Number(from));
    statements.push(...multiRowInserts(`anomalies_insert_${r.subjectType}`, sqlFile('analysis/anomalies_insert.sql'), changed));
  }
  if (statements.length) await wh.transaction(statements);
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
  const items: AnomalyItem[] = latest.map((r) => {
    const meter = r.subject_type === 'meter';
    const occurred = iso(instantMs(r.occurred_at!, 'anomalies.occurred_at'));
    return {
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
    const detectFrom = dayStartMs(ctx.fromDay);
    const detectTo = dayStartMs(addDays(ctx.detectToDay, 1));
    const fromMonth = `${addDays(ctx.detectToDay, -ctx.ports.config.analysis.historyDays).slice(0, 7)}-01`;
    const meterRows = await detectMeters(ctx, detectFrom, detectTo);
    const householdRows = await detectThresholds(ctx, fromMonth);
    await replaceRanges(
      ctx,
      [
        { subjectType: 'meter', fromTs: iso(detectFrom), toTs: iso(detectTo) },
        { subjectType: 'household', fromTs: `${fromMonth}T00:00:00Z`, toTs: iso(detectTo) },
      ],
      [...meterRows, ...householdRows],
    );
    const counts: Record<string, number> = { detected: meterRows.length + householdRows.length };
    for (const r of [...meterRows, ...householdRows]) {
      const key = r.rule.startsWith('threshold:') ? 'threshold' : r.rule;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return { files: { [RESULT_FILES.anomalies]: await publish(ctx) }, counts };
  },
};
