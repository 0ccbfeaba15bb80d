/** Flow analysis: the statistics on known numbers, then detection scored against simulator labels. */
import { describe, expect, it } from 'vitest';
import { scoreEvents, scoreLeaks, type DetectedEvent, type SuspectedNight } from '../../lambdas/analysis/flow-detection-score';
import { analyseFlowDevice, type FlowDeviceAnalysis } from '../../lambdas/analysis/flow-device-analysis';
import { forecastTargetHours } from '../../lambdas/analysis/flow-forecast';
import { hourlyAggregates } from '../../lambdas/analysis/flow-hourly';
import { leakTrends, mannKendallZ, theilSenSlope } from '../../lambdas/analysis/flow-leak-trend';
import { median } from '../../lambdas/analysis/flow-level';
import { dayNumberOf, localDayStartMs, type MinuteSeries } from '../../lambdas/analysis/flow-minute-grid';
import { forecastRows, hourlyRows, nightFlowRows, outlierRows, readingRows } from '../../lambdas/analysis/flow-rows';
import { nightFlows } from '../../lambdas/analysis/flow-night-flow';
import { detectFlowOutliers } from '../../lambdas/analysis/flow-outliers';
import { simulateFlowRange } from '../../lambdas/sources/flow-sensors/simulate';

const MIN = 60_000;

describe('statistics on known numbers', () => {
  it('quickselect median equals the sorted median', () => {
    for (const n of [1, 2, 3, 10, 15, 151, 450]) {
      const values = Array.from({ length: n }, (_, k) => Math.sin(k * 12.9898) * 43758.5453 - Math.floor(Math.sin(k * 12.9898) * 43758.5453));
      const sorted = [...values].sort((a, b) => a - b);
      const expected = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
      expect(median(Float64Array.from(values), n)).toBe(expected);
    }
  });

  it('Theil–Sen ignores an outlier; Mann–Kendall z of ten rising values is 44/√125', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const y = x.map((v) => 2 * v + 1);
    expect(theilSenSlope(x, y)).toBe(2);
    expect(theilSenSlope(x, y.map((v, i) => (i === 4 ? 100 : v)))).toBe(2);
    expect(mannKendallZ(y)).toBeCloseTo(44 / Math.sqrt(125), 12);
    expect(mannKendallZ([...y].reverse())).toBe(0);
  });

  it('suspects a leak on a rising night flow, not on a flat noisy one or a one-night jump', () => {
    const nights = (f: (k: number) => number) => Array.from({ length: 20 }, (_, k) => ({ date: `2026-11-${String(k + 1).padStart(2, '0')}`, mnfLpm: f(k), minutes: 120, blocks: 8 }));
    const noise = (k: number) => Math.sin(k * 7.3) * 0.8;
    expect(leakTrends(nights((k) => 20 + noise(k))).some((t) => t.suspected)).toBe(false);
    expect(leakTrends(nights((k) => (k === 15 ? 40 : 20 + noise(k)))).some((t) => t.suspected)).toBe(false);
    const rising = leakTrends(nights((k) => 20 + noise(k) + (k >= 8 ? (k - 8) * 1.2 : 0)));
    expect(rising.slice(0, 8).some((t) => t.suspected)).toBe(false);
    expect(rising.at(-1)).toMatchObject({ suspected: true, nights: 10 });
    expect(rising.at(-1)!.slopeLpmPerNight!).toBeGreaterThan(0.8);
    // Too few nights: no verdict, said as such.
    expect(leakTrends(nights((k) => k)).slice(0, 6).every((t) => t.slopeLpmPerNight === null && !t.suspected)).toBe(true);
  });
});

/** A flat series in Tokyo from local midnight of `date`, `days` long. */
function flat(date: string, days: number, flow = 10, pressure = 4): MinuteSeries {
  const startMs = localDayStartMs(dayNumberOf(date), 'Asia/Tokyo');
  return { startMs, flow: new Float64Array(days * 1440).fill(flow), pressure: new Float64Array(days * 1440).fill(pressure) };
}

describe('night flow and hourly aggregates', () => {
  it('MNF is the lowest 15-minute mean between 02:00 and 04:00 local; a single low minute does not make it; a night without readings has none', () => {
    const s = flat('2026-12-01', 3);
    s.flow.fill(4, 150, 165); // 02:30–02:45 on the 1st: a quiet quarter hour
    s.flow[180] = 0; // one zero minute at 03:00
    s.flow.fill(NaN, 1440 + 120, 1440 + 240); // the 2nd: nothing between 02:00 and 04:00
    s.flow.fill(20, 2 * 1440 + 100, 2 * 1440 + 120); // the 3rd: high just before the window only
    const n = nightFlows(s, 'Asia/Tokyo');
    expect(n.map((x) => [x.date, x.mnfLpm, x.blocks])).toEqual([
      ['2026-12-01', 4, 8],
      ['2026-12-02', null, 0],
      ['2026-12-03', 10, 8],
    ]);
    expect(n[0]!.minutes).toBe(120);
  });

  it('hourly rows aggregate each channel over its own readings, per UTC hour, with the minutes counted', () => {
    const s = flat('2026-12-01', 1);
    for (let i = 0; i < 60; i++) s.flow[i] = i; // 00:00–00:59 JST = 15:00Z
    s.pressure.fill(NaN, 0, 30);
    s.flow.fill(NaN, 60, 120);
    s.pressure.fill(NaN, 60, 120);
    const h = hourlyAggregates(s);
    expect(h).toHaveLength(23); // the second hour has no reading at all
    expect(h[0]).toEqual({ hourMs: Date.parse('2026-11-30T15:00:00Z'), flowMean: 29.5, flowMin: 0, flowMax: 59, pressureMean: 4, pressureMin: 4, pressureMax: 4, minutes: 60 });
    expect(h[1]!.hourMs).toBe(Date.parse('2026-11-30T17:00:00Z'));
  });
});

describe('per-minute outliers', () => {
  it('flags an injected flow spike on the flow channel with its expected value, and leaves pressure alone', () => {
    const o = { seed: 31, timezone: 'Asia/Tokyo', devices: 1, faults: false };
    const d = simulateFlowRange(o, '2026-11-01', '2026-11-20').devices[0]!;
    const i = 18 * 1440 + 600; // 2026-11-19 10:00 local
    const clean = d.flow[i]!;
    d.flow[i] = clean * 3;
    const r = detectFlowOutliers(d, 'Asia/Tokyo');
    const hit = r.outliers.filter((x) => x.index === i);
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ channel: 'flow', value: clean * 3, rule: 'seasonal-mad', minuteMs: d.startMs + i * MIN });
    expect(hit[0]!.expected).toBeGreaterThan(0.8 * clean);
    expect(hit[0]!.expected).toBeLessThan(1.2 * clean);
    expect(hit[0]!.score).toBeGreaterThan(10);
    // Clean data: outliers are rare (a few per 10,000 minutes) and the first days are unscored, not "normal".
    const all = r.outliers.filter((x) => x.index !== i).length;
    expect(all / (2 * d.flow.length)).toBeLessThan(0.003);
    expect(r.unscored.flow).toBeGreaterThan(1440);
  });
});

describe('detection scored against the simulator labels (20 devices × 30 days, a DST change inside)', () => {
  const tz = 'Australia/Sydney';
  const from = '2026-09-20';
  const to = '2026-10-19';
  const sim = simulateFlowRange({ seed: 5, timezone: tz }, from, to);
  const results = new Map<string, FlowDeviceAnalysis>(sim.devices.map((d) => [d.device_id, analyseFlowDevice(d, tz, { issueDate: to })]));
  const events: DetectedEvent[] = [];
  const nights: SuspectedNight[] = [];
  for (const [device, r] of results) {
    for (const e of r.events) events.push({ device_id: device, kind: e.kind, channel: e.channel, startMs: e.startMs, endMs: e.endMs });
    for (const t of r.leak) if (t.suspected) nights.push({ device_id: device, nightMs: localDayStartMs(dayNumberOf(t.date), tz) + 3 * 3_600_000 });
  }

  it.each([
    ['burst', 0.8, 0.8],
    ['transient', 0.8, 0.8],
    ['stuck', 0.9, 0.9],
    ['dropout', 0.95, 0.95],
  ] as const)('%s: recall ≥ %s, precision ≥ %s', (kind, recall, precision) => {
    const s = scoreEvents(kind, sim.labels, events);
    expect(s.labels).toBeGreaterThan(5);
    expect(s.recall).toBeGreaterThanOrEqual(recall);
    expect(s.precision).toBeGreaterThanOrEqual(precision);
  });

  it('leak: recall and precision ≥ 0.6 over leaks seen on a week of nights', () => {
    const range = { fromMs: localDayStartMs(dayNumberOf(from), tz), toMs: localDayStartMs(dayNumberOf(to) + 1, tz) };
    const s = scoreLeaks(sim.labels, nights, range);
    expect(s.labels).toBeGreaterThan(0);
    expect(s.recall).toBeGreaterThanOrEqual(0.6);
    expect(s.precision).toBeGreaterThanOrEqual(0.6);
  });

  it('forecasts the 168 hours of the device file, with 80 % intervals and the backtest published', () => {
    const hours = forecastTargetHours(to, tz);
    for (const r of results.values()) {
      const f = r.forecast!;
      expect('hours' in f).toBe(true);
      if (!('hours' in f)) continue;
      expect(f.hours.map((h) => h.targetHourMs)).toEqual(hours);
      for (const h of f.hours) {
        expect(h.lo80).toBeLessThanOrEqual(h.flowLpm);
        expect(h.hi80).toBeGreaterThan(h.flowLpm);
        expect(h.flowLpm).toBeGreaterThanOrEqual(0);
      }
      const chosen = f.scores.find((s) => s.model === f.chosenModel)!;
      const naive = f.scores.find((s) => s.model === 'seasonal-naive-weekly')!;
      expect(chosen.mase).toBeLessThanOrEqual(naive.mase);
    }
  });

  it('turns into rows with unique natural keys for each planned table', () => {
    const [device, r] = [...results][0]!;
    const series = sim.devices.find((d) => d.device_id === device)!;
    const unique = (rows: Record<string, unknown>[], key: string[]) => new Set(rows.map((x) => key.map((k) => x[k]).join('|'))).size === rows.length;
    const readings = readingRows(device, series);
    expect(readings.length).toBe(series.flow.filter((v) => !Number.isNaN(v)).length);
    expect(unique(readings, ['device_id', 'minute'])).toBe(true);
    expect(outlierRows(device, r)).toHaveLength(r.outliers.length);
    expect(unique(outlierRows(device, r), ['device_id', 'minute', 'channel'])).toBe(true);
    expect(unique(hourlyRows(device, r), ['device_id', 'hour'])).toBe(true);
    expect(nightFlowRows(device, r).map((x) => x.night)).toEqual(r.nights.map((n) => n.date));
    const forecast = forecastRows(device, r);
    expect(forecast).toHaveLength(168);
    expect(forecast[0]).toMatchObject({ device_id: device, issued_on: to, target_hour: new Date(forecastTargetHours(to, tz)[0]!).toISOString().replace('.000Z', 'Z') });
  });
});

describe('leak alerts', () => {
  it('sends one alert per episode of suspected nights, with a stable id and the evidence', async () => {
    const { leakAlerts } = await import('../../lambdas/analysis/flow-leak-alerts');
    const nights = Array.from({ length: 24 }, (_, k) => ({
      date: `2026-11-${String(k + 1).padStart(2, '0')}`,
      mnfLpm: 20 + Math.sin(k * 7.3) * 0.8 + (k >= 8 && k < 20 ? (k - 8) * 1.5 : k >= 20 ? 18 - (k - 20) * 6 : 0),
      minutes: 120,
      blocks: 8,
    }));
    const trends = leakTrends(nights);
    const alerts = leakAlerts('FS007', nights, trends, 'run-1');
    const firstSuspected = trends.find((t) => t.suspected)!;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ id: `leak:FS007:${firstSuspected.date}`, kind: 'anomaly', severity: 'high', runId: 'run-1' });
    expect(alerts[0]!.message).toMatch(/Minimum night flow \(02:00–04:00\) of FS007 rose from [\d.]+ L\/min on 2026-11-\d\d to [\d.]+ L\/min/);
    // The same nights again (a re-run) give the same id: channels send it once.
    expect(leakAlerts('FS007', nights, leakTrends(nights)).map((a) => a.id)).toEqual(alerts.map((a) => a.id));
  });
});
