/**
 * Analyze bench: 1,000 simulated meters × 90 days (4.3M readings).
 * - per model, in memory (arrays in, results out): seasonal baseline + spike/stuck/gap rules for every
 *   meter, the backtested forecast of the fleet, market statistics and the NIG posterior;
 * - per analysis module on a real DuckDB warehouse holding the same fleet, and the whole analyze step
 *   (including consumption, runs and overview) end to end — goal ≤ 5 s.
 */
import { chooseForecast } from '../lambdas/analysis/choose-forecast';
import { drawdowns } from '../lambdas/analysis/drawdown';
import { toLocalHourly } from '../lambdas/analysis/local-hourly';
import { detectMeterAnomalies } from '../lambdas/analysis/meter-anomalies';
import { movingAverage } from '../lambdas/analysis/moving-average';
import { posteriorMeanReturn } from '../lambdas/analysis/normal-inverse-gamma';
import { logReturns, simpleReturns } from '../lambdas/analysis/returns';
import { rollingVolatility } from '../lambdas/analysis/rolling-volatility';
import { baselineColumns, seasonalBaseline } from '../lambdas/analysis/seasonal-baseline';
import { simulatePrices } from '../lambdas/sources/market/simulator';
import { simulateDay } from '../lambdas/sources/meter-simulator/simulate';
import { analyze, ANALYSES } from '../lambdas/steps/analyze/index';
import { addDays } from '../lambdas/steps/analyze/window';
import { openFixture } from '../test/integration/analysis-fixture';

const METERS = 1000;
const DAYS = 90;
const AS_OF = '2026-02-20';
const TZ = 'Europe/London';
const HOUR = 3_600_000;

const ms = (t0: number) => `${Math.round(performance.now() - t0)} ms`;

function modelTimings(): Record<string, string> {
  const out: Record<string, string> = {};
  // Per-meter series, as the transform would leave them (the last version of a reading wins).
  const series = new Map<string, Map<number, number>>();
  const fleet = new Map<number, number>();
  for (let d = DAYS - 1; d >= 0; d--) {
    const { readings } = simulateDay({ meters: METERS, seed: 42, timezone: TZ, faults: true, date: addDays(AS_OF, -d) });
    for (const r of readings) {
      const t = Date.parse(r.timestamp);
      let m = series.get(r.meter_id);
      if (!m) series.set(r.meter_id, (m = new Map()));
      m.set(t, r.kwh);
    }
  }
  let t0 = performance.now();
  let anomalies = 0;
  for (const m of series.values()) {
    const t = [...m.keys()].sort((a, b) => a - b);
    const v = t.map((x) => m.get(x)!);
    for (let i = 0; i < t.length; i++) fleet.set(Math.floor(t[i]! / HOUR), (fleet.get(Math.floor(t[i]! / HOUR)) ?? 0) + v[i]!);
    const base = seasonalBaseline(t, v, TZ);
    anomalies += detectMeterAnomalies({ t, v, ...baselineColumns(base, t, TZ) }, { start: t[0]!, end: t.at(-1)! + 1_800_000, intervalMinutes: 30 }).length;
  }
  out['anomaly rules, 1,000 meters × 90 days (in memory)'] = `${ms(t0)} (${anomalies} anomalies)`;

  const hours = [...fleet.keys()].sort((a, b) => a - b).slice(1, -1);
  const y = toLocalHourly(hours.map((h) => h * HOUR), hours.map((h) => fleet.get(h)!), TZ).y;
  t0 = performance.now();
  const f = chooseForecast(y, 168);
  const naive = f.scores.find((s) => s.model === 'seasonal-naive-weekly')!.mase;
  const chosen = f.scores.find((s) => s.model === f.chosenModel)!.mase;
  out['forecast: backtest 3 models + 168 h, fleet'] = ms(t0);
  out['forecast: chosen model, MASE vs weekly naive'] = `${f.chosenModel} ${chosen.toFixed(3)} vs ${naive.toFixed(3)}`;

  t0 = performance.now();
  for (const symbol of ['SPY', 'XLE', 'XLU', 'ICLN', 'CL=F', 'NG=F']) {
    const close = simulatePrices(symbol, 11, addDays(AS_OF, -465), AS_OF).map((b) => b.close);
    const r = simpleReturns(close);
    movingAverage(close, 20);
    movingAverage(close, 50);
    rollingVolatility(r, 20);
    drawdowns(close);
    posteriorMeanReturn(logReturns(close).slice(1) as number[]);
  }
  out['market statistics + NIG posterior, 6 symbols × 1 year'] = ms(t0);
  return out;
}

export async function benchAnalyze(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = { ...modelTimings() };
  let t0 = performance.now();
  const fx = await openFixture({ meters: METERS, days: DAYS, asOfDay: AS_OF, households: 840, symbols: ['SPY', 'XLE', 'XLU', 'ICLN', 'CL=F', 'NG=F'] });
  out['setup: DuckDB warehouse with 4.3M readings'] = ms(t0);
  try {
    const ctx = { input: { date: AS_OF, runId: `${AS_OF}-a1` }, ports: fx.ports, asOfDay: AS_OF, fromDay: AS_OF, detectToDay: AS_OF };
    for (const analysis of ANALYSES) {
      t0 = performance.now();
      const r = await analysis.run(ctx);
      out[`module ${analysis.name} (DuckDB)`] = `${ms(t0)} ${JSON.stringify(r.counts)}`;
    }
    t0 = performance.now();
    const { counts } = await analyze({ date: AS_OF, runId: `${AS_OF}-a1` }, fx.ports);
    const total = performance.now() - t0;
    // Where the re-run's time went: each analysis, then what is left (writing the result files).
    let modules = 0;
    for (const analysis of ANALYSES) {
      const msOf = counts[`${analysis.name}.ms`] ?? 0;
      modules += msOf;
      out[`  re-run: ${analysis.name}`] = `${msOf} ms`;
    }
    out['  re-run: result files (runs/ + latest/), the rest'] = `${Math.round(total - modules)} ms`;
    out['analyze step end to end, re-run (goal ≤ 5,000 ms)'] = `${Math.round(total)} ms ${total <= 5000 ? 'ok' : 'OVER'}`;
  } finally {
    await fx.cleanup();
  }
  return out;
}

if (require.main === module) {
  void benchAnalyze().then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(58)} ${v}`);
  });
}
