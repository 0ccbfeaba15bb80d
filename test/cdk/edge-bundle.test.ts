/**
 * The dashboard sign-in check bundled exactly as lib/dashboard-sign-in.ts bundles it at synth
 * (lib/bundling/edge-bundle.ts) and measured against the viewer-request package limit of
 * Lambda@Edge (1 MB, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-lambda-at-edge).
 * The limit applies to the zipped package; the unzipped file is held to it too, a stricter bound.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { edgeBundleOptions, VIEWER_REQUEST_MAX_BYTES } from '../../lib/bundling/edge-bundle';
import { DashboardSignIn } from '../../lib/dashboard-sign-in';

const ROOT = join(__dirname, '..', '..');
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
const out = mkdtempSync(join(ROOT, 'bench', 'out', 'edge-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('dashboard sign-in bundle (Lambda@Edge, viewer request)', () => {
  const location = { secretId: 'gridlake/Gridlake-dev/dashboard-sign-in', region: 'us-east-1' };
  const outfile = join(out, 'index.js');

  it('bundles with the configuration location baked in, under the 1 MB viewer-request limit', async () => {
    const result = await build(edgeBundleOptions(ROOT, location, outfile));
    expect(result.errors).toEqual([]);
    const bytes = statSync(outfile).size;
    const zipped = deflateRawSync(readFileSync(outfile), { level: 9 }).length;
    console.log(`edge bundle: ${(bytes / 1024).toFixed(0)} KiB, ${(zipped / 1024).toFixed(0)} KiB deflated (limit ${VIEWER_REQUEST_MAX_BYTES / 1024} KiB)`);
    expect(bytes).toBeLessThan(VIEWER_REQUEST_MAX_BYTES);
    expect(zipped).toBeLessThan(bytes);
    const text = readFileSync(outfile, 'utf8');
    expect(text).toContain(location.secretId);
    expect(text).not.toContain('__GRIDLAKE_SIGN_IN__');
    // No environment variables at the edge: the bundle reads none of its own.
    expect(text).not.toMatch(/process\.env\.(GRIDLAKE|SIGN_IN|USER_POOL)/);
  });

  it('loads in a fresh Node as Lambda would, exporting the handler', () => {
    const loaded = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(outfile)}).handler)`], { cwd: ROOT }).toString();
    expect(loaded).toBe('function');
  });

  it('is what CDK packs: a synth with bundling on puts the same bundle into the function asset', () => {
    const app = new App({ outdir: join(out, 'cdk.out') });
    const stack = new Stack(app, 'EdgeOnly', { env: { account: '123456789012', region: 'us-east-1' } });
    const signIn = new DashboardSignIn(stack, 'SignIn', { projectRoot: ROOT, stageName: 'dev' });
    app.synth();
    const fn = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(signIn.checkFunction.node.defaultChild as any)];
    const assetHash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    const packed = join(out, 'cdk.out', `asset.${assetHash}`, 'index.js');
    expect(statSync(packed).size).toBeLessThan(VIEWER_REQUEST_MAX_BYTES);
    expect(readFileSync(packed, 'utf8')).toContain('gridlake/EdgeOnly/dashboard-sign-in');
  });
});
