/**
 * The dashboard's flow view in a real headless Chromium (Debian's, via playwright-core) against a
 * real local run of the workflow: 2 simulated flow meters × 22 days (seed 32 starts a leak on FS001).
 * The view draws flow and pressure with the outlier hours marked, the night-flow trend and the next
 * 7 days, on the devices' clock with the zone named; its numbers are the published files'.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flow, FlowDevice } from '../../lambdas/contract/results';
import { closeLocalPorts } from '../../lambdas/ports/local-ports';
import { startServer, type RunningServer } from '../../local/serve';
import { runLocalWorkflow } from '../../local/workflow';
import { ensureDashboardBuilt, launchChromium, openView, seriousAxeViolations, waitForCharts, waitForRender } from './browser';

const CONFIG = { flowSensors: { devices: 2, seed: 32, timezone: 'Asia/Tokyo' } };
let root: string;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gridlake-e2e-flow-'));
  const [run] = await Promise.all([
    runLocalWorkflow({ dataDir: root, input: { from: '2026-11-01', to: '2026-11-22', sources: ['flow-sensors'] }, config: CONFIG, retryIntervalMs: 0 }),
    ensureDashboardBuilt(),
  ]);
  if (run.status !== 'SUCCEEDED') throw new Error(`flow run failed: ${run.error}`);
  await closeLocalPorts(root);
  server = await startServer({ port: 0, dataDir: root });
  browser = await launchChromium();
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const published = async <T>(file: string) => JSON.parse(await readFile(path.join(root, 'site', 'data', file), 'utf8')) as T;

describe('flow view (Chromium)', () => {
  it('shows a device: flow and pressure with outliers marked, night flow, the next 7 days with its backtest, one clock', async () => {
    const flow = await published<Flow>('flow.json');
    expect(flow.devices.map((d) => d.deviceId)).toEqual(['FS001', 'FS002']);
    const fs001 = await published<FlowDevice>('flow/FS001.json');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page: Page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.setDefaultTimeout(60_000);

    await openView(page, server.url, '#/flow');
    expect(await page.locator('main [data-empty], main [data-error]').count()).toBe(0);
    expect(await waitForCharts(page)).toBe(4);
    for (const id of ['chart-flow-flow', 'chart-flow-pressure', 'chart-flow-night', 'chart-flow-forecast']) expect(await page.locator(`#${id}`).count(), id).toBe(1);
    // One clock: the devices' zone, named.
    expect(await page.locator('main .lead').textContent()).toContain('Asia/Tokyo');
    expect(await page.locator('[data-flow-kpis] .kpi').first().textContent()).toContain('Asia/Tokyo');
    // Outliers are marked: the flow chart's data table has a value in the outlier column for each marked hour.
    const flowOutlierHours = new Set(fs001.outliers.filter((o) => o.channel === 'flow').map((o) => Math.floor(Date.parse(o.minute) / 3_600_000)));
    await page.locator('#chart-flow-flow details summary').click();
    const cells = await page.locator('#chart-flow-flow details tbody tr td:last-child').allTextContents();
    expect(cells.filter((c) => c !== '—')).toHaveLength(flowOutlierHours.size);
    // The leak the simulator started on FS001 shows on its night-flow trend.
    expect(fs001.nights.some((n) => n.leakSuspected)).toBe(true);
    expect(await page.locator('#f-device option').first().textContent()).toMatch(/FS001.*leak suspected/);
    // The forecast and its published check.
    expect(await page.locator('#chart-flow-forecast .chart-title').textContent()).toContain(`issued ${fs001.forecast!.issuedOn}`);
    expect(await page.locator('[data-flow-backtest]').textContent()).toMatch(/MASE|hold-out/);
    expect(await page.locator('main').textContent()).toContain('exports/devices/FS001/2026-11-22.txt');
    // The outlier list: the largest first, at most 50.
    expect(await page.locator('#flow-outliers-title ~ * table tbody tr').count()).toBe(Math.min(50, fs001.outliers.length));

    // Another device by its deep link and by the select.
    const before = Number(await page.evaluate(() => document.querySelector('main')?.dataset.renders ?? 0));
    await page.selectOption('#f-device', 'FS002');
    await waitForRender(page, before);
    await waitForCharts(page);
    expect(page.url()).toContain('device=FS002');
    expect(await page.locator('#chart-flow-flow .chart-title').textContent()).toContain('FS002');

    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
