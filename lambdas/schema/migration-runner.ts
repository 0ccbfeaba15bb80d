/**
 * Applies schema steps to a warehouse once each, and remembers them in `schema_migrations` (id,
 * checksum of the SQL, outcome, time). Run by ONE actor per deploy or local run — the deploy-time
 * custom resource in the cloud (lambdas/handlers/schema-migrations.ts), the local runtime before
 * the workflow (local/workflow.ts) — never by the pipeline's steps on a cold start, so a backfill
 * and the schedule never race on DDL.
 *
 * Two kinds of step:
 * - `repeatable` (the tables' CREATE TABLE IF NOT EXISTS): idempotent by construction; re-run
 *   whenever its checksum changes (a new table, a new physical design), skipped otherwise.
 * - a migration (a rename, an added column): applied once. Its SQL runs in one transaction with its
 *   record, so a failure leaves neither. A migration changed after a warehouse applied it is refused
 *   (write a new one instead). A migration whose `due` check says the warehouse already has the new
 *   shape (a warehouse created after the change) is recorded as `not-needed` without running.
 *
 * The runner does not know how the SQL was produced (hand-written files, dataset declarations):
 * callers pass statements.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../ports/clock';
import type { Statement, Warehouse } from '../ports/warehouse';
import { sqlFile } from '../sql/files';

export interface SchemaStep {
  /** Unique, stable, sorts in application order for migrations, e.g. `001_market_prices_open_price`. */
  id: string;
  statements: Statement[];
  /** Idempotent DDL re-run whenever its SQL changes (CREATE TABLE IF NOT EXISTS). Default false. */
  repeatable?: boolean;
  /** For a migration: whether this warehouse still has the old shape. Absent = always due. */
  due?: (warehouse: Warehouse) => Promise<boolean>;
}

export type StepOutcome = 'applied' | 'not-needed' | 'unchanged';

export interface MigrationReport {
  /** Per step, in order: what happened to it on this run. */
  steps: Array<{ id: string; outcome: StepOutcome }>;
  /** Ids that ran SQL on this run. */
  applied: string[];
}

export class MigrationChangedError extends Error {
  override readonly name = 'MigrationChangedError';
  constructor(readonly id: string) {
    super(
      `Migration ${id} was changed after this warehouse applied it (its checksum differs from schema_migrations). ` +
        'A migration runs once: restore its SQL and put the change in a new migration (docs/DEPLOY.md, "Migrations").',
    );
  }
}

/**
 * The SQL that runs, without what does not: `--` comments dropped and whitespace collapsed (outside
 * quoted strings and identifiers), so fixing a comment or the layout of a deployed migration does not
 * make it a "changed" migration.
 */
export function executableSql(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; ) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (/\s/.test(ch)) {
      if (out && !out.endsWith(' ')) out += ' ';
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  return out.trim();
}

/** The checksum of a step: its executable SQL, in order (statement names and comments do not count). */
export function stepChecksum(step: Pick<SchemaStep, 'statements'>): string {
  const hash = createHash('sha256');
  for (const s of step.statements) hash.update(executableSql(s.sql)).update('\u0000');
  return hash.digest('hex');
}

export async function runSchemaSteps(warehouse: Warehouse, steps: readonly SchemaStep[], clock: Clock): Promise<MigrationReport> {
  const ids = new Set<string>();
  for (const step of steps) {
    if (ids.has(step.id)) throw new Error(`Schema step id "${step.id}" is used twice; give each migration its own id.`);
    ids.add(step.id);
  }
  await warehouse.execute({ name: 'create_schema_migrations', sql: sqlFile('schema/create_schema_migrations.sql') });
  const recorded = new Map(
    (await warehouse.query<{ id: string; checksum: string }>({ name: 'applied_migrations', sql: sqlFile('schema/applied_migrations.sql') })).map((r) => [
      r.id,
      r.checksum,
    ]),
  );

  const report: MigrationReport = { steps: [], applied: [] };
  for (const step of steps) {
    const checksum = stepChecksum(step);
    const previous = recorded.get(step.id);
    if (previous === checksum) {
      report.steps.push({ id: step.id, outcome: 'unchanged' });
      continue;
    }
    if (previous !== undefined && !step.repeatable) throw new MigrationChangedError(step.id);
    const due = previous === undefined && step.due ? await step.due(warehouse) : true;
    const outcome: StepOutcome = due ? 'applied' : 'not-needed';
    const record = (name: string): Statement[] => [
      // A repeatable step replaces its row; a migration has none yet.
      ...(previous !== undefined ? [{ name: `${name}_forget`, sql: sqlFile('schema/forget_migration.sql'), params: { id: step.id } }] : []),
      {
        name: `${name}_record`,
        sql: sqlFile('schema/record_migration.sql'),
        params: { id: step.id, checksum, outcome, applied_at: clock.now().toISOString() },
      },
    ];
    await warehouse.transaction([...(due ? step.statements : []), ...record(`migration_${step.id}`)]);
    report.steps.push({ id: step.id, outcome });
    if (due) report.applied.push(step.id);
  }
  return report;
}
