/**
 * Market statistics: moving averages, volatility and drawdown against values computed by hand on a
 * six-day fixture; correlation; the Student-t quantiles; and the coverage of the Bayesian 95%
 * credible interval of the mean daily return over 1,000 series from the market simulator.
 */
import { describe, expect, it } from 'vitest';
import { alignedPearson, pearson } from '../../lambdas/analysis/correlation';
import { drawdowns, maxDrawdown } from '../../lambdas/analysis/drawdown';
import { movingAverage } from '../../lambdas/analysis/moving-average';
import { posteriorMeanReturn } from '../../lambdas/analysis/normal-inverse-gamma';
import { logReturns, simpleReturns } from '../../lambdas/analysis/returns';
import { rollingVolatility } from '../../lambdas/analysis/rolling-volatility';
import { studentTCdf, studentTQuantile } from '../../lambdas/analysis/student-t';
import { simulatePrices, simulatorParams } from '../../lambdas/sources/market/simulator';

// Closes 10, 11, 10.5, 12, 11, 13 — worked by hand:
//   returns  —, 0.1, −1/22, 1/7, −1/12, 2/11
//   MA3      —, —, 31.5/3 = 10.5, 33.5/3, 33.5/3, 36/3 = 12
//   vol3 (day 3) = stdev(0.1, −1/22, 1/7) × √252: mean 0.0658009, squared deviations
//     0.0011696 + 0.0123778 + 0.0059377 = 0.0194850, / 2 → 0.0097425, √ → 0.0987042, × 15.874508 = 1.5668798
//   running peak 10, 11, 11, 12, 12, 13 → drawdown 0, 0, −1/22, 0, −1/12, 0
const closes = [10, 11, 10.5, 12, 11, 13];

describe('market statistics on a hand-computed fixture', () => {
  it('returns', () => {
    const r = simpleReturns(closes);
    expect(r[0]).toBeNull();
    [0.1, -1 / 22, 1 / 7, -1 / 12, 2 / 11].forEach((x, i) => expect(r[i + 1]).toBeCloseTo(x, 12));
    expect(logReturns([100, 110])[1]).toBeCloseTo(Math.log(1.1), 12);
  });

  it('moving average', () => {
    const ma = movingAverage(closes, 3);
    expect(ma.slice(0, 2)).toEqual([null, null]);
    [10.5, 33.5 / 3, 33.5 / 3, 12].forEach((x, i) => expect(ma[i + 2]).toBeCloseTo(x, 12));
    expect(movingAverage(closes, 20).every((x) => x === null)).toBe(true);
  });

  it('rolling annualised volatility', () => {
    const vol = rollingVolatility(simpleReturns(closes), 3);
    expect(vol.slice(0, 3)).toEqual([null, null, null]);
    expect(vol[3]).toBeCloseTo(1.5668797530655327, 9);
    expect(vol[4]).toBeCloseTo(1.9231342890968477, 9);
    expect(vol[5]).toBeCloseTo(2.2727489176458477, 9);
  });

  it('drawdown and maximum drawdown', () => {
    const dd = drawdowns(closes);
    [0, 0, -1 / 22, 0, -1 / 12, 0].forEach((x, i) => expect(dd[i]).toBeCloseTo(x, 12));
    expect(maxDrawdown(closes)).toBeCloseTo(-1 / 12, 12);
    expect(maxDrawdown([1, 2, 3])).toBe(0);
  });

  it('Pearson correlation, aligned on dates', () => {
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNull();
    const a = new Map([['d1', 1], ['d2', 2], ['d3', 3], ['d9', 100]]);
    const b = new Map([['d1', 1], ['d2', 3], ['d3', 2], ['d8', -100]]);
    const r = alignedPearson(a, b, 3);
    expect(r.n).toBe(3);
    expect(r.r).toBeCloseTo(0.5, 12);
  });
});

describe('Student-t', () => {
  it('matches tabulated quantiles', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.2281, 4);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0423, 4);
    expect(studentTQuantile(0.95, 5)).toBeCloseTo(2.015, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 3);
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
  });
});

describe('Bayesian mean daily return (Normal–Inverse-Gamma)', () => {
  it('the 95% credible interval covers the true simulated drift in 95% ± 3% of 1,000 series', () => {
    let covered = 0;
    const series = 1000;
    for (let seed = 1; seed <= series; seed++) {
      const symbol = seed % 2 ? 'SIM' : 'SIM=F';
      const closes = simulatePrices(symbol, seed, '2015-01-02', '2015-12-31').map((b) => b.close);
      const post = posteriorMeanReturn(logReturns(closes).slice(1) as number[])!;
      const truth = simulatorParams(symbol, seed).drift;
      if (post.lo <= truth && truth <= post.hi) covered++;
    }
    const coverage = covered / series;
    expect(coverage).toBeGreaterThanOrEqual(0.92);
    expect(coverage).toBeLessThanOrEqual(0.98);
  });

  it('is the conjugate update: a weak prior gives the classical interval, a strong prior pulls to μ₀', () => {
    const xs = [0.01, -0.02, 0.015, 0.005, -0.01, 0.02, 0.0, 0.012];
    const post = posteriorMeanReturn(xs)!;
    const n = xs.length;
    const mean = xs.reduce((a, b) => a + b) / n;
    expect(post.mean).toBeCloseTo(mean, 4);
    expect(post.dof).toBeCloseTo(n, 2);
    const strong = posteriorMeanReturn(xs, 0.95, { mu0: 0.5, kappa0: 1e6, alpha0: 2, beta0: 1e-4 })!;
    expect(strong.mean).toBeGreaterThan(0.49);
    expect(posteriorMeanReturn([0.01])).toBeNull();
  });
});
