/**
 * End-to-end throughput: `gridlake run` for 1,000 meters × 30 days + the utilities + 10 symbols
 * (goal ≤ 30 s), then the analyze step alone on that warehouse. Also, when the real dataset is
 * beside the project (../shared/data/smap), the full import + run of it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closeLocalPorts } from '../lambdas/ports/local-ports';
import { runLocalWorkflow } from '../local/workflow';

const SYMBOLS = ['SPY', 'QQQ', 'XLE', 'XLU', 'ICLN', 'TAN', 'URA', 'CL=F', 'NG=F', 'BZ=F'];

export async function benchEndToEnd(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'gridlake-bench-e2e-'));
  try {
    const config = { simulator: { meters: 1000 }, market: { symbols: SYMBOLS } };
    const t0 = Date.now();
    const r = await runLocalWorkflow({ dataDir: dir, input: { from: '2026-10-01', to: '2026-10-30' }, config });
    const seconds = (Date.now() - t0) / 1000;
    if (r.status !== 'SUCCEEDED') throw new Error(`bench run failed: ${r.error}`);
    return {
      'e2e 1000 meters × 30 days + utilities + 10 symbols (s)': round(seconds),
      'e2e goal (s)': 30,
      'e2e ratio to goal': round(seconds / 30),
    };
  } finally {
    await closeLocalPorts(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSmapImport(): Promise<Record<string, number | string>> {
  const smap = resolve(__dirname, '..', '..', 'shared', 'data', 'smap');
  if (!existsSync(smap)) return { 'smap import': 'skipped (../shared/data/smap not present)' };
  const { importMeters } = await import('../lambdas/sources/meters/index');
  const { localPorts } = await import('../lambdas/ports/local-ports');
  const { parseConfig } = await import('../lambdas/config');
  const { silentLog } = await import('../lambdas/steps/ports');
  const dir = mkdtempSync(join(tmpdir(), 'gridlake-bench-smap-'));
  try {
    const t0 = Date.now();
    const ports = await localPorts({ dataDir: dir, config: parseConfig({}), log: silentLog });
    await importMeters(smap, { timezone: 'Asia/Tokyo' }, ports);
    const tImport = (Date.now() - t0) / 1000;
    const t1 = Date.now();
    const r = await runLocalWorkflow({ dataDir: dir, input: { date: '2026-11-01', sources: ['meters'] }, config: {} });
    const tRun = (Date.now() - t1) / 1000;
    if (r.status !== 'SUCCEEDED') throw new Error(`smap run failed: ${r.error}`);
    const [row] = await ports.warehouse.query({
      name: 'bench_smap',
      sql: "SELECT rows_in, rows_loaded, duplicates, quarantined FROM etl_runs WHERE source = 'meters'",
    });
    return {
      'smap import to landing (s)': round(tImport),
      'smap run: transform + load + analyze (s)': round(tRun),
      'smap rows in / loaded / duplicates / quarantined': `${row?.rows_in} / ${row?.rows_loaded} / ${row?.duplicates} / ${row?.quarantined}`,
    };
  } finally {
    await closeLocalPorts(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
