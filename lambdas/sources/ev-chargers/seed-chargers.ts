/**
 * `charger_info.csv` of the charging-station seed → `chargers` and `charger_status` rows.
 *
 * - Status labels are Korean (사용가능, 충전중, …) and become national codes (status-codes.ts); an
 *   unknown label quarantines the status row, never guessed as 9 "unknown".
 * - Types are Korean names (AC완속, DC콤보, …) and become national `chgerType` codes; an unknown
 *   name quarantines the charger row (its status still loads).
 * - The observed time of a status: the row's own DATA_UPDATE_TIME, else its station's (when the
 *   station's listings agree on one), else `--observed-at`.
 * - A last session that ends before it starts (4 chargers in the real file) is withheld: the status
 *   loads with last_charge_start/end null, and the session goes to the quarantine with its line.
 * - `charging_since` is NOWTSDT only while charging (status 3): for other statuses the source leaves
 *   the previous session's start there, which is not a session in progress.
 * - A row repeated exactly is a duplicate (the API repeats a charger under each area its station is
 *   listed in); the same charger again with other values at the same time is quarantined, naming the
 *   line it conflicts with.
 */
import { chargerTypeOfLabel, knownChargerTypes } from './charger-types';
import { parseCsvText, requireColumns } from './csv-records';
import { sessionOf } from './charging-session';
import { koreaTimeToUtc } from './korea-time';
import type { ChargerRow, ChargerStatusRow, DuplicateRow, QuarantinedRow, TableCounts, WithheldFields } from './rows';
import type { StationListing } from './seed-stations';
import { knownStatusLabels, statusCodeOfLabel } from './status-codes';

const REQUIRED = ['STAT_ID', 'CHARGER_ID', 'CHARGER_TYPE', 'CHARGER_STAT'] as const;
const SEED_FIELDS = { lastStart: 'LASTTSDT', lastEnd: 'LASTTEDT', current: 'NOWTSDT' } as const;

/** Largest credible output of one charger, kW; beyond it the value is a unit or typing error. */
export const MAX_OUTPUT_KW = 1000;

export interface SeedChargers {
  chargers: ChargerRow[];
  statuses: ChargerStatusRow[];
  duplicates: DuplicateRow[];
  quarantine: QuarantinedRow[];
  withheld: WithheldFields[];
  counts: { chargers: TableCounts; charger_status: TableCounts };
  /** How many loaded statuses took their time from each place. */
  observedFrom: { row: number; station: number; option: number };
}

export interface ChargerReadOptions {
  timezone: string;
  /** UTC ISO instant for rows without a DATA_UPDATE_TIME of their own or of their station. */
  observedAt: string | null;
  stations: ReadonlyMap<string, StationListing>;
}

export function readChargerCsv(text: string, file: string, options: ChargerReadOptions): SeedChargers {
  const table = parseCsvText(text, file);
  const col = requireColumns(table, file, REQUIRED);
  const asRecord = (fields: string[]) => Object.fromEntries(table.header.map((h, i) => [h, fields[i] ?? '']));
  const zero = (): TableCounts => ({ rowsIn: table.records.length + table.malformed.length, loaded: 0, duplicates: 0, quarantined: 0, withheld: 0 });
  const out: SeedChargers = {
    chargers: [],
    statuses: [],
    duplicates: [],
    quarantine: [],
    withheld: [],
    counts: { chargers: zero(), charger_status: zero() },
    observedFrom: { row: 0, station: 0, option: 0 },
  };
  for (const m of table.malformed) {
    for (const t of ['chargers', 'charger_status'] as const) {
      out.quarantine.push({ table: t, file, line: m.line, field: null, reason: m.reason, record: asRecord(m.fields) });
    }
  }
  // Key → (line, fingerprint) of the row kept, per table.
  const keptCharger = new Map<string, { line: number; print: string }>();
  const keptStatus = new Map<string, { line: number; print: string }>();

  for (const { line, fields } of table.records) {
    const get = (name: string) => (col.has(name) ? fields[col.get(name)!]!.trim() : '');
    const record = asRecord(fields);
    const at = `${file} line ${line}`;
    const reject = (t: 'chargers' | 'charger_status', field: string | null, reason: string) =>
      out.quarantine.push({ table: t, file, line, field, reason: `${at}: ${reason}`, record });

    const stationId = get('STAT_ID');
    const chargerId = get('CHARGER_ID');
    if (!stationId || !chargerId) {
      const field = stationId ? 'CHARGER_ID' : 'STAT_ID';
      reject('chargers', field, `${field} is empty; a charger is keyed by STAT_ID and CHARGER_ID`);
      reject('charger_status', field, `${field} is empty; a charger is keyed by STAT_ID and CHARGER_ID`);
      continue;
    }
    const key = `${stationId}\u001f${chargerId}`;

    // chargers
    const charger = chargerRow(get, stationId, chargerId);
    if (typeof charger === 'string') reject('chargers', charger.split(':')[0]!, charger.slice(charger.indexOf(':') + 2));
    else {
      const print = JSON.stringify(charger);
      const kept = keptCharger.get(key);
      if (!kept) {
        keptCharger.set(key, { line, print });
        out.chargers.push(charger);
      } else if (kept.print === print) {
        out.duplicates.push({ table: 'chargers', file, line, keptLine: kept.line, key: { station_id: stationId, charger_id: chargerId }, kind: 'exact', conflicts: [] });
      } else reject('chargers', null, `charger ${stationId}/${chargerId} is listed again with other details than line ${kept.line}; fix one of the two lines`);
    }

    // charger_status
    const observed = observedAtOf(get('DATA_UPDATE_TIME'), col.has('DATA_UPDATE_TIME'), stationId, options);
    if ('error' in observed) {
      reject('charger_status', observed.field, observed.error);
      continue;
    }
    const label = get('CHARGER_STAT');
    const code = statusCodeOfLabel(label);
    if (code === null) {
      reject('charger_status', 'CHARGER_STAT', `status "${label}" is not a known label (${knownStatusLabels()})`);
      continue;
    }
    const session = sessionOf({ lastStart: get('LASTTSDT'), lastEnd: get('LASTTEDT'), current: get('NOWTSDT') }, code, options.timezone, SEED_FIELDS);
    const status: ChargerStatusRow = {
      station_id: stationId,
      charger_id: chargerId,
      observed_at: observed.at,
      status_code: code,
      status_label: label,
      last_charge_start: session.start,
      last_charge_end: session.end,
      charging_since: session.since,
    };
    const statusKey = `${key}\u001f${observed.at}`;
    const print = JSON.stringify(status);
    const kept = keptStatus.get(statusKey);
    if (kept && kept.print === print) {
      out.duplicates.push({ table: 'charger_status', file, line, keptLine: kept.line, key: { station_id: stationId, charger_id: chargerId, observed_at: observed.at }, kind: 'exact', conflicts: [] });
      continue;
    }
    if (kept) {
      reject('charger_status', null, `charger ${stationId}/${chargerId} has another status at ${observed.at} on line ${kept.line}; one snapshot gives one status per charger`);
      continue;
    }
    keptStatus.set(statusKey, { line, print });
    out.statuses.push(status);
    out.observedFrom[observed.from]++;
    for (const w of session.withheld) {
      out.withheld.push({
        table: 'charger_status',
        file,
        line,
        fields: w.fields,
        reason: `${at}: ${w.reason}`,
        key: { station_id: stationId, charger_id: chargerId, observed_at: observed.at },
      });
    }
  }
  const count = (t: 'chargers' | 'charger_status', loaded: number) => {
    const c = out.counts[t];
    c.loaded = loaded;
    c.duplicates = out.duplicates.filter((d) => d.table === t).length;
    c.quarantined = out.quarantine.filter((q) => q.table === t).length;
    c.withheld = new Set(out.withheld.filter((w) => w.table === t).map((w) => w.line)).size;
  };
  count('chargers', out.chargers.length);
  count('charger_status', out.statuses.length);
  return out;
}

/** The charger row, or "FIELD: reason" when it cannot load. */
function chargerRow(get: (name: string) => string, stationId: string, chargerId: string): ChargerRow | string {
  const typeLabel = get('CHARGER_TYPE');
  const type = chargerTypeOfLabel(typeLabel);
  if (type === null) return `CHARGER_TYPE: charger type "${typeLabel}" is not a known type (${knownChargerTypes()})`;
  const outputText = get('OUTPUT');
  let output: number | null = null;
  if (outputText !== '') {
    output = Number(outputText);
    if (!Number.isFinite(output) || output < 0 || output > MAX_OUTPUT_KW) {
      return `OUTPUT: output "${outputText}" is not a power in kW from 0 to ${MAX_OUTPUT_KW}`;
    }
  }
  return { station_id: stationId, charger_id: chargerId, charger_type: type, output_kw: output, method: methodOf(get('METHOD')) };
}

function methodOf(text: string): ChargerRow['method'] {
  if (text === '단독') return 'single';
  if (text === '동시') return 'simultaneous';
  return null;
}

type Observed = { at: string; from: 'row' | 'station' | 'option' } | { error: string; field: string };

function observedAtOf(own: string, hasColumn: boolean, stationId: string, options: ChargerReadOptions): Observed {
  if (hasColumn && own !== '') {
    const at = koreaTimeToUtc(own, options.timezone);
    return at === null ? { error: `DATA_UPDATE_TIME "${own}" is not a time YYYY-MM-DD HH:MM`, field: 'DATA_UPDATE_TIME' } : { at, from: 'row' };
  }
  const times = options.stations.get(stationId)?.updateTimes ?? [];
  if (times.length === 1) return { at: times[0]!, from: 'station' };
  if (options.observedAt !== null) return { at: options.observedAt, from: 'option' };
  const why = times.length > 1 ? `its station ${stationId} was listed at several times (${times.join(', ')})` : `neither the row nor its station ${stationId} has a DATA_UPDATE_TIME`;
  return { error: `no observed time: ${why}; pass --observed-at ISO`, field: 'DATA_UPDATE_TIME' };
}
