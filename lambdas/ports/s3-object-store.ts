/**
 * ObjectStore over Amazon S3 (SDK v3), plus the lake router that sends each top-level prefix
 * (`raw/`, `curated/`, …) to its own bucket. Keys are kept whole inside the bucket
 * (`s3://<curated-bucket>/curated/...`), so a key means the same thing locally and in the cloud.
 * IAM: the actions and resources each method's requests need are declared in iam-actions.ts
 * (simulated against the synthesized roles by test/iam/iam-simulation.test.ts).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ObjectNotFoundError, type ListPage, type ObjectStore, type PutOptions } from './object-store';
import { classifyTransient } from './transient-error';

/** Something that can name the `s3://bucket/key` URI of an object key (the Redshift COPY needs it). */
export interface S3Locator {
  s3Uri(key: string): string;
}

/** Parts of 8 MiB: above S3's 5 MiB minimum, few enough parts for Lambda-sized files. */
const MULTIPART_PART_SIZE = 8 * 1024 * 1024;

/** Client settings that are safe for S3 and for S3-compatible test servers alike. */
export function s3ClientConfig(overrides: S3ClientConfig = {}): S3ClientConfig {
  return {
    // Only checksum when S3 requires it: streamed bodies then upload without aws-chunked framing,
    // which S3-compatible servers (and s3rver in tests) do not all understand.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  };
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.Code === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404;
}

function putParams(options: PutOptions | undefined) {
  return {
    ContentType: options?.contentType,
    ContentEncoding: options?.contentEncoding,
    CacheControl: options?.cacheControl,
  };
}

export class S3ObjectStore implements ObjectStore, S3Locator {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
  ) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new Error(`"${bucket}" is not a valid S3 bucket name: check the bucket environment variable.`);
    }
  }

  get location(): string {
    return `s3://${this.bucket}`;
  }

  s3Uri(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  // Each call goes through classifyTransient: once the SDK's own retries are spent, throttling
  // (SlowDown), 5xx and dropped connections surface as TransientError, which the workflow retries.
  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    await classifyTransient('s3:PutObject', () => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ...putParams(options) })));
  }

  /** Streams the file; files above one part go up as a multipart upload (parallel parts). */
  async putFile(key: string, localPath: string, options?: PutOptions): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: createReadStream(localPath), ...putParams(options) },
      partSize: MULTIPART_PART_SIZE,
      queueSize: 4,
      leavePartsOnError: false,
    });
    await classifyTransient('s3:PutObject', () => upload.done());
  }

  async get(key: string): Promise<Uint8Array> {
    return classifyTransient('s3:GetObject', async () => {
      try {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        return await out.Body!.transformToByteArray();
      } catch (e) {
        if (isNotFound(e)) throw new ObjectNotFoundError(key, this.location);
        throw e;
      }
    });
  }

  async getFile(key: string, localPath: string): Promise<void> {
    return classifyTransient('s3:GetObject', () => this.download(key, localPath));
  }

  private async download(key: string, localPath: string): Promise<void> {
    let body: Readable;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      body = out.Body as Readable;
    } catch (e) {
      if (isNotFound(e)) throw new ObjectNotFoundError(key, this.location);
      throw e;
    }
    await mkdir(dirname(localPath), { recursive: true });
    await pipeline(body, createWriteStream(localPath));
  }

  async list(prefix: string, options: { continuationToken?: string; maxKeys?: number } = {}): Promise<ListPage> {
    const out = await classifyTransient('s3:ListBucket', () => this.client.send(
      new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: prefix,
        ContinuationToken: options.continuationToken,
        MaxKeys: options.maxKeys ?? 1000,
      }),
    ));
    return {
      objects: (out.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) })),
      nextToken: out.IsTruncated ? out.NextContinuationToken : undefined,
    };
  }

  async exists(key: string): Promise<boolean> {
    try {
      await classifyTransient('s3:GetObject', () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await classifyTransient('s3:DeleteObject', () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }
}

/**
 * The lake's top-level prefixes. `landing/` and `reference/` are inputs, so they live with raw data;
 * `exports/` (files field devices download, docs/FLOW.md) is analysis output, so it lives with results.
 */
export const LAKE_PREFIXES = ['raw/', 'curated/', 'quarantine/', 'results/', 'landing/', 'reference/', 'exports/'] as const;
export type LakePrefix = (typeof LAKE_PREFIXES)[number];

/**
 * One ObjectStore over several buckets: a key goes to the bucket of its first path segment. A function
 * only gets the buckets it was granted (lib/pipeline.ts), so a missing route is a wiring error and
 * says so instead of surfacing as an S3 AccessDenied.
 */
export class PrefixRoutedObjectStore implements ObjectStore, S3Locator {
  constructor(private readonly routes: Partial<Record<LakePrefix, S3ObjectStore>>) {}

  get location(): string {
    const buckets = [...new Set(Object.values(this.routes).map((s) => s!.bucket))];
    return `lake(${buckets.map((b) => `s3://${b}`).join(', ')})`;
  }

  /** The store holding `keyOrPrefix`; throws a message naming the key and the configured prefixes. */
  route(keyOrPrefix: string): S3ObjectStore {
    const prefix = LAKE_PREFIXES.find((p) => keyOrPrefix.startsWith(p));
    const store = prefix && this.routes[prefix];
    if (!store) {
      const known = Object.keys(this.routes).join(', ') || 'none';
      throw new Error(
        `No lake bucket for key "${keyOrPrefix}": keys must start with one of ${LAKE_PREFIXES.join(', ')}, ` +
          `and this function is configured for ${known}. Grant the bucket and set its environment variable in lib/pipeline.ts.`,
      );
    }
    return store;
  }

  s3Uri(key: string): string {
    return this.route(key).s3Uri(key);
  }
  // async, so a routing error arrives as a rejected promise like any other storage error.
  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    return this.route(key).put(key, body, options);
  }
  async putFile(key: string, localPath: string, options?: PutOptions): Promise<void> {
    return this.route(key).putFile(key, localPath, options);
  }
  async get(key: string): Promise<Uint8Array> {
    return this.route(key).get(key);
  }
  async getFile(key: string, localPath: string): Promise<void> {
    return this.route(key).getFile(key, localPath);
  }
  async list(prefix: string, options?: { continuationToken?: string; maxKeys?: number }): Promise<ListPage> {
    return this.route(prefix).list(prefix, options);
  }
  async exists(key: string): Promise<boolean> {
    return this.route(key).exists(key);
  }
  async delete(key: string): Promise<void> {
    return this.route(key).delete(key);
  }
}
