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

/** After this many hours without a successful run the data is stale (the freshness alarm's 26 h). */
export const STALE_AFTER_HOURS = 26;

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
    const overview: Overview = {
      generatedAt: ports.clock.now().toISOString(),
      asOfDay: day,
      latestReadingAt: (fresh?.latest_reading_at as string | null) ?? null,
      lastSuccessfulRun: last ? { runId: String(last.run_id), finishedAt: String(last.finished_at) } : null,
      staleAfterHours: STALE_AFTER_HOURS,
      kpis: {
        energyTodayKwh: num(energy?.today_kwh),
        energyLast30Kwh: num(energy?.last30_kwh),
        energyPrev30Kwh: num(energy?.prev30_kwh),
        activeMeters: Number(energy?.active_meters ?? 0),
        openAnomalies: Number(counts?.open_anomalies ?? 0),
        emissionsThisMonthKg: num(counts?.emissions_month_kg),
      },
    };
    return { files: { [RESULT_FILES.overview]: overview }, counts: {} };
  },
};
