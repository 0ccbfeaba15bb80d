/**
 * The local static server behind `gridlake serve`: the built dashboard (`dashboard/dist/`) at `/`
 * and the published results (`<dataDir>/site/data/`, the local stand-in of the dashboard bucket's
 * data/ prefix) at `/data/`. node:http only; it binds to loopback by default.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServeOptions {
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** The gridlake data directory; results are read from `<dataDir>/site/data/`. */
  dataDir: string;
  /** Interface to bind. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** The built site. Default `dashboard/dist/` of this repository. */
  distDir?: string;
}

export interface RunningServer {
  /** Base URL ending in `/`, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../dashboard/dist/', import.meta.url));

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path below a root to a file path, or null when it would leave the root (`..`, encoded
 * slashes or backslashes, NUL bytes) or cannot be decoded.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return null;
  const full = path.resolve(root, ...segments);
  const rootResolved = path.resolve(root);
  return full === rootResolved || full.startsWith(rootResolved + path.sep) ? full : null;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { port = 8080, dataDir, host = '127.0.0.1', distDir = DEFAULT_DIST_DIR } = options;
  const dataRoot = path.resolve(dataDir, 'site', 'data');
  const siteRoot = path.resolve(distDir);

  const server = createServer((req, res) => {
    handle(req, res, siteRoot, dataRoot).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, `Internal error: ${(e as Error).message}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${host} is in use: pass another --port, or 0 for a free one.`) : e),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, siteRoot: string, dataRoot: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'Method not allowed: the dashboard server is read-only.\n');
  }
  const urlPath = (req.url ?? '/').split('?')[0].split('#')[0];
  if (urlPath === '/data' || urlPath.startsWith('/data/')) {
    const file = resolveInside(dataRoot, urlPath.slice('/data'.length));
    if (!file) return send(res, 400, `Bad path: ${urlPath}\n`);
    // Data changes with every publish: browsers must revalidate, never serve a stale copy.
    return serveFile(req, res, file, 'no-cache', `No published file ${urlPath}: run the pipeline (gridlake run) to produce it.\n`);
  }
  if (!(await isDir(siteRoot))) {
    return send(
      res,
      503,
      `The dashboard is not built (no ${siteRoot}). Run \`npm run build:dashboard\`, then reload.\n`,
    );
  }
  const file = resolveInside(siteRoot, urlPath.endsWith('/') ? urlPath + 'index.html' : urlPath);
  if (!file) return send(res, 400, `Bad path: ${urlPath}\n`);
  // Vite's assets/ carry a content hash in their name: cache them for good; everything else revalidates.
  const cache = urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  return serveFile(req, res, file, cache, `Not found: ${urlPath}\n`);
}

async function serveFile(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string, notFound: string): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (!info || !info.isFile()) return send(res, 404, notFound);
  res.writeHead(200, {
    'Content-Type': mimeType(file),
    'Content-Length': info.size,
    'Cache-Control': cacheControl,
    'Last-Modified': info.mtime.toUTCString(),
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') return void res.end();
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(file);
    stream.on('error', reject);
    res.on('finish', resolve);
    res.on('close', resolve);
    stream.pipe(res);
  });
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
