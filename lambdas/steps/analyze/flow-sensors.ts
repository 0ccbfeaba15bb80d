/**
 * Flow meters (docs/FLOW.md): per device, its minutes are read from the warehouse — one device at a
 * time, over a bounded window — and analysed (lambdas/analysis/flow-device-analysis.ts): per-minute
 * outliers per channel, events, minimum night flow and its leak trend, hourly aggregates, and the
 * 168-hour forecast with its published backtest. The results replace the device's rows in
 * sensor_hourly, sensor_outliers, sensor_night_flow and device_forecasts, the device file
 * `exports/devices/<device_id>/<issue date>.txt` is written to the lake, and leak alerts go to the
 * Notifier once per episode.
 *
 * Detection follows the data, as for meters: each device the execution loaded readings for is
 * analysed over the local days those loads touched (at most the last MAX_DAYS of them), with
 * HISTORY_DAYS before as context (the outlier profiles' four weeks; the forecast's 15 days and its
 * hold-out week). The issue date of the forecast and device file is the device's last loaded local
 * day. Local days are the devices' zone's (config flowSensors.timezone, one zone for all devices).
 *
 * Each device's dashboard file is kept in the lake (`results/state/flow-sensors/devices/<id>.json`) so the
 * published flow view lists every device, not only those this execution loaded.
 */
import { analyseFlowDevice, type FlowDeviceAnalysis } from '../../analysis/flow-device-analysis';
import { deviceFileKey, formatDeviceFile } from '../../analysis/flow-device-file';
import { leakAlerts } from '../../analysis/flow-leak-alerts';
import { dateOfDayNumber, dayNumberOf, localDayNumber, localDayStartMs, MINUTE_MS, type MinuteSeries } from '../../analysis/flow-minute-grid';
import { forecastRows, hourlyRows, nightFlowRows, outlierRows } from '../../analysis/flow-rows';
import { RESULT_FILES, type Flow, type FlowBacktest, type FlowDevice, type FlowDeviceSummary } from '../../contract/results';
import { getJson, listKeys } from '../../ports/object-store';
import type { SqlValue, Statement, Warehouse } from '../../ports/warehouse';
import { multiRowInserts, ROWS_PER_STATEMENT } from '../../sql/analysis/multi-row-insert';
import { sqlFile } from '../../sql/files';
import { executionRunFilter } from '../plan';
import { ALERT_MAX_AGE_DAYS } from './alerts';
import type { Analysis, AnalysisContext } from './analysis';
import { instantMs } from './instant';

/** Days read before the first analysed day: the outlier profiles look back four weeks; the forecast needs 15 days, its hold-out week 7 more. */
export const HISTORY_DAYS = 35;
/** The most recent loaded days analysed per device and execution (an import of years: its last two months). */
export const MAX_DAYS = 62;
/** Days of hourly values, outliers and events in a device's dashboard file; nights shown. */
const SHOWN_DAYS = 7;
const SHOWN_NIGHTS = 30;
/** The analysis's own state, with the results (never published: only results/latest/ is). */
export const FLOW_STATE_PREFIX = 'results/state/flow-sensors/devices/';
export const FLOW_ALERTS_PREFIX = 'results/state/flow-sensors/alerts/';
/**
 * Rows per transaction: a delete and its inserts of ROWS_PER_STATEMENT rows each stay within the
 * Redshift Data API's 40 SQL statements per BatchExecuteStatement
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html, "Considerations").
 */
const ROWS_PER_TRANSACTION = 38 * ROWS_PER_STATEMENT;
const DAY = 86_400_000;
const JSON_OBJECT = { contentType: 'application/json' };
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export const flowSensorsAnalysis: Analysis = {
  name: 'flow',
  async run(ctx) {
    const { warehouse, lake } = ctx.ports;
    const timezone = ctx.ports.config.flowSensors.timezone;
    const spans = await loadedSpans(ctx);
    /** The states this execution wrote, by lake key: published without reading them back. */
    const written = new Map<string, FlowDevice>();
    const counts = { devices: 0, minutes: 0, outliers: 0, events: 0, leakNightsSuspected: 0, alertsSent: 0, deviceFiles: 0, forecastsSkipped: 0, daysNotAnalysed: 0 };
    for (const span of spans) {
      const lastDay = localDayNumber(span.lastMs, timezone);
      const loadedFirst = localDayNumber(span.firstMs, timezone);
      const firstDay = Math.max(loadedFirst, lastDay - MAX_DAYS + 1);
      counts.daysNotAnalysed += firstDay - loadedFirst;
      const readFrom = localDayStartMs(firstDay - HISTORY_DAYS, timezone);
      const readTo = localDayStartMs(lastDay + 1, timezone);
      const series = await deviceSeries(warehouse, span.deviceId, readFrom, readTo, timezone);
      const issueDate = dateOfDayNumber(lastDay);
      const a = analyseFlowDevice(series, timezone, { issueDate, holdout: true });
      const writeFrom = localDayStartMs(firstDay, timezone);
      await writeTables(warehouse, span.deviceId, a, { writeFrom, writeTo: readTo, firstDate: dateOfDayNumber(firstDay), endDate: dateOfDayNumber(lastDay + 1), issueDate });

      const forecast = a.forecast && 'hours' in a.forecast ? a.forecast : null;
      const fileKey = forecast ? deviceFileKey(span.deviceId, issueDate) : null;
      if (forecast && fileKey) {
        await lake.put(fileKey, formatDeviceFile(issueDate, timezone, forecast.hours.map((h) => h.flowLpm)), { contentType: 'text/plain; charset=us-ascii' });
        counts.deviceFiles++;
      } else counts.forecastsSkipped++;
      counts.alertsSent += await sendLeakAlerts(ctx, span.deviceId, a, issueDate);

      const state = deviceState(span.deviceId, timezone, a, { issueDate, readTo, lastReadingMs: span.lastMs, fileKey });
      const stateKey = `${FLOW_STATE_PREFIX}${span.deviceId}.json`;
      await lake.put(stateKey, JSON.stringify(state), JSON_OBJECT);
      written.set(stateKey, state);
      counts.devices++;
      counts.minutes += series.flow.length;
      counts.outliers += a.outliers.filter((o) => o.minuteMs >= writeFrom).length;
      counts.events += a.events.filter((e) => e.startMs >= writeFrom).length;
      counts.leakNightsSuspected += a.leak.filter((l) => l.suspected && l.date >= dateOfDayNumber(firstDay)).length;
    }
    return { files: await publishedFiles(ctx, timezone, written), counts };
  },
};

interface Span {
  deviceId: string;
  firstMs: number;
  lastMs: number;
}

async function loadedSpans(ctx: AnalysisContext): Promise<Span[]> {
  const rows = await ctx.ports.warehouse.query({ name: 'sensor_loaded_spans', sql: sqlFile('analysis/sensor_loaded_spans.sql'), params: executionRunFilter(ctx.input) });
  return rows.map((r) => ({
    deviceId: String(r.device_id),
    firstMs: instantMs(r.first_loaded!, 'sensor_readings.minute'),
    lastMs: instantMs(r.last_loaded!, 'sensor_readings.minute'),
  }));
}

/** One device's minutes in [fromMs, toMs) on a dense grid (NaN = no reading). */
async function deviceSeries(warehouse: Warehouse, deviceId: string, fromMs: number, toMs: number, timezone: string): Promise<MinuteSeries> {
  const rows = await warehouse.query({
    name: 'sensor_device_minutes',
    sql: sqlFile('analysis/sensor_device_minutes.sql'),
    params: { device_id: deviceId, from_ts: new Date(fromMs).toISOString(), to_ts: new Date(toMs).toISOString() },
  });
  // The grid starts at the local midnight of the first reading: a young device's window is not
  // padded with weeks of empty minutes (which every detector would walk through).
  if (rows.length) fromMs = Math.max(fromMs, localDayStartMs(localDayNumber(instantMs(rows[0]!.minute!, 'sensor_readings.minute'), timezone), timezone));
  const n = (toMs - fromMs) / MINUTE_MS;
  const flow = new Float64Array(n).fill(NaN);
  const pressure = new Float64Array(n).fill(NaN);
  for (const r of rows) {
    const k = (instantMs(r.minute!, 'sensor_readings.minute') - fromMs) / MINUTE_MS;
    flow[k] = Number(r.flow_lpm);
    pressure[k] = r.pressure_bar === null || r.pressure_bar === undefined ? NaN : Number(r.pressure_bar);
  }
  return { startMs: fromMs, flow, pressure };
}

interface WriteRange {
  writeFrom: number;
  writeTo: number;
  firstDate: string;
  /** The day after the last analysed day (exclusive bound). */
  endDate: string;
  issueDate: string;
}

async function writeTables(warehouse: Warehouse, deviceId: string, a: FlowDeviceAnalysis, r: WriteRange): Promise<void> {
  const inRange = (t: string) => Date.parse(t) >= r.writeFrom && Date.parse(t) < r.writeTo;
  await replaceRange(warehouse, 'sensor_hourly', deviceId, hourlyRows(deviceId, a).filter((h) => inRange(h.hour)), (h) => h.hour, [iso(r.writeFrom), iso(r.writeTo)], 'from_ts', 'to_ts');
  await replaceRange(warehouse, 'sensor_outliers', deviceId, outlierRows(deviceId, a).filter((o) => inRange(o.minute)), (o) => o.minute, [iso(r.writeFrom), iso(r.writeTo)], 'from_ts', 'to_ts');
  const nights = nightFlowRows(deviceId, a).filter((n) => n.night >= r.firstDate && n.night < r.endDate);
  await replaceRange(warehouse, 'sensor_night_flow', deviceId, nights, (n) => n.night, [r.firstDate, r.endDate], 'from_day', 'to_day');
  const forecast = forecastRows(deviceId, a);
  await warehouse.transaction([
    { name: 'device_forecasts_delete_issued', sql: sqlFile('analysis/device_forecasts_delete_issued.sql'), params: { device_id: deviceId, issued_on: r.issueDate } },
    ...multiRowInserts('device_forecasts_insert', sqlFile('analysis/device_forecasts_insert.sql'), forecast),
  ]);
}

/**
 * Replaces a device's rows of `table` in [from, to): DELETE of the range, then INSERT of its rows, in
 * one transaction — or, when there are more rows than one transaction may hold, in consecutive
 * slices of the range, each cut between two keys (rows are in key order), each its own transaction.
 */
async function replaceRange<R extends Record<string, SqlValue>>(
  warehouse: Warehouse,
  table: 'sensor_hourly' | 'sensor_outliers' | 'sensor_night_flow',
  deviceId: string,
  rows: R[],
  keyOf: (row: R) => string,
  [from, to]: [string, string],
  fromParam: string,
  toParam: string,
): Promise<void> {
  const cuts = [from];
  const slices: R[][] = [[]];
  const sorted = [...rows].sort((x, y) => (keyOf(x) < keyOf(y) ? -1 : keyOf(x) > keyOf(y) ? 1 : 0));
  for (const row of sorted) {
    const current = slices.at(-1)!;
    if (current.length >= ROWS_PER_TRANSACTION && keyOf(row) !== keyOf(current.at(-1)!)) {
      cuts.push(keyOf(row));
      slices.push([]);
    }
    slices.at(-1)!.push(row);
  }
  cuts.push(to);
  for (let i = 0; i < slices.length; i++) {
    const statements: Statement[] = [
      { name: `${table}_delete_range`, sql: sqlFile(`analysis/${table}_delete_range.sql`), params: { device_id: deviceId, [fromParam]: cuts[i]!, [toParam]: cuts[i + 1]! } },
      ...multiRowInserts(`${table}_insert`, sqlFile(`analysis/${table}_insert.sql`), slices[i]!),
    ];
    await warehouse.transaction(statements);
  }
}

/**
 * Leak alerts, once per episode: an episode's id is stable (`leak:<device>:<first night>`), and a
 * marker object per id records that it was sent, written after the Notifier accepted it — a re-run,
 * or the next day's run while the leak goes on, sends nothing new (a crash between the two sends it
 * again with the same id, which channels dedupe). Episodes that ended more than ALERT_MAX_AGE_DAYS
 * before the device's last day are history (an import of old logs), kept in sensor_night_flow only;
 * one still suspected is sent whenever it began (a backfill finds it days after its first night).
 */
async function sendLeakAlerts(ctx: AnalysisContext, deviceId: string, a: FlowDeviceAnalysis, issueDate: string): Promise<number> {
  const oldest = dateOfDayNumber(dayNumberOf(issueDate) - ALERT_MAX_AGE_DAYS);
  let sent = 0;
  for (const alert of leakAlerts(deviceId, a.nights, a.leak, ctx.input.runId)) {
    const night = String(alert.details!.night);
    // The episode's last suspected night: a leak still suspected is news however long ago it began.
    let k = a.leak.findIndex((t) => t.date === night);
    while (a.leak[k + 1]?.suspected) k++;
    if (a.leak[k]!.date < oldest) continue;
    const marker = `${FLOW_ALERTS_PREFIX}${deviceId}/${night}.json`;
    if (await ctx.ports.lake.exists(marker)) continue;
    await ctx.ports.notifier.notify(alert);
    await ctx.ports.lake.put(marker, JSON.stringify({ id: alert.id, sentAt: ctx.ports.clock.now().toISOString(), runId: ctx.input.runId }), JSON_OBJECT);
    sent++;
  }
  return sent;
}

function backtestOf(a: FlowDeviceAnalysis): FlowBacktest | null {
  const f = a.forecast;
  if (!f || !('hours' in f)) return null;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    chosenModel: f.chosenModel,
    models: f.scores.map((s) => ({ model: s.model, mase: round(s.mase) })),
    holdout: a.holdout ? { mase: round(a.holdout.mase), maseNaive: round(a.holdout.maseNaive), coverage80: round(a.holdout.coverage80), hours: a.holdout.hours } : null,
  };
}

function deviceState(
  deviceId: string,
  timezone: string,
  a: FlowDeviceAnalysis,
  o: { issueDate: string; readTo: number; lastReadingMs: number; fileKey: string | null },
): FlowDevice {
  const since = o.readTo - SHOWN_DAYS * DAY;
  const events = a.events.filter((e) => e.endMs > since);
  const eventsLast7Days: Record<string, number> = {};
  for (const e of events) eventsLast7Days[e.kind] = (eventsLast7Days[e.kind] ?? 0) + 1;
  const nights = nightFlowRows(deviceId, a).slice(-SHOWN_NIGHTS);
  const last = nights.at(-1);
  const f = a.forecast;
  const outliers = outlierRows(deviceId, a).filter((x) => Date.parse(x.minute) >= since);
  return {
    deviceId,
    timezone,
    analysedThrough: o.issueDate,
    lastReadingAt: iso(o.lastReadingMs),
    outliersLast7Days: outliers.length,
    eventsLast7Days,
    lastNight: last ? { night: last.night, mnfLpm: last.mnf_lpm, leakSuspected: last.leak_suspected } : null,
    deviceFile: o.fileKey,
    forecastSkipped: f && 'skipped' in f ? f.skipped : null,
    backtest: backtestOf(a),
    hourly: hourlyRows(deviceId, a)
      .filter((h) => Date.parse(h.hour) >= since)
      .map((h) => ({ hour: h.hour, flowMean: h.flow_mean, flowMin: h.flow_min, flowMax: h.flow_max, pressureMean: h.pressure_mean, pressureMin: h.pressure_min, pressureMax: h.pressure_max, minutes: h.minutes })),
    outliers: outliers.map((x) => ({ minute: x.minute, channel: x.channel, value: x.value, expected: x.expected, score: x.score })),
    events: events.map((e) => ({ kind: e.kind, channel: e.channel, start: iso(e.startMs), end: iso(e.endMs) })),
    nights: nights.map((n) => ({ night: n.night, mnfLpm: n.mnf_lpm, slope: n.slope_lpm_per_night, z: n.trend_z, leakSuspected: n.leak_suspected })),
    forecast:
      f && 'hours' in f
        ? { issuedOn: f.issuedOn, model: f.chosenModel, hours: f.hours.map((h) => ({ hour: iso(h.targetHourMs), flowLpm: h.flowLpm, lo80: h.lo80, hi80: h.hi80 })) }
        : null,
  };
}

/**
 * flow.json and one file per device, from every device's kept state (empty but valid without flow
 * data); the states this execution just wrote come from memory, the others from the lake.
 */
async function publishedFiles(ctx: AnalysisContext, timezone: string, written: ReadonlyMap<string, FlowDevice>): Promise<Record<string, unknown>> {
  const files: Record<string, unknown> = {};
  const devices: FlowDeviceSummary[] = [];
  for (const key of (await listKeys(ctx.ports.lake, FLOW_STATE_PREFIX)).sort()) {
    const d = written.get(key) ?? (await getJson<FlowDevice>(ctx.ports.lake, key));
    files[RESULT_FILES.flowDevice(d.deviceId)] = d;
    const { hourly: _h, outliers: _o, events: _e, nights: _n, forecast: _f, timezone: _z, ...summary } = d;
    devices.push(summary);
  }
  const flow: Flow = { generatedAt: ctx.ports.clock.now().toISOString(), timezone, devices };
  files[RESULT_FILES.flow] = flow;
  return files;
}
