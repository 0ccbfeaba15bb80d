/**
 * Overview KPIs: energy on the as-of day, over 30 days against the previous 30, active meters, open
 * anomalies, this month's emissions, the last successful run and data freshness. Runs after the
 * other analyses so it sees this run's anomalies.
 */
import type { Overview } from '../../contract/results';
import { RESULT_FILES } from '../../contract/results';
import { sqlFile } from '../../sql/files';
import type { Analysis } from './analysis';
import { addDays } from './window';
import { instantMs } from './instant';
import type { Config } from '../../config';
import { localDayOf, localDayStartMs, utcOffsetMs } from '../../analysis/local-time';

/** After this many hours without a successful run the data is stale (the freshness alarm's 26 h). */
export const STALE_AFTER_HOURS = 26;
/**
 * A scheduled run is overdue once this grace (a run's own time and a retry) has passed since its
 * scheduled time. Staleness is judged against the schedule, not the readings' age: a daily run at
 * 06:00 loads yesterday, so readings are always hours old, and an imported history years.
 */
export const RUN_GRACE_HOURS = 2;

/**
 * When the data becomes stale: the first scheduled run (config `schedule`, on its zone's wall clock,
 * DST included) after the last successful run finished, plus the grace. A run started by hand at
 * 17:00 is followed by the 06:00 run of the next morning, not by one 24 h later.
 */
export function nextRunDueMs(finishedMs: number, schedule: Config['schedule']): number {
  const minutes = (schedule.hour * 60 + schedule.minute) * 60_000;
  let day = localDayOf(finishedMs, schedule.timezone);
  for (let i = 0; i < 3; i++, day = addDays(day, 1)) {
    const start = localDayStartMs(day, schedule.timezone);
    const guess = start + minutes;
    // On a DST day the wall clock moves between midnight and the run's time.
    const at = guess - (utcOffsetMs(guess, schedule.timezone) - utcOffsetMs(start, schedule.timezone));
    if (at > finishedMs) return at + RUN_GRACE_HOURS * 3_600_000;
  }
  throw new Error(`no scheduled run within 3 days of ${new Date(finishedMs).toISOString()}`);
}

/**
 * Sources whose rows are simulated: the market unless live; EV chargers and flow meters while their
 * simulated fleets are collected (their imports are real, but a run then mixes both).
 */
function simulatedSources(loaded: string[], config: Config): string[] {
  return loaded.filter(
    (s) =>
      s === 'meter-simulator' ||
      s === 'utilities' ||
      (s === 'market' && config.market.provider === 'simulator') ||
      (s === 'ev-chargers' && config.evChargers.simulator) ||
      (s === 'flow-sensors' && config.flowSensors.simulator),
  );
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 1000);

export const overviewAnalysis: Analysis = {
  name: 'overview',
  async run({ ports, asOfDay }) {
    const wh = ports.warehouse;
    const [fresh] = await wh.query({ name: 'overview_freshness', sql: sqlFile('results/overview_freshness.sql'), params: { as_of: asOfDay } });
    const day = (fresh?.as_of_day as string | null) ?? null;
    const kpiDay = day ?? asOfDay;
    const [energy] = await wh.query({
      name: 'overview_energy',
      sql: sqlFile('results/overview_energy.sql'),
      params: {
        as_of: kpiDay,
        last30_from: addDays(kpiDay, -30),
        prev30_from: addDays(kpiDay, -60),
        active_from: addDays(kpiDay, -7),
      },
    });
    const [counts] = await wh.query({
      name: 'overview_counts',
      sql: sqlFile('results/overview_counts.sql'),
      params: { week_from: `${addDays(kpiDay, -7)}T00:00:00Z`, month: `${kpiDay.slice(0, 7)}-01` },
    });
    const [last] = await wh.query({ name: 'last_successful_run', sql: sqlFile('results/last_successful_run.sql') });
    const loaded = (await wh.query({ name: 'loaded_sources', sql: sqlFile('results/loaded_sources.sql') })).map((r) => String(r.source));
    const [first] = await wh.query({ name: 'first_data_day', sql: sqlFile('results/first_data_day.sql') });
    const zones = await wh.query({ name: 'group_timezones', sql: sqlFile('analysis/group_timezones.sql') });
    const perZone = new Map<string, number>();
    for (const z of zones) perZone.set(String(z.timezone), (perZone.get(String(z.timezone)) ?? 0) + Number(z.meters));
    const timezone = [...perZone].sort((a, b) => b[1] - a[1])[0]?.[0] ?? ports.config.meters.defaultTimezone;
    const finishedMs = last ? instantMs(last.finished_at!, 'etl_runs.finished_at') : null;
    const emissions = num(counts?.emissions_month_kg);
    const overview: Overview = {
      generatedAt: ports.clock.now().toISOString(),
      asOfDay: day,
      latestReadingAt: (fresh?.latest_reading_at as string | null) ?? null,
      lastSuccessfulRun: last ? { runId: String(last.run_id), finishedAt: new Date(finishedMs!).toISOString() } : null,
      staleAfterHours: STALE_AFTER_HOURS,
      nextRunDueAt: finishedMs === null ? null : new Date(nextRunDueMs(finishedMs, ports.config.schedule)).toISOString(),
      timezone,
      simulatedSources: simulatedSources(loaded, ports.config),
      firstDay: typeof first?.day === 'string' ? first.day.slice(0, 10) : null,
      emissionsMonth: emissions === null ? null : kpiDay.slice(0, 7),
      kpis: {
        energyTodayKwh: num(energy?.today_kwh),
        energyLast30Kwh: num(energy?.last30_kwh),
        energyPrev30Kwh: num(energy?.prev30_kwh),
        activeMeters: Number(energy?.active_meters ?? 0),
        openAnomalies: Number(counts?.open_anomalies ?? 0),
        emissionsThisMonthKg: emissions,
      },
    };
    return { files: { [RESULT_FILES.overview]: overview }, counts: {} };
  },
};
