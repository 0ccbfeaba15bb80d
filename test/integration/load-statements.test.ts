/**
 * The load issues the same number of warehouse statements whatever the number of curated files: one
 * COPY per source and dataset (a manifest lists every file), then dedupe, MERGE and the touched
 * meter_daily days. Proven on the DuckDB warehouse with real transform output (10 and 200 files:
 * the same count, the data right), and on the Redshift Data API adapter (aws-sdk-client-mock): the
 * load sends one `COPY … FORMAT AS PARQUET MANIFEST` per dataset, whose manifest lists all 200
 * files with their content_length.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStatementCommand, ExecuteStatementCommand, GetStatementResultCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import type { BatchOutput, LoadInput } from '../../lambdas/contract/manifests';
import { fixedClock } from '../../lambdas/ports/clock';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import { closeLocalPorts, localPorts } from '../../lambdas/ports/local-ports';
import { getText } from '../../lambdas/ports/object-store';
import { RedshiftDataWarehouse } from '../../lambdas/ports/redshift-data-warehouse';
import { isCopy } from '../../lambdas/ports/warehouse';
import { migrateWarehouse } from '../../lambdas/schema/warehouse-schema';
import { load } from '../../lambdas/steps/load';
import { silentLog, type StepPorts } from '../../lambdas/steps/ports';
import { transformBatch } from '../../lambdas/steps/transform';
import { filesTag } from '../../lambdas/steps/transform/object-keys';
import { countingWarehouse, writeTransformResults } from '../unit/load-helpers';

const RUN = '2026-11-20-a1';
const DATE = '2026-11-20';
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) {
    await closeLocalPorts(d);
    rmSync(d, { recursive: true, force: true });
  }
});

/**
 * `files` one-meter CSVs, each transformed as a batch of its own (so the load meets `files`
 * curated objects), then loaded. Every file also re-sends meter SHARED's reading: the last file's wins.
 */
async function importAndLoad(files: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridlake-load-statements-'));
  dirs.push(dataDir);
  const ports = await localPorts({ dataDir, config: parseConfig({}), log: silentLog, clock: fixedClock('2026-11-20T06:00:00Z') });
  await migrateWarehouse(ports.warehouse, ports.clock);
  const outputs: BatchOutput[] = [];
  for (let i = 0; i < files; i++) {
    const rawKey = `raw/source=meters/dt=${DATE}/run=${RUN}/imp/m${i}.csv`;
    const csv = ['meter_id,timestamp,kwh', `M${i},2026-11-19 18:00:00,0.25`, `M${i},2026-11-19 18:30:00,0.5`, `SHARED,2026-11-19 10:00:00,${(i + 1) / 1000}`].join('\n') + '\n';
    await ports.lake.put(rawKey, csv);
    const options = { timezone: 'Asia/Tokyo', receivedAt: '2026-11-20T01:00:00Z' };
    const batch = { runId: RUN, date: DATE, source: 'meters' as const, dataset: 'meter_readings', tag: filesTag([rawKey]), files: [{ rawKey, format: 'csv' as const, options, seq: i + 1, bytes: csv.length }] };
    outputs.push(await transformBatch(batch, ports));
  }
  const input: LoadInput = { runId: RUN, date: DATE, sources: ['meters'], startedAt: '2026-11-20T06:00:00Z', collected: [await writeTransformResults(ports.lake, RUN, 'meters', outputs)] };
  const count = countingWarehouse(ports.warehouse);
  const out = await load(input, { ...ports, warehouse: count.warehouse } as StepPorts);
  const one = async (sql: string) => (await ports.warehouse.query({ name: 'check', sql }))[0]!;
  return { out, statements: count.statements(), copies: count.copies, one };
}

describe('load statements do not grow with files', () => {
  it('10 and 200 curated files: the same statements, one COPY of all files, the last file’s version kept', async () => {
    const small = await importAndLoad(10);
    const large = await importAndLoad(200);
    expect(large.statements).toBe(small.statements);
    for (const [run, files] of [[small, 10], [large, 200]] as const) {
      expect(run.copies).toHaveLength(1);
      expect(isCopy(run.copies[0]!) && run.copies[0].copyParquet.keys).toHaveLength(files);
      expect(run.out.counts).toEqual([{ source: 'meters', rowsIn: 3 * files, rowsLoaded: 2 * files + 1, duplicates: files - 1, quarantined: 0 }]);
      const shared = await run.one("SELECT kwh FROM meter_readings WHERE meter_id = 'SHARED'");
      expect(Number(shared.kwh)).toBeCloseTo(files / 1000, 9);
      const meters = await run.one("SELECT count(*) AS n FROM meters WHERE timezone = 'Asia/Tokyo'");
      expect(Number(meters.n)).toBe(files + 1);
      const daily = await run.one('SELECT count(*) AS n, sum(total_kwh) AS kwh FROM meter_daily');
      expect(Number(daily.n)).toBe(files + 1);
      expect(Number(daily.kwh)).toBeCloseTo(0.75 * files + files / 1000, 6);
    }
  }, 600_000);
});

describe('the Redshift Data API adapter', () => {
  const mock = mockClient(RedshiftDataClient);
  afterAll(() => mock.restore());

  it('sends one COPY … FORMAT AS PARQUET MANIFEST for 200 files, and as many statements as for 10', async () => {
    const sent = async (files: number) => {
      mock.reset();
      mock.on(ExecuteStatementCommand).callsFake((input: { Sql: string }) => ({ Id: `s${mock.commandCalls(ExecuteStatementCommand).length}`, SessionId: 'session-1', Sql: input.Sql }));
      mock.on(DescribeStatementCommand).resolves({ Status: 'FINISHED', HasResultSet: false });
      mock.on(GetStatementResultCommand).resolves({ ColumnMetadata: [], Records: [] });
      const root = mkdtempSync(join(tmpdir(), 'gridlake-load-redshift-'));
      dirs.push(root);
      const lake = Object.assign(new LocalFolderStore(root), { s3Uri: (key: string) => `s3://gridlake-curated/${key}` });
      const outputs: BatchOutput[] = [];
      for (let i = 0; i < files; i++) {
        const key = `curated/meter_readings/dt=${DATE}/${RUN}-b${i}.parquet`;
        await lake.put(key, new Uint8Array(100 + i));
        outputs.push({
          runId: RUN, date: DATE, source: 'meters', dataset: 'meter_readings', tag: `b${i}`, curatedKeys: [key], curatedBytes: [100 + i], quarantineKey: null,
          rowsIn: 2, rowsOut: 2, duplicates: 0, quarantined: 0, files: [{ rawKey: `raw/b${i}.csv`, seq: i + 1, rowsIn: 2, rowsOut: 2, duplicates: 0, quarantined: 0 }], rejected: [],
        });
      }
      const input: LoadInput = { runId: RUN, date: DATE, sources: ['meters'], startedAt: '2026-11-20T06:00:00Z', collected: [await writeTransformResults(lake, RUN, 'meters', outputs)] };
      const warehouse = new RedshiftDataWarehouse({
        client: new RedshiftDataClient({ region: 'us-east-1' }),
        workgroupName: 'gridlake',
        database: 'dev',
        copyRoleArn: 'arn:aws:iam::123456789012:role/gridlake-copy',
        lake,
        sleep: async () => undefined,
      });
      const ports = { config: parseConfig({}), lake, warehouse, clock: fixedClock('2026-11-20T06:00:00Z'), log: silentLog, tmpDir: root } as unknown as StepPorts;
      await load(input, ports);
      const sqls = mock.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql!);
      return { sqls, lake };
    };
    const small = await sent(10);
    const large = await sent(200);
    expect(large.sqls.length).toBe(small.sqls.length);
    const copies = large.sqls.filter((s) => s.startsWith('COPY '));
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(/^COPY stg_raw_meter_readings FROM 's3:\/\/gridlake-curated\/curated\/_manifests\/copy_meter_readings-[0-9a-f]{16}\.manifest' IAM_ROLE '[^']+' FORMAT AS PARQUET MANIFEST$/);
    const manifestKey = /s3:\/\/gridlake-curated\/(\S+\.manifest)/.exec(copies[0]!)![1]!;
    const manifest = JSON.parse(await getText(large.lake, manifestKey)) as { entries: Array<{ url: string; mandatory: boolean; meta: { content_length: number } }> };
    expect(manifest.entries).toHaveLength(200);
    expect(manifest.entries[199]).toEqual({ url: `s3://gridlake-curated/curated/meter_readings/dt=${DATE}/${RUN}-b199.parquet`, mandatory: true, meta: { content_length: 299 } });
  });
});
