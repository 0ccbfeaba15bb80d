/**
 * How the dashboard's sign-in check (lambdas/edge/viewer-request.ts) is bundled for Lambda@Edge:
 * one minified CommonJS file with cognito-at-edge and aws-jwt-verify inside, the AWS SDK left to the
 * Node.js runtime, and where to find the sign-in configuration baked in with esbuild `define`
 * (Lambda@Edge has no environment variables). lib/dashboard-sign-in.ts bundles with these options
 * at synth, and test/cdk/edge-bundle.test.ts measures the result against the viewer-request limit.
 */
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import type { SignInConfigLocation } from '../../lambdas/edge/sign-in-config';

/**
 * Largest package of a viewer-request Lambda@Edge function, bytes: "Size of a function and its
 * libraries … viewer request and viewer response: 1 MB"
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-lambda-at-edge).
 */
export const VIEWER_REQUEST_MAX_BYTES = 1024 * 1024;

export function edgeBundleOptions(projectRoot: string, location: SignInConfigLocation, outfile: string): BuildOptions {
  return {
    entryPoints: [join(projectRoot, 'lambdas', 'edge', 'viewer-request.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    // The Node.js 22 runtime ships the AWS SDK v3; packing it would cost ~300 kB of the 1 MB.
    external: ['@aws-sdk/*'],
    define: { __GRIDLAKE_SIGN_IN__: JSON.stringify(location) },
    legalComments: 'none',
    logLevel: 'silent',
  };
}
