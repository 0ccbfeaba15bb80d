/**
 * The pure pieces behind "analysis follows the data" and "honest figures": the level-shift rule, the
 * spread floor for meters that never vary, the out-of-sample interval coverage of a backtest, the
 * plain-language anomaly reasons, schedule-based freshness and each run's own duration.
 */
import { describe, expect, it } from 'vitest';
import { anomalyReason } from '../../lambdas/analysis/anomaly-reason';
import { findLevelShifts } from '../../lambdas/analysis/level-shift';
import { detectMeterAnomalies } from '../../lambdas/analysis/meter-anomalies';
import { backtestCoverage } from '../../lambdas/analysis/prediction-intervals';
import { localDayOf, localDayStartMs } from '../../lambdas/analysis/local-time';
import type { Overview, RunRow } from '../../lambdas/contract/results';
import { freshnessOf } from '../../dashboard/src/freshness';
import { toCsv } from '../../dashboard/src/dom';
import { ownDurations, runsSummary } from '../../dashboard/src/views/pipeline';
import { searchMeters } from '../../dashboard/src/views/consumption';
import { intervalScale } from '../../dashboard/src/views/market';
import { categoryLabelStep } from '../../dashboard/src/charts';
import { nextRunDueMs, RUN_GRACE_HOURS } from '../../lambdas/steps/analyze/overview';

const STEP = 30 * 60_000;

describe('level shifts', () => {
  it('finds days on end at twice the usual level, and not a single high day', () => {
    const perDay = 48;
    const grid = new Float64Array(20 * perDay);
    const expected = new Float64Array(20 * perDay).fill(0.5);
    for (let k = 0; k < grid.length; k++) grid[k] = 0.5 * (1 + 0.2 * Math.sin(k));
    for (let k = 3 * perDay; k < 4 * perDay; k++) grid[k] = 1.5; // one high day: not a shift
    for (let k = 12 * perDay; k < grid.length; k++) grid[k]! *= 2;
    const shifts = findLevelShifts(grid, expected, perDay);
    expect(shifts).toHaveLength(1);
    expect(shifts[0]!.first).toBe(12 * perDay);
    expect(shifts[0]!.days).toBe(8);
    expect(shifts[0]!.ratio).toBeGreaterThan(1.8);
  });
});

describe('a meter whose readings never vary (spread 0)', () => {
  it('still gets a spike flagged', () => {
    const n = 96;
    const t = Array.from({ length: n }, (_, i) => i * STEP);
    const v = t.map((_, i) => (i === 50 ? 2 : 0.3));
    const found = detectMeterAnomalies(
      { t, v, expected: v.map(() => 0.3), scale: v.map(() => 0), history: v.map(() => 6) },
      { start: 0, end: n * STEP, intervalMinutes: 30 },
    );
    expect(found.filter((a) => a.rule === 'spike').map((a) => a.start)).toEqual([50 * STEP]);
  });
});

describe('backtest interval coverage', () => {
  it('is measured out of sample: residuals from one distribution cover about what they claim', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const normal = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
    const byOrigin = Array.from({ length: 7 }, () => Float64Array.from({ length: 168 }, normal));
    const c = backtestCoverage(byOrigin);
    expect(c.p80).toBeGreaterThan(0.74);
    expect(c.p80).toBeLessThan(0.86);
    expect(c.p95).toBeGreaterThan(0.9);
  });
  it('says NaN with a single origin rather than a flattering 100 %', () => {
    expect(backtestCoverage([new Float64Array(168)]).p80).toBeNaN();
  });
});

describe('anomaly reasons', () => {
  it('say what happened with units', () => {
    expect(anomalyReason({ rule: 'spike', value: 3.1, expected: 0.4, score: 9.2, intervalMinutes: 30 })).toBe(
      '3.1 kWh in 30 min, usually 0.4 kWh at this time of the week (9.2 typical deviations above usual).',
    );
    expect(anomalyReason({ rule: 'stuck', value: 0.533, expected: 0.41, score: 16, intervalMinutes: 30 })).toContain('16 times in a row (8 h)');
    expect(anomalyReason({ rule: 'gap', value: null, expected: null, score: 12, intervalMinutes: 30 })).toBe('No readings for 6 h (12 intervals of 30 min missing).');
    expect(anomalyReason({ rule: 'threshold:heating', value: 1310, expected: 1200, score: 1.09, intervalMinutes: 30, unit: 'kWh' })).toContain('1,310 kWh');
  });
});

describe('local days', () => {
  it('start at local midnight in the meter’s own zone', () => {
    expect(new Date(localDayStartMs('2016-12-31', 'Asia/Tokyo')).toISOString()).toBe('2016-12-30T15:00:00.000Z');
    expect(new Date(localDayStartMs('2026-03-29', 'Europe/London')).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(new Date(localDayStartMs('2026-03-30', 'Europe/London')).toISOString()).toBe('2026-03-29T23:00:00.000Z');
    expect(localDayOf(Date.parse('2016-12-31T15:00:00Z'), 'Asia/Tokyo')).toBe('2017-01-01');
  });
});

describe('freshness against the schedule', () => {
  const base: Overview = {
    generatedAt: '2026-12-02T06:05:00Z',
    asOfDay: '2026-12-01',
    latestReadingAt: '2026-12-01T23:30:00Z',
    lastSuccessfulRun: { runId: '2026-12-01-a1', finishedAt: '2026-12-02T06:05:00Z' },
    staleAfterHours: 26,
    nextRunDueAt: '2026-12-03T08:05:00Z',
    kpis: { energyTodayKwh: 1, energyLast30Kwh: 1, energyPrev30Kwh: 1, activeMeters: 1, openAnomalies: 0, emissionsThisMonthKg: null },
  };
  it('is not stale in the night before the next run (the false alarm of a fixed 26 h)', () => {
    expect(freshnessOf(base, new Date('2026-12-03T03:00:00Z')).stale).toBe(false);
  });
  it('is stale once the next run was due and none succeeded', () => {
    const f = freshnessOf(base, new Date('2026-12-03T10:00:00Z'));
    expect(f.stale).toBe(true);
    expect(f.reasons.join()).toContain('was due 2 h ago');
  });
  it('an imported history years old is not stale when its run is recent', () => {
    expect(freshnessOf({ ...base, latestReadingAt: '2016-12-31T14:30:00Z' }, new Date('2026-12-02T07:00:00Z')).stale).toBe(false);
  });
});

describe('pipeline durations', () => {
  it('are each run’s own, not the time since the backfill began', () => {
    const run = (date: string, finishedAt: string): RunRow => ({
      runId: `${date}-a1`, runDate: date, source: 'meters', status: 'succeeded', rowsIn: 0, rowsLoaded: 0, duplicates: 0, quarantined: 0,
      startedAt: '2026-12-02T04:51:41Z', finishedAt, error: null, quarantineReasons: [],
    });
    const runs = [run('2026-11-29', '2026-12-02T04:51:44Z'), run('2026-11-30', '2026-12-02T04:51:46Z'), run('2026-12-01', '2026-12-02T04:51:49Z')];
    expect(runs.map((r) => ownDurations(runs).get(r))).toEqual([3000, 2000, 3000]);
  });
});

describe('the pipeline summary', () => {
  const run = (rowsIn: number, loaded: number, status: RunRow['status'] = 'succeeded'): RunRow => ({
    runId: 'r', runDate: '2026-12-01', source: 'meters', status, rowsIn, rowsLoaded: loaded, duplicates: 1, quarantined: 2,
    startedAt: '2026-12-02T04:51:41Z', finishedAt: '2026-12-02T04:51:44Z', error: null, quarantineReasons: [],
  });
  it('claims reconciliation only of the runs shown, and checks it', () => {
    expect(runsSummary([run(13, 10), run(13, 10)])).toContain('Every succeeded run reconciles');
    expect(runsSummary([run(13, 10), run(14, 10)])).toContain('1 succeeded run does not reconcile');
  });
  it('says nothing about reconciling when no run matches the filters', () => {
    expect(runsSummary([])).toBe('0 run records match.');
    expect(runsSummary([run(0, 0, 'failed')])).toBe('1 run records, 1 failed.');
  });
});

describe('the next run due, from the configured schedule', () => {
  const grace = RUN_GRACE_HOURS * 3_600_000;
  const at = (iso: string) => new Date(nextRunDueMs(Date.parse(iso), { hour: 6, minute: 0, timezone: 'Europe/London' }) - grace).toISOString();
  it('is the next morning’s 06:00 after a run by hand in the afternoon, not 24 h later', () => {
    expect(at('2026-12-02T16:57:00Z')).toBe('2026-12-03T06:00:00.000Z');
  });
  it('is the next day after the scheduled run itself finished', () => {
    expect(at('2026-12-02T06:05:00Z')).toBe('2026-12-03T06:00:00.000Z');
    expect(at('2026-12-02T05:59:00Z')).toBe('2026-12-02T06:00:00.000Z');
  });
  it('keeps 06:00 on the wall clock across a DST change', () => {
    // London: BST starts 2026-03-29 at 01:00 UTC, so that day's 06:00 is 05:00Z.
    expect(at('2026-03-28T07:00:00Z')).toBe('2026-03-29T05:00:00.000Z');
    expect(new Date(nextRunDueMs(Date.parse('2026-12-02T20:00:00Z'), { hour: 6, minute: 30, timezone: 'Asia/Tokyo' }) - grace).toISOString()).toBe('2026-12-02T21:30:00.000Z');
  });
});

describe('customer search', () => {
  const m = (id: string, area: string, tariff: string) => ({ id, area, tariff, days: 1, totalKwh: 1, avgDailyKwh: 1 });
  const meters = [m('c-0d2206da1872', 'a4', 't1'), m('c-11aa00bb22cc', 'a1', 't2'), m('c-ffee0011a1b2', 'a2', 't3')];
  it('takes an area or tariff code whole, without pseudonyms that merely contain it', () => {
    expect(searchMeters(meters, 'a1').map((x) => x.id)).toEqual(['c-11aa00bb22cc']);
    expect(searchMeters(meters, ' T3 ').map((x) => x.id)).toEqual(['c-ffee0011a1b2']);
  });
  it('matches part of a pseudonym otherwise', () => {
    expect(searchMeters(meters, 'da18').map((x) => x.id)).toEqual(['c-0d2206da1872']);
    expect(searchMeters(meters, '')).toHaveLength(3);
  });
});

describe('the credible-interval number line', () => {
  it('is centred on zero, so a narrow interval draws a narrow band and its side of zero shows', () => {
    const wide = intervalScale(-0.004, 0.006);
    const narrow = intervalScale(0.001, 0.0012);
    expect(wide.at(0)).toBe(50);
    expect(narrow.at(0)).toBe(50);
    expect(narrow.at(0.001)).toBeGreaterThan(50);
    expect(narrow.at(0.0012) - narrow.at(0.001)).toBeLessThan(10);
    expect(wide.at(0.006) - wide.at(-0.004)).toBeLessThan(100);
    expect(wide.ticks).toEqual([-0.0075, 0, 0.0075]);
  });
});

describe('category axis labels', () => {
  const days = Array.from({ length: 261 }, (_, i) => new Date(Date.UTC(2025, 11, 2 + i)).toISOString().slice(0, 10));
  it('leave room between dates on a phone', () => {
    const step = categoryLabelStep(days, 300);
    const shown = Math.ceil(days.length / step);
    // Each shown label has at least its own width (10 characters at ~7 px) on a 300 px axis.
    expect(shown * 10 * 7).toBeLessThanOrEqual(300);
  });
  it('label every one of 11 buildings where they fit, and at most `most` on a small chart', () => {
    const buildings = Array.from({ length: 11 }, (_, i) => String(1901 + i));
    expect(categoryLabelStep(buildings, 480)).toBe(1);
    expect(Math.ceil(days.length / categoryLabelStep(days, 2000, 4))).toBeLessThanOrEqual(4);
  });
});

describe('CSV', () => {
  it('quotes what needs quoting', () => {
    expect(toCsv([['a', 'b,c'], ['say "hi"', 'x']])).toBe('a,"b,c"\r\n"say ""hi""",x\r\n');
  });
});
