/**
 * The Redshift Data API adapter against aws-sdk-client-mock: the real adapter code, the real SDK
 * command objects, scripted service responses (there is no Redshift offline).
 */
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import { getText } from '../../lambdas/ports/object-store';
import {
  MAX_STATEMENT_BYTES,
  RedshiftDataWarehouse,
  bindParameters,
  type RedshiftDataWarehouseOptions,
} from '../../lambdas/ports/redshift-data-warehouse';
import { DataCheckError, WarehouseError } from '../../lambdas/ports/warehouse';
import { DATASETS } from '../../lambdas/datasets/registry';
import { meterReadings } from '../../lambdas/datasets/meter_readings';
import { createTableSql } from '../../lambdas/datasets/create-table-sql';

const mock = mockClient(RedshiftDataClient);
const ROLE = 'arn:aws:iam::123456789012:role/gridlake-copy';

/** A clock that advances only when the adapter sleeps: timeouts are tested without waiting. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function warehouse(extra: Partial<RedshiftDataWarehouseOptions> = {}) {
  const time = fakeTime();
  const wh = new RedshiftDataWarehouse({
    client: new RedshiftDataClient({ region: 'us-east-1' }),
    workgroupName: 'gridlake',
    database: 'dev',
    secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:admin',
    poll: { initialDelayMs: 100, maxDelayMs: 1000, deadlineMs: 10_000 },
    sleep: time.sleep,
    now: time.now,
    ...extra,
  });
  return { wh, time };
}

beforeEach(() => mock.reset());

describe('query and execute', () => {
  it('sends named parameters, polls with backoff until FINISHED, and maps typed fields', async () => {
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q1' });
    mock
      .on(DescribeStatementCommand)
      .resolvesOnce({ Id: 'q1', Status: 'SUBMITTED' })
      .resolvesOnce({ Id: 'q1', Status: 'STARTED' })
      .resolvesOnce({ Id: 'q1', Status: 'STARTED' })
      .resolves({ Id: 'q1', Status: 'FINISHED', HasResultSet: true });
    mock.on(GetStatementResultCommand).resolves({
      ColumnMetadata: [{ name: 'meter_id' }, { name: 'kwh' }, { name: 'n' }, { name: 'ok' }, { name: 'note' }],
      Records: [[{ stringValue: 'm1' }, { doubleValue: 1.5 }, { longValue: 48 }, { booleanValue: true }, { isNull: true }]],
    });
    const { wh, time } = warehouse();
    const rows = await wh.query({
      name: 'daily_kwh',
      sql: 'SELECT * FROM meter_daily WHERE meter_id = :meter AND day >= :day::date AND note = :note',
      params: { meter: 'm1', day: '2026-01-01', note: null, unused: 3 },
    });
    expect(rows).toEqual([{ meter_id: 'm1', kwh: 1.5, n: 48, ok: true, note: null }]);
    const sent = mock.commandCalls(ExecuteStatementCommand)[0]!.args[0].input;
    expect(sent).toMatchObject({ WorkgroupName: 'gridlake', Database: 'dev', StatementName: 'daily_kwh' });
    expect(sent.Sql).toBe('SELECT * FROM meter_daily WHERE meter_id = :meter AND day >= :day::date AND note = NULL');
    expect(sent.Parameters).toEqual([
      { name: 'meter', value: 'm1' },
      { name: 'day', value: '2026-01-01' },
    ]);
    expect(time.sleeps).toEqual([100, 200, 400]);
  });

  it('reads every page of GetStatementResult', async () => {
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q2' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q2', Status: 'FINISHED', HasResultSet: true });
    const page = (from: number, next?: string) => ({
      ColumnMetadata: [{ name: 'i' }],
      Records: Array.from({ length: 3 }, (_, k) => [{ longValue: from + k }]),
      NextToken: next,
    });
    mock
      .on(GetStatementResultCommand)
      .resolvesOnce(page(0, 't1'))
      .resolvesOnce(page(3, 't2'))
      .resolvesOnce(page(6));
    const { wh } = warehouse();
    const rows = await wh.query({ name: 'many', sql: 'SELECT i FROM t' });
    expect(rows.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const tokens = mock.commandCalls(GetStatementResultCommand).map((c) => c.args[0].input.NextToken);
    expect(tokens).toEqual([undefined, 't1', 't2']);
  });

  it('turns FAILED into a WarehouseError carrying the statement name and Redshift message', async () => {
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q3' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q3', Status: 'FAILED', Error: 'ERROR: relation "nope" does not exist' });
    const { wh } = warehouse();
    const err = await wh.execute({ name: 'select_nope', sql: 'SELECT 1 FROM nope' }).catch((e) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect(err.statementName).toBe('select_nope');
    expect(err.message).toContain('relation "nope" does not exist');
  });

  it('turns ABORTED into a WarehouseError', async () => {
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q4' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q4', Status: 'ABORTED' });
    const { wh } = warehouse();
    await expect(wh.execute({ name: 'long_one', sql: 'SELECT 1' })).rejects.toThrow(/"long_one" failed: statement q4 was aborted/);
  });

  it('retries throttled calls with backoff, then succeeds', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const busy = Object.assign(new Error('too many active statements'), { name: 'ActiveStatementsExceededException' });
    mock.on(ExecuteStatementCommand).rejectsOnce(throttled).rejectsOnce(busy).resolves({ Id: 'q5' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q5', Status: 'FINISHED' });
    const { wh, time } = warehouse({ retry: { maxAttempts: 4, baseDelayMs: 50 } });
    await wh.execute({ name: 'throttled', sql: 'SELECT 1' });
    expect(mock.commandCalls(ExecuteStatementCommand)).toHaveLength(3);
    expect(time.sleeps).toHaveLength(2);
    expect(time.sleeps[0]!).toBeLessThanOrEqual(50);
    expect(time.sleeps[1]!).toBeLessThanOrEqual(100);
  });

  it('gives up after the last throttled attempt and does not retry other errors', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    mock.on(ExecuteStatementCommand).rejects(throttled);
    const { wh } = warehouse({ retry: { maxAttempts: 3, baseDelayMs: 1 } });
    await expect(wh.execute({ name: 'always_throttled', sql: 'SELECT 1' })).rejects.toMatchObject({
      name: 'TransientError',
      message: expect.stringMatching(/still throttled after 3 attempts/),
    });
    expect(mock.commandCalls(ExecuteStatementCommand)).toHaveLength(3);

    mock.reset();
    mock.on(ExecuteStatementCommand).rejects(Object.assign(new Error('bad sql'), { name: 'ValidationException' }));
    await expect(warehouse().wh.execute({ name: 'invalid', sql: 'SELEC' })).rejects.toThrow(/"invalid" failed: ValidationException: bad sql/);
    await expect(warehouse().wh.execute({ name: 'invalid', sql: 'SELEC' })).rejects.toBeInstanceOf(WarehouseError);
    expect(mock.commandCalls(ExecuteStatementCommand)).toHaveLength(2);
  });

  it('a dropped connection or a 5xx (after the SDK retried) is a TransientError; access denied and bad SQL are not', async () => {
    const cases: Array<[Error, string]> = [
      [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'TransientError'],
      [Object.assign(new Error('Service Unavailable'), { name: 'UnknownError', $metadata: { httpStatusCode: 503 } }), 'TransientError'],
      [Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }), 'WarehouseError'],
      [Object.assign(new Error('syntax error at or near "SELEC"'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }), 'WarehouseError'],
    ];
    for (const [error, expected] of cases) {
      mock.reset();
      mock.on(ExecuteStatementCommand).rejects(error);
      await expect(warehouse().wh.execute({ name: 'call', sql: 'SELECT 1' }), error.message).rejects.toMatchObject({ name: expected });
    }
  });

  it('a serializable isolation conflict (Redshift error 1023) is transient: the rolled-back transaction can run again', async () => {
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q9' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q9', Status: 'FAILED', Error: 'ERROR: 1023 DETAIL: Serializable isolation violation on table - 123456' });
    await expect(warehouse().wh.execute({ name: 'merge_meter_readings', sql: 'SELECT 1' })).rejects.toMatchObject({ name: 'TransientError' });
    mock.reset();
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q10' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q10', Status: 'FAILED', Error: 'ERROR: column "x" does not exist' });
    await expect(warehouse().wh.execute({ name: 'bad', sql: 'SELECT 1' })).rejects.toBeInstanceOf(WarehouseError);
  });

  it('cancels and fails a statement that outlives the deadline', async () => {
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q6' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q6', Status: 'STARTED' });
    mock.on(CancelStatementCommand).resolves({ Status: true });
    const { wh, time } = warehouse();
    // A timeout is transient: the workflow's Retry (ErrorEquals TransientError) runs the step again.
    await expect(wh.execute({ name: 'slow', sql: 'SELECT 1' })).rejects.toMatchObject({
      name: 'TransientError',
      message: expect.stringMatching(/^redshift-data:slow: statement q6 did not finish within 10 s/),
    });
    expect(mock.commandCalls(CancelStatementCommand)[0]!.args[0].input).toEqual({ Id: 'q6' });
    expect(time.now()).toBeLessThanOrEqual(10_000);
  });

  it('rejects statements over 100 KB before calling the service', async () => {
    const { wh } = warehouse();
    const sql = `SELECT '${'x'.repeat(MAX_STATEMENT_BYTES)}'`;
    await expect(wh.execute({ name: 'huge', sql })).rejects.toThrow(/"huge" failed: the SQL is \d+ bytes; the Redshift Data API accepts at most 102400/);
    expect(mock.calls()).toHaveLength(0);
  });

  it('names a missing parameter', () => {
    expect(() => bindParameters({ name: 'p', sql: 'SELECT :a, :b', params: { a: 1 } })).toThrow(/"p" failed: the SQL uses :b/);
  });
});

describe('transaction', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'gridlake-rs-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  /** A lake whose s3Uri names a bucket per prefix, over real files. */
  function lakeAt(root: string) {
    const store = new LocalFolderStore(root);
    return Object.assign(store, { s3Uri: (key: string) => `s3://gridlake-curated/${key}` });
  }

  it('runs a small parameterless transaction as one BatchExecuteStatement with a COPY via a manifest', async () => {
    const lake = lakeAt(dir);
    await lake.put('curated/meter_readings/dt=2026-01-01/r1-00000.parquet', new Uint8Array(1234));
    await lake.put('curated/meter_readings/dt=2026-01-01/r1-00001.parquet', new Uint8Array(99));
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'b1' });
    mock.on(DescribeStatementCommand).resolves({
      Id: 'b1',
      Status: 'FINISHED',
      SubStatements: [
        { Id: 'b1:1', Status: 'FINISHED' },
        { Id: 'b1:2', Status: 'FINISHED' },
        { Id: 'b1:3', Status: 'FINISHED', HasResultSet: true },
      ],
    });
    mock.on(GetStatementResultCommand, { Id: 'b1:3' }).resolves({ ColumnMetadata: [{ name: 'n' }], Records: [[{ longValue: 2 }]] });
    const { wh } = warehouse({ lake, copyRoleArn: ROLE });
    const results = await wh.transaction([
      { name: 'create_stg', sql: 'CREATE TEMP TABLE stg (LIKE meter_readings)' },
      { name: 'copy_nothing', copyParquet: { table: 'stg', keys: [] } },
      {
        name: 'copy_stg',
        copyParquet: {
          table: 'stg',
          keys: ['curated/meter_readings/dt=2026-01-01/r1-00000.parquet', 'curated/meter_readings/dt=2026-01-01/r1-00001.parquet'],
        },
      },
      { name: 'count_stg', sql: 'SELECT COUNT(*) AS n FROM stg' },
    ]);
    expect(results).toEqual([[], [], [], [{ n: 2 }]]);
    const input = mock.commandCalls(BatchExecuteStatementCommand)[0]!.args[0].input;
    expect(input.ExecutionMode).toBe('TRANSACTION');
    expect(input.Sqls).toHaveLength(3);
    const copy = input.Sqls![1]!;
    expect(copy).toMatch(
      /^COPY stg FROM 's3:\/\/gridlake-curated\/curated\/_manifests\/copy_stg-[0-9a-f]{16}\.manifest' IAM_ROLE 'arn:aws:iam::123456789012:role\/gridlake-copy' FORMAT AS PARQUET MANIFEST$/,
    );
    const manifestKey = /s3:\/\/gridlake-curated\/(\S+\.manifest)/.exec(copy)![1]!;
    expect(JSON.parse(await getText(lake, manifestKey))).toEqual({
      entries: [
        { url: 's3://gridlake-curated/curated/meter_readings/dt=2026-01-01/r1-00000.parquet', mandatory: true, meta: { content_length: 1234 } },
        { url: 's3://gridlake-curated/curated/meter_readings/dt=2026-01-01/r1-00001.parquet', mandatory: true, meta: { content_length: 99 } },
      ],
    });
  });

  it('names the failing item of a batch', async () => {
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'b2' });
    mock.on(DescribeStatementCommand).resolves({
      Id: 'b2',
      Status: 'FAILED',
      Error: 'batch failed',
      SubStatements: [
        { Id: 'b2:1', Status: 'FINISHED' },
        { Id: 'b2:2', Status: 'FAILED', Error: 'ERROR: duplicate key in MERGE source' },
        { Id: 'b2:3', Status: 'ABORTED' },
      ],
    });
    const { wh } = warehouse();
    const err = await wh
      .transaction([
        { name: 'a', sql: 'SELECT 1' },
        { name: 'merge_meter_readings', sql: 'MERGE INTO x USING y ON 1=1 WHEN MATCHED THEN DELETE' },
        { name: 'c', sql: 'SELECT 3' },
      ])
      .catch((e) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect(err.statementName).toBe('merge_meter_readings');
    expect(err.message).toContain('duplicate key in MERGE source');
  });

  it('runs parameterised or long transactions as BEGIN … COMMIT in one session', async () => {
    let n = 0;
    mock.on(ExecuteStatementCommand).callsFake((input) => ({ Id: `s${++n}`, SessionId: input.SessionId ?? 'sess-1' }));
    mock.on(DescribeStatementCommand).callsFake((input) => ({ Id: input.Id, Status: 'FINISHED', HasResultSet: input.Id === 's3' }));
    mock.on(GetStatementResultCommand).resolves({ ColumnMetadata: [{ name: 'x' }], Records: [[{ stringValue: 'm1' }]] });
    const { wh } = warehouse();
    const results = await wh.transaction([
      { name: 'delete_run', sql: 'DELETE FROM etl_runs WHERE run_id = :run_id', params: { run_id: 'r1' } },
      { name: 'read_back', sql: 'SELECT :run_id AS x', params: { run_id: 'm1' } },
    ]);
    expect(results).toEqual([[], [{ x: 'm1' }]]);
    const calls = mock.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Sql)).toEqual(['BEGIN', 'DELETE FROM etl_runs WHERE run_id = :run_id', 'SELECT :run_id AS x', 'COMMIT']);
    expect(calls[0]).toMatchObject({ WorkgroupName: 'gridlake', SessionKeepAliveSeconds: 900 });
    expect(calls.slice(1).every((c) => c.SessionId === 'sess-1' && c.WorkgroupName === undefined)).toBe(true);
    expect(calls[1]!.Parameters).toEqual([{ name: 'run_id', value: 'r1' }]);
  });

  it('rolls the session back when an item fails', async () => {
    let n = 0;
    mock.on(ExecuteStatementCommand).callsFake((input) => ({ Id: `s${++n}`, SessionId: 'sess-2', Sql: input.Sql }));
    mock.on(DescribeStatementCommand).callsFake((input) =>
      input.Id === 's3' ? { Id: 's3', Status: 'FAILED', Error: 'ERROR: value too long' } : { Id: input.Id, Status: 'FINISHED' },
    );
    const { wh } = warehouse();
    const items = Array.from({ length: 45 }, (_, i) => ({ name: `step_${i}`, sql: `SELECT ${i}` }));
    await expect(wh.transaction(items)).rejects.toThrow(/"step_1" failed: ERROR: value too long/);
    const sqls = mock.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql);
    expect(sqls).toEqual(['BEGIN', 'SELECT 0', 'SELECT 1', 'ROLLBACK']);
    expect(mock.commandCalls(BatchExecuteStatementCommand)).toHaveLength(0);
  });
});

describe('UNLOAD to Parquet', () => {
  const lake = Object.assign(new LocalFolderStore(tmpdir()), { s3Uri: (key: string) => `s3://gridlake-curated/${key}` });
  const fill = [
    { name: 'create_inputs', sql: 'CREATE TEMP TABLE inputs (page INTEGER, meter_id VARCHAR(64), kwh DOUBLE PRECISION)' },
    { name: 'insert_inputs', sql: 'INSERT INTO inputs SELECT page, meter_id, kwh FROM readings WHERE day = :day', params: { day: '2026-11-01' } },
  ];

  it('sends UNLOAD … FORMAT AS PARQUET PARTITION BY … CLEANPATH in the same session as the bound INSERT that fills its temp table', async () => {
    let n = 0;
    mock.on(ExecuteStatementCommand).callsFake((input) => ({ Id: `s${++n}`, SessionId: input.SessionId ?? 'sess-u' }));
    mock.on(DescribeStatementCommand).callsFake((input) => ({ Id: input.Id, Status: 'FINISHED' }));
    const { wh } = warehouse({ lake, copyRoleArn: ROLE });
    const results = await wh.transaction([
      ...fill,
      {
        name: 'unload_inputs',
        unloadParquet: { sql: "-- per page\nSELECT page, meter_id, kwh FROM inputs WHERE meter_id <> 'x';\n", prefix: 'curated/_unload/anomaly_inputs/run=r1/', partitionBy: ['page'] },
      },
    ]);
    expect(results).toEqual([[], [], []]);
    const calls = mock.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Sql?.split(' ')[0])).toEqual(['BEGIN', 'CREATE', 'INSERT', 'UNLOAD', 'COMMIT']);
    expect(calls.slice(1).every((c) => c.SessionId === 'sess-u')).toBe(true);
    const unload = calls[3]!;
    expect(unload.Sql).toBe(
      "UNLOAD ('-- per page\nSELECT page, meter_id, kwh FROM inputs WHERE meter_id <> ''x''') TO 's3://gridlake-curated/curated/_unload/anomaly_inputs/run=r1/' " +
        "IAM_ROLE 'arn:aws:iam::123456789012:role/gridlake-copy' FORMAT AS PARQUET PARTITION BY (page) CLEANPATH",
    );
    expect(unload.Parameters).toBeUndefined();
    expect(unload.StatementName).toBe('unload_inputs');
  });

  it('goes in the BatchExecuteStatement of a parameterless transaction, without PARTITION BY when none is given', async () => {
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'b9' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'b9', Status: 'FINISHED', SubStatements: [{ Id: 'b9:1', Status: 'FINISHED' }, { Id: 'b9:2', Status: 'FINISHED' }] });
    const { wh } = warehouse({ lake, copyRoleArn: ROLE });
    await wh.transaction([
      { name: 'create_flat', sql: 'CREATE TEMP TABLE flat AS SELECT 1 AS a' },
      { name: 'unload_flat', unloadParquet: { sql: 'SELECT a FROM flat', prefix: 'curated/_unload/flat/' } },
    ]);
    const sqls = mock.commandCalls(BatchExecuteStatementCommand)[0]!.args[0].input.Sqls!;
    expect(sqls[1]).toBe("UNLOAD ('SELECT a FROM flat') TO 's3://gridlake-curated/curated/_unload/flat/' IAM_ROLE 'arn:aws:iam::123456789012:role/gridlake-copy' FORMAT AS PARQUET CLEANPATH");
  });

  it('refuses, before sending anything, what cannot be unloaded safely, naming the statement', async () => {
    const { wh } = warehouse({ lake, copyRoleArn: ROLE });
    const unload = (over: object) => ({ name: 'unload_bad', unloadParquet: { sql: 'SELECT page, kwh FROM inputs', prefix: 'curated/_unload/x/', ...over } });
    const cases: Array<[object, RegExp]> = [
      [{ sql: 'SELECT page FROM inputs WHERE day = :day' }, /"unload_bad" failed: UNLOAD takes no bound parameters.*:day/],
      [{ sql: 'SELECT 1; DROP TABLE meter_readings' }, /more than one statement/],
      [{ sql: "SELECT '\\' AS backslash" }, /backslash/],
      [{ sql: 'UPDATE inputs SET kwh = 0' }, /must be a SELECT/],
      [{ prefix: 'results/latest/' }, /under curated\/_unload\//],
      [{ prefix: "curated/_unload/x' IAM_ROLE 'y/" }, /under curated\/_unload\//],
      [{ prefix: 'curated/_unload/x' }, /ending in "\/"/],
      [{ partitionBy: ['Page'] }, /partition column/],
    ];
    for (const [over, message] of cases) await expect(wh.transaction([...fill, unload(over)]), JSON.stringify(over)).rejects.toThrow(message);
    await expect(warehouse({ lake }).wh.transaction([unload({})])).rejects.toThrow(/COPY_ROLE_ARN/);
    expect(mock.commandCalls(ExecuteStatementCommand)).toHaveLength(0);
    expect(mock.commandCalls(BatchExecuteStatementCommand)).toHaveLength(0);
  });
});

describe('createTableSql (the DDL Redshift runs)', () => {
  it('adds the declared DISTSTYLE/DISTKEY/SORTKEY after the column list of the portable DDL', () => {
    const { wh: redshift } = warehouse();
    const ddl = redshift.createTableSql(meterReadings);
    expect(ddl).toMatch(/PRIMARY KEY \(meter_id, interval_start\)\n\)\nDISTSTYLE KEY DISTKEY \(meter_id\) SORTKEY \(interval_start, meter_id\);\n$/);
    const portable = createTableSql(meterReadings);
    expect(ddl.startsWith(portable.slice(0, portable.lastIndexOf(')')))).toBe(true);
  });

  it('gives every declared table a distribution style', () => {
    const { wh: redshift } = warehouse();
    for (const dataset of DATASETS) expect(redshift.createTableSql(dataset), dataset.name).toMatch(/\)\nDISTSTYLE (KEY|ALL|EVEN|AUTO)\b/);
  });
});

describe('result values: one spelling whatever the engine (ColumnMetadata typeName)', () => {
  it('turns Redshift instants, days and NUMERIC text into ISO instants, YYYY-MM-DD and numbers', async () => {
    mock.on(ExecuteStatementCommand).resolves({ Id: 'v1' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'v1', Status: 'FINISHED', HasResultSet: true });
    mock.on(GetStatementResultCommand).resolves({
      ColumnMetadata: [
        { name: 'at', typeName: 'timestamptz' },
        { name: 'at_ms', typeName: 'timestamptz' },
        { name: 'at_offset', typeName: 'timestamptz' },
        { name: 'naive', typeName: 'timestamp' },
        { name: 'day', typeName: 'date' },
        { name: 'total', typeName: 'numeric' },
        { name: 'huge', typeName: 'numeric' },
        { name: 'n', typeName: 'int8' },
        { name: 'kwh', typeName: 'float8' },
        { name: 'label', typeName: 'varchar' },
        { name: 'missing', typeName: 'timestamptz' },
      ],
      Records: [
        [
          { stringValue: '2026-11-01 10:00:00+00' },
          { stringValue: '2026-03-29 00:30:00.25+00' },
          { stringValue: '2026-11-01 19:00:00+09' },
          { stringValue: '2026-11-01 10:00:00' },
          { stringValue: '2026-11-01' },
          { stringValue: '1234.50' },
          { stringValue: '12345678901234567890' },
          { longValue: 48 },
          { doubleValue: 0.25 },
          { stringValue: '2026-11-01 10:00:00+00' },
          { isNull: true },
        ],
      ],
    });
    const { wh: redshift } = warehouse();
    const [row] = await redshift.query({ name: 'values', sql: 'SELECT 1' });
    expect(row).toEqual({
      at: '2026-11-01T10:00:00.000Z',
      at_ms: '2026-03-29T00:30:00.250Z',
      at_offset: '2026-11-01T10:00:00.000Z',
      naive: '2026-11-01T10:00:00.000Z',
      day: '2026-11-01',
      total: 1234.5,
      huge: '12345678901234567890',
      n: 48,
      kwh: 0.25,
      label: '2026-11-01 10:00:00+00', // text stays text, whatever it looks like
      missing: null,
    });
  });
});

describe('data checks (failIfRows)', () => {
  it('runs a transaction with a check in a session and rolls back when the check returns a row', async () => {
    let n = 0;
    mock.on(ExecuteStatementCommand).callsFake((input) => ({ Id: `c${++n}`, SessionId: 'sess-c', Sql: input.Sql }));
    mock.on(DescribeStatementCommand).callsFake((input) => ({ Id: input.Id, Status: 'FINISHED', HasResultSet: input.Id === 'c3' }));
    mock.on(GetStatementResultCommand).resolves({ ColumnMetadata: [{ name: 'offending', typeName: 'int8' }], Records: [[{ longValue: 3 }]] });
    const { wh: redshift } = warehouse();
    const run = redshift.transaction([
      { name: 'merge_t', sql: 'MERGE INTO t USING stg_t s ON t.k = s.k WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, s.v)' },
      { name: 'check_t_unique', sql: 'SELECT offending FROM x', failIfRows: 't: unique (k)' },
      { name: 'after', sql: 'SELECT 2' },
    ]);
    await expect(run).rejects.toThrow(DataCheckError);
    await expect(run).rejects.toThrow(/"check_t_unique" failed: data check failed — t: unique \(k\): 3 offending row\(s\)/);
    const sqls = mock.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql);
    expect(sqls).toEqual(['BEGIN', expect.stringMatching(/^MERGE/), 'SELECT offending FROM x', 'ROLLBACK']);
    expect(mock.commandCalls(BatchExecuteStatementCommand)).toHaveLength(0);
  });
});
