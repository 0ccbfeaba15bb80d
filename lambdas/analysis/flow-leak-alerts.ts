/**
 * Leak alerts for the Notifier: one per leak EPISODE (a run of consecutive suspected nights of a
 * device), sent for its first night. The id is `leak:<device>:<first night>`, so a re-run of the
 * same dates, or a later run while the episode goes on, produces the same id and channels that
 * dedupe (all of ours) send it once. Device ids are operational ids, not customers: not
 * pseudonymised.
 */
import type { Notification } from '../ports/notifier';
import type { LeakTrend } from './flow-leak-trend';
import type { NightFlow } from './flow-night-flow';

export function leakAlerts(deviceId: string, nights: readonly NightFlow[], trends: readonly LeakTrend[], runId?: string): Notification[] {
  const out: Notification[] = [];
  trends.forEach((t, k) => {
    if (!t.suspected || trends[k - 1]?.suspected) return;
    const slope = t.slopeLpmPerNight!;
    const window = nights.slice(Math.max(0, k - 9), k + 1).filter((n) => n.mnfLpm !== null);
    const first = window[0]!;
    const last = window.at(-1)!;
    out.push({
      id: `leak:${deviceId}:${t.date}`,
      kind: 'anomaly',
      severity: 'high',
      title: `Device ${deviceId}: suspected leak (night flow rising since ${first.date})`,
      message:
        `Minimum night flow (02:00–04:00) of ${deviceId} rose from ${first.mnfLpm} L/min on ${first.date} to ${last.mnfLpm} L/min on ${last.date}: ` +
        `+${slope.toFixed(2)} L/min per night (Theil–Sen), Mann–Kendall z ${t.z!.toFixed(2)} over ${t.nights} nights. Check the zone for a leak.`,
      runId,
      details: { device: deviceId, night: t.date, slopeLpmPerNight: slope, z: t.z, nights: t.nights, mnfFirst: first.mnfLpm, mnfLast: last.mnfLpm },
    });
  });
  return out;
}
