/**
 * CLI start-up: the wall time of `gridlake --help` and of a one-row `gridlake sql`, as a user runs
 * them (a fresh Node process each), compiled (bin/cli-bundle.cjs) against the TypeScript run through
 * tsx as before, plus `npx`'s own overhead (a trivial package bin) for reading `npx gridlake` figures.
 * Goal: `--help` and a small `sql` ≤ 0.5 s without npx. Medians of 5 calls after one warm-up; wall
 * time and the process's own CPU time (the machine is shared: wall time drifts with its load).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const ROOT = resolve(__dirname, '..');
const bundler = require('../bin/cli-bundle.cjs') as { build(outfile?: string): Promise<string> };

/** Median wall seconds of `command args` over `runs` fresh processes (after one warm-up). */
function medianSeconds(command: string, args: string[], runs = 5, env: NodeJS.ProcessEnv = process.env): number {
  const once = () => {
    const t = process.hrtime.bigint();
    const r = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  once();
  const times = Array.from({ length: runs }, once).sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

/**
 * Wall and CPU seconds (medians) of a Node script: CPU is what the process itself used, which a
 * machine shared with other jobs inflates far less than wall time.
 */
function nodeFigures(dir: string, args: string[], runs = 5): string {
  const report = join(dir, 'cpu-report.cjs');
  const out = join(dir, 'cpu.txt');
  writeFileSync(report, `process.on('exit', () => { const u = process.cpuUsage(); require('fs').appendFileSync(${JSON.stringify(out)}, (u.user + u.system) / 1e6 + '\\n'); });`);
  rmSync(out, { force: true });
  const wall = medianSeconds(process.execPath, ['--require', report, ...args], runs);
  const cpu = readFileSync(out, 'utf8').trim().split('\n').slice(1).map(Number).sort((a, b) => a - b);
  return `${wall.toFixed(2)} s wall, ${cpu[Math.floor(cpu.length / 2)]!.toFixed(2)} s CPU`;
}

export async function benchCli(): Promise<Record<string, number | string>> {
  mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'bench', 'out', 'cli-'));
  try {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const instance = await DuckDBInstance.create(join(dataDir, 'warehouse.duckdb'));
    const connection = await instance.connect();
    await connection.run('CREATE TABLE meters AS SELECT printf(\'M%04d\', range) AS meter_id FROM range(100)');
    connection.closeSync();
    instance.closeSync();

    const t = process.hrtime.bigint();
    const bundle = await bundler.build(join(dir, 'gridlake.cjs'));
    const buildSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    const sql = ['sql', 'SELECT count(*) AS meters FROM meters', '--data-dir', dataDir];
    const tsx = ['--require', 'tsx/cjs', '--import', 'tsx/esm', join(ROOT, 'bin', 'cli.ts')];
    const fig = (s: number) => `${s.toFixed(2)} s`;
    return {
      'compile the CLI bundle (first call after a change)': fig(buildSeconds),
      'gridlake --help, compiled (goal ≤ 0.5 s)': nodeFigures(dir, [bundle, '--help']),
      'gridlake sql (1 row), compiled (goal ≤ 0.5 s)': nodeFigures(dir, [bundle, ...sql]),
      'gridlake --help, bin entry (freshness check + bundle)': nodeFigures(dir, [join(ROOT, 'bin', 'gridlake-cli.cjs'), '--help']),
      'gridlake --help, TypeScript through tsx (before)': nodeFigures(dir, [...tsx, '--help']),
      'gridlake sql (1 row), TypeScript through tsx (before)': nodeFigures(dir, [...tsx, ...sql]),
      'npx gridlake --help': fig(medianSeconds('npx', ['gridlake', '--help'])),
      'npx overhead alone (npx semver 1.2.3)': fig(medianSeconds('npx', ['semver', '1.2.3'])),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
