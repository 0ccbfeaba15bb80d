/**
 * The JSON contract between the analyze/publish steps and the static dashboard: the files under
 * `results/latest/` (and the dashboard bucket's `data/`). Typed once here and imported by both sides.
 *
 * Size stays bounded: everything is pre-aggregated (daily values, hourly profiles), never raw
 * readings, and series are columnar arrays. Customer ids are pseudonyms (a keyed hash made in the
 * pipeline); raw meter ids never appear in these files.
 */

/** Bumped when a file's shape changes incompatibly; the dashboard checks it. */
export const CONTRACT_VERSION = 1;

/** The file names, relative to `data/`. */
export const RESULT_FILES = {
  manifest: 'manifest.json',
  overview: 'overview.json',
  consumption: 'consumption.json',
  /** One small file per customer: `meters/<pseudonym>.json`. */
  meter: (pseudonym: string) => `meters/${pseudonym}.json`,
  anomalies: 'anomalies.json',
  forecast: 'forecast.json',
  market: 'market.json',
  emissions: 'emissions.json',
  runs: 'runs.json',
  /** EV charging (docs/EV.md): the station map, fast chargers and the recommendation's inputs. */
  evStations: 'ev-stations.json',
  evUtilisation: 'ev-utilisation.json',
  evBroken: 'ev-broken.json',
  evCommute: 'ev-commute.json',
  /** Flow meters: one summary, and a small file per device: `flow/<device_id>.json`. */
  flow: 'flow.json',
  flowDevice: (deviceId: string) => `flow/${deviceId}.json`,
} as const;

export interface Manifest {
  version: typeof CONTRACT_VERSION;
  generatedAt: string; // ISO instant
  runId: string;
  /** Files present in this publication (relative to data/). */
  files: string[];
  /**
   * Set by the publish step when the stage publishes aggregates only (config `dashboard.access` =
   * `public-aggregates`): what was left out, so the dashboard hides those views and says why.
   * Absent: a private (signed-in) publication with everything.
   */
  publication?: { access: 'public-aggregates'; withheld: string[] };
}

export interface Overview {
  generatedAt: string;
  /** The last local day with readings (YYYY-MM-DD), the "today" of the KPIs. */
  asOfDay: string | null;
  /** Latest reading instant (ISO) — data freshness. */
  latestReadingAt: string | null;
  lastSuccessfulRun: { runId: string; finishedAt: string } | null;
  /** Hours after which the dashboard shows data as stale. */
  staleAfterHours: number;
  /**
   * When the next successful run is due at the latest (the last one's finish + the daily schedule's
   * 24 h + a grace period): the data is stale only once this has passed without a run. Null: no run yet.
   */
  nextRunDueAt?: string | null;
  /** The IANA timezone most meters use: times without a meter of their own are shown in it. */
  timezone?: string;
  /** Sources whose data in the warehouse is simulated (the dashboard labels them), e.g. meter-simulator. */
  simulatedSources?: string[];
  /** First local day with readings (YYYY-MM-DD): the date range reaches back to it. */
  firstDay?: string | null;
  /** The month (YYYY-MM) `emissionsThisMonthKg` is for: the newest month with usage data, or null. */
  emissionsMonth?: string | null;
  kpis: {
    energyTodayKwh: number | null;
    energyLast30Kwh: number | null;
    energyPrev30Kwh: number | null;
    activeMeters: number;
    openAnomalies: number;
    emissionsThisMonthKg: number | null;
  };
}

export interface MeterSummary {
  /** Pseudonym (keyed hash), e.g. `c-3f9a1b2c`. */
  id: string;
  area: string | null;
  tariff: string | null;
  days: number;
  totalKwh: number;
  avgDailyKwh: number;
}

export interface Consumption {
  /**
   * What is published: per-customer figures and the load profile cover (fromDay, toDay] (the last
   * analysis.historyDays days of data); the fleet's daily totals reach back to firstDay.
   */
  window?: { fromDay: string; toDay: string; firstDay: string | null; historyDays: number };
  /** Fleet totals per local day, columnar. */
  fleetDaily: { day: string[]; totalKwh: number[]; meters: number[] };
  /** Average kWh per 30-minute interval by local hour of day (0–23) over the history window. */
  loadProfile: { hour: number[]; avgIntervalKwh: number[] };
  /** The published customers (each with a meters/<pseudonym>.json): the largest by consumption in the window. */
  meters: MeterSummary[];
  /**
   * How many customers had data in the window, how many are published (`meters`), and the configured
   * limit (analysis.publishedCustomers). Absent in results written before the limit existed.
   */
  customers?: { withData: number; published: number; limit: number };
}

/** `meters/<pseudonym>.json` — the per-customer detail view. */
export interface MeterDetail {
  id: string;
  area: string | null;
  tariff: string | null;
  timezone: string;
  daily: { day: string[]; totalKwh: number[]; avgIntervalKwh: number[]; intervals: number[]; peakKwh: number[] };
  /** 30-minute profiles of the most recent days: day → kWh per interval, in local time order. */
  profiles: Record<string, { start: string[]; kwh: number[] }>;
}

export type AnomalySeverity = 'low' | 'medium' | 'high';

export interface AnomalyItem {
  id: string;
  subjectType: 'meter' | 'household' | 'fleet';
  /** Pseudonym: `c-…` for meters, `h-…` for households (a flat: building-floor-unit). */
  subject: string;
  /** ISO instant (meters) or month start (utilities). */
  time: string;
  rule: string; // e.g. spike, stuck, gap, level_shift, threshold:heating
  severity: AnomalySeverity;
  value: number | null;
  expected: number | null;
  score: number | null;
  /** The meter's IANA timezone: its times are shown on its own clock. */
  timezone?: string;
  /** End of the event (ISO instant, exclusive) where the rule knows it (stuck runs, gaps). */
  end?: string;
  /** One plain sentence with units, e.g. "3.1 kWh in 30 min, usually 0.4 kWh at this time of the week". */
  reason?: string;
  /** A few values around the anomaly for a small context chart. */
  context: { t: string[]; v: (number | null)[] };
}

export interface Anomalies {
  generatedAt: string;
  items: AnomalyItem[];
  /** Counts by rule and severity over all items (the list may be truncated to the newest N). */
  totals: { rule: string; severity: AnomalySeverity; count: number }[];
}

export interface ForecastModelScore {
  model: string;
  mape: number;
  mase: number;
}

export interface ForecastGroup {
  /** `fleet` or a meter group such as `area:a1`. */
  group: string;
  chosenModel: string;
  backtest: ForecastModelScore[];
  /** The group's IANA timezone (its hours are shown on that clock). */
  timezone?: string;
  /** Whether the chosen model's backtest MASE is below the weekly seasonal naive's (null: naive not scored). */
  beatsSeasonalNaive?: boolean | null;
  /** How often the 80 % and 95 % intervals held in the backtest, out of sample (0–1; null: too few origins). */
  coverage?: { p80: number | null; p95: number | null };
  /** The next 168 hourly values (kWh per hour), columnar. */
  points: { t: string[]; yhat: number[]; lo80: number[]; hi80: number[]; lo95: number[]; hi95: number[] };
  /** Recent actuals for context, hourly kWh. */
  history: { t: string[]; kwh: number[] };
}

export interface Forecast {
  generatedAt: string;
  issuedFor: string | null; // first forecast hour
  groups: ForecastGroup[];
}

export interface MarketSymbol {
  symbol: string;
  series: {
    date: string[];
    close: number[];
    ma20: (number | null)[];
    ma50: (number | null)[];
    vol20: (number | null)[];
    drawdown: number[];
  };
  maxDrawdown: number;
  annualisedVolatility: number | null;
  correlationWithConsumption: number | null;
  /** Posterior of the mean daily return (Normal–Inverse-Gamma, exact). */
  meanReturn: { mean: number; lo95: number; hi95: number; n: number } | null;
}

export interface Market {
  generatedAt: string;
  symbols: MarketSymbol[];
}

export interface EmissionFactor {
  energyType: 'electricity' | 'heating' | 'water';
  factor: number;
  unit: string;
  source: string;
}

export interface Emissions {
  generatedAt: string;
  factors: EmissionFactor[];
  rows: { building: number; energyType: string; month: string; amount: number; unit: string; emissionKg: number }[];
}

export interface RunRow {
  runId: string;
  runDate: string;
  source: string;
  status: 'succeeded' | 'failed' | 'running';
  rowsIn: number;
  rowsLoaded: number;
  duplicates: number;
  quarantined: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  /** Top quarantine reasons of this run and source. */
  quarantineReasons: { reason: string; count: number }[];
}

export interface Runs {
  generatedAt: string;
  runs: RunRow[];
}

/** EV status snapshot at a station: counts of its chargers by their latest status in the look-back. */
export interface EvStation {
  id: string;
  name: string;
  address: string | null;
  lat: number | null;
  lon: number | null;
  kind: string | null;
  chargers: number;
  /** Latest status of each charger: available (2), charging (3), out of service (1/4/5), unknown (9 or none). */
  available: number;
  charging: number;
  outOfService: number;
  unknown: number;
  /** Newest snapshot of the station (ISO), null without one in the look-back. */
  statusAt: string | null;
  /** statusAt is more than 30 minutes older than the newest snapshot of any station. */
  stale: boolean;
  /** Fast (≥ 50 kW) chargers, per connector; unknown outputs counted apart (never fast). */
  fast: number;
  fastByConnector: Record<string, number>;
  maxKw: number | null;
  unknownOutput: number;
}

export interface EvStations {
  generatedAt: string;
  /** The newest charger status in the warehouse (ISO), null when no EV data is loaded. */
  asOf: string | null;
  /** The stations' IANA timezone (evChargers.timezone). */
  timezone: string;
  fastKw: number;
  stations: EvStation[];
  /** The recommendation's inputs (lambdas/analysis/ev-recommend.ts runs in the browser): the fast chargers… */
  fastChargers: { stationId: string; chargerId: string; outputKw: number; connectors: string[] }[];
  /** …and their statuses over the last two hours before asOf, columnar. */
  recent: { stationId: string[]; chargerId: string[]; t: string[]; code: number[] };
}

export interface EvUtilisationStation {
  id: string;
  name: string;
  /** Charging ÷ in-service charger time over the look-back, 0…1. */
  utilisation: number;
  chargingHours: number;
  inServiceHours: number;
  /** Hour of week (weekday × 24 + local hour, 0 = Sunday 00h) of the highest utilisation. */
  peakHourOfWeek: number | null;
  chargers: number;
}

export interface EvUtilisation {
  generatedAt: string;
  timezone: string;
  /** The look-back read: (from, to], ISO; null without EV data. */
  from: string | null;
  to: string | null;
  stations: EvUtilisationStation[];
  /** Station ids, busiest first (most charging hours, then utilisation). */
  busiest: string[];
  /** Utilisation per station and local hour of week, columnar. */
  byHour: { stationId: string[]; hourOfWeek: number[]; utilisation: number[]; chargingHours: number[] };
}

export interface EvBrokenCharger {
  stationId: string;
  stationName: string;
  chargerId: string;
  /** ISO: the first out-of-service snapshot of the outage. */
  since: string;
  durationHours: number;
  /** Out-of-service codes seen (1 communication error, 4 stopped, 5 inspecting). */
  codes: number[];
}

export interface EvBroken {
  generatedAt: string;
  asOf: string | null;
  brokenAfterHours: number;
  items: EvBrokenCharger[];
}

export interface EvCommuteRow {
  stationId: string;
  window: string;
  snapshots: number;
  /** Share of the window's snapshots with a charger available, 0…1. */
  availableShare: number;
  meanAvailable: number;
  chargers: number;
}

export interface EvCommute {
  generatedAt: string;
  timezone: string;
  windows: { name: string; weekdays: number[]; fromHour: number; toHour: number }[];
  rows: EvCommuteRow[];
}

/** Flow meters (docs/FLOW.md): every device with analysed data, newest state of each. */
export interface Flow {
  generatedAt: string;
  /** The zone of the devices' local days, night flow and forecast hours (config flowSensors.timezone). */
  timezone: string;
  devices: FlowDeviceSummary[];
}

/** The published forecast check: rolling-origin backtest per model, and the hold-out week. */
export interface FlowBacktest {
  chosenModel: string;
  /** MASE of each candidate on the rolling-origin backtest (1 = as good as same hour last week). */
  models: { model: string; mase: number }[];
  /** The forecast issued 7 days before, against what happened. Null when the history is too short. */
  holdout: { mase: number; maseNaive: number; coverage80: number; hours: number } | null;
}

export interface FlowDeviceSummary {
  deviceId: string;
  /** The last local day analysed (the device file's issue date). */
  analysedThrough: string;
  lastReadingAt: string | null;
  outliersLast7Days: number;
  eventsLast7Days: Record<string, number>;
  lastNight: { night: string; mnfLpm: number | null; leakSuspected: boolean } | null;
  /** Lake key of the device file, null when no forecast was issued (with the reason). */
  deviceFile: string | null;
  forecastSkipped: string | null;
  backtest: FlowBacktest | null;
}

export interface FlowDevice extends FlowDeviceSummary {
  timezone: string;
  /** Hourly flow (L/min) and pressure (bar) of the last 7 days, hour = UTC start. */
  hourly: { hour: string; flowMean: number | null; flowMin: number | null; flowMax: number | null; pressureMean: number | null; pressureMin: number | null; pressureMax: number | null; minutes: number }[];
  /** Outlier minutes of the last 7 days. */
  outliers: { minute: string; channel: 'flow' | 'pressure'; value: number; expected: number; score: number }[];
  /** Bursts, transients, stuck sensors, dropouts of the last 7 days. */
  events: { kind: string; channel: string | null; start: string; end: string }[];
  /** Minimum night flow of the last 30 nights with its leak trend. */
  nights: { night: string; mnfLpm: number | null; slope: number | null; z: number | null; leakSuspected: boolean }[];
  /** The next 7 days, hour = UTC start. */
  forecast: { issuedOn: string; model: string; hours: { hour: string; flowLpm: number; lo80: number; hi80: number }[] } | null;
}
