/**
 * Opt-in record of the statements a warehouse adapter runs, for the Redshift grammar test
 * (test/redshift/): every distinct statement is appended once to a file as a JSON line
 * `{"name": …, "sql": …}`. Off unless a file is given (the tests set GRIDLAKE_SQL_RECORDING; see
 * vitest.config.mts). Several test workers and CLI child processes append to one file: each line
 * is one append, and the test removes repeats across processes.
 */
import { appendFileSync } from 'node:fs';

/** The environment variable that names the recording file. */
export const SQL_RECORDING_ENV = 'GRIDLAKE_SQL_RECORDING';

export interface RecordedStatement {
  name: string;
  sql: string;
}

// Per process and file: a statement already written is not written again (a 30-day workflow runs
// the same load statements thirty times).
const written = new Map<string, Set<string>>();

export class StatementRecorder {
  private readonly seen: Set<string>;

  constructor(readonly path: string) {
    let seen = written.get(path);
    if (!seen) written.set(path, (seen = new Set()));
    this.seen = seen;
  }

  /** The recorder for the file named in the environment, or none (the normal case). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): StatementRecorder | undefined {
    const path = env[SQL_RECORDING_ENV];
    return path ? new StatementRecorder(path) : undefined;
  }

  record(name: string, sql: string): void {
    if (this.seen.has(sql)) return;
    this.seen.add(sql);
    const entry: RecordedStatement = { name, sql };
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
  }
}
