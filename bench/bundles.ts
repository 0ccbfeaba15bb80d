/**
 * Lambda bundle sizes and cold-import times: each handler bundled as the CDK does (esbuild, minified,
 * node22 target), DuckDB left external as the transform function packs it as a node module.
 * Goals: each non-DuckDB handler ≤ 1 MB minified and imports cold in ≤ 200 ms.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { aslTaskHandlers } from '../lib/asl-tasks';
import { edgeBundleOptions, VIEWER_REQUEST_MAX_BYTES } from '../lib/bundling/edge-bundle';

const ROOT = resolve(__dirname, '..');

export async function benchBundles(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  // Inside the project so the externals resolve from node_modules for the import timing.
  mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'bench', 'out', 'bundles-'));
  try {
    for (const task of aslTaskHandlers(join(ROOT, 'statemachines', 'etl.asl.json'))) {
      const file = join(dir, `${task.name}.cjs`);
      await build({
        entryPoints: [join(ROOT, task.handlerFile)],
        bundle: true,
        minify: true,
        platform: 'node',
        target: 'node22',
        format: 'cjs',
        outfile: file,
        // As NodejsFunction on Node 22: the runtime provides the AWS SDK v3; DuckDB ships as a node module.
        external: ['@duckdb/node-api', '@aws-sdk/*'],
        logLevel: 'silent',
      });
      const kb = statSync(file).size / 1024;
      // Cold import in a fresh Node process, as a Lambda init would (module evaluation only).
      const ms = Number(
        execFileSync(process.execPath, ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`], {
          cwd: ROOT,
          env: { ...process.env, GRIDLAKE_MODE: 'local' },
        })
          .toString()
          .trim(),
      );
      out[`bundle ${task.name} (KB minified)`] = Math.round(kb);
      out[`bundle ${task.name} cold import (ms)`] = Math.round(ms);
    }
    // The dashboard sign-in check (Lambda@Edge, viewer request): 1 MB package limit, 5 s per request including a cold start.
    const edge = join(dir, 'dashboard-sign-in.js');
    await build(edgeBundleOptions(ROOT, { secretId: 'gridlake/Gridlake-dev/dashboard-sign-in', region: 'us-east-1' }, edge));
    out['bundle dashboard sign-in, Lambda@Edge (KB minified)'] = Math.round(statSync(edge).size / 1024);
    out['bundle dashboard sign-in limit (KB)'] = VIEWER_REQUEST_MAX_BYTES / 1024;
    out['bundle dashboard sign-in cold import (ms)'] = Math.round(
      Number(execFileSync(process.execPath, ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(edge)});console.log(Number(process.hrtime.bigint()-t)/1e6)`], { cwd: ROOT }).toString().trim()),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  Object.assign(out, transformAsset());
  return out;
}

/**
 * The transform function's asset as `cdk synth` builds it (esbuild bundle + DuckDB's linux-arm64
 * node module), unzipped. Goal ≤ 100 MB (Lambda's limit is 250 MB).
 */
function transformAsset(): Record<string, number | string> {
  const outdir = join(ROOT, 'bench', 'out', 'cdk.out');
  execFileSync('npx', ['cdk', 'synth', '--quiet', '--lookups=false', '-o', outdir], {
    cwd: ROOT,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
    stdio: 'ignore',
  });
  const assets = readdirSync(outdir).filter((d) => existsSync(join(outdir, d, 'node_modules', '@duckdb')));
  if (assets.length === 0) return { 'transform asset': 'not found in cdk.out' };
  const bytes = Number(execFileSync('du', ['-sb', join(outdir, assets[0]!)]).toString().split('\t')[0]);
  const mb = Math.round(bytes / 1e6);
  return { 'transform asset, unzipped (MB)': mb, 'transform asset goal (MB)': 100 };
}
