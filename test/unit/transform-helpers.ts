/** Real local ports for transform tests: a folder lake under a temp dir (no warehouse is touched). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseConfig } from '../../lambdas/config';
import type { Batch, BatchOutput } from '../../lambdas/contract/manifests';
import { fixedClock } from '../../lambdas/ports/clock';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import type { StepPorts } from '../../lambdas/steps/ports';
import { silentLog } from '../../lambdas/steps/ports';
import { RawFileRejected } from '../../lambdas/steps/raw-file-rejected';
import { transformBatch, type TransformOptions } from '../../lambdas/steps/transform';
import { filesTag } from '../../lambdas/steps/transform/object-keys';
import { DuckDBInstance } from '@duckdb/node-api';

export interface TestLake {
  dir: string;
  ports: StepPorts;
  lake: LocalFolderStore;
  cleanup(): void;
}

export function testLake(config: unknown = {}): TestLake {
  const dir = mkdtempSync(join(tmpdir(), 'gridlake-transform-test-'));
  const lake = new LocalFolderStore(join(dir, 'lake'));
  const unused = () => {
    throw new Error('the transform step must not use this port');
  };
  const ports: StepPorts = {
    config: parseConfig(config),
    lake,
    site: new LocalFolderStore(join(dir, 'site')),
    warehouse: { query: unused, execute: unused, transaction: unused, close: unused } as unknown as StepPorts['warehouse'],
    notifier: { notify: unused },
    clock: fixedClock('2026-11-02T06:00:00Z'),
    log: silentLog,
    pseudonymKey: 'test',
    tmpDir: join(dir, 'tmp'),
  };
  return { dir, ports, lake, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function batch(over: Partial<Batch> & Pick<Batch, 'rawKey' | 'dataset'>): Batch {
  return { runId: 'run-1', date: '2026-11-01', source: 'meters', format: 'csv', options: {}, ...over };
}

/** A one-file batch's output, with the file's own timezone beside the batch's totals. */
export type OneFileOutput = BatchOutput & { rawKey: string; timezone?: string };

/**
 * One raw file through the workflow's transform (`transformBatch`) as a one-file batch. A file the
 * batch rejects (RawFileRejected: reported in `rejected`, the batch itself succeeds) is thrown here
 * as that error again, with the line the step logged, so a test can assert on it as on any error.
 */
export async function transformOne(one: Batch, ports: StepPorts, options?: TransformOptions): Promise<OneFileOutput> {
  const lines = new Map<string, number | null>();
  const log = {
    ...ports.log,
    warn: (message: string, fields?: Record<string, unknown>) => {
      if (message === 'raw file rejected') lines.set(String(fields?.rawKey), (fields?.line as number | null | undefined) ?? null);
      ports.log.warn(message, fields);
    },
  };
  const out = await transformBatch(
    {
      runId: one.runId,
      date: one.date,
      source: one.source,
      dataset: one.dataset,
      tag: filesTag([one.rawKey]),
      files: [{ rawKey: one.rawKey, format: one.format, options: one.options, seq: 1, bytes: 0 }],
    },
    { ...ports, log },
    options,
  );
  const [rejected] = out.rejected;
  if (rejected) {
    const { errorMessage } = JSON.parse(rejected.error) as { errorType: string; errorMessage: string };
    throw new RawFileRejected(rejected.rawKey, lines.get(rejected.rawKey) ?? null, errorMessage, { messageNamesFile: true });
  }
  const timezone = out.files[0]?.timezone;
  return { ...out, rawKey: one.rawKey, ...(timezone !== undefined ? { timezone } : {}) };
}

export const jsonlGz = (records: object[]) => gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''));
export const readJsonl = (bytes: Uint8Array) =>
  Buffer.from(bytes.subarray(0, 2)).equals(Buffer.from([0x1f, 0x8b])) ? gunzipSync(bytes).toString() : Buffer.from(bytes).toString();

/** Reads a curated Parquet object back with a separate DuckDB (what the load will see). */
export async function readParquet(lake: LocalFolderStore, key: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet($p, hive_partitioning = false) ORDER BY ${orderBy}`, { p: lake.pathOf(key) });
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export async function parquetSchema(lake: LocalFolderStore, key: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet($p, hive_partitioning = false)`, { p: lake.pathOf(key) });
    return reader.getRowObjectsJson().map((r) => `${r.column_name} ${r.column_type}`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The quarantine lines a transform wrote (its output's quarantineKey, which must be set). */
export async function readQuarantine(lake: LocalFolderStore, out: { quarantineKey: string | null }): Promise<ReturnType<typeof quarantineLines>> {
  if (!out.quarantineKey) throw new Error('the transform wrote no quarantine file');
  return quarantineLines(Buffer.from(await lake.get(out.quarantineKey)).toString());
}

export function quarantineLines(text: string): { file: string; line: number; reason: string; record: Record<string, string | null> }[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
