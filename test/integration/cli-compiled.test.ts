/**
 * The compiled CLI (bin/cli-bundle.cjs): a fresh build runs `--help`, answers a `sql` query against a
 * real DuckDB warehouse, and loads none of the workflow's heavy modules for either; the freshness
 * check rebuilds when a source it was built from is gone. (Its speed is in `npm run bench`, not here.)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const bundler = require(join(ROOT, 'bin', 'cli-bundle.cjs')) as {
  build(outfile?: string): Promise<string>;
  isFresh(outfile?: string): boolean;
};
const dir = mkdtempSync(join(tmpdir(), 'gridlake-cli-bundle-'));
// Inside the repository, as dist/cli/ is: the bundle require()s its packages from node_modules.
mkdirSync(join(ROOT, 'dist'), { recursive: true });
const buildDir = mkdtempSync(join(ROOT, 'dist', 'test-cli-'));
const outfile = join(buildDir, 'gridlake.cjs');
const dataDir = join(dir, 'data');

// Prints, on exit, which packages the process loaded (the CLI must not load the workflow for --help or sql).
const tracer = join(dir, 'trace-packages.cjs');
writeFileSync(
  tracer,
  `const M = require('module'); const seen = new Set(); const load = M._load;
   M._load = function (request, ...rest) { const m = /^(@[^/]+\\/[^/]+|[^./][^/:]*)/.exec(request); if (m) seen.add(m[1]); return load.call(this, request, ...rest); };
   process.on('exit', () => require('fs').writeFileSync(process.env.TRACE_OUT, [...seen].join('\\n')));`,
);

function compiled(...args: string[]) {
  const traceOut = join(dir, `trace-${args[0]}.txt`);
  const r = spawnSync(process.execPath, ['--require', tracer, outfile, ...args], {
    cwd: dir, // not the repository: the bundle finds its SQL files and the ASL by their own location
    encoding: 'utf8',
    env: { ...process.env, TRACE_OUT: traceOut },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr, packages: readFileSync(traceOut, 'utf8').split('\n') };
}

beforeAll(async () => {
  await bundler.build(outfile);
  mkdirSync(dataDir);
  const instance = await DuckDBInstance.create(join(dataDir, 'warehouse.duckdb'));
  const connection = await instance.connect();
  await connection.run("CREATE TABLE meters AS SELECT 'M' || range AS meter_id, 'Europe/London' AS timezone FROM range(3)");
  connection.closeSync();
  instance.closeSync();
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(buildDir, { recursive: true, force: true });
});

const HEAVY = ['aws-local-stepfunctions', '@aws-sdk/client-s3', '@aws-sdk/client-lambda', 'zod'];

describe('compiled CLI', () => {
  it('--help exits 0, lists the commands and loads no heavy module', () => {
    const r = compiled('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('gridlake import meters PATH');
    for (const flag of ['--columns MAP', '--timestamps-zone ZONE', '.csv.gz']) expect(r.out).toContain(flag);
    expect(r.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('sql answers from the warehouse, loading DuckDB but not the workflow', () => {
    const r = compiled('sql', 'SELECT count(*) AS meters, min(timezone) AS zone FROM meters', '--format', 'json', '--data-dir', dataDir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ meters: 3, zone: 'Europe/London' }]);
    expect(r.packages).toContain('@duckdb/node-api');
    expect(r.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('a usage error still exits 2 from the bundle', () => {
    const r = compiled('run', '--date', '2026-02-30');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--date must be a real calendar date/);
  });

  it('is fresh after a build and stale when a source it was built from is missing', () => {
    expect(bundler.isFresh(outfile)).toBe(true);
    const meta = `${outfile}.inputs.json`;
    const inputs = JSON.parse(readFileSync(meta, 'utf8')) as { inputs: string[] };
    expect(inputs.inputs).toContain('bin/cli.ts');
    expect(inputs.inputs).toContain('lambdas/handlers/transform.ts');
    writeFileSync(meta, JSON.stringify({ inputs: [...inputs.inputs, 'lambdas/no-such-module.ts'] }));
    expect(bundler.isFresh(outfile)).toBe(false);
  });
});
