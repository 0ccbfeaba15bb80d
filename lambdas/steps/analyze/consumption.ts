/**
 * Consumption results: fleet daily totals, the hourly load profile, one summary per published
 * customer and a small per-customer file (daily values + the 30-minute profiles of the last days).
 * Everything is aggregated in the warehouse; meter ids leave only as pseudonyms. The published
 * customers are the analysis.publishedCustomers largest by consumption (chosen in the warehouse), so
 * what this reads and writes does not grow with the fleet (docs/DASHBOARD.md).
 */
import type { Consumption, MeterDetail, MeterSummary } from '../../contract/results';
import { RESULT_FILES } from '../../contract/results';
import { sqlFile } from '../../sql/files';
import type { Analysis } from './analysis';
import { pseudonymise } from './pseudonym';
import { addDays, windowEnding } from './window';

/** Days of 30-minute profiles kept per customer file (bounds the published size). */
export const PROFILE_DAYS = 7;

/** Slots per row of results/meter_profiles.sql (its columns v0 … v11). */
export const PROFILE_BLOCK = 12;
const PROFILE_COLUMNS = Array.from({ length: PROFILE_BLOCK }, (_, j) => `v${j}`);

/** kWh to the watt-hour (3 decimals): the resolution meters report, and it bounds the published size. */
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The fleet's daily series goes back at most this far (ten years of days: ~100 KB of JSON). */
export const FLEET_MAX_DAYS = 3660;
const maxDay = (a: string, b: string) => (a > b ? a : b);

export const consumptionAnalysis: Analysis = {
  name: 'consumption',
  async run({ ports, asOfDay: runDay }) {
    const wh = ports.warehouse;
    const [last] = await wh.query({ name: 'last_data_day', sql: sqlFile('results/last_data_day.sql'), params: { as_of: runDay } });
    const asOfDay = (last?.day as string | null) ?? runDay;
    const win = windowEnding(asOfDay, ports.config.analysis.historyDays);
    const dayParams = { from_day: win.fromDay, to_day: win.toDay };
    const published = { ...dayParams, top_n: ports.config.analysis.publishedCustomers };
    // The fleet's daily totals (one small row per day) reach back to the first loaded day, so the
    // dashboard's date range can too; per-customer files keep the history window (their size).
    const [first] = await wh.query({ name: 'first_data_day', sql: sqlFile('results/first_data_day.sql') });
    const firstDay = typeof first?.day === 'string' ? first.day.slice(0, 10) : null;
    const fleetFrom = firstDay && addDays(firstDay, -1) < win.fromDay ? maxDay(addDays(firstDay, -1), addDays(asOfDay, -FLEET_MAX_DAYS)) : win.fromDay;
    const [fleet, profile, summaries, daily] = [
      await wh.query({ name: 'fleet_daily', sql: sqlFile('results/fleet_daily.sql'), params: { from_day: fleetFrom, to_day: win.toDay } }),
      await wh.query({ name: 'load_profile', sql: sqlFile('results/load_profile.sql'), params: { from_ts: win.fromTs, to_ts: win.toTs } }),
      await wh.query({ name: 'meter_summaries', sql: sqlFile('results/meter_summaries.sql'), params: published }),
      await wh.query({ name: 'meter_daily_window', sql: sqlFile('results/meter_daily_window.sql'), params: published }),
    ];
    const recent = windowEnding(asOfDay, PROFILE_DAYS);
    const recentParams = { from_ts: recent.fromTs, to_ts: recent.toTs };
    const slots = await wh.query({ name: 'meter_profile_slots', sql: sqlFile('results/meter_profile_slots.sql'), params: recentParams });
    const profiles = await wh.query({ name: 'meter_profiles', sql: sqlFile('results/meter_profiles.sql'), params: { ...recentParams, ...published } });

    const pseudonyms = new Map<string, string>();
    const idOf = (meterId: string) => {
      let p = pseudonyms.get(meterId);
      if (!p) pseudonyms.set(meterId, (p = pseudonymise(ports.pseudonymKey, meterId)));
      return p;
    };

    const meters: MeterSummary[] = summaries.map((r) => ({
      id: idOf(String(r.meter_id)),
      area: (r.area as string | null) ?? null,
      tariff: (r.tariff as string | null) ?? null,
      days: Number(r.days),
      totalKwh: round(Number(r.total_kwh), 3),
      avgDailyKwh: round(Number(r.avg_daily_kwh), 3),
    }));

    const details = new Map<string, MeterDetail>();
    for (const r of summaries) {
      const id = idOf(String(r.meter_id));
      details.set(String(r.meter_id), {
        id,
        area: (r.area as string | null) ?? null,
        tariff: (r.tariff as string | null) ?? null,
        timezone: String(r.timezone),
        daily: { day: [], totalKwh: [], avgIntervalKwh: [], intervals: [], peakKwh: [] },
        profiles: {},
      });
    }
    for (const r of daily) {
      const d = details.get(String(r.meter_id));
      if (!d) continue;
      d.daily.day.push(String(r.day));
      d.daily.totalKwh.push(round(Number(r.total_kwh)));
      d.daily.avgIntervalKwh.push(round(Number(r.avg_interval_kwh)));
      d.daily.intervals.push(Number(r.intervals));
      d.daily.peakKwh.push(round(Number(r.peak_kwh)));
    }
    // Local clock time ('HH:MM') of each slot, per timezone and local day.
    const clock = new Map<string, string[]>();
    for (const s of slots) {
      const key = `${s.timezone}|${s.day}`;
      let times = clock.get(key);
      if (!times) clock.set(key, (times = []));
      times[Number(s.slot)] = `${String(s.hh).padStart(2, '0')}:${String(s.mi).padStart(2, '0')}`;
    }
    for (const r of profiles) {
      const d = details.get(String(r.meter_id));
      const day = String(r.day);
      if (!d || day <= recent.fromDay || day > recent.toDay) continue;
      const p = (d.profiles[day] ??= { start: [], kwh: [] });
      const times = clock.get(`${d.timezone}|${day}`) ?? [];
      const first = Number(r.block) * PROFILE_BLOCK;
      for (let j = 0; j < PROFILE_BLOCK; j++) {
        const kwh = r[PROFILE_COLUMNS[j]!];
        if (kwh === null || kwh === undefined) continue;
        const start = times[first + j];
        if (start === undefined) {
          throw new Error(`meter_profiles returned slot ${first + j} of ${day} (${d.timezone}), which meter_profile_slots does not list: the two queries must number slots alike.`);
        }
        p.start.push(start);
        p.kwh.push(round(Number(kwh)));
      }
    }

    const consumption: Consumption = {
      window: { fromDay: win.fromDay, toDay: win.toDay, firstDay, historyDays: ports.config.analysis.historyDays },
      fleetDaily: {
        day: fleet.map((r) => String(r.day)),
        totalKwh: fleet.map((r) => round(Number(r.total_kwh), 3)),
        meters: fleet.map((r) => Number(r.meters)),
      },
      loadProfile: {
        hour: profile.map((r) => Number(r.hour)),
        avgIntervalKwh: profile.map((r) => round(Number(r.avg_interval_kwh), 4)),
      },
      meters,
      customers: { withData: Number(summaries[0]?.meters ?? 0), published: meters.length, limit: ports.config.analysis.publishedCustomers },
    };
    const files: Record<string, unknown> = { [RESULT_FILES.consumption]: consumption };
    for (const d of details.values()) files[RESULT_FILES.meter(d.id)] = d;
    return { files, counts: { meters: meters.length, customersWithData: Number(summaries[0]?.meters ?? 0), fleetDays: fleet.length } };
  },
};
