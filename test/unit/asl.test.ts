/** The workflow definition: valid ASL, every Task resource a substitution served by a handler. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aslBucketSubstitutions, aslTaskHandlers } from '../../lib/asl-tasks';

// asl-validator is CommonJS with a default function export.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validator = require('asl-validator') as (d: unknown) => { isValid: boolean; errors: unknown[] };

const ROOT = join(__dirname, '..', '..');
const ASL = join(ROOT, 'statemachines', 'etl.asl.json');
const definition = JSON.parse(readFileSync(ASL, 'utf8'));

type State = Record<string, any>;
function allStates(states: Record<string, State>, out: [string, State][] = []): [string, State][] {
  for (const [name, s] of Object.entries(states)) {
    out.push([name, s]);
    const inner = s.Iterator ?? s.ItemProcessor;
    if (inner) allStates(inner.States, out);
    for (const b of s.Branches ?? []) allStates(b.States, out);
  }
  return out;
}

describe('statemachines/etl.asl.json', () => {
  it('is valid Amazon States Language', () => {
    const result = validator(definition);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('has a handler module exporting `handler` for every ${…} substitution', async () => {
    const tasks = aslTaskHandlers(ASL);
    const substitutions = [...new Set([...readFileSync(ASL, 'utf8').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))];
    expect([...tasks.map((t) => t.substitution), ...aslBucketSubstitutions(ASL)].sort()).toEqual(substitutions.sort());
    expect(aslBucketSubstitutions(ASL)).toEqual(['CuratedBucketName']);
    for (const t of tasks) {
      expect(existsSync(join(ROOT, t.handlerFile)), t.handlerFile).toBe(true);
      const mod = await import(join(ROOT, t.handlerFile));
      expect(typeof mod.handler, t.handlerFile).toBe('function');
    }
  });

  it('every Task retries transient errors with backoff and jitter, and has a timeout', () => {
    const tasks = allStates(definition.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(7);
    for (const [name, s] of tasks) {
      expect(s.Resource, name).toMatch(/^\$\{\w+FunctionArn\}$/);
      // Room for the Lambda's own timeout (at most 900 s) to surface 30 s before the Task's.
      expect(s.TimeoutSeconds, name).toBeGreaterThan(30);
      expect(s.TimeoutSeconds, name).toBeLessThanOrEqual(930);
      const retry = s.Retry?.[0];
      expect(retry?.ErrorEquals, name).toContain('TransientError');
      expect(retry?.BackoffRate, name).toBeGreaterThan(1);
      expect(retry?.JitterStrategy, name).toBe('FULL');
    }
  });

  it('routes failures of every top-level step through NotifyFailure to a Fail state', () => {
    const top = definition.States as Record<string, State>;
    for (const name of ['Plan', 'ForEachDate', 'Analyze', 'Publish']) {
      const target = top[name]!.Catch?.[0]?.Next;
      expect(target, name).toMatch(/^Notify(Plan)?Failure$/);
      expect(top[top[target]!.Next]!.Type).toBe('Fail');
    }
  });

  it('passes keys and counts between states, not data: lists of dates, batches and pages of meters are read from S3 by Distributed Maps', () => {
    const maps = Object.fromEntries(allStates(definition.States).filter(([, s]) => s.Type === 'Map'));
    expect(Object.keys(maps).sort()).toEqual(['DetectAnomalies', 'ForEachDate', 'ForEachSource', 'TransformBatches']);
    for (const name of ['DetectAnomalies', 'ForEachDate', 'ForEachSource', 'TransformBatches']) {
      expect(maps[name].ItemProcessor.ProcessorConfig, name).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    }
    // Lists that grow (dates, batches, pages of meters) come from JSON Lines in S3 and their results go back to S3.
    for (const name of ['DetectAnomalies', 'ForEachDate', 'TransformBatches']) {
      expect(maps[name].ItemReader, name).toMatchObject({ Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSONL' } });
      expect(maps[name].ResultWriter.Resource, name).toBe('arn:aws:states:::s3:putObject');
      expect(maps[name].ItemsPath, name).toBeUndefined();
    }
    // The one in-state list is the configured sources: a short, fixed list.
    expect(maps.ForEachSource.ItemsPath).toBe('$.sources');
  });
});
