/** Input rules a user meets before any data moves: strict configuration, no future dates. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { pipelineConfigJson, stageConfig } from '../../lib/stage-config';
import { fixedClock } from '../../lambdas/ports/clock';
import { plan } from '../../lambdas/steps/plan';
import { silentLog, type StepPorts } from '../../lambdas/steps/ports';

describe('configuration', () => {
  it('refuses a misspelt key at any level, naming it, instead of running on defaults', () => {
    expect(() => parseConfig({ simulater: { meters: 20 } })).toThrow(/\(root\): Unrecognized key: "simulater"/);
    expect(() => parseConfig({ meters: { defaultTimezon: 'UTC' } })).toThrow(/meters: Unrecognized key: "defaultTimezon"/);
    expect(parseConfig({ simulator: { meters: 20 } }).simulator.meters).toBe(20);
  });

  it('refuses an interval that does not divide a day', () => {
    expect(() => parseConfig({ meters: { intervalMinutes: 7 } })).toThrow(/meters\.intervalMinutes: must divide a day/);
    expect(parseConfig({ meters: { intervalMinutes: 15 } }).meters.intervalMinutes).toBe(15);
  });
});

describe('plan', () => {
  const ports = (now: string) => ({ config: parseConfig({}), clock: fixedClock(now), log: silentLog }) as unknown as StepPorts;

  it('refuses a date after today in the run timezone, and accepts today', () => {
    expect(() => plan({ date: '2026-11-30' }, ports('2026-11-29T12:00:00Z'))).toThrow(/2026-11-30 is in the future \(today is 2026-11-29\)/);
    expect(() => plan({ from: '2026-11-27', to: '2026-12-01' }, ports('2026-11-29T12:00:00Z'))).toThrow(/in the future/);
    expect(plan({ date: '2026-11-29' }, ports('2026-11-29T12:00:00Z')).runs.map((r) => r.date)).toEqual(['2026-11-29']);
  });
});

describe('the schedule in the pipeline configuration', () => {
  it('defaults to the stage default and follows the stage’s schedule in the cloud', () => {
    expect(parseConfig({}).schedule).toEqual({ hour: 6, minute: 0, timezone: 'Europe/London' });
    const stage = stageConfig('prod', { prod: { schedule: { hour: 5, minute: 30 }, timezone: 'Asia/Tokyo' } });
    expect(parseConfig(JSON.parse(pipelineConfigJson(stage))).schedule).toEqual({ hour: 5, minute: 30, timezone: 'Asia/Tokyo' });
  });
});
