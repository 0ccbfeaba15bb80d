import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside, startServer, type RunningServer } from '../../local/serve';

/** A raw HTTP request: fetch() would normalise `..` away before it reaches the server. */
function raw(url: string, rawPath: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: rawPath, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startServer', () => {
  let root: string;
  let server: RunningServer;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'gridlake-serve-'));
    const dist = path.join(root, 'dist');
    await mkdir(path.join(dist, 'assets'), { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>dash</title>');
    await writeFile(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(path.join(dist, 'assets', 'index-abc123.css'), 'body{}');
    await mkdir(path.join(root, 'data', 'site', 'data', 'meters'), { recursive: true });
    await writeFile(path.join(root, 'data', 'site', 'data', 'overview.json'), '{"ok":true}');
    await writeFile(path.join(root, 'data', 'site', 'data', 'meters', 'c-1.json'), '{"id":"c-1"}');
    // Files a traversal would try to reach: beside the data folder and beside dist.
    await writeFile(path.join(root, 'data', 'pseudonym.key'), 'SECRET-KEY');
    await writeFile(path.join(root, 'secret.txt'), 'SECRET-FILE');
    server = await startServer({ port: 0, dataDir: path.join(root, 'data'), distDir: dist });
  });

  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('listens on loopback on a free port when port is 0', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(Number(new URL(server.url).port)).toBeGreaterThan(0);
  });

  it('serves the site at / with HTML, JS and CSS MIME types', async () => {
    const index = await fetch(server.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<title>dash</title>');

    const js = await fetch(new URL('assets/index-abc123.js', server.url));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const css = await fetch(new URL('assets/index-abc123.css', server.url));
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('serves <dataDir>/site/data at /data/ as JSON that browsers must revalidate', async () => {
    const res = await fetch(new URL('data/overview.json?x=1', server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.json()).toEqual({ ok: true });
    const meter = await fetch(new URL('data/meters/c-1.json', server.url));
    expect(await meter.json()).toEqual({ id: 'c-1' });
  });

  it('answers 404 for missing data and site files, and for directories', async () => {
    const data = await fetch(new URL('data/forecast.json', server.url));
    expect(data.status).toBe(404);
    expect(await data.text()).toContain('gridlake run');
    expect((await fetch(new URL('nope.js', server.url))).status).toBe(404);
    expect((await fetch(new URL('data/meters', server.url))).status).toBe(404);
    expect((await fetch(new URL('assets/', server.url))).status).toBe(404);
  });

  it.each([
    '/data/../pseudonym.key',
    '/data/../../secret.txt',
    '/data/..%2fpseudonym.key',
    '/data/%2e%2e/pseudonym.key',
    '/data/%2E%2E%2F%2E%2E%2Fsecret.txt',
    '/data/..%5cpseudonym.key',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/data/overview.json%00.png',
    '/data/%E0%A4%A',
  ])('refuses path traversal and malformed paths: %s', async (p) => {
    const res = await raw(server.url, p);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain('SECRET');
  });

  it('supports HEAD and refuses writes with 405', async () => {
    const head = await raw(server.url, '/data/overview.json', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('11');
    expect(head.body).toBe('');
    const post = await raw(server.url, '/data/overview.json', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('tells to build the dashboard when dist is missing, and still serves data', async () => {
    const bare = await startServer({ port: 0, dataDir: path.join(root, 'data'), distDir: path.join(root, 'no-dist') });
    try {
      const res = await fetch(bare.url);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build:dashboard');
      expect((await fetch(new URL('data/overview.json', bare.url))).status).toBe(200);
    } finally {
      await bare.close();
    }
  });

  it('names the port and the fix when the port is taken', async () => {
    const port = Number(new URL(server.url).port);
    await expect(startServer({ port, dataDir: root })).rejects.toThrow(`Port ${port} on 127.0.0.1 is in use`);
  });
});

describe('resolveInside', () => {
  it('keeps paths inside the root and rejects the rest', () => {
    expect(resolveInside('/srv/site', '/a/b.json')).toBe(path.resolve('/srv/site/a/b.json'));
    expect(resolveInside('/srv/site', '/a/./b.json')).toBe(path.resolve('/srv/site/a/b.json'));
    expect(resolveInside('/srv/site', '/a/../b.json')).toBeNull();
    expect(resolveInside('/srv/site', '/%2e%2e/x')).toBeNull();
    expect(resolveInside('/srv/site', '/x%00')).toBeNull();
    expect(resolveInside('/srv/site', '/%zz')).toBeNull();
  });
});
