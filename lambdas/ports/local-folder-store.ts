/**
 * ObjectStore over a local folder: the local stand-in for an S3 bucket. Keys map to paths under
 * the root; bytes are written atomically (temp file + rename) so a reader never sees half an object.
 * Listing follows S3 semantics: lexicographic key order, pages of `maxKeys`, an opaque token.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ObjectNotFoundError, type ListPage, type ObjectInfo, type ObjectStore } from './object-store';

export class LocalFolderStore implements ObjectStore {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  get location(): string {
    return this.root;
  }

  /** The file path of a key; refuses keys that would escape the root. */
  pathOf(key: string): string {
    if (!key || key.startsWith('/') || key.split('/').includes('..')) {
      throw new Error(`Invalid object key "${key}": keys are relative, without "..".`);
    }
    const p = resolve(this.root, key);
    if (!p.startsWith(this.root + sep)) throw new Error(`Invalid object key "${key}".`);
    return p;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await writeFile(tmp, body);
    await rename(tmp, path);
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await copyFile(localPath, tmp);
    await rename(tmp, path);
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(key, this.location);
      throw e;
    }
  }

  async getFile(key: string, localPath: string): Promise<void> {
    const src = this.pathOf(key);
    try {
      await stat(src);
    } catch {
      throw new ObjectNotFoundError(key, this.location);
    }
    await mkdir(dirname(localPath), { recursive: true });
    await pipeline(createReadStream(src), createWriteStream(localPath));
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async list(prefix: string, options: { continuationToken?: string; maxKeys?: number } = {}): Promise<ListPage> {
    const maxKeys = options.maxKeys ?? 1000;
    const all = await this.walk(prefix);
    const after = options.continuationToken ? Buffer.from(options.continuationToken, 'base64url').toString() : undefined;
    const start = after === undefined ? 0 : all.findIndex((o) => o.key > after);
    const page = start < 0 ? [] : all.slice(start, start + maxKeys);
    const more = start >= 0 && start + maxKeys < all.length;
    return {
      objects: page,
      nextToken: more ? Buffer.from(page[page.length - 1]!.key).toString('base64url') : undefined,
    };
  }

  /** Every object whose key starts with `prefix`, sorted like S3 (by key bytes). */
  private async walk(prefix: string): Promise<ObjectInfo[]> {
    // Start at the deepest folder the prefix names, then filter by the full prefix.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const base = folder ? join(this.root, folder) : this.root;
    const out: ObjectInfo[] = [];
    const visit = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await visit(full);
        else if (entry.isFile() && !entry.name.includes('.tmp-')) {
          const key = relative(this.root, full).split(sep).join('/');
          if (!key.startsWith(prefix)) continue;
          const s = await stat(full);
          out.push({ key, size: s.size, lastModified: s.mtime });
        }
      }
    };
    await visit(base);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
