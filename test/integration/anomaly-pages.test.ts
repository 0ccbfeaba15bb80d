/**
 * Meter anomaly detection as the workflow runs it at scale (lambdas/steps/analyze/anomaly-pages.ts):
 * PrepareAnomalies computes the fleet's inputs in the warehouse and UNLOADs them to the lake as
 * Parquet partitioned by page, then each page is examined on its own (a DetectAnomalies child).
 * On a real DuckDB warehouse and a real folder lake:
 * - the pages file lists ceil(meters / metersPerPage) pages, each with its own unloaded meters;
 * - how the fleet is cut into pages changes nothing: 7 meters a page finds exactly the anomalies one
 *   page of all meters finds (the same rows, ids and values);
 * - a page worker re-run on the same inputs writes nothing new (the anomalies are unchanged).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { readJsonl } from '../../lambdas/contract/work-manifests';
import { listKeys } from '../../lambdas/ports/object-store';
import { AnomalyPageSchema, detectAnomalyPage, detectAnomalyPagesInProcess, prepareAnomalyPages } from '../../lambdas/steps/analyze/anomaly-pages';
import { closeTransformInstances } from '../../lambdas/steps/transform/duckdb-session';
import { openFixture, type Fixture } from './analysis-fixture';

const AS_OF = '2026-02-20';
const METERS = 30;
const PAGE = 7;
const input = { date: AS_OF, runId: `${AS_OF}-a1` };

let fx: Fixture;

const withPage = (metersPerPage: number) => ({ ...fx.ports, config: parseConfig({ ...fx.ports.config, analysis: { ...fx.ports.config.analysis, metersPerPage } }) });
const meterAnomalies = () => fx.warehouse.query({ name: 'dump', sql: "SELECT * FROM anomalies WHERE subject_type = 'meter' ORDER BY anomaly_id" });

beforeAll(async () => {
  fx = await openFixture({ meters: METERS, days: 28, asOfDay: AS_OF });
});
afterAll(async () => {
  await fx?.cleanup();
  await closeTransformInstances();
});

describe('anomaly detection by pages', () => {
  it('lists the pages and unloads each page its own meters and readings', async () => {
    const prepared = await prepareAnomalyPages(input, withPage(PAGE));
    expect(prepared.meters).toBe(METERS);
    expect(prepared.pages).toBe(Math.ceil(METERS / PAGE));
    const pages = await readJsonl(fx.ports.lake, prepared.pagesKey, AnomalyPageSchema);
    expect(pages.map((p) => p.page)).toEqual([0, 1, 2, 3, 4]);
    expect(pages[0]!.chunks.length).toBeGreaterThan(0);
    const prefix = pages[0]!.prefix;
    for (const page of [0, 4]) {
      const meters = await listKeys(fx.ports.lake, `${prefix}meters/page=${page}/`);
      const readings = await listKeys(fx.ports.lake, `${prefix}chunk-0/page=${page}/`);
      expect(meters.some((k) => k.endsWith('.parquet')), `meters of page ${page}`).toBe(true);
      expect(readings.some((k) => k.endsWith('.parquet')), `readings of page ${page}`).toBe(true);
    }
    // No page beyond the last.
    expect(await listKeys(fx.ports.lake, `${prefix}meters/page=5/`)).toEqual([]);
  });

  it('finds the same anomalies however the fleet is cut into pages', async () => {
    const outcomes = await detectAnomalyPagesInProcess(input, withPage(PAGE));
    expect(outcomes.map((o) => o.meters)).toEqual([7, 7, 7, 7, 2]);
    const byPages = await meterAnomalies();
    expect(byPages.length).toBeGreaterThan(0);
    expect(outcomes.reduce((s, o) => s + o.anomalies, 0)).toBe(byPages.length);

    await fx.warehouse.execute({ name: 'reset', sql: "DELETE FROM anomalies WHERE subject_type = 'meter'" });
    const whole = await detectAnomalyPagesInProcess(input, withPage(1000));
    expect(whole.map((o) => o.meters)).toEqual([METERS]);
    expect(await meterAnomalies()).toEqual(byPages);
  });

  it('a page examined again writes nothing new', async () => {
    const before = await meterAnomalies();
    const prepared = await prepareAnomalyPages(input, withPage(PAGE));
    const [first] = await readJsonl(fx.ports.lake, prepared.pagesKey, AnomalyPageSchema);
    await detectAnomalyPage(first, withPage(PAGE));
    expect(await meterAnomalies()).toEqual(before);
  });
});
