/**
 * The Lambda@Edge entry of the dashboard's sign-in check (viewer request, default and data/*
 * behaviours). Lambda@Edge allows no environment variables
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-at-edge-function-restrictions.html),
 * so where the configuration lives is baked into the bundle at synth (esbuild `define` of
 * `__GRIDLAKE_SIGN_IN__`, lib/dashboard-sign-in.ts) and the configuration itself is read once per
 * container. If it cannot be read the check fails closed: 503, never the page.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import { consoleEdgeLog, createSignInCheck, type SignInCheck } from './sign-in-check';
import { parseSignInConfig, type SignInConfigLocation } from './sign-in-config';

declare const __GRIDLAKE_SIGN_IN__: SignInConfigLocation;

let check: Promise<SignInCheck> | undefined;

async function load(location: SignInConfigLocation): Promise<SignInCheck> {
  const client = new SecretsManagerClient({ region: location.region });
  const out = await client.send(new GetSecretValueCommand({ SecretId: location.secretId }));
  return createSignInCheck(parseSignInConfig(out.SecretString ?? '', `secret ${location.secretId}`), consoleEdgeLog);
}

const UNAVAILABLE: CloudFrontResultResponse = {
  status: '503',
  statusDescription: 'Service Unavailable',
  headers: {
    'content-type': [{ key: 'Content-Type', value: 'text/plain; charset=utf-8' }],
    'cache-control': [{ key: 'Cache-Control', value: 'no-store' }],
  },
  body: 'The dashboard sign-in is not available right now. Try again in a minute; if it persists, tell the platform team.\n',
};

export const handler = async (event: CloudFrontRequestEvent) => {
  check ??= load(__GRIDLAKE_SIGN_IN__).catch((e: unknown) => {
    check = undefined; // the next request tries again
    console.error(JSON.stringify({ level: 'ERROR', message: 'sign-in configuration unavailable', error: (e as Error).message }));
    throw e;
  });
  let ready: SignInCheck;
  try {
    ready = await check;
  } catch {
    return UNAVAILABLE;
  }
  return ready.handle(event);
};
