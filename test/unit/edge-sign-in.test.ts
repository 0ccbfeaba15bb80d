/**
 * The dashboard's viewer-request sign-in check (lambdas/edge/sign-in-check.ts), offline: the real
 * cognito-at-edge Authenticator and its aws-jwt-verify verifier, with an RSA key made here whose
 * JWKS is put into the verifier's cache (`cacheJwks`) in place of the pool's. Tokens are signed
 * here with node:crypto as Cognito signs them (RS256, kid in the header).
 */
import { createPrivateKey, generateKeyPairSync, createSign, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSignInCheck, type SignInCheck } from '../../lambdas/edge/sign-in-check';
import type { SignInConfig } from '../../lambdas/edge/sign-in-config';

const CONFIG: SignInConfig = {
  region: 'eu-west-2',
  userPoolId: 'eu-west-2_TestPool1',
  clientId: 'testclientid1234567890abcd',
  domain: 'gridlake-test.auth.eu-west-2.amazoncognito.com',
};
const ISSUER = `https://cognito-idp.${CONFIG.region}.amazonaws.com/${CONFIG.userPoolId}`;
const KID = 'test-key-1';

const b64url = (v: Buffer | string) => Buffer.from(v).toString('base64url');
let key: KeyObject;
let otherKey: KeyObject;
let check: SignInCheck;

function sign(claims: Record<string, unknown>, signWith: KeyObject = key): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', kid: KID, typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(signWith);
  return `${header}.${payload}.${b64url(signature)}`;
}

function idToken(overrides: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return sign({
    sub: '7d8f0c1e-0000-4000-8000-000000000001',
    aud: CONFIG.clientId,
    iss: ISSUER,
    token_use: 'id',
    auth_time: now - 60,
    iat: now - 60,
    exp: now + 3600,
    'cognito:username': 'analyst',
    email: 'analyst@example.com',
    ...overrides,
  });
}

function viewerRequest(uri: string, idTokenValue?: string): CloudFrontRequestEvent {
  const headers: Record<string, { key: string; value: string }[]> = { host: [{ key: 'Host', value: 'd111111abcdef8.cloudfront.net' }] };
  if (idTokenValue !== undefined) {
    const base = `CognitoIdentityServiceProvider.${CONFIG.clientId}`;
    headers.cookie = [{ key: 'Cookie', value: `${base}.LastAuthUser=analyst; ${base}.analyst.idToken=${idTokenValue}` }];
  }
  return {
    Records: [
      {
        cf: {
          config: { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE', eventType: 'viewer-request', requestId: 'r-1' },
          request: { clientIp: '203.0.113.178', headers, method: 'GET', querystring: '', uri },
        },
      },
    ],
  };
}

/** Everything the process writes while `fn` runs: console, stdout/stderr streams and raw fd writes (pino's path). */
async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const record = (...args: unknown[]) => void chunks.push(args.map((a) => (typeof a === 'string' ? a : Buffer.isBuffer(a) ? a.toString() : JSON.stringify(a))).join(' '));
  for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) vi.spyOn(console, m).mockImplementation(record);
  vi.spyOn(process.stdout, 'write').mockImplementation(((c: unknown) => (record(c), true)) as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(((c: unknown) => (record(c), true)) as never);
  const writeSync = fs.writeSync;
  vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 1 || fd === 2) {
      record(data);
      return 0;
    }
    return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  }) as never);
  try {
    return { result: await fn(), output: chunks.join('\n') };
  } finally {
    vi.restoreAllMocks();
  }
}

beforeAll(() => {
  key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwk = createPrivateKey(key.export({ format: 'pem', type: 'pkcs8' })).export({ format: 'jwk' });
  check = createSignInCheck(CONFIG);
  check.verifier.cacheJwks({ keys: [{ kty: 'RSA', n: jwk.n!, e: jwk.e!, kid: KID, alg: 'RS256', use: 'sig' }] });
});
afterEach(() => vi.restoreAllMocks());

function expectSignInRedirect(result: unknown, uri: string) {
  expect(result).toHaveProperty('status', '302');
  const location = (result as { headers: Record<string, { value: string }[]> }).headers.location![0]!.value;
  const url = new URL(location);
  expect(`${url.origin}${url.pathname}`).toBe(`https://${CONFIG.domain}/authorize`);
  expect(url.searchParams.get('client_id')).toBe(CONFIG.clientId);
  expect(url.searchParams.get('response_type')).toBe('code');
  expect(url.searchParams.get('redirect_uri')).toBe('https://d111111abcdef8.cloudfront.net');
  // After signing in, the reader lands where they were going.
  expect(url.searchParams.get('state')).toBe(uri);
}

describe('dashboard sign-in check (viewer request)', () => {
  it('passes a request with a valid ID token to the origin, for the page and for data/', async () => {
    for (const uri of ['/index.html', '/data/consumption.json']) {
      const event = viewerRequest(uri, idToken());
      const result = await check.handle(event);
      expect(result).toBe(event.Records[0]!.cf.request);
    }
  });

  const now = () => Math.floor(Date.now() / 1000);
  const rejected: [string, () => string | undefined][] = [
    ['no token', () => undefined],
    ['an expired token', () => idToken({ iat: now() - 7200, auth_time: now() - 7200, exp: now() - 3600 })],
    ['a token for another app client (audience)', () => idToken({ aud: 'someotherclient000000000000' })],
    ['a token from another issuer', () => idToken({ iss: `https://cognito-idp.${CONFIG.region}.amazonaws.com/${CONFIG.region}_OtherPool` })],
    ['an access token instead of an ID token', () => idToken({ token_use: 'access' })],
    ['a token signed by another key', () => sign({ ...JSON.parse(Buffer.from(idToken().split('.')[1]!, 'base64url').toString()) }, otherKey)],
    [
      'a tampered token (claims changed after signing)',
      () => {
        const [h, p, s] = idToken().split('.');
        const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
        return `${h}.${b64url(JSON.stringify({ ...claims, 'cognito:username': 'admin' }))}.${s}`;
      },
    ],
    ['garbage', () => 'not-a-jwt'],
  ];
  for (const [what, token] of rejected) {
    it(`sends ${what} to the hosted sign-in`, async () => {
      const result = await check.handle(viewerRequest('/data/manifest.json', token()));
      expectSignInRedirect(result, '/data/manifest.json');
    });
  }

  it('logs each decision with its path, and never a token value', async () => {
    const valid = idToken();
    const expired = idToken({ exp: now() - 10 });
    const { output } = await captureOutput(async () => {
      await check.handle(viewerRequest('/', valid));
      await check.handle(viewerRequest('/data/overview.json', expired));
      await check.handle(viewerRequest('/data/runs.json'));
    });
    const lines = output.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { level: 'INFO', message: 'signed in: request passed', uri: '/' },
      { level: 'INFO', message: 'not signed in: sent to sign-in', uri: '/data/overview.json', status: '302' },
      { level: 'INFO', message: 'not signed in: sent to sign-in', uri: '/data/runs.json', status: '302' },
    ]);
    for (const token of [valid, expired]) {
      for (const part of token.split('.')) expect(output).not.toContain(part);
    }
    expect(output).not.toContain('idToken');
  });
});

describe('viewer-request entry (configuration read at cold start)', () => {
  it('fails closed with 503 while the configuration cannot be read, then checks once it can', async () => {
    const { mockClient } = await import('aws-sdk-client-mock');
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    (globalThis as Record<string, unknown>).__GRIDLAKE_SIGN_IN__ = { secretId: 'gridlake/Test/dashboard-sign-in', region: 'us-east-1' };
    const sm = mockClient(SecretsManagerClient);
    try {
      const { handler } = await import('../../lambdas/edge/viewer-request');
      sm.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
      const { result: denied } = await captureOutput(() => handler(viewerRequest('/data/consumption.json', idToken())));
      expect(denied).toMatchObject({ status: '503' });
      expect(JSON.stringify(denied)).not.toContain('consumption');

      sm.on(GetSecretValueCommand, { SecretId: 'gridlake/Test/dashboard-sign-in' }).resolves({ SecretString: JSON.stringify(CONFIG) });
      const { result } = await captureOutput(() => handler(viewerRequest('/index.html')));
      expectSignInRedirect(result, '/index.html');
    } finally {
      sm.restore();
      delete (globalThis as Record<string, unknown>).__GRIDLAKE_SIGN_IN__;
    }
  });

  it('names a malformed configuration field by field', async () => {
    const { parseSignInConfig } = await import('../../lambdas/edge/sign-in-config');
    expect(parseSignInConfig(JSON.stringify(CONFIG), 'secret s')).toEqual(CONFIG);
    expect(() => parseSignInConfig(JSON.stringify({ ...CONFIG, domain: 'https://x.example' }), 'secret s')).toThrow(/secret s: domain: must be a host name without https:\/\//);
    expect(() => parseSignInConfig('{', 'secret s')).toThrow(/secret s is not JSON/);
  });
});
