/**
 * Every Lambda handler bundles the way lib/pipeline.ts bundles it: esbuild, Node 22, the AWS SDK
 * external, and — in the functions that do not pack DuckDB — `@duckdb/node-api` aliased to the
 * stub in lib/bundling/. Catches a new DuckDB import the stub does not export before `cdk synth`
 * (or a deploy) does, and proves each non-DuckDB bundle loads without DuckDB.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { aslTaskHandlers } from '../../lib/asl-tasks';

const ROOT = join(__dirname, '..', '..');
const STUB = join(ROOT, 'lib', 'bundling', 'duckdb-not-packaged.ts');
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
const out = mkdtempSync(join(ROOT, 'bench', 'out', 'bundle-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('Lambda bundles', () => {
  for (const task of aslTaskHandlers(join(ROOT, 'statemachines', 'etl.asl.json'))) {
    const packsDuckDb = task.name === 'transform';
    it(`${task.name}: bundles${packsDuckDb ? '' : ' with DuckDB stubbed out, and loads'}`, async () => {
      const outfile = join(out, `${task.name}.cjs`);
      const result = await build({
        entryPoints: [join(ROOT, task.handlerFile)],
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'cjs',
        outfile,
        external: packsDuckDb ? ['@aws-sdk/*', '@duckdb/node-api'] : ['@aws-sdk/*'],
        alias: packsDuckDb ? {} : { '@duckdb/node-api': STUB },
        logLevel: 'silent',
      });
      expect(result.errors).toEqual([]);
      if (!packsDuckDb) {
        // Load it in a fresh Node as Lambda would (AWS mode: no local adapters are touched).
        const loaded = execFileSync(process.execPath, ['-e', `const m = require(${JSON.stringify(outfile)}); process.stdout.write(typeof m.handler)`], {
          cwd: ROOT,
          env: { ...process.env, GRIDLAKE_MODE: 'aws' },
        }).toString();
        expect(loaded).toBe('function');
      }
    });
  }
});
