/**
 * The object-store port: the one way the pipeline reaches S3. Shaped after S3 itself (keys, prefixes,
 * paginated listing with continuation tokens) so the S3 adapter is a thin translation and the local
 * folder adapter cannot offer anything S3 would not.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ListPage {
  objects: ObjectInfo[];
  /** Pass back as `continuationToken` to read the next page; absent on the last page. */
  nextToken?: string;
}

export interface PutOptions {
  contentType?: string;
  contentEncoding?: string;
  cacheControl?: string;
}

export interface ObjectStore {
  /** Human-readable location for messages, e.g. `s3://bucket` or `/path/to/lake`. */
  readonly location: string;
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void>;
  /** Uploads a local file (streamed / multipart in S3). */
  putFile(key: string, localPath: string, options?: PutOptions): Promise<void>;
  /** Throws {@link ObjectNotFoundError} when the key does not exist. */
  get(key: string): Promise<Uint8Array>;
  /** Downloads to a local file (streamed). Throws {@link ObjectNotFoundError}. */
  getFile(key: string, localPath: string): Promise<void>;
  /** One page of keys under `prefix`, in lexicographic order (as S3 ListObjectsV2). */
  list(prefix: string, options?: { continuationToken?: string; maxKeys?: number }): Promise<ListPage>;
  exists(key: string): Promise<boolean>;
  /** Deleting a missing key is not an error (as in S3). */
  delete(key: string): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(readonly key: string, readonly location: string) {
    super(`No object at ${location}/${key}: check the key, or run the step that writes it first.`);
  }
}

/** Every object under a prefix, across pages. */
export async function* listAll(store: ObjectStore, prefix: string): AsyncGenerator<ObjectInfo> {
  let token: string | undefined;
  do {
    const page = await store.list(prefix, { continuationToken: token });
    yield* page.objects;
    token = page.nextToken;
  } while (token);
}

export async function listKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of listAll(store, prefix)) keys.push(o.key);
  return keys;
}

export async function getText(store: ObjectStore, key: string): Promise<string> {
  return new TextDecoder().decode(await store.get(key));
}

export async function getJson<T = unknown>(store: ObjectStore, key: string): Promise<T> {
  const text = await getText(store, key);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${store.location}/${key} is not valid JSON (${(e as Error).message}).`);
  }
}

export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, JSON.stringify(value), { contentType: 'application/json' });
}
