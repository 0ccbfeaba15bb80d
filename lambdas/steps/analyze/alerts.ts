/**
 * Alerts: every high-severity anomaly and every threshold breach goes to the Notifier once. Pending
 * alerts are the anomalies whose notified_at is NULL. Sent ones are marked in batches — and always
 * before an error propagates — so a failure part-way leaves only the unsent pending for the next run
 * and nothing is sent twice (the notification id is the anomaly id, so channels can dedupe as well).
 * Runs after ./anomalies.ts. Meter ids leave the warehouse only as pseudonyms.
 */
import type { Notification, Severity } from '../../ports/notifier';
import type { Row } from '../../ports/warehouse';
import { inListStatements, ROWS_PER_STATEMENT } from '../../sql/analysis/multi-row-insert';
import { sqlFile } from '../../sql/files';
import type { Analysis, AnalysisContext } from './analysis';
import { instantMs } from './instant';
import { anomalyReason } from '../../analysis/anomaly-reason';
import { utcOffsetMs } from '../../analysis/local-time';
import { pseudonymise } from './pseudonym';

const SEVERITY: Record<string, Severity> = { high: 'high', medium: 'warning', low: 'info' };

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** `YYYY-MM-DD HH:MM` of an instant on a zone's wall clock. */
const localMinute = (ms: number, timezone: string) => new Date(ms + utcOffsetMs(ms, timezone)).toISOString().slice(0, 16).replace('T', ' ');
const fmt = (v: unknown, digits = 3) => (v === null || v === undefined ? 'n/a' : String(Math.round(Number(v) * 10 ** digits) / 10 ** digits));

/** The readable notification of one anomaly row (anomalies table columns). */
export function notificationOf(ctx: AnalysisContext, r: Row, timezone = 'UTC'): Notification {
  const at = new Date(instantMs(r.occurred_at!, 'anomalies.occurred_at')).toISOString();
  const rule = String(r.rule);
  const details = { rule, value: r.value, expected: r.expected, score: r.score, occurredAt: at };
  if (r.subject_type === 'household') {
    const energy = rule.replace(/^threshold:/, '');
    const month = at.slice(0, 7);
    return {
      id: String(r.anomaly_id),
      kind: 'threshold',
      severity: SEVERITY[String(r.severity)] ?? 'warning',
      title: `Household ${r.subject_id}: ${energy} over threshold in ${month}`,
      message: `Household ${r.subject_id} used ${fmt(r.value)} of ${energy} in ${month}, at or above the threshold of ${fmt(r.expected)} (${fmt(Number(r.score) * 100, 0)}% of it).`,
      runId: String(r.detected_run),
      details: { ...details, household: r.subject_id },
    };
  }
  const customer = pseudonymise(ctx.ports.pseudonymKey, String(r.subject_id));
  // On the meter's own clock, the zone named (one clock with the dashboard).
  const when = timezone === 'UTC' ? `${at.slice(0, 16).replace('T', ' ')} UTC` : `${localMinute(Date.parse(at), timezone)} (${timezone})`;
  const what: Record<string, string> = {
    spike: `a reading of ${fmt(r.value)} kWh at ${when}, expected about ${fmt(r.expected)} kWh (robust z = ${fmt(r.score, 1)})`,
    stuck: `the same reading (${fmt(r.value)} kWh) for ${fmt(r.score, 0)} intervals in a row from ${when}: the meter may be stuck`,
    gap: `${fmt(r.score, 0)} missing intervals from ${when}: the meter or its link may be down`,
    level_shift: `a change of level from ${when}: ${anomalyReason({ rule, value: num(r.value), expected: num(r.expected), score: num(r.score), intervalMinutes: ctx.ports.config.meters.intervalMinutes })}`,
  };
  return {
    id: String(r.anomaly_id),
    kind: 'anomaly',
    severity: SEVERITY[String(r.severity)] ?? 'warning',
    title: `Customer ${customer}: ${rule} (${r.severity})`,
    message: `Customer ${customer} shows ${what[rule] ?? `a ${rule} anomaly at ${when}`}.`,
    runId: String(r.detected_run),
    details: { ...details, customer },
  };
}

/**
 * Meter anomalies older than this before the newest day of data are history, not news: an import of
 * years finds hundreds of them, and paging someone about a spike in 2016 helps nobody. They stay in
 * the anomalies table and on the dashboard, un-notified.
 */
export const ALERT_MAX_AGE_DAYS = 8;

export const alertsAnalysis: Analysis = {
  name: 'alerts',
  async run(ctx) {
    const { warehouse, notifier, clock } = ctx.ports;
    const oldest = new Date(Date.parse(`${ctx.asOfDay}T00:00:00Z`) - ALERT_MAX_AGE_DAYS * 86_400_000).toISOString();
    // Bounded in SQL, not filtered here: the old ones are never read again, however many an import found.
    const pending = await warehouse.query({ name: 'alerts_pending', sql: sqlFile('analysis/alerts_pending.sql'), params: { oldest } });
    let sent = 0;
    let unmarked: string[] = [];
    const mark = async () => {
      if (!unmarked.length) return;
      const ids = unmarked;
      unmarked = [];
      for (const statement of inListStatements('alerts_mark_notified', sqlFile('analysis/alerts_mark_notified.sql'), 'anomaly_ids', ids, {
        notified_at: clock.now().toISOString(),
      })) {
        await warehouse.execute(statement);
      }
    };
    try {
      for (const r of pending) {
        await notifier.notify(notificationOf(ctx, r, (r.timezone as string | null) ?? undefined));
        unmarked.push(String(r.anomaly_id));
        sent++;
        if (unmarked.length >= ROWS_PER_STATEMENT) await mark();
      }
    } finally {
      await mark();
    }
    return { files: {}, counts: { sent } };
  },
};
