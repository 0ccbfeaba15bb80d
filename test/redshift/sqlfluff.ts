/**
 * Redshift's grammar, as sqlfluff's `redshift` dialect knows it: parses many SQL texts in ONE
 * sqlfluff process (it takes seconds to start) and returns the parse errors of each. `:name`
 * placeholders are filled by sqlfluff's placeholder templater (param_style colon) with a string
 * literal, which is what a bound value is to the grammar.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SqlText {
  /** Where the text comes from (a file, or a recorded statement's name): used in messages. */
  label: string;
  sql: string;
}

export interface ParseError {
  label: string;
  line: number;
  message: string;
}

// The same pattern as sqlfluff's placeholder templater (param_style = colon), so every name it
// will look for gets a value: it stops the whole run on a name it has no value for.
const COLON_PARAM = /(?<![:\w\\]):(\w+)(?!:)/g;

/** Fails with the fix when sqlfluff is not installed (a missing checker must not look like a pass). */
export function assertSqlfluff(): string {
  const run = spawnSync('sqlfluff', ['version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(
      'sqlfluff is not installed, so the Redshift grammar cannot be checked. Install it: ' +
        '`apt-get install -y sqlfluff` (Debian; .ci/run does this), or `pip install sqlfluff`.',
    );
  }
  return run.stdout.trim();
}

/** Parse errors (sqlfluff's PRS, TMP and LXR findings) of each text, by label; none = it parses. */
export function redshiftParseErrors(texts: readonly SqlText[]): ParseError[] {
  if (texts.length === 0) return [];
  assertSqlfluff();
  const dir = mkdtempSync(join(tmpdir(), 'gridlake-sqlfluff-'));
  try {
    const params = new Set<string>();
    const byFile = new Map<string, string>();
    texts.forEach((t, i) => {
      const file = `s${String(i).padStart(5, '0')}.sql`;
      writeFileSync(join(dir, file), t.sql.endsWith('\n') ? t.sql : `${t.sql}\n`);
      byFile.set(file, t.label);
      for (const m of t.sql.matchAll(COLON_PARAM)) params.add(m[1]!);
    });
    const config = [
      '[sqlfluff]',
      'dialect = redshift',
      'templater = placeholder',
      // Never skip a long statement (the default skips files over 20 kB without a word).
      'large_file_skip_byte_limit = 0',
      '[sqlfluff:templater:placeholder]',
      'param_style = colon',
      ...[...params].sort().map((p) => `${p} = 'p'`),
    ].join('\n');
    const configFile = join(tmpdir(), `gridlake-sqlfluff-${process.pid}-${Date.now()}.cfg`);
    writeFileSync(configFile, `${config}\n`);
    try {
      // `lint` reports parse errors per file as JSON (files without findings are left out); L001 is
      // a cheap rule whose findings are ignored.
      // The check runs last and alone (its vitest project's groupOrder): the cores are free for it.
      const processes = String(Math.min(4, availableParallelism()));
      const args = ['lint', '--config', configFile, '--rules', 'L001', '--format', 'json', '--nocolor', '--processes', processes, dir];
      const run = spawnSync('sqlfluff', args, {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      let report: { filepath: string; violations: { line_no: number; code: string; description: string }[] }[];
      try {
        report = JSON.parse(run.stdout);
      } catch {
        throw new Error(`sqlfluff produced no report (exit ${run.status}): ${run.stderr.slice(-2000)}`);
      }
      // Exit 1 means findings; anything else (or a Python traceback) means sqlfluff itself failed.
      if ((run.status !== 0 && run.status !== 1) || /Traceback/.test(run.stderr)) {
        throw new Error(`sqlfluff failed (exit ${run.status}): ${run.stderr.slice(-2000)}`);
      }
      return report.flatMap((f) => {
        const label = byFile.get(f.filepath.split('/').pop()!) ?? f.filepath;
        return f.violations
          .filter((v) => ['PRS', 'TMP', 'LXR'].includes(v.code))
          .map((v) => ({ label, line: v.line_no, message: `${v.code}: ${v.description}` }));
      });
    } finally {
      rmSync(configFile, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
