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

export const SOURCE_NAMES = ['meters', 'meter-simulator', 'utilities', 'market'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

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
      maxIntervalKwh: z.number().positive().default(25),
    })
    .default({ defaultTimezone: 'Europe/London', intervalMinutes: 30, maxIntervalKwh: 25 }),
  simulator: z
    .strictObject({
      /** Number of simulated meters. Default 200. */
      meters: z.number().int().positive().default(200),
      /** Seed: the same seed and date always give the same readings. Default 42. */
      seed: z.number().int().default(42),
      /** Timezone of the simulated fleet. Default Europe/London. */
      timezone: Timezone.default('Europe/London'),
      /** Inject faults (spikes, gaps, stuck meters, duplicates) with labels. Default true. */
      faults: z.boolean().default(true),
    })
    .default({ meters: 200, seed: 42, timezone: 'Europe/London', faults: true }),
  utilities: z
    .strictObject({
      /** kgCO2e per unit of each energy type (defaults: the apartment pipeline's factors). */
      emissionFactors: z
        .strictObject({ electricity: z.number(), heating: z.number(), water: z.number() })
        .default({ electricity: 0.4747, heating: 0.202, water: 0.449 }),
      /** Monthly usage at or above which a household raises an alert, per energy type. */
      thresholds: z
        .strictObject({ electricity: z.number().optional(), heating: z.number().optional(), water: z.number().optional() })
        .default({ electricity: 500, heating: 1200 }),
      seed: z.number().int().default(7),
    })
    .default({
      emissionFactors: { electricity: 0.4747, heating: 0.202, water: 0.449 },
      thresholds: { electricity: 500, heating: 1200 },
      seed: 7,
    }),
  market: z
    .strictObject({
      /** Symbols to collect (equities, ETFs, energy commodities). */
      symbols: z.array(z.string().regex(/^[A-Z0-9.=^-]{1,16}$/)).default(['SPY', 'XLE', 'XLU', 'ICLN', 'CL=F', 'NG=F']),
      /** `simulator` (offline, default) or `http` (the live price API; see docs/MARKET_API.md). */
      provider: z.enum(['simulator', 'http']).default('simulator'),
      seed: z.number().int().default(11),
      /**
       * Days of history the first run collects for a symbol with nothing loaded yet (later runs
       * continue from its last loaded trade date). Default 365: enough for 20/50-day statistics.
       */
      backfillDays: z.number().int().nonnegative().default(365),
      /** The live price API (provider `http`); the key comes from MARKET_API_KEY / a secret, never config. */
      http: z
        .strictObject({
          /** API origin. Default Polygon.io (Massive). */
          baseUrl: z.string().url().default('https://api.polygon.io'),
          /** Client-side rate limit. Default 5 per minute (the free tier). */
          maxRequestsPerMinute: z.number().positive().default(5),
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
  analysis: z
    .strictObject({
      /** Days of history the analyze step reads. Default 90. */
      historyDays: z.number().int().positive().default(90),
      /** Robust z-score at or above which a reading is anomalous. Default 6. */
      zThreshold: z.number().positive().default(6),
    })
    .default({ historyDays: 90, zThreshold: 6 }),
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
