/**
 * The local runner enforces Step Functions' quotas (local/quotas.ts) on the real ASL with the real
 * handlers: payloads (256 KB, States.DataLimitExceeded, terminal: no Catch runs), history (25,000
 * events) and Task TimeoutSeconds (States.Timeout). Each failure here is what AWS would do.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_QUOTAS } from '../../local/quotas';
import { runLocalWorkflow, type StateEvent } from '../../local/workflow';
import { tempDataDirs } from './helpers/data-dirs';

const dataDir = tempDataDirs('gridlake-quota-');

const CONFIG = { simulator: { meters: 6 }, market: { symbols: ['SPY'] } };
/** A JSON value of about `bytes` UTF-8 bytes: multi-byte characters, so bytes ≠ characters. */
const bulky = (bytes: number) => 'é'.repeat(Math.ceil(bytes / 2));

function recorder() {
  const events: StateEvent[] = [];
  return { events, onEvent: (e: StateEvent) => events.push(e), ran: (state: string) => events.some((e) => e.state === state && e.kind === 'entered') };
}

describe('Step Functions quotas in the local runner', () => {
  it('a default run stays under every quota, with room to spare', async () => {
    const result = await runLocalWorkflow({ dataDir: dataDir(), input: { from: '2026-11-01', to: '2026-11-02' }, config: CONFIG });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('SUCCEEDED');
    // Counted, not assumed: the root writes a few dozen events (each Distributed Map counts as one
    // Map plus its Map Run, whatever its item count); every date, source and batch is a child
    // execution with a history of its own, far from 25,000.
    expect(result.historyEvents).toBeGreaterThan(20);
    expect(result.historyEvents).toBeLessThan(50);
    // 2 dates + 2 × 4 sources + their batches.
    expect(result.childExecutions).toBeGreaterThan(10);
    expect(result.largestChildHistoryEvents).toBeGreaterThan(5);
    expect(result.largestChildHistoryEvents).toBeLessThan(AWS_QUOTAS.historyEvents / 100);
    expect(result.largestPayloadBytes).toBeGreaterThan(0);
    expect(result.largestPayloadBytes).toBeLessThan(AWS_QUOTAS.payloadBytes / 4);
  });

  it('a Task result over 256 KB fails the execution with States.DataLimitExceeded, which States.ALL cannot catch', async () => {
    const r = recorder();
    const result = await runLocalWorkflow({
      dataDir: dataDir(),
      input: { date: '2026-11-02', sources: ['market'] },
      config: CONFIG,
      retryIntervalMs: 0,
      onEvent: r.onEvent,
      // The real 256 KB limit, no test quota: 262,145 bytes of JSON is one byte too many.
      taskOverrides: { Publish: async () => ({ published: [bulky(AWS_QUOTAS.payloadBytes)] }) },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatch(/^Publish: States\.DataLimitExceeded: The task result of state Publish is [\d,]+ bytes, over the Step Functions limit of 262,144 bytes/);
    // Terminal: Publish's Catch (States.ALL) does not run NotifyFailure, and Retry does not retry it.
    expect(r.ran('NotifyFailure')).toBe(false);
    expect(r.events.filter((e) => e.kind === 'retried')).toEqual([]);
  });

  it('a result just under the limit passes (the limit is bytes of the JSON, not characters)', async () => {
    const result = await runLocalWorkflow({
      dataDir: dataDir(),
      input: { date: '2026-11-02', sources: ['market'] },
      config: CONFIG,
      // {"published":["…"]} adds 18 bytes around the string; ResultPath then merges it into the state's input.
      taskOverrides: { Publish: async () => ({ published: [bulky(200_000)] }) },
    });
    expect(result.error).toBeUndefined();
    expect(result.largestPayloadBytes).toBeGreaterThan(200_000);
  });

  it('the same limit holds in child executions: an oversized Collect result fails its child, so its batches never transform and the date never loads', async () => {
    const r = recorder();
    const transformed: string[] = [];
    const { handler: collect } = await import('../../lambdas/handlers/collect');
    const result = await runLocalWorkflow({
      dataDir: dataDir(),
      input: { date: '2026-11-02' },
      config: CONFIG,
      retryIntervalMs: 0,
      onEvent: r.onEvent,
      taskOverrides: {
        CollectSource: async (input) => {
          const out = (await collect(input)) as Record<string, unknown>;
          return (input as { source: string }).source === 'utilities' ? { ...out, padding: bulky(300_000) } : out;
        },
        TransformBatch: async (input) => {
          transformed.push((input as { source: string }).source);
          return {};
        },
      },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatch(/CollectSource: States\.DataLimitExceeded: The task result of state CollectSource/);
    expect(transformed).not.toContain('utilities');
    expect(r.ran('Load')).toBe(false);
    // The child's failure reaches the parent as a failed Map Run, which the ForEachDate Catch handles (as in AWS).
    expect(r.ran('NotifyFailure')).toBe(true);
  });

  it("a Distributed Map's output over the limit (each child under it) fails the Map, terminally for its execution", async () => {
    let loads = 0;
    const { handler: collect } = await import('../../lambdas/handlers/collect');
    const result = await runLocalWorkflow({
      dataDir: dataDir(),
      input: { date: '2026-11-02' },
      config: CONFIG,
      taskOverrides: {
        // 4 sources × 80 KB: each child's output passes, ForEachSource's combined output (ResultPath $.collected) does not.
        CollectSource: async (input) => ({ ...((await collect(input)) as object), padding: bulky(80_000) }),
        Load: async () => {
          loads += 1;
          return {};
        },
      },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatch(/States\.DataLimitExceeded: The output of state ForEachSource is [\d,]+ bytes/);
    expect(loads).toBe(0);
  });

  it('fails the execution when its history reaches the quota, without running the Catch', async () => {
    const r = recorder();
    const result = await runLocalWorkflow({
      dataDir: dataDir(),
      input: { from: '2026-11-01', to: '2026-11-03' },
      config: CONFIG,
      onEvent: r.onEvent,
      // The root reaches 15 events as Analyze is entered; no child writes that many.
      quotas: { historyEvents: 15 },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatch(/^States\.Runtime: The execution reached 1\d history events, the Step Functions maximum of 15/);
    expect(result.historyEvents).toBeGreaterThanOrEqual(15);
    expect(r.ran('Publish')).toBe(false);
    expect(r.ran('NotifyFailure')).toBe(false);
  });

  it("applies each Task's TimeoutSeconds (States.Timeout), which the ASL's Catch routes to NotifyFailure", async () => {
    const r = recorder();
    let finished = false;
    const result = await runLocalWorkflow({
      dataDir: dataDir(),
      input: { date: '2026-11-02', sources: ['market'] },
      config: CONFIG,
      retryIntervalMs: 0,
      onEvent: r.onEvent,
      // 1 ASL second = 20 ms: Publish's TimeoutSeconds (330) is 6.6 s here; the override takes longer.
      quotas: { msPerTimeoutSecond: 20 },
      taskOverrides: {
        Publish: async () => {
          await new Promise((res) => setTimeout(res, 8_000));
          finished = true;
          return { published: [] };
        },
      },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatch(/^Publish: States\.Timeout: Task Publish did not finish within its TimeoutSeconds \(330 s\)/);
    expect(r.events.some((e) => e.state === 'NotifyFailure' && e.kind === 'exited')).toBe(true);
    // The runner returned only once the timed-out work had stopped: nothing runs on after a failed run.
    expect(finished).toBe(true);
  }, 30_000);
});

describe('States.DataLimitExceeded and Catch', () => {
  /** A two-state workflow: a Task whose result is too large, and where its Catch leads. */
  function workflow(errorEquals: string[]): string {
    const path = join(dataDir(), 'wf.asl.json');
    const task = { Type: 'Task', Resource: 'arn:aws:lambda:local-1:000000000000:function:big', Catch: [{ ErrorEquals: errorEquals, ResultPath: '$.error', Next: 'Handled' }], End: true };
    writeFileSync(path, JSON.stringify({ StartAt: 'Big', States: { Big: task, Handled: { Type: 'Pass', Result: 'handled', End: true } } }));
    return path;
  }
  const big = { Big: async () => ({ blob: bulky(AWS_QUOTAS.payloadBytes) }) };

  it('a Catch that names it handles it', async () => {
    const result = await runLocalWorkflow({ dataDir: dataDir(), input: {}, aslPath: workflow(['States.DataLimitExceeded']), taskOverrides: big });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe('handled');
  });

  it('States.ALL does not', async () => {
    const result = await runLocalWorkflow({ dataDir: dataDir(), input: {}, aslPath: workflow(['States.ALL']), taskOverrides: big });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatch(/^Big: States\.DataLimitExceeded/);
  });
});
