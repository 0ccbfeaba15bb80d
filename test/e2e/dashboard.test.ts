/**
 * The dashboard in a real headless Chromium (Debian's, via playwright-core) against data from a real
 * local run of the pipeline, served by local/serve.ts on a random loopback port.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Anomalies, Manifest, Overview } from '../../lambdas/contract/results';
import { pseudonymise } from '../../lambdas/steps/analyze/pseudonym';
import { startServer, type RunningServer } from '../../local/serve';
import { ensureDashboardBuilt, launchChromium, openView, REPO_ROOT, seriousAxeViolations, waitForCharts, waitForRender } from './browser';
import { writeFixtureData } from './fixtures';
import { daysAgo, readPseudonymKey, runPipeline, sqlJson } from './real-run';

/**
 * Where the data comes from: 'real-run' runs `gridlake run` (bin/cli.ts) and checks numbers with
 * `gridlake sql`; 'fixture' writes contract-typed data with test/e2e/fixtures.ts (development only).
 */
const DATA_SOURCE = 'real-run' as 'real-run' | 'fixture';
/** Days of simulated history: enough for anomalies (a meter's own history) and the forecast backtest. */
const RUN_DAYS = 21;

const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'screenshots');
const VIEWS = ['overview', 'consumption', 'anomalies', 'forecast', 'market', 'emissions', 'pipeline'] as const;

interface DailyRow {
  day: string;
  total_kwh: number;
  avg_interval_kwh: number;
  intervals: number;
  peak_kwh: number;
}

interface KnownMeter {
  rawId: string;
  pseudonym: string;
  rows: DailyRow[];
}

let root: string;
let dataDir: string;
let known: KnownMeter;
let server: RunningServer;
let browser: Browser;

async function prepareRealRun(dir: string): Promise<KnownMeter> {
  await runPipeline(dir, daysAgo(RUN_DAYS), daysAgo(1));
  const [first] = await sqlJson(dir, 'SELECT min(meter_id) AS meter_id FROM meter_daily');
  const rawId = String(first.meter_id);
  const rows = await sqlJson(
    dir,
    // The meter id comes from the warehouse itself; `gridlake sql` takes no parameters, so it is
    // re-validated as an identifier-like token before it goes into the statement.
    `SELECT CAST(day AS VARCHAR) AS day, total_kwh, avg_interval_kwh, intervals, peak_kwh FROM meter_daily WHERE meter_id = '${/^[A-Za-z0-9_.:-]+$/.test(rawId) ? rawId : 'invalid'}' ORDER BY day`,
  );
  const key = await readPseudonymKey(dir);
  return {
    rawId,
    pseudonym: pseudonymise(key, rawId),
    rows: rows.map((r) => ({ day: String(r.day), total_kwh: Number(r.total_kwh), avg_interval_kwh: Number(r.avg_interval_kwh), intervals: Number(r.intervals), peak_kwh: Number(r.peak_kwh) })),
  };
}

async function prepareFixture(dir: string): Promise<KnownMeter> {
  const fx = await writeFixtureData({ dataDir: dir, meters: 60, days: RUN_DAYS + 40 });
  const m = fx.meters[0];
  return {
    rawId: m.rawId,
    pseudonym: m.pseudonym,
    rows: m.daily.day.map((day, i) => ({ day, total_kwh: m.daily.totalKwh[i], avg_interval_kwh: m.daily.avgIntervalKwh[i], intervals: m.daily.intervals[i], peak_kwh: m.daily.peakKwh[i] })),
  };
}

/** A page that records console errors and uncaught exceptions. */
async function newPage(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.setDefaultTimeout(60_000);
  return { page, errors };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gridlake-e2e-'));
  dataDir = path.join(root, 'data');
  await mkdir(SCREENSHOTS, { recursive: true });
  const [k] = await Promise.all([DATA_SOURCE === 'real-run' ? prepareRealRun(dataDir) : prepareFixture(dataDir), ensureDashboardBuilt()]);
  known = k;
  server = await startServer({ port: 0, dataDir });
  browser = await launchChromium();
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('dashboard (Chromium)', () => {
  it('loads every view with data, draws its charts, logs no errors, and is screenshotted', async () => {
    const manifest = JSON.parse(await readFile(path.join(dataDir, 'site', 'data', 'manifest.json'), 'utf8')) as Manifest;
    for (const f of ['overview.json', 'consumption.json', 'anomalies.json', 'forecast.json', 'market.json', 'emissions.json', 'runs.json']) {
      expect(manifest.files, `the run published ${f}`).toContain(f);
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await newPage(context);
    const minCharts: Record<(typeof VIEWS)[number], number> = { overview: 1, consumption: 2, anomalies: 1, forecast: 1, market: 3, emissions: 2, pipeline: 0 };
    for (const view of VIEWS) {
      await openView(page, server.url, `#/${view}`);
      expect(await page.locator('main [data-empty], main [data-error]').count(), `${view} shows data`).toBe(0);
      expect(await waitForCharts(page), `${view} charts`).toBeGreaterThanOrEqual(minCharts[view]);
      expect(await page.locator('main h1').textContent()).toBeTruthy();
      await page.screenshot({ path: path.join(SCREENSHOTS, `${view}.png`), fullPage: true });
    }
    // Per-view content that proves the data arrived, not just a frame.
    await openView(page, server.url, '#/pipeline');
    expect(await page.locator('#runs-table tbody tr').count()).toBeGreaterThan(0);
    await openView(page, server.url, '#/anomalies');
    expect(await page.locator('#anomaly-table tbody tr').count()).toBeGreaterThan(0);
    await openView(page, server.url, '#/forecast');
    expect(await page.locator('[data-chosen-model]').getAttribute('data-chosen-model')).toBeTruthy();
    await openView(page, server.url, '#/emissions');
    expect(await page.locator('[data-month-note]').textContent()).toContain('not month to date');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('navigates by links and keys, and restores view and filters from deep links', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await newPage(context);
    await openView(page, server.url, '#/overview');

    // Links in the navigation.
    let n = Number(await page.locator('main').getAttribute('data-renders'));
    await page.getByRole('link', { name: 'Market', exact: true }).click();
    await waitForRender(page, n);
    expect(page.url()).toContain('#/market');
    await expect.poll(() => page.locator('nav a[aria-current="page"]').textContent()).toBe('Market');

    // Keyboard: number keys switch views, focus lands on the view's heading.
    n = Number(await page.locator('main').getAttribute('data-renders'));
    await page.keyboard.press('3');
    await waitForRender(page, n);
    expect(page.url()).toContain('#/anomalies');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    // A filter change is written to the URL.
    const severities = await page.locator('#f-severity option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(severities).toEqual(['', 'high', 'medium', 'low']);
    // Filter by a severity the run actually produced; the list shows exactly those anomalies.
    const anomalies = JSON.parse(await readFile(path.join(dataDir, 'site', 'data', 'anomalies.json'), 'utf8')) as Anomalies;
    expect(anomalies.items.length).toBeGreaterThan(0);
    const sev = anomalies.items[0].severity;
    n = Number(await page.locator('main').getAttribute('data-renders'));
    await page.selectOption('#f-severity', sev);
    await waitForRender(page, n);
    expect(page.url()).toContain(`severity=${sev}`);
    const cells = await page.locator('#anomaly-table tbody .sev').allTextContents();
    expect(cells.length).toBe(Math.min(200, anomalies.items.filter((i) => i.severity === sev).length));
    for (const cell of cells) expect(cell).toBe(sev);

    // Sorting by a column header button; the state is in the URL and aria-sort.
    n = Number(await page.locator('main').getAttribute('data-renders'));
    await page.locator('button[data-sort="rule"]').click();
    await waitForRender(page, n);
    expect(page.url()).toContain('sort=rule');
    expect(await page.locator('th:has(button[data-sort="rule"])').getAttribute('aria-sort')).toBe('descending');

    // Back goes to the previous state.
    n = Number(await page.locator('main').getAttribute('data-renders'));
    await page.goBack();
    await waitForRender(page, n);
    expect(page.url()).not.toContain('sort=rule');

    // A deep link opened in a fresh tab restores view, filters and sort.
    const fresh = await newPage(context);
    await openView(fresh.page, server.url, `#/anomalies?severity=${sev}&sort=subject&dir=asc`);
    expect(await fresh.page.locator('#f-severity').inputValue()).toBe(sev);
    expect(await fresh.page.locator('th:has(button[data-sort="subject"])').getAttribute('aria-sort')).toBe('ascending');
    await expect.poll(() => fresh.page.locator('nav a[aria-current="page"]').textContent()).toBe('Anomalies');
    // On a fresh page, Tab reaches the skip link first; Enter moves focus to the content.
    await fresh.page.keyboard.press('Tab');
    expect(await fresh.page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await fresh.page.keyboard.press('Enter');
    expect(await fresh.page.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(fresh.page.url()).toContain(`#/anomalies?severity=${sev}`);

    // The date range filters charts and is kept when switching views.
    const days = known.rows.map((r) => r.day);
    const from = days[Math.max(0, days.length - 5)];
    const to = days[days.length - 2];
    await openView(fresh.page, server.url, `#/consumption?from=${from}&to=${to}`);
    expect(await fresh.page.locator('#range-from').inputValue()).toBe(from);
    expect(await fresh.page.locator('#chart-fleet-daily canvas').getAttribute('aria-label')).toContain(`from ${from} to ${to}`);
    expect(await fresh.page.locator('nav a[data-view="market"]').getAttribute('href')).toBe(`#/market?from=${from}&to=${to}`);

    expect([...errors, ...fresh.errors]).toEqual([]);
    await context.close();
  });

  it('shows the right daily numbers for a known customer, by pseudonym only', async () => {
    expect(known.rows.length).toBeGreaterThan(0);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await newPage(context);
    await openView(page, server.url, '#/consumption');

    // Find the customer with the search box, as a stakeholder would.
    const n = Number(await page.locator('main').getAttribute('data-renders'));
    await page.fill('#meter-search', known.pseudonym);
    await page.press('#meter-search', 'Enter');
    await waitForRender(page, n);
    await page.waitForSelector(`#daily-table[data-meter="${known.pseudonym}"]`);
    expect(page.url()).toContain(`meter=${known.pseudonym}`);
    await waitForCharts(page);
    expect(await page.locator('#chart-meter-daily canvas').getAttribute('data-rendered')).toBe('true');
    expect(await page.locator('#chart-meter-profile canvas').getAttribute('data-rendered')).toBe('true');

    const shown = await page.locator('#daily-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const get = (f: string) => Number(tr.querySelector(`[data-field="${f}"]`)?.getAttribute('data-value'));
        const text = (f: string) => tr.querySelector(`[data-field="${f}"]`)?.textContent ?? '';
        return { day: (tr as HTMLElement).dataset.day ?? '', total: get('total_kwh'), avg: get('avg_interval_kwh'), intervals: get('intervals'), peak: get('peak_kwh'), totalText: text('total_kwh') };
      }),
    );
    const byDay = new Map(shown.map((s) => [s.day, s]));
    // The published history may be shorter than the warehouse's; every shown day must match it.
    const expectedDays = known.rows.filter((r) => byDay.has(r.day));
    expect(expectedDays.length).toBe(shown.length);
    expect(shown.length).toBeGreaterThanOrEqual(Math.min(known.rows.length, 7));
    for (const r of expectedDays) {
      const s = byDay.get(r.day)!;
      // Published values are rounded to Wh (3 decimals); the table shows 3 decimals.
      expect(Math.abs(s.total - r.total_kwh), `total on ${r.day}`).toBeLessThanOrEqual(0.0005 + 1e-9);
      expect(Math.abs(s.avg - r.avg_interval_kwh), `avg on ${r.day}`).toBeLessThanOrEqual(0.0005 + 1e-9);
      expect(Math.abs(s.peak - r.peak_kwh), `peak on ${r.day}`).toBeLessThanOrEqual(0.0005 + 1e-9);
      expect(s.intervals, `intervals on ${r.day}`).toBe(r.intervals);
      // The text is the same number at 3 decimals (publish may round first: allow one unit of the last digit).
      expect(Math.abs(Number(s.totalText.replace(/,/g, '')) - r.total_kwh), `shown total on ${r.day}`).toBeLessThanOrEqual(0.001 + 1e-9);
    }
    // The raw meter id never reaches the page.
    expect(await page.content()).not.toContain(known.rawId);

    // A deep link to another profile day selects it.
    const days = await page.locator('#profile-day option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(days.length).toBeGreaterThan(0);
    await openView(page, server.url, `#/consumption?meter=${known.pseudonym}&day=${days[0]}`);
    expect(await page.locator('#profile-day').inputValue()).toBe(days[0]);
    expect(await page.locator('#chart-meter-profile figcaption').textContent()).toContain(days[0]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('warns in the warning colour when the last run is old', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await newPage(context);
    await openView(page, server.url, '#/overview');
    await page.waitForSelector('#freshness [data-stale]');
    expect(await page.locator('#freshness [data-stale]').getAttribute('data-stale')).toBe('false');
    const freshColour = await page.locator('#freshness .banner[data-stale]').evaluate((e) => getComputedStyle(e).backgroundColor);
    // The demo run is simulated, and the dashboard says so on every page.
    expect(await page.locator('#freshness [data-simulated]').getAttribute('data-simulated')).toContain('meter-simulator');

    // A copy of the published data whose readings and last run are older than staleAfterHours.
    const staleDir = path.join(root, 'stale');
    await cp(path.join(dataDir, 'site'), path.join(staleDir, 'site'), { recursive: true });
    const file = path.join(staleDir, 'site', 'data', 'overview.json');
    const ov = JSON.parse(await readFile(file, 'utf8')) as Overview;
    const old = new Date(Date.now() - (ov.staleAfterHours + 24) * 3_600_000).toISOString();
    ov.latestReadingAt = old;
    ov.lastSuccessfulRun = { runId: ov.lastSuccessfulRun?.runId ?? 'old-run', finishedAt: old };
    // Judged against the schedule: the next daily run was due a day ago and none has succeeded.
    ov.nextRunDueAt = new Date(Date.parse(old) + 26 * 3_600_000).toISOString();
    await writeFile(file, JSON.stringify(ov));
    const staleServer = await startServer({ port: 0, dataDir: staleDir });
    try {
      const stale = await newPage(context);
      await openView(stale.page, staleServer.url, '#/overview');
      const banner = stale.page.locator('#freshness [data-stale="true"]');
      await banner.waitFor();
      expect(await banner.textContent()).toContain('Stale data');
      const staleColour = await banner.evaluate((e) => getComputedStyle(e).backgroundColor);
      expect(staleColour).not.toBe(freshColour);
      expect(await stale.page.locator('[data-kpi="freshness"].stale').count()).toBe(1);
      await stale.page.screenshot({ path: path.join(SCREENSHOTS, 'overview-stale.png'), fullPage: true });
      expect(stale.errors).toEqual([]);
    } finally {
      await staleServer.close();
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('has no serious or critical axe violations on any view, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
      const { page } = await newPage(context);
      for (const view of VIEWS) {
        await openView(page, server.url, view === 'consumption' ? `#/consumption?meter=${known.pseudonym}` : `#/${view}`);
        await waitForCharts(page);
        const violations = await seriousAxeViolations(page);
        expect(violations, `${view} (${colorScheme}): ${JSON.stringify(violations, null, 1)}`).toEqual([]);
      }
      await context.close();
    }
  });

  it('is readable on a phone: no page-wide horizontal scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const { page, errors } = await newPage(context);
    for (const view of VIEWS) {
      await openView(page, server.url, view === 'consumption' ? `#/consumption?meter=${known.pseudonym}` : `#/${view}`);
      await waitForCharts(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${view} overflows by ${overflow}px`).toBeLessThanOrEqual(1);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${view}-phone.png`), fullPage: true });
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('dashboard without (all) data', () => {
  it('shows an empty state for each unpublished file and never crashes', async () => {
    const partialDir = path.join(root, 'partial');
    await writeFixtureData({ dataDir: partialDir, meters: 5, days: 10, omit: ['forecast.json', 'market.json', 'anomalies.json'] });
    const emptyDir = path.join(root, 'empty');
    await mkdir(emptyDir, { recursive: true });
    for (const [dir, missing] of [
      [partialDir, ['forecast', 'market', 'anomalies']],
      [emptyDir, [...VIEWS]],
    ] as const) {
      const s = await startServer({ port: 0, dataDir: dir });
      const context = await browser.newContext();
      const { page } = await newPage(context);
      const crashes: string[] = [];
      page.on('pageerror', (e) => crashes.push(e.message));
      try {
        for (const view of VIEWS) {
          await openView(page, s.url, `#/${view}`);
          const empty = await page.locator('main [data-empty]').count();
          if ((missing as readonly string[]).includes(view)) expect(empty, `${view} empty state in ${path.basename(dir)}`).toBeGreaterThan(0);
          else expect(empty, `${view} has data in ${path.basename(dir)}`).toBe(0);
        }
        expect(crashes).toEqual([]);
      } finally {
        await context.close();
        await s.close();
      }
    }
  });

  it('says why when a file is published but empty (too little history), not that it is unpublished', async () => {
    const dir = path.join(root, 'short-history');
    await writeFixtureData({ dataDir: dir, meters: 5, days: 10 });
    await writeFile(path.join(dir, 'site', 'data', 'forecast.json'), JSON.stringify({ generatedAt: new Date().toISOString(), issuedFor: null, groups: [] }));
    const s = await startServer({ port: 0, dataDir: dir });
    const context = await browser.newContext();
    const { page } = await newPage(context);
    try {
      await openView(page, s.url, '#/forecast');
      const text = await page.locator('main [data-empty]').innerText();
      expect(text).toMatch(/needs regular hourly history/);
      expect(text).not.toMatch(/has not been published/);
    } finally {
      await context.close();
      await s.close();
    }
  });
});
