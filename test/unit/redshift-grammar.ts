/**
 * Redshift's grammar as sqlfluff's `redshift` dialect knows it (Debian package sqlfluff, installed by
 * .ci/run): the parse errors of many SQL texts, checked in one sqlfluff process. `:name` placeholders
 * are filled by its placeholder templater (param_style colon) as a bound value would be.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** sqlfluff's parse errors per text, as `label:line: message`; none = every text parses. */
export function redshiftParseErrors(texts: Array<{ label: string; sql: string }>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'gridlake-sqlfluff-'));
  try {
    const params = new Set(texts.flatMap((t) => [...t.sql.matchAll(/(?<![:\w]):(\w+)/g)].map((m) => m[1]!)));
    const config = ['[sqlfluff]', 'dialect = redshift', 'templater = placeholder', 'large_file_skip_byte_limit = 0', '[sqlfluff:templater:placeholder]', 'param_style = colon', ...[...params].map((p) => `${p} = 'p'`)];
    writeFileSync(join(dir, '.sqlfluff'), config.join('\n') + '\n');
    texts.forEach((t, i) => writeFileSync(join(dir, `s${i}.sql`), t.sql));
    const run = spawnSync('sqlfluff', ['lint', '--rules', 'L001', '--format', 'json', '--nocolor', '.'], { cwd: dir, encoding: 'utf8' });
    if (run.error) throw new Error(`sqlfluff is not installed (apt-get install -y sqlfluff): ${run.error.message}`);
    // Exit 1 means findings; anything else means sqlfluff itself failed (a missing checker is no pass).
    if (run.status !== 0 && run.status !== 1) throw new Error(`sqlfluff failed (exit ${run.status}): ${run.stderr.slice(-2000)}`);
    const report = JSON.parse(run.stdout) as Array<{ filepath: string; violations: Array<{ code: string; description: string; line_no: number }> }>;
    return report.flatMap((f) =>
      f.violations
        .filter((v) => ['PRS', 'TMP', 'LXR'].includes(v.code))
        .map((v) => `${texts[Number(/s(\d+)\.sql$/.exec(f.filepath)![1])]!.label}:${v.line_no}: ${v.description}`),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

