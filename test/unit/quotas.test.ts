/** The history-event model and payload measure of local/quotas.ts (the runner's use is in test/integration/workflow-quotas.test.ts). */
import { describe, expect, it } from 'vitest';
import { HistoryCounter, historyEventsOf, payloadBytes, type RunnerEvent } from '../../local/quotas';

const task = (type: string): RunnerEvent => ({ type, state: { name: 'T', type: 'Task' } });
const map = (type: string): RunnerEvent => ({ type, state: { name: 'M', type: 'Map' } });
const sum = (events: RunnerEvent[]) => events.reduce((n, e) => n + historyEventsOf(e), 0);

describe('history events, as Step Functions writes them (API_HistoryEvent types)', () => {
  it('a Lambda Task that succeeds costs 5; each retry 3 more; a caught failure 5 (Failed, then TaskStateExited)', () => {
    expect(sum([task('StateEntered'), task('StateExited')])).toBe(5);
    expect(sum([task('StateEntered'), task('StateFailed'), task('StateRetried'), task('StateExited')])).toBe(8);
    expect(sum([task('StateEntered'), task('StateFailed'), task('StateCaught')])).toBe(5);
  });

  it('a Map costs 4 plus 2 per iteration; Pass 2; Fail 1', () => {
    const iteration = [{ type: 'MapIterationStarted' }, { type: 'MapIterationSucceeded' }];
    expect(sum([map('StateEntered'), ...iteration, ...iteration, map('StateExited')])).toBe(4 + 2 * 2);
    expect(sum([{ type: 'StateEntered', state: { name: 'P', type: 'Pass' } }, { type: 'StateExited', state: { name: 'P', type: 'Pass' } }])).toBe(2);
    expect(sum([{ type: 'StateEntered', state: { name: 'F', type: 'Fail' } }, { type: 'StateFailed', state: { name: 'F', type: 'Fail' } }])).toBe(1);
  });

  it('fails at the quota unless the last event is the execution succeeding', () => {
    const c = new HistoryCounter(6);
    expect(c.add({ type: 'ExecutionStarted' })).toBeUndefined();
    expect(c.add(task('StateEntered'))).toBeUndefined(); // 4
    expect(c.add(task('StateExited'))?.name).toBe('States.Runtime'); // 6: not ExecutionSucceeded
    const ok = new HistoryCounter(6);
    for (const e of [{ type: 'ExecutionStarted' }, task('StateEntered'), { type: 'StateEntered', state: { name: 'S', type: 'Succeed' } }]) ok.add(e);
    expect(ok.add({ type: 'ExecutionSucceeded' })).toBeUndefined(); // event 6 is the success
  });
});

describe('payload size', () => {
  it('is UTF-8 bytes of the JSON, not characters', () => {
    expect(payloadBytes({ a: 'é' })).toBe('{"a":"é"}'.length + 1);
    expect(payloadBytes(undefined)).toBe(4);
  });
});
