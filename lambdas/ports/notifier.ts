/** The notifier port: alerts and failures leave the pipeline here (SNS, a webhook, a local file). */
export type Severity = 'info' | 'warning' | 'high' | 'critical';

export interface Notification {
  /** Stable id: the same alert sent twice carries the same id (adapters and callers dedupe on it). */
  id: string;
  kind: 'anomaly' | 'threshold' | 'run-failed' | 'run-succeeded';
  severity: Severity;
  title: string;
  message: string;
  runId?: string;
  details?: Record<string, unknown>;
}

export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/** Sends to every notifier; one failing channel does not stop the others, but the error surfaces. */
export function fanOut(...notifiers: Notifier[]): Notifier {
  return {
    async notify(n) {
      const results = await Promise.allSettled(notifiers.map((x) => x.notify(n)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
