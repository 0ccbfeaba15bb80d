/**
 * The analyze-step modules on a real DuckDB warehouse filled with simulated data: anomalies match
 * the simulator's labels of the as-of day, alerts go out once, and re-running the analysis for the
 * same date replaces its results and sends no second alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Anomalies } from '../../lambdas/contract/results';
import type { Analysis, AnalysisContext } from '../../lambdas/steps/analyze/analysis';
import { alertsAnalysis } from '../../lambdas/steps/analyze/alerts';
import { anomaliesAnalysis } from '../../lambdas/steps/analyze/anomalies';
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
  ctx = { input: { date: AS_OF, runId: `${AS_OF}-a1` }, ports: fx.ports, asOfDay: AS_OF };
});
afterAll(async () => fx?.cleanup());

describe('anomalies and alerts on DuckDB', () => {
  it('finds the faults the simulator injected on the as-of day', async () => {
    const { files, counts } = await runAll([anomaliesAnalysis, alertsAnalysis]);
    const dayStart = Date.parse(`${AS_OF}T00:00:00Z`);
    const dayEnd = dayStart + 86_400_000;
    const rows = await fx.warehouse.query({ name: 'meter_anomalies', sql: "SELECT * FROM anomalies WHERE subject_type = 'meter'" });
    for (const kind of ['spike', 'stuck', 'gap'] as const) {
      const labels = fx.labels.filter((l) => l.kind === kind && Date.parse(l.start) >= dayStart && Date.parse(l.start) < dayEnd);
      for (const l of labels) {
        const hit = rows.some((r) => r.rule === kind && r.subject_id === l.meter_id && Date.parse(String(r.occurred_at)) >= Date.parse(l.start) && Date.parse(String(r.occurred_at)) < Date.parse(l.end));
        expect(hit, `${kind} of ${l.meter_id} at ${l.start}`).toBe(true);
      }
      expect(labels.length, `${kind} labels on ${AS_OF}`).toBeGreaterThan(0);
      expect(rows.filter((r) => r.rule === kind).length, kind).toBe(labels.length);
    }
    const anomalies = files['anomalies.json'] as Anomalies;
    expect(anomalies.items.length).toBeGreaterThan(0);
    expect(anomalies.items.every((i) => i.subjectType !== 'meter' || /^c-[0-9a-f]{12}$/.test(i.subject))).toBe(true);
    expect(anomalies.totals.reduce((s, t) => s + t.count, 0)).toBe(Number(counts.anomalies!.detected));
    const spike = anomalies.items.find((i) => i.rule === 'spike');
    if (spike) expect(spike.context.t.length).toBeGreaterThan(3);
    // Every fifth of the 40 households breaches heating in each of the 4 months in range.
    expect(counts.anomalies!.threshold).toBe(8 * 4);
    expect(fx.notifier.sent.length).toBe(counts.alerts!.sent);
    expect(fx.notifier.sent.filter((n) => n.kind === 'threshold').length).toBe(32);
    expect(fx.notifier.sent.some((n) => /M\d{4}/.test(n.message + n.title))).toBe(false);
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
