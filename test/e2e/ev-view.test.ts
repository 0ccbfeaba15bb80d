/**
 * The EV view in a real headless Chromium (Debian's, via playwright-core), with every non-loopback
 * request blocked: the stations are placed on the map by their coordinates with no network at all
 * (east is right, north is up, x proportional to longitude — Web Mercator), one marker per station;
 * when the browser thinks it is online the basemap tiles are tried, fail, and are dropped silently;
 * the recommendation form, filled by a click on the map, returns the nearest station with a fast
 * charger free. The data is the EV analysis's own output on a real DuckDB warehouse.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recommendStations } from '../../lambdas/analysis/ev-recommend';
import { CONTRACT_VERSION, type EvStations, type Manifest } from '../../lambdas/contract/results';
import { connectorsOf } from '../../lambdas/sources/ev-chargers/charger-types';
import { evChargersAnalysis } from '../../lambdas/steps/analyze/ev-chargers';
import { startServer, type RunningServer } from '../../local/serve';
import { openEvFixture, type EvFixture } from '../integration/ev-analysis-fixture';
import { ensureDashboardBuilt, launchChromium, openView, REPO_ROOT, seriousAxeViolations } from './browser';

let fx: EvFixture;
let server: RunningServer;
let browser: Browser;
let stations: EvStations;

beforeAll(async () => {
  fx = await openEvFixture({ stations: 16, from: '2026-11-17T15:00:00Z', to: '2026-11-19T15:00:00Z' });
  const { files } = await evChargersAnalysis.run(fx.ctx('2026-11-19-r1'));
  stations = files['ev-stations.json'] as EvStations;
  const dataDir = path.join(fx.dir, 'site', 'data');
  await mkdir(dataDir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dataDir, name), JSON.stringify(content));
  const manifest: Manifest = { version: CONTRACT_VERSION, generatedAt: new Date().toISOString(), runId: '2026-11-19-r1', files: Object.keys(files).sort() };
  await writeFile(path.join(dataDir, 'manifest.json'), JSON.stringify(manifest));
  await ensureDashboardBuilt();
  server = await startServer({ port: 0, dataDir: fx.dir });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fx?.cleanup();
});

/** A page with every request off the loopback server aborted (and counted), errors recorded. */
async function blockedPage(context: BrowserContext): Promise<{ page: Page; errors: string[]; blocked: string[] }> {
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.protocol === 'data:') return route.continue();
    blocked.push(url.href);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // The browser's own line for a blocked tile is the network refusing, not the page failing.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, errors, blocked };
}

async function markers(page: Page) {
  return page.$$eval('svg circle.ev-station', (cs) => cs.map((c) => ({ id: c.getAttribute('data-station')!, cx: Number(c.getAttribute('cx')), cy: Number(c.getAttribute('cy')) })));
}

describe('the EV view', () => {
  it('offline: one marker per station, placed by its coordinates; the form finds the nearest free fast charger', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // The browser reports itself offline (Chromium's offline mode would refuse the loopback server too);
    // every request off the loopback is aborted as well.
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'onLine', { get: () => false }));
    const { page, errors, blocked } = await blockedPage(context);
    await openView(page, server.url, '#/ev');
    const drawn = await markers(page);
    const placed = stations.stations.filter((s) => s.lat !== null && s.lon !== null);
    expect(drawn).toHaveLength(placed.length);
    expect(drawn.map((d) => d.id).sort()).toEqual(placed.map((s) => s.id).sort());
    const at = new Map(drawn.map((d) => [d.id, d]));
    // East is to the right and x is proportional to longitude; north is up (y falls as latitude rises).
    const byLon = [...placed].sort((a, b) => a.lon! - b.lon!);
    const west = byLon[0]!;
    const east = byLon[byLon.length - 1]!;
    expect(at.get(east.id)!.cx).toBeGreaterThan(at.get(west.id)!.cx);
    const scale = (at.get(east.id)!.cx - at.get(west.id)!.cx) / (east.lon! - west.lon!);
    for (const s of placed) expect(at.get(s.id)!.cx - at.get(west.id)!.cx).toBeCloseTo((s.lon! - west.lon!) * scale, 0);
    const byLat = [...placed].sort((a, b) => a.lat! - b.lat!);
    for (let i = 1; i < byLat.length; i++) expect(at.get(byLat[i]!.id)!.cy).toBeLessThanOrEqual(at.get(byLat[i - 1]!.id)!.cy);
    // No network was asked for: the map needs none.
    expect(blocked).toEqual([]);
    expect(await page.locator('.ev-basemap img').count()).toBe(0);

    // A station with a fast CCS charger free: clicking its marker sets the point.
    const places = stations.stations.map((s) => ({ station_id: s.id, name: s.name, lat: s.lat, lon: s.lon }));
    const chargers = (await fx.warehouse.query({ name: 'c', sql: 'SELECT station_id, charger_id, charger_type, output_kw FROM chargers' })).map((c) => ({
      station_id: String(c.station_id),
      charger_id: String(c.charger_id),
      output_kw: c.output_kw === null ? null : Number(c.output_kw),
      connectors: connectorsOf(String(c.charger_type)),
    }));
    const history = (await fx.warehouse.query({ name: 'h', sql: "SELECT station_id, charger_id, observed_at, status_code FROM charger_status WHERE observed_at > TIMESTAMPTZ '2026-11-19T10:00:00Z'" })).map((r) => ({
      station_id: String(r.station_id),
      charger_id: String(r.charger_id),
      observed_at: String(r.observed_at),
      status_code: Number(r.status_code),
    }));
    const asOf = Date.parse(stations.asOf!);
    const target = placed.find((s) => recommendStations(places, chargers, history, { at: { lat: s.lat!, lon: s.lon! }, connector: 'CCS', asOf }).some((r) => r.station_id === s.id));
    expect(target, 'a station with a fast CCS charger free').toBeDefined();
    await page.click(`svg circle.ev-station[data-station="${target!.id}"]`);
    const lat = Number(await page.inputValue('#ev-lat'));
    const lon = Number(await page.inputValue('#ev-lon'));
    expect(lat).toBeCloseTo(target!.lat!, 3);
    expect(lon).toBeCloseTo(target!.lon!, 3);
    const expected = recommendStations(places, chargers, history, { at: { lat, lon }, connector: 'CCS', asOf });
    await page.selectOption('#ev-connector', 'CCS');
    await page.click('form.ev-recommend button[type="submit"]');
    await page.waitForSelector('#ev-recommendations li');
    const shown = await page.$$eval('#ev-recommendations li', (lis) => lis.map((li) => li.getAttribute('data-station')));
    expect(shown).toEqual(expected.map((r) => r.station_id));
    expect(shown.length).toBeGreaterThan(0);
    expect(page.url()).toContain('connector=CCS');
    expect(await page.locator(`svg circle.ev-recommended[data-station="${expected[0]!.station_id}"]`).count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-output', 'screenshots', 'ev-offline.png'), fullPage: true });
    await context.close();
  }, 120_000);

  it('online but blocked: the tiles are tried and dropped silently, the markers stay put; a phone gets the whole map', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const { page, errors, blocked } = await blockedPage(context);
    await openView(page, server.url, '#/ev');
    await expect.poll(() => blocked.filter((u) => u.startsWith('https://tile.openstreetmap.org/')).length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.ev-basemap img').count()).toBe(0);
    expect(await markers(page)).toHaveLength(stations.stations.filter((s) => s.lat !== null).length);
    const fits = await page.evaluate(() => {
      const frame = document.querySelector('.ev-map-frame')!.getBoundingClientRect();
      return { frame: frame.width, page: document.documentElement.scrollWidth, viewport: window.innerWidth };
    });
    expect(fits.frame).toBeLessThanOrEqual(fits.viewport);
    expect(fits.page).toBeLessThanOrEqual(fits.viewport);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-output', 'screenshots', 'ev-phone.png'), fullPage: true });
    await context.close();
  }, 120_000);
});
