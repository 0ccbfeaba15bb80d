/**
 * The local runner's Distributed Map (local/distributed-map.ts) on a real local lake folder: items
 * from an ItemReader JSONL object, ItemSelector with the context object, MaxConcurrency, the
 * tolerated-failure thresholds, ItemBatcher, and the ResultWriter files in AWS's layout
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMapResults } from '../../lambdas/contract/work-manifests';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import { getJson, listKeys } from '../../lambdas/ports/object-store';
import { runDistributedMap, type ChildOutcome, type DistributedMapContext, type DistributedMapState } from '../../local/distributed-map';

const root = mkdtempSync(join(tmpdir(), 'gridlake-dmap-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const lake = new LocalFolderStore(root);
const BUCKET = 'gridlake-local-curated';

const processor = { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'X', States: {} };
function map(extra: Partial<DistributedMapState>): DistributedMapState {
  return {
    Type: 'Map',
    ItemProcessor: processor,
    ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSONL' }, Parameters: { Bucket: BUCKET, 'Key.$': '$.itemsKey' } },
    ...extra,
  } as DistributedMapState;
}
function context(state: DistributedMapState, input: unknown, runChild: DistributedMapContext['runChild']): DistributedMapContext {
  return { name: 'M', state, input, lake, localBuckets: new Set([BUCKET]), runChild, stopped: () => false };
}

describe('the local Distributed Map runner', () => {
  it('reads JSONL items, shapes them with ItemSelector, runs at most MaxConcurrency children, writes AWS-layout results', async () => {
    await lake.put('work/items.jsonl', ['{"n":1}', '{"n":2}', '', '{"n":3}', '{"n":4}', '{"n":5}'].join('\n') + '\n');
    let running = 0;
    let peak = 0;
    const state = map({
      MaxConcurrencyPath: '$.concurrency',
      ItemSelector: { 'value.$': '$$.Map.Item.Value.n', 'index.$': '$$.Map.Item.Index', 'run.$': '$.runId', fixed: 'x' },
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: BUCKET, 'Prefix.$': '$.prefix' } },
    });
    const input = { itemsKey: 'work/items.jsonl', concurrency: 2, runId: 'r1', prefix: 'work/results' };
    const run = await runDistributedMap(
      context(state, input, async (child) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 10));
        running -= 1;
        const c = child as { value: number; index: number };
        return { status: 'SUCCEEDED', output: { doubled: c.value * 2, index: c.index } };
      }),
    );
    expect(peak).toBe(2);
    expect(run.children).toBe(5);
    const out = run.output as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
    expect(out.ResultWriterDetails.Bucket).toBe(BUCKET);
    expect(out.ResultWriterDetails.Key).toMatch(/^work\/results\/[0-9a-f-]{36}\/manifest\.json$/);
    const manifest = await getJson<{ DestinationBucket: string; MapRunArn: string; ResultFiles: Record<string, Array<{ Key: string; Size: number }>> }>(lake, out.ResultWriterDetails.Key);
    expect(manifest.MapRunArn).toBe(out.MapRunArn);
    expect(manifest.ResultFiles.SUCCEEDED).toHaveLength(1);
    expect(manifest.ResultFiles.SUCCEEDED![0]!.Key).toMatch(/\/SUCCEEDED_0\.json$/);
    const [first] = await getJson<Array<Record<string, unknown>>>(lake, manifest.ResultFiles.SUCCEEDED![0]!.Key);
    expect(first).toMatchObject({ Status: 'SUCCEEDED', InputDetails: { Included: true } });
    expect(JSON.parse(first!.Input as string)).toEqual({ value: 1, index: 0, run: 'r1', fixed: 'x' });
    // The Load's reader gets the outputs back in item order.
    expect((await readMapResults(lake, out.ResultWriterDetails.Key)).succeeded).toEqual([1, 2, 3, 4, 5].map((n, i) => ({ doubled: 2 * n, index: i })));
  });

  it('fails with States.ExceedToleratedFailureThreshold on the first failure by default, and starts no more children', async () => {
    await lake.put('work/five.jsonl', [1, 2, 3, 4, 5].map((n) => JSON.stringify({ n })).join('\n'));
    const started: number[] = [];
    const state = map({ MaxConcurrency: 1 });
    const failing = async (child: unknown): Promise<ChildOutcome> => {
      const n = (child as { n: number }).n;
      started.push(n);
      return n === 2 ? { status: 'FAILED', error: 'Load: Boom', cause: 'disk full' } : { status: 'SUCCEEDED', output: n };
    };
    await expect(runDistributedMap(context(state, { itemsKey: 'work/five.jsonl' }, failing))).rejects.toMatchObject({
      name: 'States.ExceedToleratedFailureThreshold',
      message: expect.stringContaining('first failure: Load: Boom: disk full'),
    });
    expect(started).toEqual([1, 2]);
  });

  it('tolerates ToleratedFailureCount failures and lists them in FAILED_0.json', async () => {
    const state = map({ MaxConcurrency: 1, ToleratedFailureCount: 1, ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: BUCKET, Prefix: 'work/tolerated' } } });
    const run = await runDistributedMap(
      context(state, { itemsKey: 'work/five.jsonl' }, async (child) => ((child as { n: number }).n === 4 ? { status: 'FAILED', error: 'E', cause: 'c' } : { status: 'SUCCEEDED', output: child })),
    );
    expect(run.failed).toBe(1);
    const key = (run.output as { ResultWriterDetails: { Key: string } }).ResultWriterDetails.Key;
    const results = await readMapResults(lake, key);
    expect(results.succeeded).toHaveLength(4);
    expect(results.failed).toEqual([expect.objectContaining({ Status: 'FAILED', Error: 'E', Cause: 'c' })]);
    expect((await listKeys(lake, key.replace('manifest.json', ''))).map((k) => k.split('/').pop()).sort()).toEqual(['FAILED_0.json', 'SUCCEEDED_0.json', 'manifest.json']);
  });

  it('groups items with ItemBatcher (MaxItemsPerBatch, BatchInput)', async () => {
    const inputs: unknown[] = [];
    const state = map({ ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'run.$': '$.runId' } } });
    const run = await runDistributedMap(context(state, { itemsKey: 'work/five.jsonl', runId: 'r9' }, async (child) => (inputs.push(child), { status: 'SUCCEEDED', output: null })));
    expect(run.children).toBe(3);
    expect(inputs[0]).toEqual({ BatchInput: { run: 'r9' }, Items: [{ n: 1 }, { n: 2 }] });
    expect(inputs[2]).toEqual({ BatchInput: { run: 'r9' }, Items: [{ n: 5 }] });
  });

  it('refuses a bucket that is not one of the definition, a missing object and a path that selects nothing', async () => {
    const never = async (): Promise<ChildOutcome> => ({ status: 'SUCCEEDED' });
    const other = map({ ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSONL' }, Parameters: { Bucket: 'someone-elses', Key: 'x' } } });
    await expect(runDistributedMap(context(other, {}, never))).rejects.toMatchObject({ name: 'States.ItemReaderFailed', message: expect.stringContaining('"someone-elses" is not a bucket of this deployment') });
    await expect(runDistributedMap(context(map({}), { itemsKey: 'work/missing.jsonl' }, never))).rejects.toMatchObject({ name: 'States.ItemReaderFailed' });
    await expect(runDistributedMap(context(map({}), { other: 1 }, never))).rejects.toMatchObject({ message: expect.stringContaining('$.itemsKey selects nothing') });
  });
});
