/**
 * Forecast models on the meter simulator's fleet (daily and weekly shape, seasons, noise): the chosen
 * model must beat the weekly seasonal-naive baseline by at least 20% in backtest MASE, and its
 * intervals must be ordered and cover most of a held-out week.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { backtest, seasonalNaiveScale } from '../../lambdas/analysis/backtest';
import { chooseForecast } from '../../lambdas/analysis/choose-forecast';
import { toLocalHourly } from '../../lambdas/analysis/local-hourly';
import { seasonalNaiveForecast, weeklyNaive } from '../../lambdas/analysis/seasonal-naive';
import { simulateDay } from '../../lambdas/sources/meter-simulator/simulate';

const HOUR = 3_600_000;

/** Hourly fleet kWh on the local clock of `meters` simulated meters over `days` local days. */
function fleetHourly(meters: number, days: number, from: string): Float64Array {
  const start = Date.parse(`${from}T00:00:00Z`);
  const sums = new Map<number, number>();
  for (let d = 0; d < days; d++) {
    const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    const { readings } = simulateDay({ meters, seed: 7, timezone: 'Europe/London', faults: true, date });
    for (const r of readings) {
      const h = Math.floor(Date.parse(r.timestamp) / HOUR);
      sums.set(h, (sums.get(h) ?? 0) + r.kwh);
    }
  }
  const hours = [...sums.keys()].sort((a, b) => a - b);
  // Drop the first and last hour in case they are partial.
  const kept = hours.slice(1, -1);
  return toLocalHourly(kept.map((h) => h * HOUR), kept.map((h) => sums.get(h)!), 'Europe/London').y;
}

describe('seasonal-naive and backtest arithmetic', () => {
  it('repeats the value one season ago, skipping back over missing values', () => {
    const y = Float64Array.from([1, 2, 3, 4, 5, NaN]);
    expect([...seasonalNaiveForecast(y, 3, 4)]).toEqual([4, 5, 3, 4]);
  });

  it('scores an exact forecast MAPE 0, and measures the seasonal-naive scale', () => {
    // Integer weekly pattern plus a weekly-growing level: same hour last week is off by exactly 7.
    const y = Float64Array.from({ length: 168 * 4 }, (_, t) => 100 + (t % 24) + (t % 168 === 5 ? 30 : 0) + 7 * Math.floor(t / 168));
    const r = backtest(y, weeklyNaive, { origins: 2, step: 24 });
    // Every forecast is exactly 7 low; the in-sample seasonal-naive error is exactly 7 too.
    expect(r.mase).toBe(1);
    expect(r.residuals.flat().every((e) => e === 7)).toBe(true);
    const trend = Float64Array.from({ length: 400 }, (_, t) => t);
    expect(seasonalNaiveScale(trend, 168)).toBe(168);
  });
});

describe('forecast on the simulated fleet (150 meters × 63 days, across the spring DST change)', () => {
  let y: Float64Array;
  beforeAll(() => {
    y = fleetHourly(150, 63, '2026-02-16');
  });

  it('chooses a model whose backtest MASE is ≤ 0.8 × the weekly seasonal-naive MASE', () => {
    const train = y.subarray(0, y.length - 168);
    const f = chooseForecast(train, 168);
    const naive = f.scores.find((s) => s.model === weeklyNaive.name)!;
    const chosen = f.scores.find((s) => s.model === f.chosenModel)!;
    expect(chosen.mase).toBeLessThanOrEqual(0.8 * naive.mase);
    expect(f.chosenModel).not.toBe(weeklyNaive.name);
    expect(Number.isFinite(chosen.mape)).toBe(true);
  });

  it('publishes 168 points with ordered 80% and 95% intervals that cover the held-out week', () => {
    const train = y.subarray(0, y.length - 168);
    const actual = y.subarray(y.length - 168);
    const f = chooseForecast(train, 168);
    expect(f.yhat.length).toBe(168);
    let in95 = 0;
    let in80 = 0;
    for (let h = 0; h < 168; h++) {
      expect(f.lo95[h]!).toBeLessThanOrEqual(f.lo80[h]!);
      expect(f.lo80[h]!).toBeLessThanOrEqual(f.hi80[h]!);
      expect(f.hi80[h]!).toBeLessThanOrEqual(f.hi95[h]!);
      if (actual[h]! >= f.lo95[h]! && actual[h]! <= f.hi95[h]!) in95++;
      if (actual[h]! >= f.lo80[h]! && actual[h]! <= f.hi80[h]!) in80++;
    }
    // One week is a small, autocorrelated sample: ask for clearly-better-than-chance coverage.
    expect(in95 / 168).toBeGreaterThanOrEqual(0.8);
    expect(in80 / 168).toBeGreaterThanOrEqual(0.55);
  });
});
