/**
 * Alerts for broken chargers: every outage in charger_outages (written by ./ev-chargers.ts, which
 * runs first) that is still under way and not yet alerted goes to the Notifier once, shaped by
 * lambdas/analysis/ev-broken-alerts.ts. Each is marked (notified_at) right after it is sent, so a
 * failure part-way leaves only the unsent for the next run, and a re-run sends nothing new; the
 * notification id (charger + since) lets channels dedupe as well. A charger still broken on later
 * runs keeps its outage row and is not alerted again; a new outage of it is a new alert.
 */
import { brokenChargerAlerts } from '../../analysis/ev-broken-alerts';
import type { Outage } from '../../analysis/ev-broken-chargers';
import { sqlFile } from '../../sql/files';
import type { Analysis } from './analysis';
import { ALERT_MAX_AGE_DAYS } from './alerts';
import { instantMs } from './instant';

const HOUR = 3_600_000;

export const evAlertsAnalysis: Analysis = {
  name: 'ev-alerts',
  async run(ctx) {
    const { warehouse, notifier, clock } = ctx.ports;
    // Outages last seen long before now are an imported history's, not news (as meter anomalies: ./alerts.ts).
    const oldest = new Date(clock.now().getTime() - ALERT_MAX_AGE_DAYS * 86_400_000).toISOString();
    const pending = await warehouse.query({ name: 'charger_outages_pending', sql: sqlFile('analysis/charger_outages_pending.sql'), params: { oldest } });
    let sent = 0;
    for (const r of pending) {
      const since = new Date(instantMs(r.since!, 'charger_outages.since')).toISOString();
      const outage: Outage = {
        station_id: String(r.station_id),
        charger_id: String(r.charger_id),
        // As the pure analysis spells instants (its alert ids): whole seconds without milliseconds.
        since: since.replace(/\.000Z$/, 'Z'),
        until: null,
        last_seen_out: new Date(instantMs(r.last_seen_at!, 'charger_outages.last_seen_at')).toISOString(),
        duration_ms: Number(r.duration_hours) * HOUR,
        codes: String(r.codes).split(',').filter(Boolean).map(Number),
        ongoing: true,
      };
      const names = new Map(r.station_name === null || r.station_name === undefined ? [] : [[outage.station_id, String(r.station_name)]]);
      const [alert] = brokenChargerAlerts([outage], names);
      await notifier.notify({ ...alert!, runId: String(r.detected_run) });
      await warehouse.execute({
        name: 'charger_outages_mark_notified',
        sql: sqlFile('analysis/charger_outages_mark_notified.sql'),
        params: { notified_at: clock.now().toISOString(), station_id: outage.station_id, charger_id: outage.charger_id, since },
      });
      sent++;
    }
    return { files: {}, counts: { sent } };
  },
};
