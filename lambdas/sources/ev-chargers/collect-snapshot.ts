/**
 * One consistent snapshot of the national charger-status API as `charger_status` rows: every row
 * carries the snapshot's observed time; items that cannot be a status (no key, an unknown `stat`)
 * are quarantined with their page and reason; impossible sessions are withheld (charging-session.ts).
 */
import { sessionOf } from './charging-session';
import { consistentSnapshot, type Snapshot } from './consistent-snapshot';
import { KOREA_TIMEZONE } from './korea-time';
import type { PageItem, NationalApiClient } from './national-api-client';
import { pageItemKey } from './national-api-client';
import type { ChargerStatusRow, QuarantinedRow, TableCounts, WithheldFields } from './rows';
import { CODE_TO_LABEL, statusCodeOfStat } from './status-codes';

export interface CollectSnapshotOptions {
  /** Rows per page. Default 1 000. */
  pageSize?: number;
  /** Default 4 (consistent-snapshot.ts). */
  maxPasses?: number;
  now(): Date;
  /** Zone of the API's naive times. Default Asia/Seoul. */
  timezone?: string;
}

export interface ChargerSnapshot {
  snapshot: Omit<Snapshot<PageItem>, 'items'>;
  statuses: ChargerStatusRow[];
  quarantine: QuarantinedRow[];
  withheld: WithheldFields[];
  counts: TableCounts;
}

const API_FIELDS = { lastStart: 'lastTsdt', lastEnd: 'lastTedt', current: 'nowTsdt' } as const;
const SOURCE = 'national charger-status API';

export async function collectChargerSnapshot(client: NationalApiClient, options: CollectSnapshotOptions): Promise<ChargerSnapshot> {
  const timezone = options.timezone ?? KOREA_TIMEZONE;
  const snap = await consistentSnapshot<PageItem>({
    fetchPage: (r) => client.fetchPage(r),
    keyOf: pageItemKey,
    pageSize: options.pageSize ?? 1000,
    maxPasses: options.maxPasses,
    now: options.now,
  });
  const statuses: ChargerStatusRow[] = [];
  const quarantine: QuarantinedRow[] = [];
  const withheld: WithheldFields[] = [];
  for (const entry of snap.items) {
    if (!entry.ok) {
      quarantine.push({ table: 'charger_status', file: SOURCE, line: null, field: null, reason: entry.reason, record: flatten(entry.raw) });
      continue;
    }
    const item = entry.item;
    const code = statusCodeOfStat(item.stat);
    if (code === null) {
      quarantine.push({
        table: 'charger_status',
        file: SOURCE,
        line: null,
        field: 'stat',
        reason: `charger ${item.statId}/${item.chgerId}: stat "${item.stat}" is not a national status code (1, 2, 3, 4, 5, 9)`,
        record: flatten(item),
      });
      continue;
    }
    const session = sessionOf({ lastStart: item.lastTsdt ?? '', lastEnd: item.lastTedt ?? '', current: item.nowTsdt ?? '' }, code, timezone, API_FIELDS);
    statuses.push({
      station_id: item.statId,
      charger_id: item.chgerId,
      observed_at: snap.observedAt.replace(/\.\d{3}Z$/, 'Z'),
      status_code: code,
      status_label: CODE_TO_LABEL[code],
      last_charge_start: session.start,
      last_charge_end: session.end,
      charging_since: session.since,
    });
    for (const w of session.withheld) {
      withheld.push({ table: 'charger_status', file: SOURCE, line: null, fields: w.fields, reason: `charger ${item.statId}/${item.chgerId}: ${w.reason}`, key: { station_id: item.statId, charger_id: item.chgerId } });
    }
  }
  const { items, ...report } = snap;
  const finalPass = snap.passes[snap.passes.length - 1]!;
  return {
    snapshot: report,
    statuses,
    quarantine,
    withheld,
    counts: {
      // The distinct rows the snapshot holds plus the repeats its last pass dropped (for a complete
      // snapshot exactly the rows that pass read). Earlier passes are re-reads, not more input.
      rowsIn: items.length + finalPass.duplicates,
      loaded: statuses.length,
      duplicates: finalPass.duplicates,
      quarantined: quarantine.length,
      withheld: new Set(withheld.map((w) => `${w.key.station_id}\u001f${w.key.charger_id}`)).size,
    },
  };
}

function flatten(raw: unknown): Record<string, string> {
  if (raw === null || typeof raw !== 'object') return { value: String(raw) };
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
