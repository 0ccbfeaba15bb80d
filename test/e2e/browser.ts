/**
 * Helpers for the browser tests and the dashboard bench: Debian's Chromium driven by playwright-core
 * (never a downloaded browser), building the dashboard when dist/ is missing, axe-core checks, and
 * waits on the page's own render counter instead of sleeps.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

const run = promisify(execFile);

/** Waits (up to `timeoutMs`) for an apt install of Chromium still in progress, then launches it. */
export async function launchChromium(timeoutMs = 10 * 60_000): Promise<Browser> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(CHROMIUM_PATH)) {
    if (Date.now() > deadline) {
      throw new Error(`${CHROMIUM_PATH} not found: install Debian's Chromium (apt-get install -y chromium); never a downloaded browser.`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 120_000 });
}

export const DIST_DIR = path.join(REPO_ROOT, 'dashboard', 'dist');

/** `npm test` builds first; a lone `vitest run test/e2e/…` builds here when dist/ is missing. */
export async function ensureDashboardBuilt(): Promise<void> {
  if (existsSync(path.join(DIST_DIR, 'index.html'))) return;
  await run('npx', ['vite', 'build', '--config', 'dashboard/vite.config.mts'], { cwd: REPO_ROOT, timeout: 300_000 });
}

/** Navigates and waits until the dashboard has rendered the view named in the hash. */
export async function openView(page: Page, url: string, hash: string): Promise<void> {
  // A marker on window tells a same-document (hash-only) navigation from a new page load.
  const before = await page
    .evaluate(() => {
      (window as unknown as { __glMarker?: boolean }).__glMarker = true;
      return Number(document.querySelector('main')?.dataset.renders ?? 0);
    })
    .catch(() => 0);
  const target = new URL(hash, url).toString();
  // Going to the URL the page already shows fires no hashchange: reload it instead.
  if (page.url() === target) await page.reload({ waitUntil: 'domcontentloaded' });
  else await page.goto(target, { waitUntil: 'domcontentloaded' });
  const view = /^#\/([a-z]+)/.exec(hash)?.[1] ?? 'overview';
  const sameDocument = await page.evaluate(() => (window as unknown as { __glMarker?: boolean }).__glMarker === true);
  if (sameDocument) await waitForRender(page, before);
  await page.waitForSelector(`main[data-ready="${view}"]`, { timeout: 60_000 });
}

export async function renders(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.querySelector('main')?.dataset.renders ?? 0));
}

/** Waits until the dashboard has rendered more often than `count` (after a click or key press). */
export async function waitForRender(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.querySelector('main')?.dataset.renders ?? 0) > n, count, { timeout: 60_000 });
}

/** Waits until every chart canvas in <main> has been drawn. */
export async function waitForCharts(page: Page): Promise<number> {
  await page.waitForFunction(
    () => [...document.querySelectorAll('main figure.chart canvas')].every((c) => (c as HTMLCanvasElement).dataset.rendered === 'true'),
    undefined,
    { timeout: 60_000 },
  );
  return page.locator('main figure.chart canvas').count();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let axeSource: string | null = null;

/** Runs axe-core (injected from node_modules) and returns the serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
