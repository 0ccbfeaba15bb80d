import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../lambdas/ports/notifier';
import { SnsNotifier, snsMessage, snsSubject } from '../../lambdas/ports/sns-notifier';

const mock = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:gridlake-alerts';
const alert: Notification = {
  id: 'anomaly-7f3a',
  kind: 'anomaly',
  severity: 'high',
  title: 'Meter m-0042 used 9.8 kWh in 30 minutes',
  message: 'Expected about 0.4 kWh (robust z = 14).',
  runId: '2026-01-05-a1',
  details: { meter: 'm-0042', expected: 0.4 },
};

beforeEach(() => mock.reset());

describe('SnsNotifier', () => {
  it('publishes subject, readable body and filterable attributes', async () => {
    mock.on(PublishCommand).resolves({ MessageId: 'm1' });
    await new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC).notify(alert);
    const input = mock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject).toBe('[gridlake high] Meter m-0042 used 9.8 kWh in 30 minutes');
    expect(input.Message).toContain('Expected about 0.4 kWh');
    expect(input.Message).toContain('Run: 2026-01-05-a1');
    expect(input.Message).toContain('"meter": "m-0042"');
    expect(input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      kind: { DataType: 'String', StringValue: 'anomaly' },
    });
    expect(input.MessageDeduplicationId).toBeUndefined();
  });

  it('dedupes on the notification id on FIFO topics', async () => {
    mock.on(PublishCommand).resolves({});
    await new SnsNotifier(new SNSClient({ region: 'us-east-1' }), `${TOPIC}.fifo`).notify(alert);
    expect(mock.commandCalls(PublishCommand)[0]!.args[0].input).toMatchObject({ MessageDeduplicationId: 'anomaly-7f3a', MessageGroupId: 'anomaly' });
  });

  it('keeps subjects within SNS rules and truncates huge bodies', () => {
    const subject = snsSubject({ ...alert, title: `Überlast\n${'x'.repeat(200)}` });
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    const body = snsMessage({ ...alert, details: { blob: 'y'.repeat(300 * 1024) } });
    expect(Buffer.byteLength(body)).toBeLessThan(256 * 1024);
    expect(body).toContain('truncated');
  });

  it('names the topic when publishing fails, and rejects a bad ARN up front', async () => {
    mock.on(PublishCommand).rejects(Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' }));
    await expect(new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC).notify(alert)).rejects.toThrow(
      /Could not publish notification anomaly-7f3a to arn:aws:sns:us-east-1:123456789012:gridlake-alerts: Topic does not exist/,
    );
    expect(() => new SnsNotifier(new SNSClient({ region: 'us-east-1' }), 'gridlake-alerts')).toThrow(/check ALERT_TOPIC_ARN/);
  });
});
