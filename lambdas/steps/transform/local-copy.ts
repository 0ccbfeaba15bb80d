/**
 * DuckDB reads local files: a lake object is used in place when the lake is a local folder, and
 * otherwise downloaded (streamed) into the work directory, keeping its extension so DuckDB still
 * recognises gzip.
 */
import { basename, join } from 'node:path';
import { LocalFolderStore } from '../../ports/local-folder-store';
import { ObjectNotFoundError, type ObjectStore } from '../../ports/object-store';

export async function localPathOf(lake: ObjectStore, key: string, workDir: string, prefix: string): Promise<string> {
  if (lake instanceof LocalFolderStore) {
    if (!(await lake.exists(key))) throw new ObjectNotFoundError(key, lake.location);
    return lake.pathOf(key);
  }
  const path = join(workDir, `${prefix}-${basename(key)}`);
  await lake.getFile(key, path);
  return path;
}
