/**
 * A public, aggregates-only publication (`dashboard.access = public-aggregates`) in a real headless
 * Chromium: a real local run with that config (`gridlake run --config`), served by local/serve.ts
 * on a random loopback port. The per-customer views are hidden and say why; nothing asks for a
 * per-customer file.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../local/serve';
import { ensureDashboardBuilt, launchChromium, openView, REPO_ROOT, seriousAxeViolations } from './browser';
import { daysAgo } from './real-run';

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gridlake-e2e-public-'));
  const config = path.join(dir, 'public.json');
  await writeFile(config, JSON.stringify({ simulator: { meters: 12 }, market: { symbols: ['SPY'] }, dashboard: { access: 'public-aggregates' } }));
  await promisify(execFile)('npx', ['tsx', 'bin/cli.ts', 'run', '--from', daysAgo(4), '--to', daysAgo(1), '--data-dir', path.join(dir, 'd'), '--config', config], {
    cwd: REPO_ROOT,
    timeout: 10 * 60_000,
  });
  await ensureDashboardBuilt();
  server = await startServer({ port: 0, dataDir: path.join(dir, 'd') });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
}, 15 * 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('dashboard on a public-aggregates publication', () => {
  it('shows fleet consumption, hides the customer detail and says why', async () => {
    await openView(page, server.url, '#/consumption');
    expect(await page.locator('#chart-fleet-daily').count()).toBe(1);
    const note = page.locator('[data-withheld="Customer detail"]');
    await expect(note.textContent()).resolves.toMatch(/not published on this public dashboard.*personal data.*aggregates only/s);
    expect(await page.locator('#meter-search, #meter-table').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('keeps a deep link to a customer from fetching anything per customer', async () => {
    await openView(page, server.url, '#/consumption?meter=c-000000000000');
    expect(await page.locator('.meter-detail').count()).toBe(0);
    expect(await page.locator('[data-withheld]').count()).toBe(1);
  });

  it('shows anomaly counts by rule, not the list of single meters, and says why', async () => {
    await openView(page, server.url, '#/anomalies');
    expect(await page.locator('details.totals').count()).toBe(1);
    await expect(page.locator('main [data-withheld]').textContent()).resolves.toMatch(/single meters and households: not published/);
    expect(await page.locator('main table a[href*="meter="]').count()).toBe(0);
    expect(requested.filter((p) => p.startsWith('/data/meters/'))).toEqual([]);
  });
});
