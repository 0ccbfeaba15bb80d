/**
 * The failure path on the real ASL, handlers, folder lake and DuckDB warehouse: a failed run stops
 * all its work before it returns, and etl_runs shows each date's true state afterwards.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { localPorts } from '../../lambdas/ports/local-ports';
import { silentLog } from '../../lambdas/steps/ports';
import { runLocalWorkflow, type StateEvent } from '../../local/workflow';
import { tempDataDirs } from './helpers/data-dirs';

const dataDir = tempDataDirs('gridlake-fail-');

// Small fleets: these tests are about failure semantics, not volume.
const CONFIG = { simulator: { meters: 6 }, market: { symbols: ['SPY'] }, flowSensors: { devices: 2 } };

async function sql(dir: string, text: string) {
  const ports = await localPorts({ dataDir: dir, config: parseConfig(CONFIG), log: silentLog });
  return ports.warehouse.query({ name: 'test', sql: text });
}

describe('a failed run', () => {
  it('stops all its work before it returns: no transform starts after the failure, none is left running', async () => {
    const { handler: transform } = await import('../../lambdas/handlers/transform');
    const calls: Array<{ date: string; started: number; ended?: number }> = [];
    let failedAt = Infinity;
    const events: StateEvent[] = [];
    const result = await runLocalWorkflow({
      dataDir: dataDir(),
      input: { from: '2026-11-01', to: '2026-11-03' },
      config: CONFIG,
      retryIntervalMs: 0,
      onEvent: (e) => events.push(e),
      taskOverrides: {
        TransformBatch: async (input) => {
          const call: { date: string; started: number; ended?: number } = { date: (input as { date: string }).date, started: Date.now() };
          calls.push(call);
          try {
            if (call.date === '2026-11-01' && (input as { source: string }).source === 'utilities') {
              failedAt = Date.now();
              throw new Error('disk full while writing curated/');
            }
            // The others are slow, so they are still running when the failure happens.
            await new Promise((res) => setTimeout(res, 300));
            return await transform(input);
          } finally {
            call.ended = Date.now();
          }
        },
      },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatch(/TransformBatch: Error: disk full/);
    // The later dates were queued behind the failed one: none of their work started.
    expect(calls.filter((c) => c.date !== '2026-11-01')).toEqual([]);
    expect(calls.filter((c) => c.started > failedAt)).toEqual([]);
    // Everything that had started has finished by the time the runner returns.
    expect(calls.every((c) => c.ended !== undefined)).toBe(true);
    expect(events.some((e) => e.state === 'NotifyFailure' && e.kind === 'exited')).toBe(true);
    expect(events.some((e) => e.state === 'Load' && e.kind === 'entered')).toBe(false);
  });
});

describe('etl_runs after a failure shows each date\'s true state', () => {
  const byDate = async (dir: string) =>
    (await sql(dir, "SELECT CAST(run_date AS VARCHAR) AS d, source, status, error, rows_loaded FROM etl_runs ORDER BY d, source")).map(
      (r): Record<string, unknown> => ({ ...r, d: String(r.d).slice(0, 10) }),
    );
  const stages = async (dir: string) =>
    (await sql(dir, 'SELECT CAST(run_date AS VARCHAR) AS d, stage, status, error FROM etl_run_stages ORDER BY d, stage')).map(
      (r): Record<string, unknown> => ({ ...r, d: String(r.d).slice(0, 10) }),
    );

  it('a Load failure on day 2 of 3: day 1 stays succeeded (its analysis failed), days 2 and 3 are failed', async () => {
    const dir = dataDir();
    const { handler: load } = await import('../../lambdas/handlers/load');
    const result = await runLocalWorkflow({
      dataDir: dir,
      input: { from: '2026-11-01', to: '2026-11-03' },
      config: CONFIG,
      retryIntervalMs: 0,
      taskOverrides: {
        Load: async (input) => {
          if ((input as { date: string }).date === '2026-11-02') throw new Error('warehouse unreachable');
          return load(input);
        },
      },
    });
    expect(result.status).toBe('FAILED');
    const runs = await byDate(dir);
    expect(runs.length).toBe(3 * parseConfig(CONFIG).sources.length); // every default source, each date
    for (const r of runs.filter((x) => x.d === '2026-11-01')) {
      expect(r.status, r.source as string).toBe('succeeded');
      expect(r.error).toBeNull();
    }
    expect(runs.filter((x) => x.d === '2026-11-01').some((r) => Number(r.rows_loaded) > 0)).toBe(true);
    for (const r of runs.filter((x) => x.d !== '2026-11-01')) {
      expect(r.status).toBe('failed');
      expect(String(r.error)).toContain('warehouse unreachable');
    }
    // Day 1's data is in, its analysis and publication are not: the failure says so.
    expect(await stages(dir)).toEqual([
      { d: '2026-11-01', stage: 'analyze', status: 'failed', error: expect.stringContaining('warehouse unreachable') },
      { d: '2026-11-01', stage: 'publish', status: 'failed', error: expect.stringContaining('warehouse unreachable') },
    ]);

    // Fixed and re-run: every date succeeds and its analysis is done.
    const again = await runLocalWorkflow({ dataDir: dir, input: { from: '2026-11-01', to: '2026-11-03' }, config: CONFIG });
    expect(again.status).toBe('SUCCEEDED');
    expect((await byDate(dir)).every((r) => r.status === 'succeeded')).toBe(true);
    expect((await stages(dir)).map((s) => `${s.d} ${s.stage} ${s.status}`)).toEqual(
      ['2026-11-01', '2026-11-02', '2026-11-03'].flatMap((d) => [`${d} analyze succeeded`, `${d} publish succeeded`]),
    );
  });

  it('a failure in Analyze leaves the loaded date succeeded and its analysis failed', async () => {
    const dir = dataDir();
    const result = await runLocalWorkflow({
      dataDir: dir,
      input: { date: '2026-11-02' },
      config: CONFIG,
      retryIntervalMs: 0,
      taskOverrides: {
        Analyze: async () => {
          throw new Error('forecast diverged');
        },
      },
    });
    expect(result.status).toBe('FAILED');
    const loaded = await byDate(dir);
    expect(loaded).toHaveLength(parseConfig(CONFIG).sources.length);
    expect(loaded.every((r) => r.status === 'succeeded')).toBe(true);
    expect(await stages(dir)).toEqual([
      { d: '2026-11-02', stage: 'analyze', status: 'failed', error: expect.stringContaining('forecast diverged') },
      { d: '2026-11-02', stage: 'publish', status: 'failed', error: expect.stringContaining('forecast diverged') },
    ]);
  });

  it('an execution that ends without its Catch (killed, or stopped by a quota) during Analyze leaves the analysis pending', async () => {
    const dir = dataDir();
    const result = await runLocalWorkflow({
      dataDir: dir,
      input: { date: '2026-11-02' },
      config: CONFIG,
      // States.DataLimitExceeded is terminal: no NotifyFailure runs, as after a kill.
      taskOverrides: { Analyze: async () => ({ runId: 'x', resultKeys: ['é'.repeat(140_000)], counts: {} }) },
    });
    expect(result.status).toBe('FAILED');
    expect((await byDate(dir)).every((r) => r.status === 'succeeded')).toBe(true);
    expect(await stages(dir)).toEqual([
      { d: '2026-11-02', stage: 'analyze', status: 'pending', error: null },
      { d: '2026-11-02', stage: 'publish', status: 'pending', error: null },
    ]);
  });

  it('a failure in Publish leaves the analysis succeeded and the publication failed', async () => {
    const dir = dataDir();
    const result = await runLocalWorkflow({
      dataDir: dir,
      input: { date: '2026-11-02' },
      config: CONFIG,
      retryIntervalMs: 0,
      taskOverrides: {
        Publish: async () => {
          throw new Error('dashboard bucket gone');
        },
      },
    });
    expect(result.status).toBe('FAILED');
    expect((await byDate(dir)).every((r) => r.status === 'succeeded')).toBe(true);
    expect(await stages(dir)).toEqual([
      { d: '2026-11-02', stage: 'analyze', status: 'succeeded', error: null },
      { d: '2026-11-02', stage: 'publish', status: 'failed', error: expect.stringContaining('dashboard bucket gone') },
    ]);
  });

  it('an execution that ends without its Catch during Publish leaves the analysis succeeded and the publication pending', async () => {
    const dir = dataDir();
    const result = await runLocalWorkflow({
      dataDir: dir,
      input: { date: '2026-11-02' },
      config: CONFIG,
      // States.DataLimitExceeded is terminal: no NotifyFailure runs, as after a kill.
      taskOverrides: { Publish: async () => ({ published: ['é'.repeat(140_000)] }) },
    });
    expect(result.status).toBe('FAILED');
    expect((await byDate(dir)).every((r) => r.status === 'succeeded')).toBe(true);
    expect(await stages(dir)).toEqual([
      { d: '2026-11-02', stage: 'analyze', status: 'succeeded', error: null },
      { d: '2026-11-02', stage: 'publish', status: 'pending', error: null },
    ]);
  });
});

describe('retries that happen', () => {
  it("one throttled S3 call (SlowDown) is retried by the ASL's Retry on TransientError, and the run succeeds", async () => {
    const { S3Client, PutObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const { mockClient } = await import('aws-sdk-client-mock');
    const { S3ObjectStore } = await import('../../lambdas/ports/s3-object-store');
    const { portsFromEnv } = await import('../../lambdas/handlers/runtime');
    const { publish } = await import('../../lambdas/steps/publish');
    // The dashboard bucket is the real S3 adapter over a scripted S3 that throttles the first write.
    const s3 = mockClient(S3Client);
    const slowDown = Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    s3.on(PutObjectCommand).rejectsOnce(slowDown).resolves({});
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const events: StateEvent[] = [];
    let attempts = 0;
    try {
      const result = await runLocalWorkflow({
        dataDir: dataDir(),
        input: { date: '2026-11-02', sources: ['market'] },
        config: CONFIG,
        retryIntervalMs: 0,
        onEvent: (e) => events.push(e),
        taskOverrides: {
          Publish: async (input) => {
            attempts += 1;
            const ports = await portsFromEnv('publish');
            return publish(input, { ...ports, site: new S3ObjectStore(new S3Client({ region: 'eu-west-1' }), 'site-bucket') });
          },
        },
      });
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('SUCCEEDED');
      expect(attempts).toBe(2);
      expect(events.filter((e) => e.kind === 'failed' && e.state === 'Publish').map((e) => e.error)).toEqual([expect.stringMatching(/^TransientError: /)]);
      expect(events.filter((e) => e.kind === 'retried').map((e) => e.state)).toEqual(['Publish']);
      expect(s3.commandCalls(PutObjectCommand).length).toBeGreaterThan(1);
    } finally {
      s3.restore();
    }
  });
});
