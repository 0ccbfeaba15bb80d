/**
 * Meter anomaly detection, the part shared by the fleet-wide preparation and the page workers
 * (./anomaly-pages.ts): statistical rules on meter readings (spikes, stuck meters, gaps, level shifts —
 * see lambdas/analysis/meter-anomalies.ts), the execution's time grid and slices, each meter's range,
 * and the replacement of a range's anomalies.
 *
 * Detection follows the data: each meter the execution loaded readings for is examined over the
 * local days those loads touched (an import of years, a late file, a re-sent correction), in its own
 * timezone, from REVIEW_DAYS before the first of them (a level shift shows only after days) to the end
 * of the execution's last day, never past the fleet's newest reading. Time is examined in slices of
 * CHUNK_DAYS, each with a baseline from the weeks around it: bucket medians over BASELINE_DAYS up to
 * its end (percentile_cont in the warehouse), and the yardsticks — the meter's log spread and its
 * upper envelope — from the weeks BEFORE it (or, where the history starts, its first weeks).
 *
 * Each meter's range is replaced in one transaction per page (per meter, so other meters' anomalies
 * stay; rows compared first, ./first-difference.ts): a re-run yields the same rows and writes none,
 * and the notified_at of anomalies already alerted is carried over, so a re-run never alerts twice.
 */
import { createHash } from 'node:crypto';
import { detectMeterAnomalies, type MeterAnomaly } from '../../analysis/meter-anomalies';
import type { AnomalySeverity } from '../../contract/results';
import type { SqlValue, Statement } from '../../ports/warehouse';
import { inListStatements, multiRowInserts } from '../../sql/analysis/multi-row-insert';
import { sqlFile } from '../../sql/files';
import type { AnalysisContext } from './analysis';
import { firstDifference, type ColumnKind } from './first-difference';
import { instantMs } from './instant';
import { gapSeverity } from '../../analysis/gaps';
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

export const iso = (ms: number) => new Date(ms).toISOString();
export const num = (v: SqlValue): number | null => (v === null || v === undefined ? null : Number(v));
export const round = (x: number | null, digits = 4) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

export interface AnomalyRow extends Record<string, SqlValue> {
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

export interface Range {
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
export interface MeterRange {
  meterId: string;
  timezone: string;
  /** Anomalies starting in [from, to) are this run's to report (and replace). */
  from: number;
  to: number;
  /** The meter's first reading in the history window (its grid starts there) and its latest reading. */
  firstAt: number;
  lastAt: number;
}

/** One page of meters: consecutive meter ids first … last (anomaly_meters.sql numbers them). */
export interface Page {
  first: string;
  last: string;
}

/**
 * The execution's fleet-wide grid, the same for every page: the last local day it loaded, the fleet's
 * newest reading (ranges never reach past it), where the slices of time start and where the loaded
 * meters' history starts. Read as aggregates (a row per timezone, two values), so a page of meters is
 * examined exactly as the whole fleet at once would be.
 */
export interface Grid {
  lastDay: string;
  fleetEnd: number;
  chunkOrigin: number;
  dataFrom: number;
  spansFrom: number;
  spansTo: number;
}

export async function fleetGrid(ctx: AnalysisContext): Promise<Grid | null> {
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
    // The earliest range start of the zone's meters (see pageRanges): where the slices begin.
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
 * One slice of time [start, end) (CHUNK_DAYS) and the windows its inputs are computed over, the same
 * for every meter: the bucket medians over [historyFrom, historyTo) — BASELINE_DAYS up to its end (at
 * least LOOKAHEAD_DAYS past it), or at the start of the history its first BASELINE_DAYS: the medians
 * are robust, so the few anomalies among those readings do not move them — the readings from readFrom
 * (the slice's context and the SPREAD_DAYS before it its spread is measured on: a level shift inside
 * the slice must not widen the yardstick its spikes are measured with), and the upper envelope over the
 * weeks before the slice [envelopeFrom, envelopeTo) (a level shift inside or after it must not lift it).
 */
export interface Chunk {
  index: number;
  start: number;
  end: number;
  historyFrom: number;
  historyTo: number;
  readFrom: number;
  envelopeFrom: number;
  envelopeTo: number;
}

/** The slices of the execution, from the fleet's first range start (every page sees the same slices) to its newest reading. */
export function detectionChunks(grid: Grid): Chunk[] {
  const chunks: Chunk[] = [];
  const dataFrom = grid.dataFrom;
  for (let cs = alignDown(grid.chunkOrigin, DAY); cs < grid.fleetEnd; cs += CHUNK_DAYS * DAY) {
    const ce = cs + CHUNK_DAYS * DAY;
    const historyFrom = Math.max(ce - BASELINE_DAYS * DAY, dataFrom);
    const contextFrom = cs - CONTEXT_HOURS * 3_600_000;
    chunks.push({
      index: chunks.length,
      start: cs,
      end: ce,
      historyFrom,
      historyTo: Math.max(ce + LOOKAHEAD_DAYS * DAY, historyFrom + BASELINE_DAYS * DAY),
      readFrom: Math.min(contextFrom, Math.max(cs - SPREAD_DAYS * DAY, dataFrom)),
      envelopeFrom: Math.max(cs - BASELINE_DAYS * DAY, dataFrom),
      envelopeTo: Math.max(cs, dataFrom + BASELINE_DAYS * DAY),
    });
  }
  return chunks;
}

/** A meter of a page as anomaly_meters.sql lists it (first_loaded null: nothing loaded by this execution). */
export interface PageMeter {
  meterId: string;
  timezone: string;
  firstLoaded: number | null;
  firstAt: number;
  lastAt: number;
}

/**
 * A page's meters and their ranges: the loaded ones over the local days the execution loaded, and the
 * silent ones — they reported in the history window, nothing was loaded for them now, and their
 * readings stop before the execution's end.
 */
export function pageRanges(meters: PageMeter[], grid: Grid, intervalMinutes: number): MeterRange[] {
  const step = intervalMinutes * 60_000;
  /** The end of the execution's last local day in a meter's timezone, never past the fleet's newest reading. */
  const endFor = (timezone: string) => Math.min(grid.fleetEnd, alignDown(localDayStartMs(addDays(grid.lastDay, 1), timezone), step));
  const ranges: MeterRange[] = [];
  for (const m of meters) {
    if (m.firstLoaded === null) continue;
    const firstDay = localDayOf(m.firstLoaded, m.timezone);
    const from = alignDown(localDayStartMs(addDays(firstDay, -REVIEW_DAYS), m.timezone), step);
    ranges.push({ meterId: m.meterId, timezone: m.timezone, from, to: endFor(m.timezone), firstAt: m.firstAt, lastAt: m.lastAt });
  }
  // Silent meters: a meter that stops reporting altogether is the fault an operator most needs to hear
  // about, and it never appears among the loaded meters. Their range starts at the silence (its
  // anomaly keeps one id while it lasts, so each daily run replaces the same gap, growing, and alerts
  // once); no readings are examined (detectMeters).
  for (const m of meters) {
    if (m.firstLoaded !== null) continue;
    const from = alignDown(m.lastAt, step) + step;
    const to = endFor(m.timezone);
    if (from >= to) continue;
    ranges.push({ meterId: m.meterId, timezone: m.timezone, from, to, firstAt: m.firstAt, lastAt: m.lastAt });
  }
  return ranges;
}

export const alignDown = (ms: number, step: number) => Math.floor(ms / step) * step;

/** s = 1.4826 × median |ln(v / expected)| over the positive readings in [from, to) (NaN without any). */
function pooledLogSpread(t: number[], v: number[], expected: number[], from: number, to: number): number {
  const deviations: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i]! >= from && t[i]! < to && v[i]! > 0 && expected[i]! > 0) deviations.push(Math.abs(Math.log(v[i]! / expected[i]!)));
  }
  return deviations.length ? MAD_TO_SIGMA * median(deviations) : NaN;
}

/** One meter's readings of a slice, in time order, with their bucket's median and count and the meter's envelope. */
export interface ScoredReadings {
  t: number[];
  v: number[];
  expected: number[];
  history: number[];
  high: number | undefined;
}

/**
 * Meter anomalies over every meter's range, a CHUNK_DAYS slice of time at a time (so an import of a
 * year never holds a year of readings at once): `readChunk` returns the slice's scored readings of the
 * page's meters (prepared fleet-wide in the warehouse and unloaded per page: ./anomaly-pages.ts).
 */
export async function detectMeters(
  ctx: AnalysisContext,
  ranges: MeterRange[],
  chunks: Chunk[],
  readChunk: (chunk: Chunk) => Promise<Map<string, ScoredReadings>>,
): Promise<AnomalyRow[]> {
  const { config } = ctx.ports;
  const intervalMinutes = config.meters.intervalMinutes;
  const step = intervalMinutes * 60_000;
  const out: AnomalyRow[] = [];
  // The part of each range that has readings to examine; a trailing silence is one gap, added below.
  const examined = ranges.map((r) => ({ r, from: r.from, to: Math.min(r.to, r.lastAt + step) })).filter((x) => x.to > x.from);
  for (const chunk of chunks) {
    const cs = chunk.start;
    const ce = chunk.end;
    const inChunk = examined.filter((x) => x.from < ce && x.to > cs);
    if (inChunk.length === 0) continue;
    const contextFrom = cs - CONTEXT_HOURS * 3_600_000;
    const byMeter = await readChunk(chunk);
    for (const { r, to } of inChunk) {
      const s = byMeter.get(r.meterId) ?? { t: [], v: [], expected: [], history: [], high: undefined };
      // The grid starts a day before the slice (a run that began then is the same event, reported
      // by the slice it began in) but never before the meter's first reading (no gap before it was
      // installed), and looks LOOKAHEAD_DAYS past it, so an event is measured whole.
      const start = Math.max(contextFrom, r.firstAt);
      const end = Math.min(to, ce + LOOKAHEAD_DAYS * DAY);
      if (end <= start) continue;
      const spreadFrom = Math.max(cs - SPREAD_DAYS * DAY, r.firstAt);
      const spreadTo = Math.max(cs, r.firstAt + SPREAD_DAYS * DAY);
      const logScale = pooledLogSpread(s.t, s.v, s.expected, spreadFrom, spreadTo);
      const found = detectMeterAnomalies(
        { t: s.t, v: s.v, expected: s.expected, scale: s.t.map(() => logScale), history: s.history, high: s.high },
        { start: start + ((((r.firstAt - start) % step) + step) % step), end, intervalMinutes },
        { spike: { zThreshold: config.analysis.zThreshold } },
      );
      for (const a of found) if (a.start >= Math.max(cs, r.from) && a.start < Math.min(ce, r.to)) out.push(meterRow(ctx, r.meterId, a));
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

export function meterRow(ctx: AnalysisContext, meterId: string, a: MeterAnomaly): AnomalyRow {
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
export async function replaceRanges(ctx: AnalysisContext, ranges: Range[], rows: AnomalyRow[], page?: Page): Promise<void> {
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

