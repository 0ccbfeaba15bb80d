/**
 * Anomalies: statistical rules on meter readings (spikes, stuck meters, gaps, level shifts — see
 * lambdas/analysis/meter-anomalies.ts) and the configured threshold rules on monthly utility usage.
 *
 * Detection follows the data: each meter the execution loaded readings for is examined over the
 * local days those loads touched (an import of years, a late file, a re-sent correction), in its own
 * timezone, from REVIEW_DAYS before the first of them (a level shift shows only after days) to the end
 * of the execution's last day, never past the fleet's newest reading. Time is examined in slices of
 * CHUNK_DAYS, each with a baseline from the weeks around it: bucket medians over BASELINE_DAYS up to
 * its end (percentile_cont in the warehouse), and the yardsticks — the meter's log spread and its
 * upper envelope — from the weeks BEFORE it (or, where the history starts, its first weeks).
 *
 * Each meter's range is replaced in one transaction (per meter, so other meters' anomalies stay;
 * rows compared first, ./first-difference.ts): a re-run yields the same rows and writes none, and the
 * notified_at of anomalies already alerted is carried over, so a re-run never alerts twice.
 */
import { createHash } from 'node:crypto';
import { detectMeterAnomalies, type MeterAnomaly } from '../../analysis/meter-anomalies';
import { thresholdBreaches, type MonthlyUsage } from '../../analysis/threshold-rules';
import type { Anomalies, AnomalyItem, AnomalySeverity } from '../../contract/results';
import { RESULT_FILES } from '../../contract/results';
import type { Row, SqlValue, Statement } from '../../ports/warehouse';
import { inListStatements, multiRowInserts } from '../../sql/analysis/multi-row-insert';
import { sqlFile } from '../../sql/files';
import { queryScript } from '../../sql/script';
import type { Analysis, AnalysisContext } from './analysis';
import { firstDifference, type ColumnKind } from './first-difference';
import { pseudonymise, pseudonymiseHousehold } from './pseudonym';
import { instantMs } from './instant';
import { gapSeverity } from '../../analysis/gaps';
import { anomalyReason } from '../../analysis/anomaly-reason';
import { MAD_TO_SIGMA, median } from '../../analysis/robust-stats';
import { localDayOf, localDayStartMs } from '../../analysis/local-time';
import { executionRunFilter } from '../plan';
import { addDays } from './window';

/** Hours of readings before each slice that are read as context (not reported). */
export const CONTEXT_HOURS = 24;
/**
 * Days before a meter's first loaded day that a run examines again: a level shift is only recognised
 * after days of it, and a daily run loads one day, so each run reviews the week before it (the same
 * event keeps its id, so a review replaces, never duplicates).
 */
export const REVIEW_DAYS = 7;
/** Days of time examined per warehouse query (bounded memory for an import of years). */
export const CHUNK_DAYS = 14;
/** Days past a slice that are read so an event that begins in it is measured whole. */
export const LOOKAHEAD_DAYS = 7;
const DAY = 86_400_000;
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
  /** Only this subject's anomalies (a meter's own range); all of the type when absent. */
  subjectId?: string;
  fromTs: string;
  toTs: string;
}

/**
 * One meter's detection range: the local days this execution loaded for it, from REVIEW_DAYS before
 * the first to the end of the execution's last loaded day (in the meter's own timezone), never past the
 * fleet's newest reading (later intervals are "not yet", not gaps).
 */
interface MeterRange {
  meterId: string;
  timezone: string;
  /** Anomalies starting in [from, to) are this run's to report (and replace). */
  from: number;
  to: number;
  /** The meter's first reading in the history window (its grid starts there) and its latest reading. */
  firstAt: number;
  lastAt: number;
}

/** One page of the execution's meters: consecutive meter ids first … last (meter_pages.sql). */
interface Page {
  first: string;
  last: string;
}

/**
 * The execution's fleet-wide grid, the same for every page: the last local day it loaded, the fleet's
 * newest reading (ranges never reach past it), where the slices of time start and where the loaded
 * meters' history starts. Read as aggregates (a row per timezone, two values), so a page of meters is
 * examined exactly as the whole fleet at once would be.
 */
interface Grid {
  lastDay: string;
  fleetEnd: number;
  chunkOrigin: number;
  dataFrom: number;
  spansFrom: number;
  spansTo: number;
}

async function fleetGrid(ctx: AnalysisContext): Promise<Grid | null> {
  const { warehouse, config } = ctx.ports;
  const step = config.meters.intervalMinutes * 60_000;
  const zones = await warehouse.query({
    name: 'meter_loaded_zones',
    sql: sqlFile('analysis/meter_loaded_zones.sql'),
    params: { ...executionRunFilter(ctx.input), default_timezone: config.meters.defaultTimezone },
  });
  if (zones.length === 0) return null;
  let lastDay = '';
  let earliest = Infinity;
  let latest = -Infinity;
  let chunkOrigin = Infinity;
  for (const z of zones) {
    const timezone = String(z.timezone);
    const first = instantMs(z.first_loaded!, 'meter_readings.interval_start');
    const last = instantMs(z.last_loaded!, 'meter_readings.interval_start');
    earliest = Math.min(earliest, first);
    latest = Math.max(latest, last);
    const day = localDayOf(last, timezone);
    if (day > lastDay) lastDay = day;
    // The earliest range start of the zone's meters (see meterRanges): where the slices begin.
    chunkOrigin = Math.min(chunkOrigin, alignDown(localDayStartMs(addDays(localDayOf(first, timezone), -REVIEW_DAYS), timezone), step));
  }
  const spansFrom = earliest - (REVIEW_DAYS + 1 + BASELINE_DAYS) * DAY;
  const spansTo = Date.parse(`${addDays(lastDay, 2)}T00:00:00Z`);
  const [extent] = await warehouse.query({
    name: 'meter_spans_extent',
    sql: sqlFile('analysis/meter_spans_extent.sql'),
    params: { ...executionRunFilter(ctx.input), history_from_ts: iso(spansFrom), to_ts: iso(spansTo) },
  });
  const newest = extent?.last_at === null || extent?.last_at === undefined ? latest : instantMs(extent.last_at, 'meter_spans_extent.last_at');
  const dataFrom = extent?.first_at === null || extent?.first_at === undefined ? earliest : instantMs(extent.first_at, 'meter_spans_extent.first_at');
  return { lastDay, fleetEnd: Math.max(latest, newest) + step, chunkOrigin, dataFrom, spansFrom, spansTo };
}

/**
 * The pages of the meters that reported in the history window (the loaded ones and those gone silent),
 * config.analysis.metersPerPage each.
 */
async function meterPages(ctx: AnalysisContext, grid: Grid): Promise<Page[]> {
  const rows = await ctx.ports.warehouse.query({
    name: 'meter_pages',
    sql: sqlFile('analysis/meter_pages.sql'),
    params: { history_from_ts: iso(grid.spansFrom), to_ts: iso(grid.spansTo), page_size: ctx.ports.config.analysis.metersPerPage },
  });
  return rows.map((r) => ({ first: String(r.first_meter), last: String(r.last_meter) }));
}

/**
 * One page's meters and their ranges, plus the page's meters that went silent: they reported in the
 * history window, nothing was loaded for them now, and their readings stop before the execution's end.
 */
async function meterRanges(ctx: AnalysisContext, page: Page, grid: Grid): Promise<MeterRange[]> {
  const { warehouse, config } = ctx.ports;
  const step = config.meters.intervalMinutes * 60_000;
  const pageParams = { first_meter: page.first, last_meter: page.last };
  const loaded = await warehouse.query({
    name: 'meter_loaded_spans',
    sql: sqlFile('analysis/meter_loaded_spans.sql'),
    params: { ...executionRunFilter(ctx.input), ...pageParams, default_timezone: config.meters.defaultTimezone },
  });
  const spans = await warehouse.query({
    name: 'meter_spans',
    sql: sqlFile('analysis/meter_spans.sql'),
    params: { ...pageParams, history_from_ts: iso(grid.spansFrom), to_ts: iso(grid.spansTo), default_timezone: config.meters.defaultTimezone },
  });
  const spanOf = new Map(spans.map((s) => [String(s.meter_id), s]));
  /** The end of the execution's last local day in a meter's timezone, never past the fleet's newest reading. */
  const endFor = (timezone: string) => Math.min(grid.fleetEnd, alignDown(localDayStartMs(addDays(grid.lastDay, 1), timezone), step));
  const ranges = loaded.map((r) => {
    const meterId = String(r.meter_id);
    const timezone = String(r.timezone);
    const span = spanOf.get(meterId)!;
    const firstDay = localDayOf(instantMs(r.first_loaded!, 'meter_readings.interval_start'), timezone);
    const from = alignDown(localDayStartMs(addDays(firstDay, -REVIEW_DAYS), timezone), step);
    return {
      meterId,
      timezone,
      from,
      to: endFor(timezone),
      firstAt: instantMs(span.first_at!, 'meter_spans.first_at'),
      lastAt: instantMs(span.last_at!, 'meter_spans.last_at'),
    };
  });
  // Silent meters: they reported within the history window but this execution loaded nothing for them
  // and their last reading ends before the execution's end — a meter that stops reporting altogether
  // is the fault an operator most needs to hear about, and it never appears among the loaded meters.
  // Their range starts at the silence (its anomaly keeps one id while it lasts, so each daily run
  // replaces the same gap, growing, and alerts once); no readings are examined (./anomalies detectMeters).
  const loadedIds = new Set(ranges.map((r) => r.meterId));
  for (const s of spans) {
    const meterId = String(s.meter_id);
    if (loadedIds.has(meterId)) continue;
    const timezone = String(s.timezone);
    const lastAt = instantMs(s.last_at!, 'meter_spans.last_at');
    const from = alignDown(lastAt, step) + step;
    const to = endFor(timezone);
    if (from >= to) continue;
    ranges.push({ meterId, timezone, from, to, firstAt: instantMs(s.first_at!, 'meter_spans.first_at'), lastAt });
  }
  return ranges;
}

const alignDown = (ms: number, step: number) => Math.floor(ms / step) * step;

/** s = 1.4826 × median |ln(v / expected)| over the positive readings in [from, to) (NaN without any). */
function pooledLogSpread(t: number[], v: number[], expected: number[], from: number, to: number): number {
  const deviations: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i]! >= from && t[i]! < to && v[i]! > 0 && expected[i]! > 0) deviations.push(Math.abs(Math.log(v[i]! / expected[i]!)));
  }
  return deviations.length ? MAD_TO_SIGMA * median(deviations) : NaN;
}

/**
 * Meter anomalies over every meter's range, a CHUNK_DAYS slice of time at a time (so an import of a
 * year never pulls a year of readings into memory at once). Each slice's baseline is the
 * BASELINE_DAYS of readings up to its end (at least LOOKAHEAD_DAYS past it) — or, at the start of a
 * meter's history where there is nothing before, its first BASELINE_DAYS: the bucket medians are
 * robust, so the few anomalies among those readings do not move them.
 */
async function detectMeters(ctx: AnalysisContext, ranges: MeterRange[], page: Page, grid: Grid): Promise<AnomalyRow[]> {
  const { warehouse, config } = ctx.ports;
  const intervalMinutes = config.meters.intervalMinutes;
  const step = intervalMinutes * 60_000;
  const out: AnomalyRow[] = [];
  // The part of each range that has readings to examine; a trailing silence is one gap, added below.
  const examined = ranges.map((r) => ({ r, from: r.from, to: Math.min(r.to, r.lastAt + step) })).filter((x) => x.to > x.from);
  if (examined.length) {
    const last = Math.max(...examined.map((x) => x.to));
    // Slices start at the fleet's first range start, not the page's: every page sees the same slices.
    for (let cs = alignDown(grid.chunkOrigin, DAY); cs < last; cs += CHUNK_DAYS * DAY) {
      const ce = cs + CHUNK_DAYS * DAY;
      const inChunk = examined.filter((x) => x.from < ce && x.to > cs);
      if (inChunk.length === 0) continue;
      // Where the loaded meters' history starts, fleet-wide (the same baseline window for every page).
      const dataFrom = Math.min(grid.dataFrom, ...inChunk.map((x) => x.r.firstAt));
      const historyFrom = Math.max(ce - BASELINE_DAYS * DAY, dataFrom);
      const historyTo = Math.max(ce + LOOKAHEAD_DAYS * DAY, historyFrom + BASELINE_DAYS * DAY);
      const contextFrom = cs - CONTEXT_HOURS * 3_600_000;
      // The spread is measured on the SPREAD_DAYS before the slice (or the first ones of the history):
      // a level shift inside the slice must not widen the yardstick its spikes are measured with.
      const readFrom = Math.min(contextFrom, Math.max(cs - SPREAD_DAYS * DAY, dataFrom));
      const rows = await queryScript(warehouse, 'analysis/meter_readings_scored.sql', 'meter_readings_scored', {
        history_from_ts: iso(historyFrom),
        to_ts: iso(historyTo),
        spread_from_ts: iso(historyTo - SPREAD_DAYS * DAY),
        context_from_ts: iso(readFrom),
        interval_minutes: intervalMinutes,
        first_meter: page.first,
        last_meter: page.last,
      });
      const envelope = await warehouse.query({
        name: 'meter_upper_envelope',
        sql: sqlFile('analysis/meter_upper_envelope.sql'),
        // The weeks before the slice (a level shift inside or after it must not lift the envelope),
        // or at the start of the history, its first weeks.
        params: {
          history_from_ts: iso(Math.max(cs - BASELINE_DAYS * DAY, dataFrom)),
          to_ts: iso(Math.max(cs, dataFrom + BASELINE_DAYS * DAY)),
          first_meter: page.first,
          last_meter: page.last,
        },
      });
      const highOf = new Map(envelope.map((e) => [String(e.meter_id), Number(e.high)]));
      const byMeter = new Map<string, Row[]>();
      for (const row of rows) {
        const id = String(row.meter_id);
        let list = byMeter.get(id);
        if (!list) byMeter.set(id, (list = []));
        list.push(row);
      }
      for (const { r, to } of inChunk) {
        const list = byMeter.get(r.meterId) ?? [];
        // The grid starts a day before the slice (a run that began then is the same event, reported
        // by the slice it began in) but never before the meter's first reading (no gap before it was
        // installed), and looks LOOKAHEAD_DAYS past it, so an event is measured whole.
        const start = Math.max(contextFrom, r.firstAt);
        const end = Math.min(to, ce + LOOKAHEAD_DAYS * DAY);
        if (end <= start) continue;
        const t = list.map((x) => instantMs(x.interval_start!, 'meter_readings.interval_start'));
        const v = list.map((x) => Number(x.kwh));
        const expected = list.map((x) => Number(x.expected));
        const spreadFrom = Math.max(cs - SPREAD_DAYS * DAY, r.firstAt);
        const spreadTo = Math.max(cs, r.firstAt + SPREAD_DAYS * DAY);
        const logScale = pooledLogSpread(t, v, expected, spreadFrom, spreadTo);
        const found = detectMeterAnomalies(
          {
            t,
            v,
            expected,
            scale: list.map(() => logScale),
            history: list.map((x) => Number(x.history)),
            high: highOf.get(r.meterId),
          },
          { start: start + ((((r.firstAt - start) % step) + step) % step), end, intervalMinutes },
          { spike: { zThreshold: config.analysis.zThreshold } },
        );
        for (const a of found) if (a.start >= Math.max(cs, r.from) && a.start < Math.min(ce, r.to)) out.push(meterRow(ctx, r.meterId, a));
      }
    }
  }
  // A meter that stopped reporting before its range ends (while others went on): one gap to the end.
  for (const r of ranges) {
    const gapFrom = Math.max(r.lastAt + step, r.from);
    if (gapFrom >= r.to) continue;
    const missing = Math.round((r.to - gapFrom) / step);
    out.push(
      meterRow(ctx, r.meterId, {
        rule: 'gap',
        start: gapFrom,
        end: r.to,
        value: null,
        expected: null,
        score: missing,
        severity: gapSeverity(missing * intervalMinutes),
      }),
    );
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
 * A range without a subject is rewritten from its first difference on (DELETE + INSERT); a range
 * with one (a meter's own local days) replaces only that subject's anomalies, and only if any of them
 * changed — deletes grouped by range, inserts batched across meters. A re-run that finds the same
 * anomalies writes nothing. The stored rows are read in one query per subject type.
 */
async function replaceRanges(ctx: AnalysisContext, ranges: Range[], rows: AnomalyRow[], page?: Page): Promise<void> {
  const wh = ctx.ports.warehouse;
  const deletes: Statement[] = [];
  const inserts: AnomalyRow[] = [];
  for (const subjectType of ['meter', 'household'] as const) {
    const mine = ranges.filter((r) => r.subjectType === subjectType);
    if (mine.length === 0) continue;
    const envelope = {
      subject_type: subjectType,
      from_ts: iso(Math.min(...mine.map((r) => Date.parse(r.fromTs)))),
      to_ts: iso(Math.max(...mine.map((r) => Date.parse(r.toTs)))),
    };
    // A page of meters reads only its own meters' anomalies (bounded like its readings).
    const stored =
      subjectType === 'meter' && page
        ? await wh.query({
            name: 'anomalies_in_meter_page',
            sql: sqlFile('analysis/anomalies_in_meter_page.sql'),
            params: { first_meter: page.first, last_meter: page.last, from_ts: envelope.from_ts, to_ts: envelope.to_ts },
          })
        : await wh.query({ name: `anomalies_in_range_${subjectType}`, sql: sqlFile('analysis/anomalies_in_range.sql'), params: envelope });
    const notified = new Map<string, string>();
    for (const e of stored) {
      if (e.notified_at !== null) notified.set(String(e.anomaly_id), iso(instantMs(e.notified_at!, 'anomalies.notified_at')));
    }
    const candidates = rows
      .filter((x) => x.subject_type === subjectType)
      .map((x) => ({ ...x, notified_at: notified.get(x.anomaly_id) ?? null }));
    const storedBySubject = groupBy(stored, (e) => String(e.subject_id));
    const wantedBySubject = groupBy(candidates, (x) => x.subject_id);
    /** "from|to" → subjects whose whole range is replaced. */
    const replaced = new Map<string, string[]>();
    for (const r of mine) {
      const lo = Date.parse(r.fromTs);
      const hi = Date.parse(r.toTs);
      const within = (occurred: number) => occurred >= lo && occurred < hi;
      const existing = (r.subjectId === undefined ? stored : (storedBySubject.get(r.subjectId) ?? [])).filter((e) =>
        within(instantMs(e.occurred_at!, 'anomalies.occurred_at')),
      );
      const wanted = (r.subjectId === undefined ? candidates : (wantedBySubject.get(r.subjectId) ?? [])).filter((x) => within(Date.parse(x.occurred_at)));
      const from = firstDifference(existing, wanted, ANOMALY_COLUMNS, 'occurred_at');
      if (from === undefined) continue;
      if (r.subjectId === undefined) {
        deletes.push({ name: `anomalies_delete_${subjectType}`, sql: sqlFile('analysis/anomalies_delete_range.sql'), params: { ...envelope, from_ts: iso(Number(from)), to_ts: r.toTs } });
        inserts.push(...wanted.filter((x) => Date.parse(x.occurred_at) >= Number(from)));
      } else {
        if (existing.length) {
          const key = `${r.fromTs}|${r.toTs}`;
          replaced.set(key, [...(replaced.get(key) ?? []), r.subjectId]);
        }
        inserts.push(...wanted);
      }
    }
    for (const [key, subjects] of replaced) {
      const [fromTs, toTs] = key.split('|');
      deletes.push(
        ...inListStatements(`anomalies_delete_${subjectType}_subjects`, sqlFile('analysis/anomalies_delete_subject_range.sql'), 'subject_ids', subjects, {
          subject_type: subjectType,
          from_ts: fromTs!,
          to_ts: toTs!,
        }),
      );
    }
  }
  const statements = [...deletes, ...multiRowInserts('anomalies_insert', sqlFile('analysis/anomalies_insert.sql'), inserts)];
  if (statements.length) await wh.transaction(statements);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(item);
  }
  return out;
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
    // Meters a page at a time: each page's readings are read, scored and its anomalies replaced
    // before the next page is read, so memory and every result set stay bounded by the page size.
    const meterRows: AnomalyRow[] = [];
    const grid = await fleetGrid(ctx);
    if (grid) {
      for (const page of await meterPages(ctx, grid)) {
        const ranges = await meterRanges(ctx, page, grid);
        const found = await detectMeters(ctx, ranges, page, grid);
        await replaceRanges(
          ctx,
          ranges.map((r): Range => ({ subjectType: 'meter', subjectId: r.meterId, fromTs: iso(r.from), toTs: iso(r.to) })),
          found,
          page,
        );
        for (const row of found) meterRows.push(row);
      }
    }
    const householdRows = await detectThresholds(ctx, fromMonth);
    await replaceRanges(ctx, [{ subjectType: 'household', fromTs: `${fromMonth}T00:00:00Z`, toTs: iso(detectTo) }], householdRows);
    const counts: Record<string, number> = { detected: meterRows.length + householdRows.length };
    for (const r of [...meterRows, ...householdRows]) {
      const key = r.rule.startsWith('threshold:') ? 'threshold' : r.rule;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return { files: { [RESULT_FILES.anomalies]: await publish(ctx) }, counts };
  },
};
