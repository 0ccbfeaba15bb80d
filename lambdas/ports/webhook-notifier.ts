/**
 * Notifier over a Slack-style incoming webhook: POST `{"text": …}` as JSON. The URL is a secret
 * (it grants posting), so errors name only its host. Rate limits (429) and server errors are retried
 * with backoff, honouring Retry-After; anything else fails at once.
 */
import { TransientError } from './transient-error';
import type { Notification, Notifier } from './notifier';

export interface WebhookNotifierOptions {
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Attempts including the first. Default 3. */
  maxAttempts?: number;
  /** First backoff delay when no Retry-After is given. Default 500 ms. */
  baseDelayMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const EMOJI: Record<Notification['severity'], string> = {
  info: ':information_source:',
  warning: ':warning:',
  high: ':rotating_light:',
  critical: ':fire:',
};

/** Slack message text (mrkdwn): severity, title, message, run and a few details. */
export function webhookText(n: Notification): string {
  const lines = [`${EMOJI[n.severity]} *${n.title}* (${n.severity})`, n.message];
  if (n.runId) lines.push(`run \`${n.runId}\``);
  for (const [k, v] of Object.entries(n.details ?? {}).slice(0, 10)) {
    lines.push(`• ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return lines.join('\n');
}

export class WebhookNotifier implements Notifier {
  private readonly url: URL;
  constructor(
    url: string,
    private readonly options: WebhookNotifierOptions = {},
  ) {
    try {
      this.url = new URL(url);
    } catch {
      throw new Error('The webhook URL is not a valid URL: check the Slack webhook secret (SLACK_WEBHOOK_SECRET_ARN).');
    }
    if (this.url.protocol !== 'https:' && this.url.hostname !== '127.0.0.1' && this.url.hostname !== 'localhost') {
      throw new Error(`The webhook URL for ${this.url.host} must use https.`);
    }
  }

  async notify(n: Notification): Promise<void> {
    const doFetch = this.options.fetch ?? fetch;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const maxAttempts = this.options.maxAttempts ?? 3;
    const body = JSON.stringify({ text: webhookText(n), notification_id: n.id });
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let retryAfter: string | null = null;
      try {
        const res = await doFetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        status = res.status;
        retryAfter = res.headers.get('retry-after');
        await res.arrayBuffer(); // drain so the connection can be reused
        if (res.ok) return;
      } catch (e) {
        if (attempt >= maxAttempts) {
          throw new TransientError('webhook:POST', `${this.url.host} unreachable for notification ${n.id}: ${(e as Error).message}`, { cause: e });
        }
        await sleep((this.options.baseDelayMs ?? 500) * 2 ** (attempt - 1));
        continue;
      }
      const retryable = status === 429 || status >= 500;
      if (retryable && attempt >= maxAttempts) {
        throw new TransientError('webhook:POST', `${this.url.host} answered HTTP ${status} for notification ${n.id} after ${attempt} attempts.`);
      }
      if (!retryable) {
        throw new Error(
          `Webhook ${this.url.host} answered HTTP ${status} for notification ${n.id}` +
            (retryable ? ` after ${attempt} attempts.` : ': check the webhook URL in the secret.'),
        );
      }
      const seconds = Number(retryAfter);
      await sleep(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : (this.options.baseDelayMs ?? 500) * 2 ** (attempt - 1));
    }
  }
}
