/**
 * The analyze-step modules on a real DuckDB warehouse filled with simulated data: anomalies match
 * the simulator's labels of the as-of day, alerts go out once, and re-running the analysis for the
 * same date replaces its results and sends no second alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Anomalies, Emissions, Forecast, Market } from '../../lambdas/contract/results';
import type { Analysis, AnalysisContext } from '../../lambdas/steps/analyze/analysis';
import { ALERT_MAX_AGE_DAYS, alertsAnalysis } from '../../lambdas/steps/analyze/alerts';
import { anomaliesAnalysis, REVIEW_DAYS } from '../../lambdas/steps/analyze/anomalies';
import { emissionsAnalysis } from '../../lambdas/steps/analyze/emissions';
import { forecastsAnalysis } from '../../lambdas/steps/analyze/forecasts';
import { marketAnalysis } from '../../lambdas/steps/analyze/market';
import { overviewAnalysis } from '../../lambdas/steps/analyze/overview';
import type { Overview } from '../../lambdas/contract/results';
import { baselineColumns, seasonalBaseline } from '../../lambdas/analysis/seasonal-baseline';
import { sqlFile } from '../../lambdas/sql/files';
import { scriptStatements } from '../../lambdas/sql/script';
import { openFixture, type Fixture } from './analysis-fixture';

const AS_OF = '2026-02-20';

let fx: Fixture;
let ctx: AnalysisContext;

async function runAll(analyses: Analysis[]) {
  const files: Record<string, unknown> = {};
  const counts: Record<string, Record<string, number>> = {};
  for (const a of analyses) {
    const r = await a.run(ctx);
    Object.assign(files, r.files);
    counts[a.name] = r.counts;
  }
  return { files, counts };
}

const dump = (table: string, order: string) => fx.warehouse.query({ name: `dump_${table}`, sql: `SELECT * FROM ${table} ORDER BY ${order}` });

beforeAll(async () => {
  fx = await openFixture({ meters: 150, days: 42, asOfDay: AS_OF });
  ctx = { input: { date: AS_OF, runId: `${AS_OF}-a1` }, ports: fx.ports, asOfDay: AS_OF, fromDay: AS_OF, detectToDay: AS_OF };
});
afterAll(async () => fx?.cleanup());

describe('anomalies and alerts on DuckDB', () => {
  it('finds the faults the simulator injected on the as-of day and the week it reviews', async () => {
    const { files, counts } = await runAll([anomaliesAnalysis, alertsAnalysis]);
    // The run loaded the as-of day; detection reviews the REVIEW_DAYS before it (London in winter = UTC).
    const dayStart = Date.parse(`${AS_OF}T00:00:00Z`) - REVIEW_DAYS * 86_400_000;
    const dayEnd = Date.parse(`${AS_OF}T00:00:00Z`) + 86_400_000;
    const rows = await fx.warehouse.query({ name: 'meter_anomalies', sql: "SELECT * FROM anomalies WHERE subject_type = 'meter'" });
    for (const kind of ['spike', 'stuck', 'gap'] as const) {
      const labels = fx.labels.filter((l) => l.kind === kind && Date.parse(l.start) >= dayStart && Date.parse(l.start) < dayEnd);
      const matches = (r: (typeof rows)[number], l: (typeof labels)[number]) =>
        r.rule === kind && r.subject_id === l.meter_id && Date.parse(String(r.occurred_at)) >= Date.parse(l.start) && Date.parse(String(r.occurred_at)) < Date.parse(l.end);
      const missed = labels.filter((l) => !rows.some((r) => matches(r, l)));
      const found = rows.filter((r) => r.rule === kind && Date.parse(String(r.occurred_at)) >= dayStart);
      expect(labels.length, `${kind} labels on ${AS_OF}`).toBeGreaterThan(0);
      // Every detection is a labelled fault. Every stuck run and gap is found; a simulated spike may be
      // missed when it stays within what that home itself reaches now and then (1.5 × its own 99.5th
      // percentile: the rule built for real homes, lambdas/analysis/meter-anomalies.ts).
      expect(found.filter((r) => !labels.some((l) => matches(r, l))), `${kind} detections without a label`).toEqual([]);
      if (kind === 'spike') expect(missed.length, `spikes missed of ${labels.length}`).toBeLessThanOrEqual(Math.ceil(labels.length * 0.15));
      else expect(missed, `${kind} missed`).toEqual([]);
      expect(rows.filter((r) => r.rule === kind && Date.parse(String(r.occurred_at)) < dayStart).length, `${kind} before the reviewed week`).toBe(0);
    }
    const anomalies = files['anomalies.json'] as Anomalies;
    expect(anomalies.items.length).toBeGreaterThan(0);
    expect(anomalies.items.every((i) => i.subjectType !== 'meter' || /^c-[0-9a-f]{12}$/.test(i.subject))).toBe(true);
    // A household (building-floor-unit) is one flat: the dashboard gets a pseudonym, never 1901-0304.
    const households = anomalies.items.filter((i) => i.subjectType === 'household');
    expect(households.length).toBeGreaterThan(0);
    expect(households.every((i) => /^h-[0-9a-f]{12}$/.test(i.subject))).toBe(true);
    expect(JSON.stringify(anomalies)).not.toMatch(/19(0[1-9]|1[01])-\d{4}/);
    expect(anomalies.totals.reduce((s, t) => s + t.count, 0)).toBe(Number(counts.anomalies!.detected));
    const spike = anomalies.items.find((i) => i.rule === 'spike');
    if (spike) expect(spike.context.t.length).toBeGreaterThan(3);
    // Every fifth of the 40 households breaches heating in each of the 4 months in range.
    expect(counts.anomalies!.threshold).toBe(8 * 4);
    expect(fx.notifier.sent.length).toBe(counts.alerts!.sent);
    expect(fx.notifier.sent.filter((n) => n.kind === 'threshold').length).toBe(32);
    expect(fx.notifier.sent.some((n) => /M\d{4}/.test(n.message + n.title))).toBe(false);
  });

  it('counts this month\'s threshold breaches among the open anomalies of the overview', async () => {
    const { files } = await runAll([overviewAnalysis]);
    const [month] = await fx.warehouse.query({
      name: 'breaches',
      sql: `SELECT COUNT(*) AS n FROM anomalies WHERE subject_type = 'household' AND occurred_at >= CAST(CAST(date_trunc('month', CAST(:d AS DATE)) AS DATE) AS TIMESTAMPTZ)`,
      params: { d: AS_OF },
    });
    const overview = files['overview.json'] as Overview;
    expect(Number(month!.n)).toBeGreaterThan(0);
    expect(overview.kpis.openAnomalies).toBeGreaterThanOrEqual(Number(month!.n));
  });

  it('re-running the same date replaces the results and sends no second alert', async () => {
    const before = await dump('anomalies', 'anomaly_id');
    const sent = fx.notifier.sent.length;
    const { counts } = await runAll([anomaliesAnalysis, alertsAnalysis]);
    expect(counts.alerts!.sent).toBe(0);
    expect(fx.notifier.sent.length).toBe(sent);
    expect(await dump('anomalies', 'anomaly_id')).toEqual(before);
  });
});

describe('the SQL baseline and its in-memory twin', () => {
  it('give the same expected values and history counts', async () => {
    const window = {
      history_from_ts: '2026-01-10T00:00:00Z',
      read_from_ts: '2026-02-19T00:00:00Z',
      to_ts: '2026-02-21T00:00:00Z',
    };
    // The fleet-wide inputs exactly as PrepareAnomalies computes them (anomaly-pages.ts), read back
    // from the temp table its UNLOAD reads, in the same transaction.
    const statements = [
      ...scriptStatements('analysis/anomaly_meters.sql', 'meters', {
        first_run_id: '0',
        last_run_id: 'z',
        run_id_pattern: '%',
        page_size: 500,
        default_timezone: 'Europe/London',
        history_from_ts: window.history_from_ts,
        to_ts: window.to_ts,
      }),
      ...scriptStatements('analysis/anomaly_chunk_inputs.sql', 'inputs', {
        ...window,
        interval_minutes: 30,
        envelope_from_ts: window.history_from_ts,
        envelope_to_ts: window.to_ts,
      }),
      { name: 'scored', sql: 'SELECT meter_id, interval_start, kwh, expected, history FROM anomaly_readings ORDER BY meter_id, interval_start' },
      ...scriptStatements('analysis/anomaly_inputs_drop.sql', 'drop'),
    ];
    const results = await fx.warehouse.transaction(statements);
    const scored = results[statements.findIndex((s) => s.name === 'scored')]!;
    for (const meter of ['M0001', 'M0077']) {
      const raw = await fx.warehouse.query({
        name: 'raw',
        sql: 'SELECT interval_start, kwh FROM meter_readings WHERE meter_id = :m AND interval_start >= CAST(:f AS TIMESTAMPTZ) AND interval_start < CAST(:t AS TIMESTAMPTZ) ORDER BY interval_start',
        params: { m: meter, f: window.history_from_ts, t: window.to_ts },
      });
      const base = seasonalBaseline(raw.map((r) => Date.parse(String(r.interval_start))), raw.map((r) => Number(r.kwh)), 'Europe/London');
      const mine = scored.filter((r) => r.meter_id === meter);
      expect(mine.length).toBeGreaterThan(90);
      const t = mine.map((r) => Date.parse(String(r.interval_start)));
      const cols = baselineColumns(base, t, 'Europe/London');
      mine.forEach((r, i) => {
        expect(Number(r.expected)).toBeCloseTo(cols.expected[i]!, 9);
        expect(Number(r.history)).toBe(cols.history[i]);
      });
    }
  });
});

describe('alerts when a channel fails part-way', () => {
  it('marks what was sent, surfaces the error, and sends only the rest on the next run', async () => {
    await fx.warehouse.execute({ name: 'reset', sql: 'UPDATE anomalies SET notified_at = NULL' });
    const oldest = new Date(Date.parse(`${AS_OF}T00:00:00Z`) - ALERT_MAX_AGE_DAYS * 86_400_000).toISOString();
    const pending = await fx.warehouse.query({ name: 'pending', sql: sqlFile('analysis/alerts_pending.sql'), params: { oldest } });
    expect(pending.length).toBeGreaterThan(3);
    const delivered: string[] = [];
    const flaky = { async notify(n: { id: string }) { if (delivered.length === 2) throw new Error('webhook down'); delivered.push(n.id); } };
    const original = ctx.ports.notifier;
    ctx.ports.notifier = flaky as typeof original;
    await expect(alertsAnalysis.run(ctx)).rejects.toThrow('webhook down');
    ctx.ports.notifier = fx.notifier;
    const before = fx.notifier.sent.length;
    const { counts } = await alertsAnalysis.run(ctx);
    expect(counts.sent).toBe(pending.length - 2);
    const again = fx.notifier.sent.slice(before).map((n) => n.id);
    expect(again.filter((id) => delivered.includes(id))).toEqual([]);
  });
});

describe('alerts and an old history', () => {
  it('never pages, nor reads again, high meter anomalies older than the alert window', async () => {
    // Two un-notified high spikes of an imported history: one just outside the window, one just inside.
    const dayMs = Date.parse(`${AS_OF}T00:00:00Z`);
    const outside = new Date(dayMs - ALERT_MAX_AGE_DAYS * 86_400_000 - 1_800_000).toISOString();
    const inside = new Date(dayMs - ALERT_MAX_AGE_DAYS * 86_400_000).toISOString();
    await fx.warehouse.execute({ name: 'old_high', sql: "DELETE FROM anomalies WHERE anomaly_id IN ('old-outside', 'old-inside')" });
    for (const [id, at] of [['old-outside', outside], ['old-inside', inside]]) {
      await fx.warehouse.execute({
        name: 'old_high',
        sql: "INSERT INTO anomalies VALUES (:id, 'meter', 'M0001', CAST(:at AS TIMESTAMPTZ), 'spike', 'high', 9, 1, 12, 'history', NULL)",
        params: { id: id!, at: at! },
      });
    }
    const read: string[] = [];
    const original = ctx.ports.warehouse;
    const recording = Object.create(original) as typeof original;
    recording.query = (async (s: Parameters<typeof original.query>[0]) => {
      const rows = await original.query(s);
      if (s.name === 'alerts_pending') read.push(...rows.map((r) => String(r.anomaly_id)));
      return rows;
    }) as typeof original.query;
    ctx.ports.warehouse = recording;
    const before = fx.notifier.sent.length;
    try {
      await alertsAnalysis.run(ctx);
      await alertsAnalysis.run(ctx);
    } finally {
      ctx.ports.warehouse = original;
    }
    const sent = fx.notifier.sent.slice(before).map((n) => n.id);
    expect(sent).toContain('old-inside');
    expect(sent).not.toContain('old-outside');
    // The query itself leaves the old one out (an import's hundreds are not re-read by every run).
    expect(read).toContain('old-inside');
    expect(read).not.toContain('old-outside');
    const [row] = await fx.warehouse.query({ name: 'old_left', sql: "SELECT notified_at FROM anomalies WHERE anomaly_id = 'old-outside'" });
    expect(row!.notified_at).toBeNull();
  });
});

describe('forecasts, market statistics and emissions on DuckDB', () => {
  const all = () => [emissionsAnalysis, marketAnalysis, anomaliesAnalysis, alertsAnalysis, forecastsAnalysis];

  it('publishes a 168-hour forecast for the fleet and each area, chosen by backtest', async () => {
    const { files, counts } = await runAll(all());
    const forecast = files['forecast.json'] as Forecast;
    expect(forecast.issuedFor).toBe('2026-02-21T00:00:00.000Z');
    expect(forecast.groups.map((g) => g.group)).toEqual(['fleet', 'area:a1', 'area:a2', 'area:a3', 'area:a4']);
    for (const g of forecast.groups) {
      expect(g.points.t.length).toBe(168);
      expect(g.points.t[0]).toBe(forecast.issuedFor);
      const best = Math.min(...g.backtest.map((b) => b.mase));
      expect(g.backtest.find((b) => b.model === g.chosenModel)!.mase).toBe(best);
      g.points.yhat.forEach((y, i) => {
        expect(g.points.lo95[i]!).toBeLessThanOrEqual(g.points.lo80[i]!);
        expect(g.points.lo80[i]!).toBeLessThanOrEqual(y + 1e-9);
        expect(y).toBeLessThanOrEqual(g.points.hi80[i]! + 1e-9);
        expect(g.points.hi80[i]!).toBeLessThanOrEqual(g.points.hi95[i]!);
      });
      expect(g.history.t.length).toBe(14 * 24);
    }
    // The fleet forecast sits near the fleet's recent level (150 meters, 0.1–0.6 kWh per half hour).
    const fleet = forecast.groups[0]!;
    const recent = fleet.history.kwh.slice(-168).reduce((a, b) => a + b, 0) / 168;
    const ahead = fleet.points.yhat.reduce((a, b) => a + b, 0) / 168;
    expect(Math.abs(ahead / recent - 1)).toBeLessThan(0.1);
    const [{ n }] = (await fx.warehouse.query({ name: 'n', sql: "SELECT COUNT(*) AS n FROM forecasts WHERE issued_on = DATE '2026-02-20'" })) as { n: number }[];
    expect(n).toBe(counts.forecasts!.points);
    expect(n).toBe(5 * 168);

    const market = files['market.json'] as Market;
    expect(market.symbols.map((s) => s.symbol)).toEqual(['NG=F', 'SPY']);
    for (const s of market.symbols) {
      expect(s.series.date.at(-1)).toBe(AS_OF);
      expect(s.series.ma50[0]).not.toBeNull();
      expect(s.series.vol20[0]).not.toBeNull();
      expect(s.maxDrawdown).toBeLessThanOrEqual(0);
      expect(s.meanReturn!.lo95).toBeLessThan(s.meanReturn!.hi95);
      expect(s.correlationWithConsumption).not.toBeNull();
      expect(Math.abs(s.correlationWithConsumption!)).toBeLessThanOrEqual(1);
    }
    const stats = await fx.warehouse.query({ name: 'stats', sql: "SELECT * FROM market_stats WHERE symbol = 'SPY' ORDER BY trade_date DESC LIMIT 1" });
    const spy = market.symbols.find((s) => s.symbol === 'SPY')!;
    expect(String(stats[0]!.trade_date).slice(0, 10)).toBe(AS_OF);
    expect(Number(stats[0]!.ma20)).toBeCloseTo(spy.series.ma20.at(-1)!, 3);

    const emissions = files['emissions.json'] as Emissions;
    expect(emissions.factors.find((f) => f.energyType === 'electricity')!.factor).toBe(0.4747);
    expect(emissions.factors.every((f) => f.source.length > 20)).toBe(true);
    const heating = emissions.rows.filter((r) => r.energyType === 'heating' && r.building === 1901);
    expect(heating.length).toBe(4);
    for (const r of heating) expect(r.emissionKg).toBeCloseTo(r.amount * 0.202, 2);
  });

  it('re-running the date replaces forecasts and market statistics and alerts nobody', async () => {
    const tables = async () => ({
      forecasts: await dump('forecasts', 'group_id, target_hour'),
      market: await dump('market_stats', 'symbol, trade_date'),
      anomalies: await dump('anomalies', 'anomaly_id'),
    });
    const before = await tables();
    const sent = fx.notifier.sent.length;
    await runAll(all());
    expect(await tables()).toEqual(before);
    expect(fx.notifier.sent.length).toBe(sent);
  });

  it('a re-run rewrites what differs from its results — changed, missing and stray rows — and nothing else', async () => {
    const tables = async () => ({
      forecasts: await dump('forecasts', 'group_id, target_hour'),
      market: await dump('market_stats', 'symbol, trade_date'),
      anomalies: await dump('anomalies', 'anomaly_id'),
    });
    const before = await tables();
    const tamper = [
      "UPDATE anomalies SET score = score + 1 WHERE anomaly_id = (SELECT MIN(anomaly_id) FROM anomalies WHERE subject_type = 'household')",
      `INSERT INTO anomalies VALUES ('stray', 'meter', 'M0001', TIMESTAMPTZ '${AS_OF} 12:00:00+00', 'spike', 'low', 1, 1, 1, 'old', NULL)`,
      "UPDATE market_stats SET ma20 = 0 WHERE symbol = 'SPY' AND trade_date = DATE '2025-09-01'",
      "DELETE FROM market_stats WHERE symbol = 'NG=F' AND trade_date = DATE '2025-11-03'",
      "UPDATE forecasts SET yhat = yhat + 1 WHERE group_id = 'fleet' AND target_hour = TIMESTAMPTZ '2026-02-23 05:00:00+00'",
    ];
    for (const [i, sql] of tamper.entries()) await fx.warehouse.execute({ name: `tamper_${i}`, sql });
    expect(await tables()).not.toEqual(before);
    const sent = fx.notifier.sent.length;
    await runAll(all());
    expect(await tables()).toEqual(before);
    expect(fx.notifier.sent.length).toBe(sent);
  });
});
