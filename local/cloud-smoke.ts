/**
 * `gridlake cloud smoke`: the first run on a deployed stack, checked end to end. Starts one Step
 * Functions execution for a date, follows it with progress, then prints that date's reconciliation
 * from etl_runs through the Redshift Data API. Reads the stack's outputs from the file
 * `npx cdk deploy --outputs-file FILE` writes, or takes them as flags.
 * Exit codes: 0 the run succeeded and reconciles, 1 it failed (or does not reconcile), 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { addDays, isRealDate } from '../lambdas/calendar';
import { RedshiftDataWarehouse } from '../lambdas/ports/redshift-data-warehouse';
import type { Row } from '../lambdas/ports/warehouse';
import { sqlFile } from '../lambdas/sql/files';
import { formatRows } from './format';

export const SMOKE_HELP = `gridlake cloud smoke — run one date on a deployed stack and print its reconciliation

Usage:
  gridlake cloud smoke [--date D] (--outputs FILE [--stack NAME] | --state-machine-arn ARN --workgroup NAME)
                       [--database NAME] [--secret-arn ARN] [--region R] [--poll-seconds N] [--timeout-minutes N]

  Starts an execution of the state machine with {"date": D} (default: yesterday, UTC), prints its
  progress until it ends, then the date's rows of etl_runs (rows in = loaded + duplicates +
  quarantined) and etl_run_stages, read with the Redshift Data API.

Options:
  --outputs FILE          the JSON of \`npx cdk deploy --outputs-file FILE\` (StateMachineArn, WorkgroupName)
  --stack NAME            the stack in that file (needed when it holds several)
  --state-machine-arn ARN, --workgroup NAME   instead of --outputs (flags win over the file)
  --database NAME         Redshift database (default gridlake)
  --secret-arn ARN        database credentials secret; default: your IAM identity (Data API IAM auth)
  --region R              AWS region (default: from the ARN, else your AWS configuration)
  --poll-seconds N        seconds between status checks (default 10)
  --timeout-minutes N     stop waiting after this long (default 60; the execution keeps running)
  -h, --help              this help

Needs: states:StartExecution, states:DescribeExecution, states:GetExecutionHistory on the state
machine; redshift-data:ExecuteStatement/DescribeStatement/GetStatementResult and
redshift-serverless:GetCredentials on the workgroup (or secretsmanager:GetSecretValue on --secret-arn).

Exit codes: 0 succeeded and reconciles, 1 failed or does not reconcile, 2 usage error.`;

export class SmokeUsageError extends Error {}

export interface SmokeDeps {
  sfn?: SFNClient;
  redshiftData?: RedshiftDataClient;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  write?: (line: string) => void;
}

interface SmokeTarget {
  stateMachineArn: string;
  workgroup: string;
  database: string;
  secretArn?: string;
  region?: string;
}

/** `gridlake cloud …`: dispatch from bin/cli.ts. */
export async function cloudCommand(argv: string[], deps: SmokeDeps = {}): Promise<number> {
  const write = deps.write ?? ((l: string) => process.stdout.write(l + '\n'));
  try {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      write(SMOKE_HELP);
      return sub === undefined ? 2 : 0;
    }
    if (sub !== 'smoke') throw new SmokeUsageError(`unknown cloud command "${sub}" (try gridlake cloud --help)`);
    return await smoke(rest, { ...deps, write });
  } catch (e) {
    if (e instanceof SmokeUsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`gridlake: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      date: { type: 'string' },
      outputs: { type: 'string' },
      stack: { type: 'string' },
      'state-machine-arn': { type: 'string' },
      workgroup: { type: 'string' },
      database: { type: 'string', default: 'gridlake' },
      'secret-arn': { type: 'string' },
      region: { type: 'string' },
      'poll-seconds': { type: 'string', default: '10' },
      'timeout-minutes': { type: 'string', default: '60' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals.length) throw new SmokeUsageError(`cloud smoke takes no positional arguments (got "${positionals.join(' ')}")`);
  return values;
}

function positive(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new SmokeUsageError(`${flag} must be a positive number (got "${v}")`);
  return n;
}

/** The stack's outputs from `cdk deploy --outputs-file`: `{ "<stack>": { "StateMachineArn": …, … } }`. */
function stackOutputs(file: string, stack: string | undefined): Record<string, string> {
  let all: Record<string, Record<string, string>>;
  try {
    all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  } catch (e) {
    throw new SmokeUsageError(`--outputs ${file}: ${(e as Error).message}; write it with npx cdk deploy --outputs-file ${file}`);
  }
  const stacks = Object.keys(all);
  const name = stack ?? (stacks.length === 1 ? stacks[0] : undefined);
  if (!name) throw new SmokeUsageError(`--outputs ${file} holds ${stacks.length} stacks (${stacks.join(', ') || 'none'}); name one with --stack`);
  if (!all[name]) throw new SmokeUsageError(`--outputs ${file} has no stack "${name}" (it has ${stacks.join(', ')})`);
  return all[name]!;
}

function target(values: ReturnType<typeof parse>): SmokeTarget {
  const outputs = values.outputs ? stackOutputs(values.outputs, values.stack) : {};
  const stateMachineArn = values['state-machine-arn'] ?? outputs.StateMachineArn;
  const workgroup = values.workgroup ?? outputs.WorkgroupName;
  if (!stateMachineArn || !workgroup) {
    throw new SmokeUsageError('give --outputs FILE (from npx cdk deploy --outputs-file FILE) or both --state-machine-arn and --workgroup');
  }
  const arn = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:stateMachine:[A-Za-z0-9_-]+$/.exec(stateMachineArn);
  if (!arn) throw new SmokeUsageError(`"${stateMachineArn}" is not a Step Functions state machine ARN`);
  return { stateMachineArn, workgroup, database: values.database!, secretArn: values['secret-arn'], region: values.region ?? arn[1] };
}

/** Local time with its zone named: the CLI's one clock. */
function clock(d: Date): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'medium' }).format(d);
  return `${local} ${zone}`;
}

/** The state the execution is in now: the newest *StateEntered event. */
function currentState(events: HistoryEvent[]): string | undefined {
  for (const e of events) if (e.stateEnteredEventDetails?.name) return e.stateEnteredEventDetails.name;
  return undefined;
}

async function smoke(argv: string[], deps: SmokeDeps & { write: (line: string) => void }): Promise<number> {
  const values = parse(argv);
  if (values.help) {
    deps.write(SMOKE_HELP);
    return 0;
  }
  const now = deps.now ?? (() => new Date());
  const date = values.date ?? addDays(now().toISOString().slice(0, 10), -1);
  if (!isRealDate(date)) throw new SmokeUsageError(`--date must be a real calendar date YYYY-MM-DD (got "${date}")`);
  const pollMs = positive(values['poll-seconds']!, '--poll-seconds') * 1000;
  const timeoutMs = positive(values['timeout-minutes']!, '--timeout-minutes') * 60_000;
  const t = target(values);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const sfn = deps.sfn ?? new SFNClient({ region: t.region });
  const write = deps.write;

  // The name makes a repeated smoke of the same date a new execution (names are unique per 90 days).
  const name = `smoke-${date}-${now().toISOString().replace(/[^0-9]/g, '').slice(0, 14)}`;
  write(`gridlake cloud smoke: ${date} on ${t.stateMachineArn}`);
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: t.stateMachineArn, name, input: JSON.stringify({ date }) }));
  const executionArn = started.executionArn!;
  const startedAt = now();
  write(`→ started ${name} at ${clock(startedAt)}`);

  let status: string;
  let lastState: string | undefined;
  let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  while (described.status === 'RUNNING' || described.status === 'PENDING_REDRIVE') {
    const elapsed = now().getTime() - startedAt.getTime();
    if (elapsed > timeoutMs) {
      write(`✗ still running after ${Math.round(elapsed / 60_000)} min; stopped waiting (the execution goes on).`);
      write(`  Follow it: aws stepfunctions describe-execution --execution-arn ${executionArn}`);
      return 1;
    }
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 20 }));
    const state = currentState(history.events ?? []);
    if (state && state !== lastState) {
      write(`  … ${state.padEnd(16)} ${(elapsed / 1000).toFixed(0)}s`);
      lastState = state;
    }
    await sleep(pollMs);
    described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  }
  status = described.status ?? 'UNKNOWN';
  const seconds = Math.max(0, ((described.stopDate ?? now()).getTime() - startedAt.getTime()) / 1000);
  if (status === 'SUCCEEDED') write(`✓ execution succeeded in ${seconds.toFixed(0)}s (${clock(described.stopDate ?? now())})`);
  else write(`✗ execution ${status} after ${seconds.toFixed(0)}s: ${described.error ?? ''} ${described.cause ?? ''}`.trimEnd());

  const warehouse = new RedshiftDataWarehouse({
    client: deps.redshiftData ?? new RedshiftDataClient({ region: t.region }),
    workgroupName: t.workgroup,
    database: t.database,
    secretArn: t.secretArn,
    sleep: deps.sleep,
  });
  const runs: Row[] = await warehouse.query({ name: 'smoke_run_reconciliation', sql: sqlFile('ops/run_reconciliation.sql'), params: { run_date: date } });
  const stages: Row[] = await warehouse.query({ name: 'smoke_run_stages', sql: sqlFile('ops/run_stages.sql'), params: { run_date: date } });
  write(`etl_runs for ${date}:`);
  write(runs.length ? formatRows(runs, 'table') : '  (no rows: the run recorded nothing for this date)');
  if (stages.length) write(formatRows(stages, 'table'));

  const unreconciled = runs.filter((r) => Number(r.rows_in) !== Number(r.rows_loaded) + Number(r.duplicates) + Number(r.quarantined));
  for (const r of unreconciled) write(`✗ ${r.source}: rows in ${r.rows_in} ≠ loaded ${r.rows_loaded} + duplicates ${r.duplicates} + quarantined ${r.quarantined}`);
  const notSucceeded = runs.filter((r) => r.status !== 'succeeded');
  const ok = status === 'SUCCEEDED' && runs.length > 0 && unreconciled.length === 0 && notSucceeded.length === 0;
  write(ok ? `✓ ${date} loaded and reconciles (${runs.length} source records)` : `✗ ${date} did not load cleanly: see the rows above and the execution ${executionArn}`);
  return ok ? 0 : 1;
}
