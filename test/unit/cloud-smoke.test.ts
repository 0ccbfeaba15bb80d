/**
 * `gridlake cloud smoke` against aws-sdk-client-mock: the real command, the real SDK commands and the
 * real Data API adapter, scripted Step Functions and Redshift Data API answers (no account offline).
 */
import { DescribeStatementCommand, ExecuteStatementCommand, GetStatementResultCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cloudCommand } from '../../local/cloud-smoke';

const sfn = mockClient(SFNClient);
const rsd = mockClient(RedshiftDataClient);
afterEach(() => {
  sfn.reset();
  rsd.reset();
});
const dir = mkdtempSync(join(tmpdir(), 'gridlake-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:gridlake-dev-etl';
const outputs = join(dir, 'outputs.json');
writeFileSync(outputs, JSON.stringify({ 'gridlake-dev': { StateMachineArn: ARN, WorkgroupName: 'gridlake-dev', DashboardUrl: 'https://d.example' } }));

const col = (name: string) => ({ name, typeName: 'varchar' });
const COLUMNS = ['run_id', 'source', 'status', 'rows_in', 'rows_loaded', 'duplicates', 'quarantined', 'started_at', 'finished_at', 'error'].map(col);
const runRow = (source: string, inn: number, loaded: number, dup: number, q: number, status = 'succeeded') => [
  { stringValue: '2026-11-02-a1' },
  { stringValue: source },
  { stringValue: status },
  { longValue: inn },
  { longValue: loaded },
  { longValue: dup },
  { longValue: q },
  { stringValue: '2026-11-03 06:00:00+00' },
  { stringValue: '2026-11-03 06:04:00+00' },
  { isNull: true },
];

function scriptRun(status: 'SUCCEEDED' | 'FAILED', rows: unknown[][]) {
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN.replace('stateMachine', 'execution')}:smoke-1`, startDate: new Date() });
  sfn
    .on(DescribeExecutionCommand)
    .resolvesOnce({ status: 'RUNNING' })
    .resolvesOnce({ status: 'RUNNING' })
    .resolves({ status, stopDate: new Date(), ...(status === 'FAILED' ? { error: 'GridlakeRunFailed', cause: 'A step failed' } : {}) });
  sfn
    .on(GetExecutionHistoryCommand)
    .resolvesOnce({ events: [{ id: 7, type: 'TaskStateEntered', timestamp: new Date(), stateEnteredEventDetails: { name: 'CollectSource' } }] })
    .resolves({ events: [{ id: 40, type: 'TaskStateEntered', timestamp: new Date(), stateEnteredEventDetails: { name: 'Load' } }] });
  rsd.on(ExecuteStatementCommand).resolvesOnce({ Id: 'runs' }).resolves({ Id: 'stages' });
  rsd.on(DescribeStatementCommand).resolves({ Status: 'FINISHED', HasResultSet: true });
  rsd.on(GetStatementResultCommand, { Id: 'runs' }).resolves({ ColumnMetadata: COLUMNS, Records: rows as never });
  rsd
    .on(GetStatementResultCommand, { Id: 'stages' })
    .resolves({ ColumnMetadata: ['run_id', 'stage', 'status', 'error'].map(col), Records: [
        [{ stringValue: '2026-11-02-a1' }, { stringValue: 'analyze' }, { stringValue: 'succeeded' }, { isNull: true }],
        [{ stringValue: '2026-11-02-a1' }, { stringValue: 'publish' }, { stringValue: 'succeeded' }, { isNull: true }],
      ],
    });
}

async function run(args: string[]) {
  const lines: string[] = [];
  const sleeps: number[] = [];
  const code = await cloudCommand(args, {
    sfn: new SFNClient({ region: 'eu-west-1' }),
    redshiftData: new RedshiftDataClient({ region: 'eu-west-1' }),
    sleep: async (ms) => void sleeps.push(ms),
    write: (l) => lines.push(l),
  });
  return { code, out: lines.join('\n'), sleeps };
}

describe('gridlake cloud smoke', () => {
  it('starts one execution for the date, follows it, prints the reconciliation, exits 0', async () => {
    scriptRun('SUCCEEDED', [runRow('market', 262, 262, 0, 0), runRow('meter-simulator', 9600, 9540, 40, 20)]);
    const r = await run(['smoke', '--date', '2026-11-02', '--outputs', outputs, '--poll-seconds', '5']);
    expect(r.code).toBe(0);
    const start = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(start.stateMachineArn).toBe(ARN);
    expect(JSON.parse(start.input!)).toEqual({ date: '2026-11-02' });
    expect(start.name).toMatch(/^smoke-2026-11-02-\d{14}$/);
    expect(r.out).toMatch(/… CollectSource/);
    expect(r.out).toMatch(/… Load/);
    expect(r.sleeps).toEqual([5000, 5000]);
    // The Data API got the date as a bound parameter, against the stack's workgroup.
    const exec = rsd.commandCalls(ExecuteStatementCommand)[0]!.args[0].input;
    expect(exec).toMatchObject({ WorkgroupName: 'gridlake-dev', Database: 'gridlake', Parameters: [{ name: 'run_date', value: '2026-11-02' }] });
    expect(exec.Sql).not.toContain('2026-11-02');
    expect(r.out).toMatch(/meter-simulator\s+│?\s*succeeded/);
    // The stages after Load (etl_run_stages) are printed too, publish included.
    expect(r.out).toMatch(/analyze\s+│?\s*succeeded/);
    expect(r.out).toMatch(/publish\s+│?\s*succeeded/);
    expect(r.out).toContain('✓ 2026-11-02 loaded and reconciles (2 source records)');
  });

  it('a run whose counts do not reconcile exits 1 and names the source', async () => {
    scriptRun('SUCCEEDED', [runRow('meters', 100, 90, 0, 1)]);
    const r = await run(['smoke', '--date', '2026-11-02', '--state-machine-arn', ARN, '--workgroup', 'wg']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ meters: rows in 100 ≠ loaded 90 + duplicates 0 + quarantined 1');
  });

  it('a failed execution exits 1 with its error, and still shows what etl_runs recorded', async () => {
    scriptRun('FAILED', [runRow('market', 0, 0, 0, 0, 'failed')]);
    const r = await run(['smoke', '--date', '2026-11-02', '--outputs', outputs]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ execution FAILED after \d+s: GridlakeRunFailed A step failed/);
    expect(r.out).toMatch(/market.*failed/);
  });

  it('usage errors exit 2 with what to do; --help exits 0', async () => {
    expect((await run(['smoke', '--help'])).code).toBe(0);
    expect((await run(['smoke', '--date', '2026-02-30', '--outputs', outputs])).code).toBe(2);
    expect((await run(['smoke', '--date', '2026-11-02'])).code).toBe(2);
    expect((await run(['smoke', '--outputs', join(dir, 'missing.json')])).code).toBe(2);
    expect((await run(['smoke', '--state-machine-arn', 'not-an-arn', '--workgroup', 'wg'])).code).toBe(2);
    expect((await run(['launch'])).code).toBe(2);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
