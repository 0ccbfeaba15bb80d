/**
 * The zone a readings file's naive timestamps are written in, when it is not the meters' own zone
 * (batch option `timestampsZone`; `gridlake import meters --timestamps-zone UTC --timezone
 * Europe/London`): the clock is read in that zone, the meters keep their home zone for local days.
 * Without the option, naive times are in each meter's zone (its registry entry, else the batch's
 * `timezone`), as before.
 */
import type { TransformSession } from './duckdb-session';

/**
 * Makes every naive time of the batch read in `default_tz` (the timestamps zone): the registry's
 * per-meter zones are cleared for this batch only (the temp table `registry` still says which
 * meters are known; the meters' home zones are loaded from the meters dataset, not from here).
 */
export async function readNaiveTimesInOneZone(session: TransformSession): Promise<void> {
  await session.run('UPDATE registry SET timezone = NULL');
}
