/**
 * Per-stage settings of the cloud deployment, read from CDK context and validated. `cdk.json` holds
 * `stage` (which one to deploy, default `dev`) and `stages.<name>` objects; every field has the
 * default documented here, so `cdk synth` with no context at all yields a working dev stack.
 *
 *   npx cdk deploy -c stage=prod
 */
import { z } from 'zod';
import { DASHBOARD_ACCESS, parseConfig, SOURCE_NAMES, Timezone, type SourceName } from '../lambdas/config';

/** Sources that invent their data (the meter fleet, the apartment complex); `market` is simulated unless its provider is `http`. */
export const SIMULATED_SOURCES: readonly SourceName[] = ['meter-simulator', 'utilities'];

export const StageConfigSchema = z
  .object({
    /** AWS account id; absent = environment-agnostic (the CLI's credentials decide). */
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
    /** AWS region; absent = environment-agnostic. */
    region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'must be a region such as us-east-1').optional(),
    /** Daily run time, local to `timezone`. Default 06:00. */
    schedule: z
      .object({ hour: z.number().int().min(0).max(23).default(6), minute: z.number().int().min(0).max(59).default(0) })
      .default({ hour: 6, minute: 0 }),
    /** IANA timezone of the schedule (DST-aware, handled by EventBridge Scheduler). Default Europe/London. */
    timezone: Timezone.default('Europe/London'),
    /** Create the schedule enabled. Default true. */
    scheduleEnabled: z.boolean().default(true),
    /** Redshift Serverless base capacity in RPUs (4–512, steps of 8 above 8). Default 8. */
    baseCapacityRpu: z.number().int().min(4).max(512).default(8),
    /** Upper bound for autoscaling, in RPUs; caps the cost of a runaway query. Default 16. */
    maxCapacityRpu: z.number().int().min(4).max(5632).default(16),
    /** Daily usage limit in RPU-hours (CreateUsageLimit). Default 16 (two hours at 8 RPU). */
    dailyRpuHoursLimit: z.number().int().positive().default(16),
    /** What Redshift does at the limit: `log`, `emit-metric` or `deactivate`. Default `emit-metric`. */
    usageLimitBreachAction: z.enum(['log', 'emit-metric', 'deactivate']).default('emit-metric'),
    /** CloudWatch Logs retention of functions, state machine and warehouse logs, days. Default 30. */
    logRetentionDays: z.number().int().positive().default(30),
    /** Raw data moves to Infrequent Access after this many days. Default 30. */
    rawInfrequentAccessDays: z.number().int().min(30).default(30),
    /** Raw data moves to Glacier Flexible Retrieval after this many days. Default 90. */
    rawGlacierDays: z.number().int().positive().default(90),
    /** Quarantined records expire after this many days. Default 30. */
    quarantineExpiryDays: z.number().int().positive().default(30),
    /** `destroy` removes buckets, data and the warehouse with the stack; `retain` keeps them. Default: retain for prod, destroy otherwise. */
    removal: z.enum(['destroy', 'retain']).optional(),
    /** Market symbols to collect (overrides the config default). */
    symbols: z.array(z.string().regex(/^[A-Z0-9.=^-]{1,16}$/)).optional(),
    /** Email subscribed to the alerts topic (confirm the subscription mail). Default none. */
    alertEmail: z.string().email().optional(),
    /** Create a secret for a Slack incoming-webhook URL (fill it after deploy). Default false. */
    slackWebhook: z.boolean().default(false),
    /**
     * Collect live market prices (config.market.provider = "http"): creates a secret for the API key
     * (fill it after deploy) that only the collect function may read. Default false (simulator).
     */
    marketApi: z.boolean().default(false),
    /**
     * Collect the national EV charger-status API (config.evChargers.api, its defaults unless the
     * pipeline config sets it): creates a secret for the service key (fill it after deploy) that only
     * the collect function may read. Default false.
     */
    evApi: z.boolean().default(false),
    /**
     * The stage's own VPC for the Redshift Serverless workgroup: its id and at least three subnets in
     * three Availability Zones. Absent: the stack creates a small isolated VPC (lib/warehouse-network.ts).
     */
    network: z
      .object({
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id such as vpc-0abc12345def67890'),
        subnets: z
          .array(
            z.object({
              subnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id such as subnet-0abc12345def67890'),
              availabilityZone: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d[a-z]$/, 'must be an Availability Zone such as eu-west-2a'),
            }),
          )
          .refine((subnets) => subnets.length >= 3 && new Set(subnets.map((s) => s.availabilityZone)).size >= 3, {
            message: 'Redshift Serverless needs at least three subnets in three different Availability Zones',
          }),
      })
      .optional(),
    /**
     * May the daily run collect simulated data (meter-simulator, utilities, the market simulator)?
     * Default: true, except in the stage named `prod`, which collects only real sources.
     */
    simulatedData: z.boolean().optional(),
    /** Who can see the dashboard (docs/DEPLOY.md, "Who can see the dashboard"). */
    dashboard: z
      .strictObject({
        /**
         * `private` (default): readers sign in (Cognito user pool, checked at CloudFront by Lambda@Edge)
         * and everything is published. `public-aggregates`: no sign-in, and the publish step writes
         * fleet, area and building aggregates only.
         */
        access: z.enum(DASHBOARD_ACCESS).default('private'),
        /** Authenticator-app MFA for readers when private: `off`, `optional` or `required`. Default `optional`. */
        mfa: z.enum(['off', 'optional', 'required']).default('optional'),
        /** Hosted sign-in domain prefix (globally unique per region). Default `gridlake-<stage>-<account id>`. */
        signInDomainPrefix: z
          .string()
          .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and hyphens, 1–63 characters')
          .refine((p) => !/aws|amazon|cognito/.test(p), 'Cognito refuses prefixes containing aws, amazon or cognito')
          .optional(),
      })
      .default({ access: 'private', mfa: 'optional' }),
    /**
     * The transform function's size: memory (1,769 MB is one vCPU's worth; at most 10,240) and /tmp
     * (512–10,240 MB). DuckDB's memory_limit, threads and spill size follow (lib/duckdb-sizing.ts).
     * Default 3,008 MB and 4,096 MB; a larger pipeline.transform.batchBytes may need more /tmp.
     */
    transform: z
      .strictObject({
        memoryMb: z.number().int().min(1024).max(10240).default(3008),
        ephemeralStorageMb: z.number().int().min(512).max(10240).default(4096),
      })
      .default({ memoryMb: 3008, ephemeralStorageMb: 4096 }),
    /** Further pipeline configuration (lambdas/config.ts), passed to the functions as GRIDLAKE_CONFIG. */
    pipeline: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((s) => s.maxCapacityRpu >= s.baseCapacityRpu, { message: 'maxCapacityRpu must be ≥ baseCapacityRpu', path: ['maxCapacityRpu'] })
  .refine((s) => s.rawGlacierDays >= s.rawInfrequentAccessDays + 30, {
    message: 'rawGlacierDays must be at least 30 days after rawInfrequentAccessDays (S3 minimum storage duration)',
    path: ['rawGlacierDays'],
  });

export type StageConfig = z.infer<typeof StageConfigSchema> & { name: string; removal: 'destroy' | 'retain'; simulatedData: boolean };

export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
}

/**
 * The stage settings for `stage` from the context object `stages` (as cdk.json holds it).
 * Unknown stages are an error unless no `stages` context exists at all (then defaults apply).
 */
export function stageConfig(stage: string, stages: unknown): StageConfig {
  if (!/^[a-z][a-z0-9]{0,9}$/.test(stage)) {
    throw new StageConfigError(`Context "stage" = "${stage}": use 1–10 lowercase letters/digits, e.g. dev or prod.`);
  }
  const all = (stages ?? {}) as Record<string, unknown>;
  if (stages !== undefined && (typeof stages !== 'object' || stages === null)) {
    throw new StageConfigError('Context "stages" must be an object of stage name → settings (see cdk.json).');
  }
  if (stages !== undefined && Object.keys(all).length > 0 && !(stage in all)) {
    throw new StageConfigError(`Context "stages" has no "${stage}" entry (known: ${Object.keys(all).join(', ')}). Add it to cdk.json or pass -c stage=<known>.`);
  }
  const parsed = StageConfigSchema.safeParse(all[stage] ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  stages.${stage}.${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new StageConfigError(`Invalid CDK context for stage "${stage}":\n${problems}\nFix these fields in cdk.json (see docs/DEPLOY.md).`);
  }
  const removal = parsed.data.removal ?? (stage === 'prod' ? 'retain' : 'destroy');
  const simulatedData = parsed.data.simulatedData ?? stage !== 'prod';
  return { ...parsed.data, name: stage, removal, simulatedData };
}

/** The pipeline configuration JSON the functions get (validated here, so a bad config fails synth, not a run). */
export function pipelineConfigJson(stage: StageConfig): string {
  const input: Record<string, unknown> = { ...stage.pipeline };
  if (stage.symbols) input.market = { ...((input.market as object) ?? {}), symbols: stage.symbols };
  if (stage.marketApi) input.market = { ...((input.market as object) ?? {}), provider: 'http' };
  if (stage.evApi) {
    const ev = (input.evChargers as { api?: object } | undefined) ?? {};
    input.evChargers = { ...ev, api: ev.api ?? {} };
  }
  // One switch for the site and what is published to it: the stage's dashboard.access.
  const piped = (input.dashboard as { access?: unknown } | undefined)?.access;
  if (piped !== undefined && piped !== stage.dashboard.access) {
    throw new StageConfigError(
      `stages.${stage.name}.pipeline.dashboard.access = "${String(piped)}" disagrees with stages.${stage.name}.dashboard.access = "${stage.dashboard.access}": set it in dashboard.access only.`,
    );
  }
  input.dashboard = { ...((input.dashboard as object) ?? {}), access: stage.dashboard.access };
  // The analyze step judges freshness against the stage's own schedule (one place to set it).
  input.schedule = { hour: stage.schedule.hour, minute: stage.schedule.minute, timezone: stage.timezone };
  // Without simulated data the default source list is the real sources only (a run that names no
  // sources must never fall back to "all", which includes the simulators).
  if (!stage.simulatedData && input.sources === undefined) {
    input.sources = SOURCE_NAMES.filter((s) => !SIMULATED_SOURCES.includes(s) && (s !== 'market' || stage.marketApi));
  }
  // ev-chargers and flow-sensors are real data (imports) with a simulated fleet beside it: without simulated data the fleet is off.
  if (!stage.simulatedData) {
    const ev = (input.evChargers as { simulator?: unknown } | undefined) ?? {};
    if (ev.simulator === undefined) input.evChargers = { ...ev, simulator: false };
    const flow = (input.flowSensors as { simulator?: unknown } | undefined) ?? {};
    if (flow.simulator === undefined) input.flowSensors = { ...flow, simulator: false };
  }
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(input);
  } catch (e) {
    throw new StageConfigError(`stages.${stage.name}.pipeline/symbols: ${(e as Error).message}`);
  }
  if (!stage.simulatedData) {
    const simulated = config.sources.filter(
      (s) => SIMULATED_SOURCES.includes(s) || (s === 'market' && config.market.provider !== 'http') || (s === 'ev-chargers' && config.evChargers.simulator) || (s === 'flow-sensors' && config.flowSensors.simulator),
    );
    if (simulated.length > 0) {
      throw new StageConfigError(
        `stages.${stage.name}.pipeline.sources includes simulated data (${simulated.join(', ')}), but this stage collects only real data ` +
          `(simulatedData is false${stage.name === 'prod' ? ' by default in prod' : ''}). Remove them, set "marketApi": true for live market prices, ` +
          `or set "simulatedData": true for a demo stage.`,
      );
    }
  }
  return JSON.stringify(input);
}
