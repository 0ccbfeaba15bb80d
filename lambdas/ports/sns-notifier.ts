/**
 * Notifier over Amazon SNS: one message per notification on the alerts topic (email, chat or
 * on-call subscribers decide what to do with it). Severity and kind travel as message attributes so
 * subscriptions can filter (e.g. page only on `critical`).
 * IAM: the actions and resources each method's requests need are declared in iam-actions.ts
 * (simulated against the synthesized roles by test/iam/iam-simulation.test.ts).
 */
import { TransientError, isTransient } from './transient-error';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification, Notifier } from './notifier';

/** SNS subjects: at most 100 printable ASCII characters, no line breaks. */
const MAX_SUBJECT = 100;
/** SNS message limit is 256 KiB; keep well under it so attributes and encoding fit. */
const MAX_MESSAGE_BYTES = 200 * 1024;

export function snsSubject(n: Notification): string {
  const text = `[gridlake ${n.severity}] ${n.title}`.replace(/[^\x20-\x7e]/g, '?');
  return text.length > MAX_SUBJECT ? `${text.slice(0, MAX_SUBJECT - 3)}...` : text;
}

/** The human-readable body: the message, the run, then the details as indented JSON. */
export function snsMessage(n: Notification): string {
  const lines = [n.title, '', n.message];
  if (n.runId) lines.push('', `Run: ${n.runId}`);
  lines.push(`Notification id: ${n.id}`);
  if (n.details && Object.keys(n.details).length) lines.push('', 'Details:', JSON.stringify(n.details, null, 2));
  const text = lines.join('\n');
  if (Buffer.byteLength(text) <= MAX_MESSAGE_BYTES) return text;
  return `${Buffer.from(text).subarray(0, MAX_MESSAGE_BYTES).toString('utf8')}\n… (truncated: details exceed the SNS message size)`;
}

export class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/.test(topicArn)) {
      throw new Error(`"${topicArn}" is not an SNS topic ARN: check ALERT_TOPIC_ARN.`);
    }
  }

  async notify(n: Notification): Promise<void> {
    const fifo = this.topicArn.endsWith('.fifo');
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: snsSubject(n),
          Message: snsMessage(n),
          MessageAttributes: {
            severity: { DataType: 'String', StringValue: n.severity },
            kind: { DataType: 'String', StringValue: n.kind },
          },
          // FIFO topics dedupe on this id within 5 minutes: a retried step does not alert twice.
          ...(fifo ? { MessageDeduplicationId: n.id.slice(0, 128), MessageGroupId: n.kind } : {}),
        }),
      );
    } catch (e) {
      // Throttling and 5xx (after the SDK's retries) are the workflow's to retry; the rest is a real fault.
      if (isTransient(e)) throw new TransientError('sns:Publish', `notification ${n.id} to ${this.topicArn}: ${(e as Error).message}`, { cause: e });
      throw new Error(`Could not publish notification ${n.id} to ${this.topicArn}: ${(e as Error).message}`, { cause: e });
    }
  }
}
