/**
 * `dashboard.access` end to end on a local run, through the CLI as an operator runs it
 * (`gridlake run --config`): a private run publishes the per-customer views, a public-aggregates
 * run over the same data directory leaves none of them in the site's data folder — the local
 * stand-in of the dashboard bucket's data/ prefix — and says what it withheld. Also: `gridlake
 * serve` tells who can see it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Anomalies, Consumption, Forecast, Manifest } from '../../lambdas/contract/results';

const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'gridlake-access-'));
const dataDir = join(dir, 'd');
const siteData = join(dataDir, 'site', 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gridlake(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'gridlake-cli.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function config(access?: string): string {
  const file = join(dir, `config-${access ?? 'default'}.json`);
  writeFileSync(file, JSON.stringify({ simulator: { meters: 8 }, market: { symbols: ['SPY'] }, ...(access ? { dashboard: { access } } : {}) }));
  return file;
}
/** Every file of the published data folder, relative to it. */
const published = () => (readdirSync(siteData, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[]).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(siteData.length + 1)).sort();
const read = <T>(name: string) => JSON.parse(readFileSync(join(siteData, name), 'utf8')) as T;

describe('dashboard.access on a local run', () => {
  it('private (the default) publishes the customer list, per-customer files and anomalies', () => {
    const r = gridlake('run', '--from', '2026-11-01', '--to', '2026-11-03', '--data-dir', dataDir, '--config', config());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const files = published();
    expect(files.filter((f) => f.startsWith('meters/')).length).toBe(8);
    expect(read<Consumption>('consumption.json').meters.length).toBe(8);
    expect(read<Anomalies>('anomalies.json').items.some((i) => i.subjectType !== 'fleet')).toBe(true);
    expect(read<Manifest>('manifest.json').publication).toBeUndefined();
    // The pseudonyms the public run must not contain (checked below) are there in a private one.
    const text = files.map((f) => readFileSync(join(siteData, f), 'utf8')).join('\n');
    expect(text).toMatch(/"c-[0-9a-f]{12}"/);
  });

  it('public-aggregates publishes fleet, area and building aggregates only, and removes what private left', () => {
    const r = gridlake('run', '--date', '2026-11-03', '--data-dir', dataDir, '--config', config('public-aggregates'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const files = published();
    // No per-customer key at all, and every file left is named in the manifest.
    expect(files.filter((f) => f.includes('/'))).toEqual([]);
    const manifest = read<Manifest>('manifest.json');
    expect([...manifest.files, 'manifest.json'].sort()).toEqual(files);
    expect(manifest.publication?.access).toBe('public-aggregates');
    expect(manifest.publication?.withheld.join(' ')).toMatch(/customer list/);
    // No customer list; fleet series kept.
    const consumption = read<Consumption>('consumption.json');
    expect(consumption.meters).toEqual([]);
    expect(consumption.fleetDaily.day.length).toBeGreaterThan(0);
    // No pseudonym of a meter or household anywhere in the publication.
    const text = files.map((f) => readFileSync(join(siteData, f), 'utf8')).join('\n');
    expect(text).not.toMatch(/"c-[0-9a-f]{12}"/);
    expect(text).not.toMatch(/"h-[0-9a-f]{12}"/);
    const anomalies = read<Anomalies>('anomalies.json');
    expect(anomalies.items.filter((i) => i.subjectType !== 'fleet')).toEqual([]);
    expect(anomalies.totals.reduce((s, t) => s + t.count, 0)).toBeGreaterThan(0);
    if (files.includes('forecast.json')) for (const g of read<Forecast>('forecast.json').groups) expect(g.group).toMatch(/^(fleet|area:|building:)/);
    // The lake keeps everything (private storage); only the site is limited.
    expect(readdirSync(join(dataDir, 'lake', 'results', 'latest', 'meters')).length).toBe(8);
  });
});

describe('gridlake serve', () => {
  it('says it has no sign-in and listens on loopback', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'gridlake-cli.cjs'), 'serve', '--port', '0', '--data-dir', dataDir], { cwd: ROOT });
    let out = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start message: ${out}`)), 60_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('No sign-in')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
    } finally {
      child.kill('SIGTERM');
    }
    expect(out).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+\//);
    expect(out).toMatch(/No sign-in: this server listens on loopback only/);
  });
});
