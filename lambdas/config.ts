/**
 * The one typed, validated configuration of gridlake. Every field has a documented default, so an
 * empty config is a working local demo. Supplied as JSON (env GRIDLAKE_CONFIG, or a file passed to the
 * CLI); handlers parse it once at module load and pass it down — business code never reads env.
 */
import { z } from 'zod';
import { ianaTimezone } from './timezone';

/** An IANA timezone name (Area/Location or UTC; the rule is lambdas/timezone.ts), spelled canonically. */
export const Timezone = z.string().transform((tz, ctx) => {
  const name = ianaTimezone(tz);
  if (name === null) {
    ctx.addIssue({ code: 'custom', message: `"${tz}" is not an IANA timezone: use Area/Location such as Europe/London, or UTC` });
    return z.NEVER;
  }
  return name;
});

/**
 * Documented ranges (README, Configuration): a value outside them is refused when the configuration
 * is read, with the field and the range named, instead of failing later (an emission factor of 1e308
 * overflows every sum; 1e8 simulated meters never finish).
 */
const inRange = (min: number, max: number, unit = '') => z.number().min(min, `must be at least ${min}${unit}`).max(max, `must be at most ${max}${unit}`);
/** Seeds feed a 32-bit generator (lambdas/sources/random.ts). */
const Seed = z.number().int().min(0, 'must be at least 0').max(2 ** 32 - 1, `must be at most ${2 ** 32 - 1} (a 32-bit seed)`);
/** kgCO2e per unit: real factors are below 1 (kWh) to a few (m³, litres of fuel); 100 leaves room for any unit. */
const EmissionFactor = inRange(0, 100, ' kgCO2e per unit');

// The source list is the source registry's: a new source module is registered there only.
import { SOURCE_NAMES, type SourceName } from './sources/registry';
export { SOURCE_NAMES, type SourceName };

/** Who may see the published dashboard data (see `dashboard.access` below and docs/DEPLOY.md). */
export const DASHBOARD_ACCESS = ['private', 'public-aggregates'] as const;
export type DashboardAccess = (typeof DASHBOARD_ACCESS)[number];

export const ConfigSchema = z.strictObject({
  /** Sources a run collects when the input names none. Default: all of them. */
  sources: z.array(z.enum(SOURCE_NAMES)).default([...SOURCE_NAMES]),
  meters: z
    .strictObject({
      /** Timezone of naive local timestamps when an import names none. Default Europe/London. */
      defaultTimezone: Timezone.default('Europe/London'),
      /** Length of one reading interval in minutes. Default 30. */
      intervalMinutes: z
        .number()
        .int()
        .positive()
        .refine((m) => 1440 % m === 0, { message: 'must divide a day into whole intervals (5, 10, 15, 30, 60, … minutes)' })
        .default(30),
      /**
       * Largest plausible energy in one interval, kWh. Default 25 kWh per 30 minutes (= 50 kW
       * average, above any residential or small-business supply); larger readings are quarantined.
       */
      maxIntervalKwh: inRange(0, 1_000_000, ' kWh').positive().default(25),
    })
    .default({ defaultTimezone: 'Europe/London', intervalMinutes: 30, maxIntervalKwh: 25 }),
  simulator: z
    .strictObject({
      /** Number of simulated meters, 1..10,000. Default 200. */
      meters: inRange(1, 10_000, ' meters').int().default(200),
      /** Seed: the same seed and date always give the same readings. 0..2^32-1. Default 42. */
      seed: Seed.default(42),
      /** Timezone of the simulated fleet. Default Europe/London. */
      timezone: Timezone.default('Europe/London'),
      /** Inject faults (spikes, gaps, stuck meters, duplicates) with labels. Default true. */
      faults: z.boolean().default(true),
    })
    .default({ meters: 200, seed: 42, timezone: 'Europe/London', faults: true }),
  utilities: z
    .strictObject({
      /** kgCO2e per unit of each energy type, 0..100 (defaults: the apartment pipeline's factors). */
      emissionFactors: z
        .strictObject({ electricity: EmissionFactor, heating: EmissionFactor, water: EmissionFactor })
        .default({ electricity: 0.4747, heating: 0.202, water: 0.449 }),
      /** Monthly usage at or above which a household raises an alert, per energy type. */
      thresholds: z
        .strictObject({ electricity: inRange(0, 1e9).optional(), heating: inRange(0, 1e9).optional(), water: inRange(0, 1e9).optional() })
        .default({ electricity: 500, heating: 1200 }),
      seed: Seed.default(7),
    })
    .default({
      emissionFactors: { electricity: 0.4747, heating: 0.202, water: 0.449 },
      thresholds: { electricity: 500, heating: 1200 },
      seed: 7,
    }),
  market: z
    .strictObject({
      /** Symbols to collect (equities, ETFs, energy commodities). */
      symbols: z.array(z.string().regex(/^[A-Z0-9.=^-]{1,16}$/)).max(500, 'at most 500 symbols').default(['SPY', 'XLE', 'XLU', 'ICLN', 'CL=F', 'NG=F']),
      /** `simulator` (offline, default) or `http` (the live price API; see docs/MARKET_API.md). */
      provider: z.enum(['simulator', 'http']).default('simulator'),
      seed: Seed.default(11),
      /**
       * Days of history the first run collects for a symbol with nothing loaded yet (later runs
       * continue from its last loaded trade date). Default 365: enough for 20/50-day statistics.
       */
      backfillDays: inRange(0, 3650, ' days').int().default(365),
      /** The live price API (provider `http`); the key comes from MARKET_API_KEY / a secret, never config. */
      http: z
        .strictObject({
          /** API origin. Default Polygon.io (Massive). */
          baseUrl: z.string().url().default('https://api.polygon.io'),
          /** Client-side rate limit. Default 5 per minute (the free tier). */
          maxRequestsPerMinute: inRange(0, 100_000, ' per minute').positive().default(5),
          /** Config symbol → API ticker where they differ. Default none. */
          tickers: z.record(z.string(), z.string()).default({}),
        })
        .default({ baseUrl: 'https://api.polygon.io', maxRequestsPerMinute: 5, tickers: {} }),
    })
    .default({
      symbols: ['SPY', 'XLE', 'XLU', 'ICLN', 'CL=F', 'NG=F'],
      provider: 'simulator',
      seed: 11,
      backfillDays: 365,
      http: { baseUrl: 'https://api.polygon.io', maxRequestsPerMinute: 5, tickers: {} },
    }),
  evChargers: z
    .strictObject({
      /** Collect the simulated charger fleet in every run (local runs, the demo). Default true. */
      simulator: z.boolean().default(true),
      /** Simulated stations in and around Seoul, 1..2,000. Default 40. */
      stations: inRange(1, 2000, ' stations').int().default(40),
      /** Seed of the simulated fleet and its use. Default 13. */
      seed: Seed.default(13),
      /** The stations' clock: hours of week and commute hours are read on it. Default Asia/Seoul. */
      timezone: Timezone.default('Asia/Seoul'),
      /** A charger out of service (status 1, 4 or 5) at least this long is broken (listed, alerted). Default 2 h. */
      brokenAfterHours: inRange(0.25, 24 * 30, ' hours').default(2),
      /** Days of status history the EV analysis reads before the newest snapshot, 1..90. Default 7 (a week of hours). */
      lookbackDays: inRange(1, 90, ' days').int().default(7),
      /**
       * The national charger-status API (docs/EV.md), collected by every run when set; absent = off.
       * Its service key comes from EV_API_KEY / a secret (stage `evApi`), never config.
       */
      api: z
        .strictObject({
          /** The service's base URL; the operation is appended. Default data.go.kr's EvCharger service. */
          baseUrl: z.string().url().default('https://apis.data.go.kr/B552584/EvCharger'),
          /** Default getChargerStatus. */
          operation: z.string().regex(/^[A-Za-z]{1,64}$/, 'must be an operation name such as getChargerStatus').default('getChargerStatus'),
          /** `pageNo` (pageNo/numOfRows, default) or `startNum` (the older startNum/endNum). */
          paging: z.enum(['pageNo', 'startNum']).default('pageNo'),
          /** Other query parameters, passed as given. Default Seoul (`zcode` 11). */
          params: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, 'must be a parameter name'), z.string().max(256)).default({ zcode: '11' }),
          /** Rows per page, 10..10,000. Default 1,000. */
          pageSize: inRange(10, 10_000, ' rows').int().default(1000),
          /** Client-side rate limit. Default 60 per minute. */
          maxRequestsPerMinute: inRange(0, 100_000, ' per minute').positive().default(60),
          /** Full passes over the list before a snapshot is taken as incomplete, 2..20. Default 4. */
          maxPasses: inRange(2, 20, ' passes').int().default(4),
        })
        .optional(),
    })
    .default({ simulator: true, stations: 40, seed: 13, timezone: 'Asia/Seoul', brokenAfterHours: 2, lookbackDays: 7 }),
  flowSensors: z
    .strictObject({
      /** Collect the simulated flow meters in every run (local runs, the demo). Default true. */
      simulator: z.boolean().default(true),
      /** Simulated flow meters (FS001 …), 1..500. Default 20. */
      devices: inRange(1, 500, ' devices').int().default(20),
      /** Seed of the simulated meters and their faults. Default 7. */
      seed: Seed.default(7),
      /**
       * The flow meters' zone: their local days, night flow (02:00–04:00), forecast hours and device
       * files follow its wall clock. Default Europe/London.
       */
      timezone: Timezone.default('Europe/London'),
    })
    .default({ simulator: true, devices: 20, seed: 7, timezone: 'Europe/London' }),
  dashboard: z
    .strictObject({
      /**
       * Who the published dashboard data is for. `private` (default): signed-in stakeholders only
       * (in the cloud a Cognito sign-in at CloudFront guards it), so everything is published,
       * including per-customer views. `public-aggregates`: the page may be public, so the publish
       * step writes fleet, area and building aggregates only (lambdas/steps/publication-policy.ts).
       */
      access: z.enum(DASHBOARD_ACCESS).default('private'),
    })
    .default({ access: 'private' }),
  /**
   * When the daily run is scheduled (the cloud stage sets it from its own schedule): the dashboard
   * calls the data stale once a scheduled run after the last successful one is overdue. Default
   * 06:00 Europe/London, the stage's default.
   */
  schedule: z
    .strictObject({ hour: z.number().int().min(0).max(23), minute: z.number().int().min(0).max(59), timezone: Timezone })
    .default({ hour: 6, minute: 0, timezone: 'Europe/London' }),
  workflow: z
    .strictObject({
      /**
       * Dates of a backfill that load at once (ForEachDate's MaxConcurrency). Default 1: dates load
       * in order. More is safe (each date is its own transaction; the warehouse serialises them).
       */
      dateConcurrency: z.number().int().min(1).max(100).default(1),
      /** Transform invocations of one source and date that run at once. Default 8. */
      transformConcurrency: z.number().int().min(1).max(1000).default(8),
    })
    .default({ dateConcurrency: 1, transformConcurrency: 8 }),
  localWarehouse: z
    .strictObject({
      /**
       * DuckDB memory_limit of the local warehouse (the stand-in for Redshift; a deployed stage sizes
       * Redshift with its RPUs instead). Past it DuckDB spills to disk beside the database file.
       * Default 1536MB: with the transform's 640MB and Node, a utility's day (48M readings) runs in
       * about 4 GiB of memory (npm run bench -- utility-day).
       */
      memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/, 'a size such as 2GB or 1500MiB').default('1536MB'),
    })
    .default({ memoryLimit: '1536MB' }),
  transform: z
    .strictObject({
      /**
       * Raw bytes one transform invocation reads: small files are grouped up to this (one
       * TransformBatch reads many CSVs); a larger file is a batch of its own, streamed. Default 64 MiB.
       */
      batchBytes: inRange(1024, 64 * 1024 ** 3, ' bytes').int().default(64 * 1024 ** 2),
      /**
       * DuckDB memory_limit of a transform process (local runs; in the cloud the stage's transform
       * function memory sets it, lib/pipeline.ts). Default 640MB.
       */
      memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/, 'a size such as 640MB or 2GiB').default('640MB'),
      /** DuckDB worker threads (local runs; in the cloud the function's vCPUs). Default: DuckDB's own (the cores). */
      threads: z.number().int().min(1).max(64).optional(),
    })
    .default({ batchBytes: 64 * 1024 ** 2, memoryLimit: '640MB' }),
  analysis: z
    .strictObject({
      /** Days of history the analyze step reads, 1..3650. Default 90. */
      historyDays: inRange(1, 3650, ' days').int().default(90),
      /** Robust z-score at or above which a reading is anomalous, above 0 and at most 1000. Default 6. */
      zThreshold: inRange(0, 1000).positive().default(6),
      /**
       * Customers published with a per-customer file (and listed in consumption.json): the largest
       * by consumption over the history window, 1..100000. Default 1000 (the dashboard's data budget);
       * the others stay queryable in the warehouse. See docs/DASHBOARD.md.
       */
      publishedCustomers: inRange(1, 100_000).int().default(1000),
      /**
       * Meters per page of anomaly detection, 1..10000: one DetectAnomalies child execution (a Lambda
       * invocation) reads, examines and replaces a page. Default 500: a page's unloaded readings
       * (~36 days × 48 per meter) stay well inside the function's memory, whatever the fleet's size.
       */
      metersPerPage: inRange(1, 10_000).int().default(500),
      /** Pages examined at once (the DetectAnomalies Map's MaxConcurrency), 1..1000. Default 16. */
      pageConcurrency: inRange(1, 1000).int().default(16),
    })
    .default({ historyDays: 90, zThreshold: 6, publishedCustomers: 1000, metersPerPage: 500, pageConcurrency: 16 }),
});

export type Config = z.infer<typeof ConfigSchema>;

export function parseConfig(input: unknown = {}): Config {
  const result = ConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new Error(`Invalid gridlake configuration:\n${problems}\nFix these fields (see README, Configuration).`);
  }
  return result.data;
}

/** Parses the JSON configuration text from GRIDLAKE_CONFIG (empty → defaults). */
export function configFromJson(text: string | undefined): Config {
  if (!text || !text.trim()) return parseConfig({});
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`GRIDLAKE_CONFIG is not valid JSON: ${(e as Error).message}`);
  }
  return parseConfig(value);
}
