/**
 * Dashboard bench: built JS size (gzipped), total published data size (gzipped, each file as a
 * static host would compress it), and the time from navigation to the first drawn chart in headless
 * Chromium on localhost. Budgets (issue 5): JS ≤ 100 KB gz, data for 1,000 meters × 90 days ≤ 2 MB
 * gz, first chart ≤ 1 s.
 *
 *   npx tsx bench/dashboard.ts [DATA_DIR]     (without DATA_DIR: generated 1,000 × 90 data)
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer } from '../local/serve';
import { DIST_DIR, ensureDashboardBuilt, launchChromium } from '../test/e2e/browser';
import { writeFixtureData } from '../test/e2e/fixtures';

export const DASHBOARD_BUDGETS = { jsGzipKB: 100, dataGzipKB: 2048, firstChartMs: 1000 } as const;

const FIRST_CHART_MARK = 'gridlake:first-chart';
const RUNS = 5;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Gzipped bytes of each file compressed on its own (default level, as a CDN or server would). */
async function gzippedBytes(files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) total += gzipSync(await readFile(f)).length;
  return total;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Time from navigation start to the first chart's `performance.mark`, in fresh browser contexts. */
async function firstChartMs(dataDir: string): Promise<number[]> {
  const server = await startServer({ port: 0, dataDir });
  const browser = await launchChromium();
  try {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${server.url}#/overview`, { waitUntil: 'commit' });
      const handle = await page.waitForFunction((name) => performance.getEntriesByName(name)[0]?.startTime ?? false, FIRST_CHART_MARK, { timeout: 60_000 });
      const t = (await handle.jsonValue()) as number;
      if (i > 0) times.push(t); // the first visit warms Chromium's own caches (a warm-up, not a user)
      await context.close();
    }
    return times;
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function benchDashboard(dataDir?: string): Promise<Record<string, number | string>> {
  await ensureDashboardBuilt();
  const distFiles = await filesUnder(DIST_DIR);
  const jsGzip = await gzippedBytes(distFiles.filter((f) => f.endsWith('.js')));
  const cssGzip = await gzippedBytes(distFiles.filter((f) => f.endsWith('.css')));

  let tmp: string | null = null;
  let dir = dataDir;
  let dataLabel = dataDir ? `data dir ${dataDir}` : 'generated: 1000 meters × 90 days';
  if (!dir) {
    tmp = await mkdtemp(path.join(tmpdir(), 'gridlake-bench-dash-'));
    dir = tmp;
    await writeFixtureData({ dataDir: dir, meters: 1000, days: 90 });
  }
  try {
    const dataFiles = await filesUnder(path.join(dir, 'site', 'data'));
    if (dataFiles.length === 0) throw new Error(`No published data under ${path.join(dir, 'site', 'data')}: run \`gridlake run --data-dir ${dir}\` first, or omit the data dir.`);
    const meterFiles = dataFiles.filter((f) => f.includes(`${path.sep}meters${path.sep}`));
    const dataGzip = await gzippedBytes(dataFiles);
    const times = await firstChartMs(dir);
    dataLabel += `, ${meterFiles.length} meter files`;
    const kb = (b: number) => Math.round((b / 1024) * 10) / 10;
    return {
      'dashboard.data': dataLabel,
      'dashboard.jsGzipKB': kb(jsGzip),
      'dashboard.jsGzipBudgetKB': DASHBOARD_BUDGETS.jsGzipKB,
      'dashboard.jsGzipRatio': Math.round((jsGzip / 1024 / DASHBOARD_BUDGETS.jsGzipKB) * 100) / 100,
      'dashboard.cssGzipKB': kb(cssGzip),
      'dashboard.dataFiles': dataFiles.length,
      'dashboard.dataGzipKB': kb(dataGzip),
      'dashboard.dataGzipBudgetKB': DASHBOARD_BUDGETS.dataGzipKB,
      'dashboard.dataGzipRatio': Math.round((dataGzip / 1024 / DASHBOARD_BUDGETS.dataGzipKB) * 100) / 100,
      'dashboard.meterFileGzipAvgBytes': meterFiles.length ? Math.round((await gzippedBytes(meterFiles)) / meterFiles.length) : 0,
      'dashboard.firstChartMsMedian': Math.round(median(times)),
      'dashboard.firstChartMsMax': Math.round(Math.max(...times)),
      'dashboard.firstChartBudgetMs': DASHBOARD_BUDGETS.firstChartMs,
      'dashboard.firstChartRatio': Math.round((median(times) / DASHBOARD_BUDGETS.firstChartMs) * 100) / 100,
    };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename_of())) {
  benchDashboard(process.argv[2]).then(
    (r) => {
      for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(32)} ${v}`);
    },
    (e: unknown) => {
      console.error((e as Error).message);
      process.exitCode = 1;
    },
  );
}

function __filename_of(): string {
  return new URL(import.meta.url).pathname;
}
