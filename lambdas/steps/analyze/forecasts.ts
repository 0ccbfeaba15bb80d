/**
 * Forecasts: the next 168 hours for the fleet and per meter group (area), issued from the end of each
 * group's data: the first forecast hour is the hour after its last reading (a Tokyo fleet whose data
 * ends at 23:30 local is forecast from 00:00 local = 15:00 UTC, not from midnight UTC). Hourly kWh per group comes from the warehouse over the history window; each group's
 * series is moved onto its local clock (load follows the wall clock, so DST does not disturb the
 * weekly season), every candidate model is backtested (rolling origin, MAPE and MASE) and the best
 * by MASE is published with 80%/95% intervals from its backtest residuals
 * (lambdas/analysis/choose-forecast.ts). The issue date's rows are replaced in one transaction
 * (skipped when a re-run forecast exactly what is stored).
 */
import { chooseForecast } from '../../analysis/choose-forecast';
import { weeklyNaive } from '../../analysis/seasonal-naive';
import { localHourIndex, toLocalHourly } from '../../analysis/local-hourly';
import type { Forecast, ForecastGroup } from '../../contract/results';
import { RESULT_FILES } from '../../contract/results';
import type { SqlValue } from '../../ports/warehouse';
import { multiRowInserts } from '../../sql/analysis/multi-row-insert';
import { sqlFile } from '../../sql/files';
import type { Analysis, AnalysisContext } from './analysis';
import { firstDifference, type ColumnKind } from './first-difference';
import { instantMs } from './instant';

export const HORIZON_HOURS = 168;
/** Days of hourly actuals published beside each forecast. */
export const HISTORY_SHOWN_DAYS = 14;

const HOUR = 3_600_000;

/** Every column of forecasts, as compared when replacing an issue date (`day` = issued_on, as the insert names it). */
const FORECAST_COLUMNS: Record<string, ColumnKind> = {
  group_id: 'text',
  day: 'day',
  target_hour: 'instant',
  model: 'text',
  yhat: 'number',
  lo80: 'number',
  hi80: 'number',
  lo95: 'number',
  hi95: 'number',
};
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

interface GroupSeries {
  group: string;
  timezone: string;
  /** UTC hour start (ms) → kWh. */
  hours: Map<number, number>;
}

/** Fleet plus one series per area, each with the timezone most of its meters use. */
async function loadGroups(ctx: AnalysisContext, fromTs: string, toTs: string): Promise<GroupSeries[]> {
  const wh = ctx.ports.warehouse;
  const rows = await wh.query({ name: 'group_hourly_kwh', sql: sqlFile('analysis/group_hourly_kwh.sql'), params: { from_ts: fromTs, to_ts: toTs } });
  const zones = await wh.query({ name: 'group_timezones', sql: sqlFile('analysis/group_timezones.sql') });
  const zoneOf = new Map<string, string>();
  const fleetZones = new Map<string, number>();
  for (const z of zones) {
    if (!zoneOf.has(String(z.area))) zoneOf.set(String(z.area), String(z.timezone));
    fleetZones.set(String(z.timezone), (fleetZones.get(String(z.timezone)) ?? 0) + Number(z.meters));
  }
  const fleetZone = [...fleetZones.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? ctx.ports.config.meters.defaultTimezone;
  const fleet: GroupSeries = { group: 'fleet', timezone: fleetZone, hours: new Map() };
  const areas = new Map<string, GroupSeries>();
  for (const r of rows) {
    const area = String(r.area);
    const t = Number(r.hour_key) * HOUR;
    const kwh = Number(r.kwh);
    let g = areas.get(area);
    if (!g) areas.set(area, (g = { group: `area:${area}`, timezone: zoneOf.get(area) ?? fleetZone, hours: new Map() }));
    g.hours.set(t, kwh);
    fleet.hours.set(t, (fleet.hours.get(t) ?? 0) + kwh);
  }
  return fleet.hours.size ? [fleet, ...[...areas.values()].sort((a, b) => a.group.localeCompare(b.group))] : [];
}

/** The forecast of one group for the 168 UTC hours after its last hour of data, or null without enough history. */
function forecastGroup(ctx: AnalysisContext, g: GroupSeries): ForecastGroup | null {
  const utcHours = [...g.hours.keys()].sort((a, b) => a - b);
  const issueAt = utcHours[utcHours.length - 1]! + HOUR;
  // Up to the last hour before the issue time, even if its data has not arrived (then NaN = missing).
  const local = toLocalHourly([...utcHours, issueAt - HOUR], [...utcHours.map((t) => g.hours.get(t)!), NaN], g.timezone);
  const firstData = local.y.findIndex(Number.isFinite);
  const y = local.y.subarray(Math.max(0, firstData));
  const start = local.start + Math.max(0, firstData);
  const targets = Array.from({ length: HORIZON_HOURS }, (_, i) => issueAt + i * HOUR);
  const steps = targets.map((t) => localHourIndex(t, g.timezone) - (start + y.length));
  let f;
  try {
    f = chooseForecast(y, Math.max(...steps) + 1);
  } catch (e) {
    ctx.ports.log.warn('forecast skipped', { group: g.group, hours: y.length, reason: (e as Error).message });
    return null;
  }
  // A history too sparse or too flat to score (gaps of weeks, all zeros) gives NaN forecasts or
  // backtest errors: such a group is not published nor stored, rather than as nulls or NaN.
  const finite = (arr: Float64Array) => steps.every((s) => Number.isFinite(arr[s]));
  if (![f.yhat, f.lo80, f.hi80, f.lo95, f.hi95].every(finite) || !f.scores.every((s) => Number.isFinite(s.mape) && Number.isFinite(s.mase))) {
    ctx.ports.log.warn('forecast skipped', { group: g.group, hours: y.length, reason: 'history too sparse or too flat to forecast and score' });
    return null;
  }
  const at = (arr: Float64Array) => steps.map((s) => round(Math.max(0, arr[s]!)));
  const shownFrom = issueAt - HISTORY_SHOWN_DAYS * 24 * HOUR;
  const shown = utcHours.filter((t) => t >= shownFrom && t < issueAt);
  const naive = f.scores.find((s) => s.model === weeklyNaive.name);
  const chosen = f.scores.find((s) => s.model === f.chosenModel)!;
  const share = (x: number) => (Number.isFinite(x) ? round(x, 3) : null);
  return {
    group: g.group,
    chosenModel: f.chosenModel,
    backtest: f.scores.map((s) => ({ model: s.model, mape: round(s.mape, 3), mase: round(s.mase, 4) })),
    timezone: g.timezone,
    // The weekly naive itself never "beats" itself: a forecast no better than it is labelled so.
    beatsSeasonalNaive: naive ? chosen.model !== naive.model && chosen.mase < naive.mase : null,
    coverage: { p80: share(f.coverage.p80), p95: share(f.coverage.p95) },
    points: {
      t: targets.map((t) => new Date(t).toISOString()),
      yhat: at(f.yhat),
      lo80: at(f.lo80),
      hi80: at(f.hi80),
      lo95: at(f.lo95),
      hi95: at(f.hi95),
    },
    history: { t: shown.map((t) => new Date(t).toISOString()), kwh: shown.map((t) => round(g.hours.get(t)!)) },
  };
}

export const forecastsAnalysis: Analysis = {
  name: 'forecasts',
  async run(ctx) {
    const [newest] = await ctx.ports.warehouse.query({ name: 'meter_readings_last', sql: sqlFile('analysis/meter_readings_last.sql') });
    const lastAt = newest?.last_at === null || newest?.last_at === undefined ? null : instantMs(newest.last_at, 'meter_readings.interval_start');
    const end = lastAt === null ? null : Math.floor(lastAt / HOUR) * HOUR + HOUR;
    const groups =
      end === null
        ? []
        : (await loadGroups(ctx, new Date(end - ctx.ports.config.analysis.historyDays * 24 * HOUR).toISOString(), new Date(end).toISOString()))
            .map((g) => forecastGroup(ctx, g))
            .filter((g): g is ForecastGroup => g !== null);
    const issueAt = groups.length ? Math.min(...groups.map((g) => Date.parse(g.points.t[0]!))) : null;
    const rows: Record<string, SqlValue>[] = groups.flatMap((g) =>
      g.points.t.map((t, i) => ({
        group_id: g.group,
        day: ctx.asOfDay,
        target_hour: t,
        model: g.chosenModel,
        yhat: g.points.yhat[i]!,
        lo80: g.points.lo80[i]!,
        hi80: g.points.hi80[i]!,
        lo95: g.points.lo95[i]!,
        hi95: g.points.hi95[i]!,
      })),
    );
    // The issue date's rows are replaced, unless a re-run forecast exactly the same.
    const existing = await ctx.ports.warehouse.query({ name: 'forecasts_issued', sql: sqlFile('analysis/forecasts_issued.sql'), params: { day: ctx.asOfDay } });
    if (firstDifference(existing, rows, FORECAST_COLUMNS, 'target_hour') !== undefined) {
      await ctx.ports.warehouse.transaction([
        { name: 'forecasts_delete_issued', sql: sqlFile('analysis/forecasts_delete_issued.sql'), params: { day: ctx.asOfDay } },
        ...multiRowInserts('forecasts_insert', sqlFile('analysis/forecasts_insert.sql'), rows),
      ]);
    }
    const forecast: Forecast = {
      generatedAt: ctx.ports.clock.now().toISOString(),
      issuedFor: issueAt === null ? null : new Date(issueAt).toISOString(),
      groups,
    };
    return { files: { [RESULT_FILES.forecast]: forecast }, counts: { groups: groups.length, points: rows.length } };
  },
};
