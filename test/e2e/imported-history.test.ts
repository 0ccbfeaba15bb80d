/**
 * The dashboard over an imported history, as a new user gets there: the energy app's export layout
 * (generated: 3 homes in Tokyo, 60 days ending 2016-12-31, test/integration/labelled-export.ts) goes
 * through `gridlake import meters … --timezone Asia/Tokyo` and the next command it prints
 * (`gridlake run --sources meters`, no date), then Chromium opens the dashboard: the real meters are shown and no simulated ones, every time
 * is on the meters' clock with the zone named, and the forecast starts right after the last reading.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../local/serve';
import { writeLabelledExport } from '../integration/labelled-export';
import type { Consumption } from '../../lambdas/contract/results';
import { energy } from '../../dashboard/src/format';
import { ensureDashboardBuilt, launchChromium, openView, REPO_ROOT } from './browser';

const run = promisify(execFile);
const gridlake = (args: string[]) => run('npx', ['tsx', 'bin/cli.ts', ...args], { cwd: REPO_ROOT, timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 });

let root: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gridlake-e2e-import-'));
  const exportDir = path.join(root, 'smap-export');
  const dataDir = path.join(root, 'data');
  writeLabelledExport(exportDir, { meters: 3, days: 60, firstDay: '2016-11-02', offsetHours: 9, seed: 11 });
  await Promise.all([
    (async () => {
      // Follow the import's own hint, word for word (the temp path has no characters needing quotes).
      const { stdout } = await gridlake(['import', 'meters', exportDir, '--timezone', 'Asia/Tokyo', '--data-dir', dataDir]);
      const hint = /Next, load and analyse it:\s+npx gridlake (.+)$/m.exec(stdout)?.[1];
      expect(hint, stdout).toBe(`run --sources meters --data-dir ${dataDir}`);
      await gridlake(hint!.split(' '));
    })(),
    ensureDashboardBuilt(),
  ]);
  server = await startServer({ port: 0, dataDir });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.setDefaultTimeout(60_000);
}, 15 * 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the dashboard over an imported Tokyo history', () => {
  it('shows the imported meters and no simulated ones', async () => {
    await openView(page, server.url, '#/consumption');
    expect(await page.locator('#meter-table tbody tr').count()).toBe(3);
    expect(await page.locator('[data-simulated]').count()).toBe(0);
    // The window note names the data's own days, not the day the run happened.
    expect(await page.locator('[data-window]').textContent()).toContain('to 2016-12-31');
    expect(errors).toEqual([]);
  });

  it('shows anomaly times on the meters’ clock with the zone named, each with a plain reason', async () => {
    await openView(page, server.url, '#/anomalies');
    const times = await page.locator('#anomaly-table tbody tr td:first-child').allTextContents();
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) expect(t).toMatch(/\(Asia\/Tokyo\)$/);
    const reasons = await page.locator('#anomaly-table td.reason').allTextContents();
    expect(reasons.some((r) => /kWh in 30 min, usually/.test(r))).toBe(true);
    expect(await page.locator('button.csv-download').count()).toBeGreaterThan(0);
    // The list fits a 1366 px screen: no horizontal scroll inside its box.
    const overflow = await page.locator('#anomaly-table').evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-output', 'screenshots', 'imported-anomalies-desktop.png'), fullPage: false });
    // On a phone the rows stack: nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const phoneOverflow = await page.locator('#anomaly-table').evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth);
    expect(phoneOverflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-output', 'screenshots', 'imported-anomalies-phone.png'), fullPage: false });
    await page.setViewportSize({ width: 1366, height: 900 });
    expect(errors).toEqual([]);
  });

  it('stacks the other tables on a phone too: a customer card shows Total first, nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const view of ['#/consumption', '#/pipeline']) {
        await openView(page, server.url, view);
        const overflows = await page.locator('.table-wrap').evaluateAll((ws) => ws.map((w) => w.scrollWidth - w.clientWidth));
        expect(overflows.length, view).toBeGreaterThan(0);
        for (const o of overflows) expect(o, view).toBeLessThanOrEqual(1);
      }
      await openView(page, server.url, '#/consumption');
      const row = page.locator('#meter-table tbody tr').first();
      const y = (label: string) => row.locator(`[data-label="${label}"]`).evaluate((c) => c.getBoundingClientRect().top);
      expect(await y('Total')).toBeLessThan(await y('Area'));
      await page.screenshot({ path: path.join(REPO_ROOT, 'test-output', 'screenshots', 'imported-consumption-phone.png'), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1366, height: 900 });
    }
    expect(errors).toEqual([]);
  });

  it('sets the Overview energy figures by the header’s date range, and says what it leaves as of the newest data', async () => {
    await openView(page, server.url, '#/overview?from=2016-12-01&to=2016-12-10');
    const c = (await (await page.request.get(`${server.url}data/consumption.json`)).json()) as Consumption;
    const inRange = c.fleetDaily.day.map((d, i) => [d, c.fleetDaily.totalKwh[i]!] as const).filter(([d]) => d >= '2016-12-01' && d <= '2016-12-10');
    expect(inRange.length).toBe(10);
    const total = await page.locator('[data-kpi="energy-30"]').innerText();
    expect(total).toContain('Energy, 2016-12-01 to 2016-12-10');
    expect(total).toContain(energy(inRange.reduce((s, [, v]) => s + v, 0)));
    expect(await page.locator('[data-kpi="energy-today"]').innerText()).toContain(`Energy on 2016-12-10\n${energy(inRange.at(-1)![1])}`);
    expect(await page.locator('[data-range-note]').textContent()).toContain('as of 2016-12-31');
    // The anomaly count says what it counts (there is no open/closed state to promise).
    expect(await page.locator('[data-kpi="open-anomalies"]').innerText()).toMatch(/^Anomalies, last 7 days\n\d+\nof data to 2016-12-31/);
    expect(errors).toEqual([]);
  });

  it('forecasts from the first hour after the last reading, on local time', async () => {
    await openView(page, server.url, '#/forecast');
    const lead = await page.locator('p.lead').textContent();
    // 2016-12-31T15:00Z = 1 Jan 2017, 00:00 in Tokyo.
    expect(lead).toContain('1 Jan 2017, 00:00 GMT+9 (Asia/Tokyo)');
    expect(await page.locator('[data-forecast-quality]').count()).toBe(1);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-output', 'screenshots', 'imported-forecast-desktop.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
