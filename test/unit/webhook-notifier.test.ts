/** The webhook notifier against a real HTTP server on 127.0.0.1. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../lambdas/ports/notifier';
import { WebhookNotifier } from '../../lambdas/ports/webhook-notifier';

const n: Notification = {
  id: 'threshold-1901-0304-2026-01',
  kind: 'threshold',
  severity: 'warning',
  title: 'Household 1901-0304 heating 1,350 MJ',
  message: 'At or above the 1,200 threshold.',
  runId: 'r1',
  details: { building: 1901 },
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server answering each request with the next scripted status; records the bodies it got. */
async function serve(statuses: Array<{ status: number; headers?: Record<string, string> }>) {
  const bodies: Array<{ path: string; type: string | undefined; json: any }> = [];
  server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    bodies.push({ path: req.url ?? '', type: req.headers['content-type'], json: JSON.parse(text) });
    const next = statuses.shift() ?? { status: 200 };
    res.writeHead(next.status, next.headers).end(next.status === 200 ? 'ok' : 'nope');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const port = (server!.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/services/T000/B000/secret`, bodies };
}

describe('WebhookNotifier', () => {
  it('posts Slack-style JSON text', async () => {
    const { url, bodies } = await serve([{ status: 200 }]);
    await new WebhookNotifier(url).notify(n);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.path).toBe('/services/T000/B000/secret');
    expect(bodies[0]!.type).toBe('application/json');
    expect(bodies[0]!.json.text).toContain('*Household 1901-0304 heating 1,350 MJ* (warning)');
    expect(bodies[0]!.json.text).toContain('• building: 1901');
    expect(bodies[0]!.json.notification_id).toBe(n.id);
  });

  it('retries 429 and 5xx with Retry-After / backoff, then succeeds', async () => {
    const { url, bodies } = await serve([{ status: 429, headers: { 'retry-after': '2' } }, { status: 503 }, { status: 200 }]);
    const sleeps: number[] = [];
    await new WebhookNotifier(url, { baseDelayMs: 10, sleep: async (ms) => void sleeps.push(ms) }).notify(n);
    expect(bodies).toHaveLength(3);
    expect(sleeps).toEqual([2000, 20]);
  });

  it('fails at once on a client error and names only the host, never the secret path', async () => {
    const { url, bodies } = await serve([{ status: 404 }]);
    const err = (await new WebhookNotifier(url, { sleep: async () => {} }).notify(n).then(() => undefined, (e: unknown) => e)) as Error;
    expect(err.message).toMatch(/Webhook 127\.0\.0\.1:\d+ answered HTTP 404 for notification threshold-1901-0304-2026-01/);
    expect(err.message).not.toContain('/services/');
    expect(bodies).toHaveLength(1);
  });

  it('gives up after the last attempt on persistent server errors', async () => {
    const { url, bodies } = await serve([{ status: 500 }, { status: 500 }, { status: 500 }]);
    await expect(new WebhookNotifier(url, { sleep: async () => {} }).notify(n)).rejects.toThrow(/HTTP 500 .* after 3 attempts/);
    expect(bodies).toHaveLength(3);
  });

  it('refuses plain-http URLs outside loopback', () => {
    expect(() => new WebhookNotifier('http://hooks.slack.com/services/x')).toThrow(/must use https/);
    expect(() => new WebhookNotifier('not a url')).toThrow(/SLACK_WEBHOOK_SECRET_ARN/);
  });
});
