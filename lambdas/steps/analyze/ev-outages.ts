/**
 * Keeps the charger_outages table (lambdas/datasets/charger_outages.ts) in step with the chargers
 * broken now, so analysts can query outages and ./ev-alerts.ts can alert once per outage.
 *
 * Each run re-states the open outages (ended_at NULL) in one transaction: deletes them and inserts
 * every charger broken now (an outage already recorded keeps its detected_run and notified_at, so
 * its alert is never sent again) and every recorded one that is no longer broken, now with
 * ended_at — the first in-service snapshot after it in the window, or the as-of instant. Ended
 * outages are never touched again. A re-run over the same data writes the same rows.
 */
import { chargerKey, type Outage } from '../../analysis/ev-broken-chargers';
import type { StatusObservation } from '../../analysis/ev-status-history';
import { multiRowInserts } from '../../sql/analysis/multi-row-insert';
import { sqlFile } from '../../sql/files';
import type { SqlValue } from '../../ports/warehouse';
import type { AnalysisContext } from './analysis';
import { instantMs } from './instant';

const HOUR = 3_600_000;
const isoOf = (v: SqlValue | undefined) => (v === null || v === undefined ? null : new Date(instantMs(v, 'charger_outages')).toISOString());

/** Writes the outages; returns how many rows were (re)written. */
export async function recordOutages(ctx: AnalysisContext, broken: readonly Outage[], asOf: number | null, history: readonly StatusObservation[]): Promise<number> {
  const wh = ctx.ports.warehouse;
  const open = await wh.query({ name: 'charger_outages_open', sql: sqlFile('analysis/charger_outages_open.sql') });
  if (asOf === null || (open.length === 0 && broken.length === 0)) return 0;
  const asOfIso = new Date(asOf).toISOString();
  const recorded = new Map(open.map((r) => [`${chargerKey(String(r.station_id), String(r.charger_id))}\u001f${isoOf(r.since)}`, r]));
  const rows: Record<string, SqlValue>[] = [];
  const still = new Set<string>();
  for (const o of broken) {
    const since = new Date(Date.parse(o.since)).toISOString();
    const key = `${chargerKey(o.station_id, o.charger_id)}\u001f${since}`;
    const before = recorded.get(key);
    still.add(key);
    rows.push({
      station_id: o.station_id,
      charger_id: o.charger_id,
      since,
      ended_at: null,
      last_seen_at: asOfIso,
      duration_hours: Math.round((o.duration_ms / HOUR) * 100) / 100,
      codes: o.codes.join(','),
      detected_run: before ? String(before.detected_run) : ctx.input.runId,
      notified_at: before ? isoOf(before.notified_at) : null,
    });
  }
  for (const [key, r] of recorded) {
    if (still.has(key)) continue;
    const since = Date.parse(isoOf(r.since)!);
    const ended = firstInServiceAfter(history, String(r.station_id), String(r.charger_id), since) ?? asOf;
    rows.push({
      station_id: String(r.station_id),
      charger_id: String(r.charger_id),
      since: new Date(since).toISOString(),
      ended_at: new Date(ended).toISOString(),
      last_seen_at: isoOf(r.last_seen_at),
      duration_hours: Math.round(((ended - since) / HOUR) * 100) / 100,
      codes: String(r.codes),
      detected_run: String(r.detected_run),
      notified_at: isoOf(r.notified_at),
    });
  }
  await wh.transaction([
    { name: 'charger_outages_delete_open', sql: sqlFile('analysis/charger_outages_delete_open.sql') },
    ...multiRowInserts('charger_outages_insert', sqlFile('analysis/charger_outages_insert.sql'), rows),
  ]);
  return rows.length;
}

function firstInServiceAfter(history: readonly StatusObservation[], station: string, charger: string, since: number): number | null {
  let first: number | null = null;
  for (const r of history) {
    if (r.station_id !== station || r.charger_id !== charger || (r.status_code !== 2 && r.status_code !== 3)) continue;
    const t = Date.parse(r.observed_at);
    if (t > since && (first === null || t < first)) first = t;
  }
  return first;
}
