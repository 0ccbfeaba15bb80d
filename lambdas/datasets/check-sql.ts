/**
 * The data checks of a dataset (dbt's schema tests), derived from its declaration and run by the
 * load inside its transaction. Each check is a query that returns a row only when the check fails.
 *
 * | check           | declared by                 | runs on                                   | on failure |
 * |-----------------|-----------------------------|-------------------------------------------|------------|
 * | not_null        | every NOT NULL column       | the staged rows, before they are written  | the load fails and rolls back |
 * | accepted_values | `checks` (column + values)  | the staged rows, before they are written  | the load fails and rolls back |
 * | unique          | the natural key             | merge/replace: the table's rows with a staged key, after the write; append: the staged rows (history repeats keys by design) | the load fails and rolls back |
 * | freshness       | `checks` (column + hours)   | the table, after the write                | a warning, logged and returned by the load (a backfill of old dates is stale by design) |
 *
 * A failing check names the table, the check and the offending count (`offending`), or for
 * freshness the newest value (`latest`).
 */
import type { SqlValue } from '../ports/warehouse';
import type { DatasetDeclaration } from './dataset';
import { requiredColumns } from './dataset';

export interface DataCheck {
  /** Names the check's statement in logs and errors: `not_null`, `accepted_values_<column>`, `unique`, `freshness_<column>`. */
  id: string;
  /** `<table>: <check> …`, as the error or warning names it. */
  description: string;
  /** `staged`: on stg_<table> before the write; `written`: on the table after it. */
  phase: 'staged' | 'written';
  severity: 'error' | 'warn';
  sql: string;
  /** Constant parameters (accepted values). */
  params?: Record<string, SqlValue>;
  /** Parameters that depend on the run (freshness: `:stale_before`). */
  runParams?: (runDate: string) => Record<string, SqlValue>;
}

export function dataChecks(d: DatasetDeclaration): DataCheck[] {
  const t = d.name;
  const checks: DataCheck[] = [];
  const required = requiredColumns(d);
  if (required.length) {
    checks.push({
      id: 'not_null',
      description: `${t}: not_null (${required.join(', ')})`,
      phase: 'staged',
      severity: 'error',
      sql: offending(`SELECT COUNT(*) AS offending\n  FROM stg_${t}\n  WHERE ${required.map((c) => `${c} IS NULL`).join(' OR ')}`),
    });
  }
  for (const check of d.checks) {
    if (check.kind !== 'accepted_values') continue;
    const params = Object.fromEntries(check.values.map((v, i) => [`${check.column}_${i + 1}`, v]));
    checks.push({
      id: `accepted_values_${check.column}`,
      description: `${t}: accepted_values ${check.column} in (${check.values.join(', ')})`,
      phase: 'staged',
      severity: 'error',
      sql: offending(
        `SELECT COUNT(*) AS offending\n  FROM stg_${t}\n  WHERE ${check.column} IS NOT NULL\n    AND ${check.column} NOT IN (${Object.keys(params).map((p) => `:${p}`).join(', ')})`,
      ),
      params,
    });
  }
  const key = d.naturalKey.join(', ');
  if (d.disposition?.kind === 'append') {
    checks.push({
      id: 'unique',
      description: `${t}: unique (${key}) within the load`,
      phase: 'staged',
      severity: 'error',
      sql: offending(`SELECT COUNT(*) AS offending\n  FROM (\n    SELECT ${key}\n    FROM stg_${t}\n    GROUP BY ${key}\n    HAVING COUNT(*) > 1\n  ) AS repeated`),
    });
  } else {
    const on = d.naturalKey.map((k) => `${t}.${k} = staged.${k}`).join(' AND ');
    checks.push({
      id: 'unique',
      description: `${t}: unique (${key})`,
      phase: 'written',
      severity: 'error',
      sql: offending(
        `SELECT COUNT(*) AS offending\n  FROM (\n    SELECT ${d.naturalKey.map((k) => `${t}.${k}`).join(', ')}\n    FROM ${t}\n` +
          `    INNER JOIN (SELECT DISTINCT ${key} FROM stg_${t}) AS staged ON ${on}\n` +
          `    GROUP BY ${d.naturalKey.map((k) => `${t}.${k}`).join(', ')}\n    HAVING COUNT(*) > 1\n  ) AS repeated`,
      ),
    });
  }
  for (const check of d.checks) {
    if (check.kind !== 'freshness') continue;
    const type = d.columns.find((c) => c.name === check.column)!.type === 'DATE' ? 'DATE' : 'TIMESTAMPTZ';
    checks.push({
      id: `freshness_${check.column}`,
      description: `${t}: freshness of ${check.column} (warn after ${check.warnAfterHours} h before the end of the run date)`,
      phase: 'written',
      severity: 'warn',
      sql: `SELECT latest\nFROM (SELECT MAX(${check.column}) AS latest FROM ${t}) AS newest\nWHERE latest IS NULL OR latest < CAST(:stale_before AS ${type})`,
      runParams: (runDate) => ({ stale_before: staleBefore(runDate, check.warnAfterHours, type) }),
    });
  }
  return checks;
}

/** Wraps a `SELECT COUNT(*) AS offending …` so it returns a row only when the count is above zero. */
function offending(countSql: string): string {
  return `SELECT offending\nFROM (\n  ${countSql}\n) AS failures\nWHERE offending > 0`;
}

/** `:stale_before` of a freshness check: `warnAfterHours` before the end (UTC) of the run date. */
export function staleBefore(runDate: string, warnAfterHours: number, type: 'DATE' | 'TIMESTAMPTZ'): string {
  const iso = new Date(Date.parse(`${runDate}T00:00:00Z`) + 86_400_000 - warnAfterHours * 3_600_000).toISOString();
  return type === 'DATE' ? iso.slice(0, 10) : iso;
}
