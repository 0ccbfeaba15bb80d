/**
 * What every handler shares: building the step ports from the environment, once per container.
 *   GRIDLAKE_MODE=aws   → S3, Redshift Data API, SNS (lambdas/ports/aws-ports.ts), set by the CDK stack
 *   otherwise (local)   → a folder lake, a DuckDB file, a notifications file under GRIDLAKE_DATA_DIR
 * GRIDLAKE_CONFIG holds the JSON configuration (lambdas/config.ts). This is the only place that
 * reads process.env; steps receive everything as arguments.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { configFromJson, type Config } from '../config';
import { systemClock } from '../ports/clock';
import { silentLog, type Log, type StepPorts } from '../steps/ports';
import type { TransformOptions } from '../steps/transform';

let configCache: { text: string | undefined; config: Config } | undefined;
function config(text: string | undefined): Config {
  if (!configCache || configCache.text !== text) configCache = { text, config: configFromJson(text) };
  return configCache.config;
}

let logger: Logger | undefined;
function powertoolsLog(step: string): Log {
  logger ??= new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'gridlake' });
  return {
    info: (m, f) => logger!.info(m, { step, ...f }),
    warn: (m, f) => logger!.warn(m, { step, ...f }),
    error: (m, f) => logger!.error(m, { step, ...f }),
  };
}

/** Reset between tests only. */
export function resetPortsCache(): void {
  awsPorts = undefined;
}

let awsPorts: Promise<Omit<StepPorts, 'config' | 'clock' | 'log' | 'tmpDir'>> | undefined;

export async function portsFromEnv(step: string, env: NodeJS.ProcessEnv = process.env): Promise<StepPorts> {
  const cfg = config(env.GRIDLAKE_CONFIG);
  if (env.GRIDLAKE_MODE === 'aws') {
    const log = powertoolsLog(step);
    if (!awsPorts) {
      const building = import('../ports/aws-ports').then((m) => m.createAwsPorts(env, {}, (message) => log.warn(message)));
      awsPorts = building;
      // A failure (a secret not readable yet, a throttled call) must not poison the warm container:
      // the next invocation builds the ports again instead of re-throwing the cached rejection.
      building.catch(() => {
        if (awsPorts === building) awsPorts = undefined;
      });
    }
    return { ...(await awsPorts), config: cfg, clock: systemClock, log, tmpDir: '/tmp' };
  }
  const log = env.GRIDLAKE_LOG === 'json' ? powertoolsLog(step) : silentLog;
  // Imported lazily: the local adapters pull in DuckDB, which only the transform Lambda packs.
  const { localPorts } = await import('../ports/local-ports');
  return localPorts({ dataDir: env.GRIDLAKE_DATA_DIR ?? '.gridlake', config: cfg, log, marketApiKey: env.MARKET_API_KEY, evApiKey: env.EV_API_KEY });
}

/**
 * DuckDB's sizing for the transform: in the cloud lib/pipeline.ts derives it from the transform
 * function's memory and ephemeral storage (GRIDLAKE_DUCKDB_*); locally it comes from config transform.*.
 */
export function duckdbOptionsFromEnv(cfg: Config, env: NodeJS.ProcessEnv = process.env): TransformOptions {
  const threads = env.GRIDLAKE_DUCKDB_THREADS ? Number(env.GRIDLAKE_DUCKDB_THREADS) : cfg.transform.threads;
  return {
    memoryLimit: env.GRIDLAKE_DUCKDB_MEMORY_LIMIT || cfg.transform.memoryLimit,
    ...(threads ? { threads } : {}),
    ...(env.GRIDLAKE_DUCKDB_TEMP_DIRECTORY ? { tempDirectory: env.GRIDLAKE_DUCKDB_TEMP_DIRECTORY } : {}),
    ...(env.GRIDLAKE_DUCKDB_MAX_TEMP_SIZE ? { maxTempDirectorySize: env.GRIDLAKE_DUCKDB_MAX_TEMP_SIZE } : {}),
  };
}
