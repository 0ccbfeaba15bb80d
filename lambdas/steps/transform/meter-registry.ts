/**
 * The meter registry of a batch (`options.metersKey`): the meters a readings file may contain and
 * their timezones. Loaded into the temp table `registry(meter_id, timezone)`; without a registry
 * the table is empty and every well-formed meter id is accepted (variable has_registry = false).
 */
import type { ObjectStore } from '../../ports/object-store';
import type { TransformSession } from './duckdb-session';
import { knownTimezones } from './known-timezones';
import { localPathOf } from './local-copy';

export class MeterRegistryError extends Error {
  override readonly name = 'MeterRegistryError';
}

export async function loadMeterRegistry(
  session: TransformSession,
  lake: ObjectStore,
  metersKey: string | undefined,
  workDir: string,
): Promise<boolean> {
  if (!metersKey) {
    await session.run('CREATE OR REPLACE TEMP TABLE registry (meter_id VARCHAR, timezone VARCHAR)');
    return false;
  }
  const path = await localPathOf(lake, metersKey, workDir, 'registry');
  await session.setVariables({ registry_path: path });
  try {
    // The last entry of a meter wins, as in the meters dataset.
    await session.run(
      `CREATE OR REPLACE TEMP TABLE registry AS
         SELECT meter_id, arg_max(timezone, ord) AS timezone
         FROM (
           SELECT trim(meter_id) AS meter_id, nullif(trim(timezone), '') AS timezone, row_number() OVER () AS ord
           FROM read_json(getvariable('registry_path'), format = 'newline_delimited', columns = {meter_id: 'VARCHAR', timezone: 'VARCHAR'})
         )
         WHERE meter_id IS NOT NULL AND meter_id <> ''
         GROUP BY meter_id`,
    );
  } catch (e) {
    throw new MeterRegistryError(
      `Meter registry ${lake.location}/${metersKey} could not be read (${(e as Error).message}): it must be JSON lines of {meter_id, timezone, area?, tariff?}.`,
      { cause: e },
    );
  }
  const zones = await knownTimezones(session);
  const bad = (
    await session.rows<{ timezone: string; meters: number }>(
      'SELECT timezone, count(*) AS meters FROM registry WHERE timezone IS NOT NULL GROUP BY timezone ORDER BY timezone',
    )
  ).filter((z) => !zones.has(z.timezone));
  if (bad.length) {
    throw new MeterRegistryError(
      `Meter registry ${lake.location}/${metersKey} has timezones that are not IANA names: ${bad.map((b) => `"${b.timezone}" (${b.meters} meters)`).join(', ')}. Use names such as Europe/London.`,
    );
  }
  return true;
}
