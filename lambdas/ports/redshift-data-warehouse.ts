/**
 * Warehouse over the Amazon Redshift Data API (Redshift Serverless workgroup).
 *
 * - `query`/`execute` → ExecuteStatement with named parameters (`:name` → Data API `Parameters`).
 * - `transaction` → one BatchExecuteStatement in TRANSACTION mode when it fits (≤ 40 statements, no
 *   parameters: a batch shares one parameter list); otherwise BEGIN … COMMIT in a Data API session,
 *   one ExecuteStatement per item. Either way all items apply or none (ROLLBACK on failure).
 * - A `CopyStatement` becomes `COPY <table> FROM '<manifest>' IAM_ROLE '<role>' FORMAT AS PARQUET
 *   MANIFEST`; the manifest is written to the lake (default `curated/_manifests/`, the bucket the COPY
 *   role can read). Redshift matches Parquet columns to table columns BY POSITION, so the Parquet
 *   files and the target (staging) table must list columns in the same order.
 * - An `UnloadStatement` becomes `UNLOAD ('<select>') TO 's3://<curated bucket>/<prefix>' IAM_ROLE
 *   '<role>' FORMAT AS PARQUET [PARTITION BY (…)] CLEANPATH`, sent like any other item of the
 *   transaction: in the same BatchExecuteStatement or Data API session, so it reads the temp tables
 *   the earlier items filled (a temp table lives as long as its session, and a batch's statements
 *   run in one session and one transaction). The UNLOAD page lists no restriction on running it in
 *   a transaction block (https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html); what it
 *   wrote to S3 is not taken back if the transaction then rolls back.
 * - Statements are polled with DescribeStatement (exponential backoff, a deadline after which the
 *   statement is cancelled), results are read page by page with GetStatementResult.
 * - Throttling and the active-statement limit are retried with backoff and jitter here, because
 *   the SDK's own retries only cover the single HTTP call.
 *
 * NULL parameters: the Data API has no NULL parameter value, so a `:name` bound to `null` is
 * replaced by the SQL keyword NULL (a constant chosen by the adapter, never caller data). Empty
 * strings likewise become `''`, which the Data API cannot carry as a parameter value either.
 * IAM: the actions and resources each method's requests need are declared in iam-actions.ts
 * (simulated against the synthesized roles by test/iam/iam-simulation.test.ts).
 */
import { TransientError, isTransient } from './transient-error';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type DescribeStatementResponse,
  type RedshiftDataClient,
  type SqlParameter,
} from '@aws-sdk/client-redshift-data';
import { createTableSql } from '../datasets/create-table-sql';
import type { DatasetDeclaration } from '../datasets/dataset';
import type { ObjectStore } from './object-store';
import { redshiftValue } from './redshift-values';
import type { S3Locator } from './s3-object-store';
import {
  assertCheckPassed,
  assertIdentifier,
  checkUnload,
  isCopy,
  isUnload,
  rewriteNamedParams,
  WarehouseError,
  type BatchItem,
  type CopyStatement,
  type Row,
  type UnloadStatement,
  type SqlValue,
  type Statement,
  type Warehouse,
} from './warehouse';
import { redshiftCopy, redshiftUnload } from './redshift-sql-text';
import { copyManifestKey, writeCopyManifest } from './copy-manifest';

// The COPY and UNLOAD texts live in their own module so the local adapter can record them too.
export { redshiftCopy, redshiftUnload } from './redshift-sql-text';

/** The Data API rejects SQL text above 100 KB. */
export const MAX_STATEMENT_BYTES = 100 * 1024;
/** BatchExecuteStatement accepts at most 40 SQL statements. */
export const MAX_BATCH_STATEMENTS = 40;

export interface PollOptions {
  /** First wait between DescribeStatement calls. Default 200 ms. */
  initialDelayMs?: number;
  /** Longest wait between calls (the backoff doubles up to this). Default 5 s. */
  maxDelayMs?: number;
  /** Give up (and cancel the statement) after this long. Default 14 minutes (under Lambda's 15). */
  deadlineMs?: number;
}

export interface RetryOptions {
  /** Attempts for a throttled call, the first included. Default 6. */
  maxAttempts?: number;
  /** Base of the exponential backoff (full jitter). Default 250 ms. */
  baseDelayMs?: number;
}

export interface RedshiftDataWarehouseOptions {
  client: RedshiftDataClient;
  workgroupName: string;
  database: string;
  /** Secret with `username`/`password`; omit to use the caller's IAM identity (workgroup IAM auth). */
  secretArn?: string;
  /** IAM role Redshift assumes for COPY and UNLOAD; required only when a transaction contains one. */
  copyRoleArn?: string;
  /** Where COPY manifests are written and how S3 URIs are named; required for Copy and Unload statements. */
  lake?: ObjectStore & S3Locator;
  /** Key prefix of COPY manifests; must be readable by the COPY role. Default `curated/_manifests/`. */
  manifestPrefix?: string;
  poll?: PollOptions;
  retry?: RetryOptions;
  /** Injected for tests; defaults to setTimeout / Date.now. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'ServiceUnavailableException',
  'InternalServerException',
]);

/** Redshift's serializable isolation error (1023): https://docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation.html */
const SERIALIZABLE_CONFLICT = /serializable isolation violation|\b1023\b/i;

function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? '';
}

/** Text of a statement with its parameters bound the Data API way. */
interface Prepared {
  sql: string;
  parameters: SqlParameter[];
}

/** A transaction item ready to send, with its position in the caller's list. */
interface PreparedItem extends Prepared {
  index: number;
  name: string;
  /** The caller's statement when it is a data check (`failIfRows`). */
  check?: Statement;
}

/** A session outlives the gap between statements of one transaction (the Data API allows up to 24 h). */
const SESSION_KEEP_ALIVE_SECONDS = 900;

/**
 * Translates `:name` placeholders for the Data API: only referenced parameters are sent (the Data
 * API rejects unused ones), NULL and '' become SQL constants (it cannot carry them as values).
 */
export function bindParameters(statement: Statement): Prepared {
  const params = statement.params ?? {};
  const parameters = new Map<string, string>();
  const sql = rewriteNamedParams(statement.sql, (name) => {
    if (!(name in params)) {
      throw new WarehouseError(statement.name, `the SQL uses :${name} but no value was given for it; add "${name}" to params.`);
    }
    const value: SqlValue = params[name]!;
    if (value === null) return 'NULL';
    if (value === '') return "''";
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new WarehouseError(statement.name, `parameter :${name} is ${value}; Redshift has no such number, pass null instead.`);
    }
    parameters.set(name, String(value));
    return `:${name}`;
  });
  return { sql, parameters: [...parameters].map(([name, value]) => ({ name, value })) };
}

/** Cleanup calls (cancel, rollback) must not hide the error that made them necessary. */
async function bestEffort(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch {
    // The original failure is rethrown by the caller; a failed cleanup adds nothing actionable.
  }
}

function assertStatementSize(name: string, sql: string): void {
  const bytes = Buffer.byteLength(sql, 'utf8');
  if (bytes > MAX_STATEMENT_BYTES) {
    throw new WarehouseError(
      name,
      `the SQL is ${bytes} bytes; the Redshift Data API accepts at most ${MAX_STATEMENT_BYTES}. ` +
        'Load bulk data with COPY from the lake instead of inlining it, or split the statement.',
    );
  }
}

// Literals spliced into COPY (Redshift takes no parameters there): checked so no quote can appear.
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9!_.*()=\/-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_\/-]{1,512}$/;

/**
 * How a transaction travels (and so which IAM actions it needs, lambdas/ports/iam-actions.ts): one
 * BatchExecuteStatement when it is small and parameterless, else a Data API session (BEGIN on the
 * workgroup, then statements by SessionId).
 */
export function dataApiTransactionMode(prepared: ReadonlyArray<{ parameters: readonly unknown[]; check?: unknown }>): 'batch' | 'session' {
  // A data check (failIfRows) must be able to stop the transaction before COMMIT: only a session can.
  return prepared.length <= MAX_BATCH_STATEMENTS && prepared.every((p) => p.parameters.length === 0 && !p.check) ? 'batch' : 'session';
}

export class RedshiftDataWarehouse implements Warehouse {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: RedshiftDataWarehouseOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = options.now ?? Date.now;
  }

  private get target() {
    return { WorkgroupName: this.options.workgroupName, Database: this.options.database, SecretArn: this.options.secretArn };
  }

  async query<T extends Row = Row>(statement: Statement): Promise<T[]> {
    const id = await this.start(statement);
    const status = await this.waitFor(id, statement.name, [statement.name]);
    if (!status.HasResultSet) return [];
    return (await this.readResult(id, statement.name)) as T[];
  }

  async execute(statement: Statement): Promise<void> {
    const id = await this.start(statement);
    await this.waitFor(id, statement.name, [statement.name]);
  }

  /**
   * Small parameterless transactions (≤ 40 statements, the load's usual shape is larger) go as one
   * BatchExecuteStatement in TRANSACTION mode. Anything else runs in a Data API session as
   * BEGIN; one ExecuteStatement per item (each with its own parameters); COMMIT — and ROLLBACK on
   * failure — because a batch shares one parameter list and holds at most 40 statements.
   */
  async transaction(items: BatchItem[]): Promise<Row[][]> {
    const results: Row[][] = items.map(() => []);
    const prepared: PreparedItem[] = [];
    for (const [index, item] of items.entries()) {
      if (isCopy(item)) {
        if (item.copyParquet.keys.length === 0) continue; // nothing to load: COPY of an empty manifest fails
        prepared.push({ index, name: item.name, sql: await this.renderCopy(item), parameters: [] });
      } else if (isUnload(item)) {
        prepared.push({ index, name: item.name, sql: this.renderUnload(item), parameters: [] });
      } else {
        prepared.push({ index, name: item.name, ...bindParameters(item), check: item.failIfRows !== undefined ? item : undefined });
      }
      assertStatementSize(prepared.at(-1)!.name, prepared.at(-1)!.sql);
    }
    if (prepared.length === 0) return results;
    const batchName = prepared.length === 1 ? prepared[0]!.name : `transaction(${prepared[0]!.name}..${prepared.at(-1)!.name})`;
    if (dataApiTransactionMode(prepared) === 'batch') {
      await this.runBatch(batchName, prepared, results);
    } else {
      await this.runInSession(batchName, prepared, results);
    }
    return results;
  }

  private async runBatch(batchName: string, prepared: PreparedItem[], results: Row[][]): Promise<void> {
    const out = await this.withRetry(batchName, () =>
      this.options.client.send(
        new BatchExecuteStatementCommand({
          ...this.target,
          Sqls: prepared.map((p) => p.sql),
          StatementName: batchName.slice(0, 500),
          ExecutionMode: 'TRANSACTION',
        }),
      ),
    );
    const status = await this.waitFor(out.Id!, batchName, prepared.map((p) => p.name));
    // Sub-statements are numbered in order; only those with a result set have rows to read.
    for (const [i, sub] of (status.SubStatements ?? []).entries()) {
      const item = prepared[i];
      if (item && sub.HasResultSet && sub.Id) results[item.index] = await this.readResult(sub.Id, item.name);
    }
  }

  private async runInSession(batchName: string, prepared: PreparedItem[], results: Row[][]): Promise<void> {
    const begin = await this.withRetry(batchName, () =>
      this.options.client.send(
        new ExecuteStatementCommand({ ...this.target, Sql: 'BEGIN', StatementName: `${batchName}:begin`.slice(0, 500), SessionKeepAliveSeconds: SESSION_KEEP_ALIVE_SECONDS }),
      ),
    );
    const sessionId = begin.SessionId;
    if (!sessionId) throw new WarehouseError(batchName, 'the Data API returned no SessionId for BEGIN; transactions over 40 statements need Data API sessions.');
    await this.waitFor(begin.Id!, batchName, [batchName]);
    try {
      for (const item of prepared) {
        const out = await this.withRetry(item.name, () =>
          this.options.client.send(
            new ExecuteStatementCommand({
              Sql: item.sql,
              Parameters: item.parameters.length ? item.parameters : undefined,
              StatementName: item.name.slice(0, 500),
              SessionId: sessionId,
            }),
          ),
        );
        const status = await this.waitFor(out.Id!, item.name, [item.name]);
        if (status.HasResultSet) results[item.index] = await this.readResult(out.Id!, item.name);
        if (item.check) assertCheckPassed(item.check, results[item.index]!);
      }
      const commit = await this.withRetry(batchName, () =>
        this.options.client.send(new ExecuteStatementCommand({ Sql: 'COMMIT', StatementName: `${batchName}:commit`.slice(0, 500), SessionId: sessionId })),
      );
      await this.waitFor(commit.Id!, batchName, [batchName]);
    } catch (e) {
      // Best effort: if the session is gone, Redshift already rolled the open transaction back.
      await bestEffort(() =>
        this.options.client.send(new ExecuteStatementCommand({ Sql: 'ROLLBACK', StatementName: `${batchName}:rollback`.slice(0, 500), SessionId: sessionId })),
      );
      throw e;
    }
  }

  /** The portable DDL plus the dataset's declared DISTSTYLE/DISTKEY/SORTKEY. */
  createTableSql(dataset: DatasetDeclaration): string {
    return createTableSql(dataset, { redshift: true });
  }

  async close(): Promise<void> {
    // The Data API is stateless HTTP, and a warm Lambda container reuses this warehouse (and its
    // client) across invocations: there is nothing to release.
  }

  /** The COPY text for a CopyStatement, after writing its manifest to the lake. */
  async renderCopy(item: CopyStatement): Promise<string> {
    const { lake, copyRoleArn } = this.options;
    const table = assertIdentifier(item.copyParquet.table);
    if (!lake || !copyRoleArn) {
      throw new WarehouseError(item.name, 'COPY needs the lake store and the COPY role ARN: set LAKE buckets and COPY_ROLE_ARN for this function.');
    }
    if (!ROLE_ARN.test(copyRoleArn)) throw new WarehouseError(item.name, `COPY_ROLE_ARN "${copyRoleArn}" is not an IAM role ARN.`);
    for (const key of item.copyParquet.keys) {
      if (!S3_URI.test(lake.s3Uri(key))) throw new WarehouseError(item.name, `object key "${key}" has characters COPY cannot quote safely.`);
    }
    // One manifest for all the files, whatever their number (content_length: copy-manifest.ts).
    const manifestKey = copyManifestKey(this.options.manifestPrefix ?? 'curated/_manifests/', item.name, item.copyParquet.keys);
    await writeCopyManifest(lake, manifestKey, item.copyParquet.keys, (key) => lake.s3Uri(key), item.name);
    const manifestUri = lake.s3Uri(manifestKey);
    if (!S3_URI.test(manifestUri)) throw new WarehouseError(item.name, `manifest key "${manifestKey}" has characters COPY cannot quote safely.`);
    return redshiftCopy(table, manifestUri, copyRoleArn);
  }

  /**
   * The UNLOAD text for an UnloadStatement: its SELECT checked (one statement, no parameter: Redshift
   * binds none outside SELECT/INSERT/UPDATE/DELETE, and the SELECT travels as a string literal), its
   * prefix and the role checked so that no quote can reach the literals they are spliced into.
   */
  renderUnload(item: UnloadStatement): string {
    const { select, prefix, partitionBy } = checkUnload(item);
    const { lake, copyRoleArn } = this.options;
    if (!lake || !copyRoleArn) {
      throw new WarehouseError(item.name, 'UNLOAD needs the lake store and the COPY role ARN: set LAKE buckets and COPY_ROLE_ARN for this function.');
    }
    if (!ROLE_ARN.test(copyRoleArn)) throw new WarehouseError(item.name, `COPY_ROLE_ARN "${copyRoleArn}" is not an IAM role ARN.`);
    const target = lake.s3Uri(prefix);
    if (!S3_URI.test(target)) throw new WarehouseError(item.name, `UNLOAD prefix "${prefix}" has characters UNLOAD cannot quote safely.`);
    return redshiftUnload(select, target, copyRoleArn, partitionBy);
  }

  private async start(statement: Statement): Promise<string> {
    const prepared = bindParameters(statement);
    assertStatementSize(statement.name, prepared.sql);
    const out = await this.withRetry(statement.name, () =>
      this.options.client.send(
        new ExecuteStatementCommand({
          ...this.target,
          Sql: prepared.sql,
          Parameters: prepared.parameters.length ? prepared.parameters : undefined,
          StatementName: statement.name.slice(0, 500),
        }),
      ),
    );
    return out.Id!;
  }

  /** Polls until the statement finishes; FAILED/ABORTED and the deadline become WarehouseErrors. */
  private async waitFor(id: string, name: string, itemNames: string[]): Promise<DescribeStatementResponse> {
    const poll = this.options.poll ?? {};
    const deadline = this.now() + (poll.deadlineMs ?? 14 * 60_000);
    let delay = poll.initialDelayMs ?? 200;
    for (;;) {
      const status = await this.withRetry(name, () => this.options.client.send(new DescribeStatementCommand({ Id: id })));
      switch (status.Status) {
        case 'FINISHED':
          return status;
        case 'FAILED':
          throw this.failure(status, name, itemNames);
        case 'ABORTED':
          throw new WarehouseError(name, `statement ${id} was aborted (cancelled by a user or the service) before it finished; re-run the step.`);
      }
      if (this.now() + delay > deadline) {
        await bestEffort(() => this.options.client.send(new CancelStatementCommand({ Id: id })));
        // A statement held up by a busy workgroup may finish on a later attempt: the workflow retries it.
        throw new TransientError(
          `redshift-data:${name}`,
          `statement ${id} did not finish within ${Math.round((poll.deadlineMs ?? 14 * 60_000) / 1000)} s (last status ${status.Status}); ` +
            'it was cancelled. Check the workgroup capacity and the query plan.',
        );
      }
      await this.sleep(delay);
      delay = Math.min(delay * 2, poll.maxDelayMs ?? 5000);
    }
  }

  /** Names the failing item of a batch (sub-statements are numbered in order) with Redshift's message. */
  private failure(status: DescribeStatementResponse, name: string, itemNames: string[]): WarehouseError | TransientError {
    const subs = status.SubStatements ?? [];
    const failedIndex = subs.findIndex((s) => s.Status === 'FAILED' || s.Error);
    const [item, message] =
      failedIndex >= 0 && itemNames[failedIndex]
        ? [itemNames[failedIndex]!, subs[failedIndex]!.Error ?? status.Error ?? 'failed (no message from Redshift)']
        : [name, status.Error ?? 'failed (no message from Redshift)'];
    // A concurrent transaction won (Redshift error 1023); the transaction rolled back and can be run again.
    // https://docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation.html
    if (SERIALIZABLE_CONFLICT.test(message)) return new TransientError(`redshift-data:${item}`, message);
    return new WarehouseError(item, message);
  }

  private async readResult(id: string, name: string): Promise<Row[]> {
    const rows: Row[] = [];
    let token: string | undefined;
    do {
      const page = await this.withRetry(name, () => this.options.client.send(new GetStatementResultCommand({ Id: id, NextToken: token })));
      const metadata = page.ColumnMetadata ?? [];
      const columns = metadata.map((c) => c.name ?? c.label ?? '');
      for (const record of page.Records ?? []) {
        const row: Row = {};
        record.forEach((field, i) => (row[columns[i] ?? `column${i}`] = redshiftValue(field, metadata[i])));
        rows.push(row);
      }
      token = page.NextToken;
    } while (token);
    return rows;
  }

  private async withRetry<T>(name: string, call: () => Promise<T>): Promise<T> {
    const maxAttempts = this.options.retry?.maxAttempts ?? 6;
    const base = this.options.retry?.baseDelayMs ?? 250;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        if (e instanceof WarehouseError || e instanceof TransientError) throw e;
        if (!THROTTLING.has(errorName(e))) {
          // The SDK already retried network errors and 5xx: the workflow's Retry takes over.
          if (isTransient(e)) throw new TransientError(`redshift-data:${name}`, `${errorName(e) || 'Error'}: ${(e as Error).message}`, { cause: e });
          throw new WarehouseError(name, `${errorName(e) || 'Error'}: ${(e as Error).message}`, { cause: e });
        }
        if (attempt >= maxAttempts) {
          throw new TransientError(
            `redshift-data:${name}`,
            `still throttled after ${attempt} attempts (${errorName(e)}: ${(e as Error).message}); lower concurrency if this repeats`,
            { cause: e },
          );
        }
        await this.sleep(Math.random() * base * 2 ** (attempt - 1));
      }
    }
  }
}
