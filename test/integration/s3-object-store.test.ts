/**
 * The S3 adapter against a real S3-compatible server (s3rver) in a child process on loopback:
 * the real SDK path, real HTTP, real bytes on disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../lambdas/ports/aws-ports';
import { listKeys, ObjectNotFoundError } from '../../lambdas/ports/object-store';
import { PrefixRoutedObjectStore, S3ObjectStore, s3ClientConfig } from '../../lambdas/ports/s3-object-store';

const BUCKETS = ['lake-raw', 'lake-curated'];
let server: ChildProcess;
let dir: string;
let client: S3Client;
/** Names of the SDK commands the client sent, recorded by a middleware. */
const commands: string[] = [];

/** Starts s3rver on a free loopback port (port 0) and reads the port it prints. */
async function startS3rver(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const bin = join(process.cwd(), 'node_modules', 's3rver', 'bin', 's3rver.js');
  const args = [bin, '-d', dataDir, '-a', '127.0.0.1', '-p', '0'];
  for (const b of BUCKETS) args.push('--configure-bucket', b);
  // s3rver encrypts continuation tokens with DES: without the legacy provider every paged list fails.
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${out}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${out}`)));
  });
  return { child, port };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gridlake-s3-'));
  const started = await startS3rver(join(dir, 's3'));
  server = started.child;
  client = new S3Client(
    s3ClientConfig({
      endpoint: `http://127.0.0.1:${started.port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    }),
  );
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(context.commandName as string);
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});

afterAll(async () => {
  client?.destroy();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('S3ObjectStore against s3rver', () => {
  it('puts and gets bytes and text, and reports existence', async () => {
    const store = new S3ObjectStore(client, 'lake-raw');
    const bytes = new Uint8Array(randomBytes(4096));
    await store.put('raw/a/bytes.bin', bytes);
    await store.put('raw/a/text.json', '{"x":1}', { contentType: 'application/json' });
    expect(Buffer.from(await store.get('raw/a/bytes.bin')).equals(Buffer.from(bytes))).toBe(true);
    expect(new TextDecoder().decode(await store.get('raw/a/text.json'))).toBe('{"x":1}');
    expect(await store.exists('raw/a/text.json')).toBe(true);
    expect(await store.exists('raw/a/nope.json')).toBe(false);
  });

  it('lists more than 1,000 keys across pages, in key order', async () => {
    const store = new S3ObjectStore(client, 'lake-raw');
    const keys = Array.from({ length: 1205 }, (_, i) => `raw/many/k-${String(i).padStart(5, '0')}.txt`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((k) => store.put(k, k)));
    }
    const first = await store.list('raw/many/');
    expect(first.objects).toHaveLength(1000);
    expect(first.nextToken).toBeTruthy();
    const second = await store.list('raw/many/', { continuationToken: first.nextToken });
    expect(second.objects).toHaveLength(205);
    expect(second.nextToken).toBeUndefined();
    expect(await listKeys(store, 'raw/many/')).toEqual(keys);
    const small = await store.list('raw/many/', { maxKeys: 7 });
    expect(small.objects.map((o) => o.key)).toEqual(keys.slice(0, 7));
    expect(small.objects[0]!.size).toBe(keys[0]!.length);
  });

  it('uploads a file above 5 MB as multipart and downloads it back intact', async () => {
    const store = new S3ObjectStore(client, 'lake-curated');
    const src = join(dir, 'big.bin');
    const big = randomBytes(17 * 1024 * 1024 + 123); // three 8 MiB parts, the last one partial
    await writeFile(src, big);
    await store.putFile('curated/big/part.parquet', src);
    const dst = join(dir, 'down', 'big.bin');
    await store.getFile('curated/big/part.parquet', dst);
    expect((await readFile(dst)).equals(big)).toBe(true);
    const page = await store.list('curated/big/');
    expect(page.objects[0]).toMatchObject({ key: 'curated/big/part.parquet', size: big.length });
    // The commands that crossed the wire prove the upload went in parts (three of 8 MiB at most).
    expect(commands.filter((c) => c === 'CreateMultipartUploadCommand')).toHaveLength(1);
    expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(3);
    expect(commands).toContain('CompleteMultipartUploadCommand');
  });

  it('throws ObjectNotFoundError for a missing key (get and getFile) and deletes idempotently', async () => {
    const store = new S3ObjectStore(client, 'lake-raw');
    await expect(store.get('raw/missing.txt')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.getFile('raw/missing.txt', join(dir, 'm.txt'))).rejects.toThrow(/s3:\/\/lake-raw\/raw\/missing\.txt/);
    await store.put('raw/del/x.txt', 'x');
    await store.delete('raw/del/x.txt');
    expect(await store.exists('raw/del/x.txt')).toBe(false);
    await store.delete('raw/del/x.txt');
  });
});

describe('PrefixRoutedObjectStore', () => {
  it('routes each top-level prefix to its bucket and names unrouted keys', async () => {
    const raw = new S3ObjectStore(client, 'lake-raw');
    const curated = new S3ObjectStore(client, 'lake-curated');
    const lake = new PrefixRoutedObjectStore({ 'raw/': raw, 'landing/': raw, 'curated/': curated });
    await lake.put('curated/routed/x.txt', 'c');
    await lake.put('landing/routed/y.csv', 'l');
    expect(await curated.exists('curated/routed/x.txt')).toBe(true);
    expect(await raw.exists('curated/routed/x.txt')).toBe(false);
    expect(await raw.exists('landing/routed/y.csv')).toBe(true);
    expect(lake.s3Uri('curated/routed/x.txt')).toBe('s3://lake-curated/curated/routed/x.txt');
    expect((await lake.list('curated/routed/')).objects.map((o) => o.key)).toEqual(['curated/routed/x.txt']);
    expect(() => lake.route('results/latest/a.json')).toThrow(/No lake bucket for key "results\/latest\/a.json"/);
  });
});

describe('createAwsPorts (the Lambda wiring) over s3rver', () => {
  it('routes the lake by the bucket variables and explains ports this function was not granted', async () => {
    const ports = await createAwsPorts({ RAW_BUCKET: 'lake-raw', CURATED_BUCKET: 'lake-curated', REDSHIFT_WORKGROUP: 'wg' }, { s3: client });
    await ports.lake.put('reference/wired/a.json', '{}');
    expect(await new S3ObjectStore(client, 'lake-raw').exists('reference/wired/a.json')).toBe(true);
    await expect(ports.lake.put('results/latest/x.json', '{}')).rejects.toThrow(/No lake bucket for key "results\/latest\/x.json"/);
    await expect(ports.site.put('data/x.json', '{}')).rejects.toThrow(/SITE_BUCKET is not set, so this function cannot write the dashboard site/);
    await expect(ports.warehouse.query({ name: 'q', sql: 'SELECT 1' })).rejects.toThrow(/REDSHIFT_DATABASE is not set/);
    await expect(
      ports.notifier.notify({ id: '1', kind: 'run-failed', severity: 'high', title: 't', message: 'm' }),
    ).rejects.toThrow(/ALERT_TOPIC_ARN is not set/);
    expect(ports.pseudonymKey).toBe('');
  });
});
