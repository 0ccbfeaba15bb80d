/**
 * Cloud review R9: an unfilled or non-URL Slack secret means "not configured" (noted once, no crash),
 * and a failed build of the ports is not cached by a warm container.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { portsFromEnv, resetPortsCache } from '../../lambdas/handlers/runtime';
import { createAwsPorts, webhookUrlFromSecret } from '../../lambdas/ports/aws-ports';

const secrets = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const region = process.env.AWS_REGION;
beforeAll(() => {
  process.env.AWS_REGION = 'eu-west-1';
});
afterAll(() => {
  if (region === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = region;
});
afterEach(() => {
  secrets.reset();
  sns.reset();
  resetPortsCache();
});

const ENV = {
  GRIDLAKE_MODE: 'aws',
  ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:gridlake-alerts',
  SLACK_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gridlake/slack-AbCdEf',
};
// What CloudFormation puts in a Secret created without a value (GenerateSecretString defaults).
const GENERATED = `q$4Wm"x<9Tz]K2^pL!c)Rv8&bN,0e;Hd`;

describe('the Slack webhook secret', () => {
  it('is a URL only when it holds an http(s) URL, bare or as {"url": …}', () => {
    expect(webhookUrlFromSecret('https://hooks.slack.com/services/T/B/x')).toBe('https://hooks.slack.com/services/T/B/x');
    expect(webhookUrlFromSecret(' {"url": "https://hooks.slack.com/services/T/B/x"} ')).toBe('https://hooks.slack.com/services/T/B/x');
    for (const notConfigured of [GENERATED, '', '   ', '{"url": 5}', '{"hook": "https://x"}', '{not json', 'ftp://files.example.com/x', 'hooks.slack.com/services/x']) {
      expect(webhookUrlFromSecret(notConfigured), notConfigured).toBeUndefined();
    }
  });

  it('unfilled: the ports build, notifications go to SNS, and the gap is noted once', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: GENERATED });
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    const warnings: string[] = [];
    const ports = await createAwsPorts(ENV, {}, (m) => warnings.push(m));
    expect(warnings).toEqual([expect.stringMatching(/^The Slack webhook is not configured: the secret in SLACK_WEBHOOK_SECRET_ARN .* holds no http\(s\) URL/)]);
    await ports.notifier.notify({ id: 'n1', kind: 'run-failed', severity: 'critical', title: 't', message: 'm' } as never);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('portsFromEnv in a warm container', () => {
  it('does not cache a rejected build: once the secret is readable, the next invocation works', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Secrets Manager can not find the specified secret.'), { name: 'ResourceNotFoundException' }))
      .resolves({ SecretString: 'https://hooks.slack.com/services/T/B/x' });
    await expect(portsFromEnv('notify-failure', ENV)).rejects.toThrow(/Could not read the secret in SLACK_WEBHOOK_SECRET_ARN/);
    const ports = await portsFromEnv('notify-failure', ENV);
    expect(ports.notifier).toBeDefined();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    // And a good build is reused, not rebuilt per invocation.
    await portsFromEnv('notify-failure', ENV);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
