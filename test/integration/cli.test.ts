/** The `gridlake` CLI as a user runs it: a child process, its output and its exit codes. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'gridlake-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gridlake(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'gridlake-cli.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('gridlake CLI', () => {
  it('--help lists every command and exits 0', () => {
    const r = gridlake('--help');
    expect(r.code).toBe(0);
    for (const c of ['run', 'import meters', 'sql', 'serve', 'demo']) expect(r.out).toContain(`gridlake ${c}`);
  });

  it('usage errors exit 2 with a message that says what to do', () => {
    expect(gridlake('run', '--date', '2026-13-45x').code).toBe(2);
    const impossible = gridlake('run', '--date', '2026-02-30');
    expect(impossible.code).toBe(2);
    expect(impossible.err).toMatch(/--date must be a real calendar date/);
    for (const [args, message] of [
      [['run', '2025-01-01'], /give the date as --date 2025-01-01/],
      [['run', '--from', '2026-11-05', '--to', '2026-11-01'], /from \(2026-11-05\) is after to \(2026-11-01\); swap them/],
      [['run', '--from', '2023-01-01', '--to', '2026-11-01'], /more than 1000 dates; split the backfill/],
      [['run', '--sources', ','], /--sources names no source/],
      [['run', '--date', '2099-01-01'], /^gridlake: 2099-01-01 is in the future \(today is \d{4}-\d{2}-\d{2}\)/],
      [['run', '--dates', '2026-11-30'], /^gridlake: unknown option --dates\. Did you mean --date\? See gridlake --help\.$/m],
      [['run', '--zzz'], /^gridlake: unknown option --zzz\. See gridlake --help\.$/m],
    ] as const) {
      const u = gridlake(...args);
      expect(u.code, args.join(' ')).toBe(2);
      expect(u.err).toMatch(message);
    }
    const r = gridlake('run', '--from', '2026-11-01');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--from and --to go together');
    expect(gridlake('frobnicate').code).toBe(2);
    expect(gridlake('sql', 'SELECT 1', '--format', 'xml').code).toBe(2);
    expect(gridlake('run', '--sources', 'nope').err).toContain('unknown source');
  });

  it('run points at the quarantined rows: how many, and the files with their reasons and raw records', () => {
    const csv = join(dir, 'bad-row.csv');
    writeFileSync(csv, 'meter_id,timestamp,kwh\nM1,2026-11-03T00:00:00Z,0.4\nM1,2026-11-03T00:30:00Z,99\nM1,2026-11-03T01:00:00Z,0.5\n');
    const data = join(dir, 'q');
    expect(gridlake('import', 'meters', csv, '--timezone', 'UTC', '--data-dir', data).code).toBe(0);
    const r = gridlake('run', '--date', '2026-11-03', '--sources', 'meters', '--data-dir', data);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^! 1 row\(s\) quarantined\./m);
    const rejects = [...r.out.matchAll(/^ {4}(\S+-rejects\.jsonl)$/gm)].map((m) => m[1]!);
    expect(rejects).toHaveLength(1);
    const [line] = readFileSync(rejects[0]!, 'utf8').split('\n');
    expect(JSON.parse(line!).reason).toMatch(/25 kWh/);
  });

  it('run prints progress per state and the reconciliation, exits 0; sql --format json prints row objects', () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ simulator: { meters: 5 }, market: { symbols: ['SPY'] } }));
    const r = gridlake('run', '--date', '2026-11-03', '--data-dir', join(dir, 'd'), '--config', config);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/✓ TransformBatch\s+meter-simulator\/meter_readings\s+in \d/);
    expect(r.out).toMatch(/✓ Load/);
    expect(r.out).toContain('rows_loaded');
    expect(r.out).toMatch(/run succeeded in [\d.]+s/);
    expect(r.out).not.toContain('quarantined. Each line');

    const q = gridlake('sql', 'SELECT source, rows_in, rows_loaded FROM etl_runs ORDER BY source', '--format', 'json', '--data-dir', join(dir, 'd'));
    expect(q.code).toBe(0);
    const rows = JSON.parse(q.out) as { source: string; rows_in: number }[];
    expect(rows.map((x) => x.source)).toEqual(['ev-chargers', 'flow-sensors', 'market', 'meter-simulator', 'meters', 'utilities']);
    expect(rows.find((x) => x.source === 'utilities')!.rows_in).toBe(11 + 840 + 840 * 3);

    const csv = gridlake('sql', "SELECT 'a,b' AS x, 1 AS y", '--format', 'csv', '--data-dir', join(dir, 'd'));
    expect(csv.out.trim()).toBe('x,y\n"a,b",1');

    // Analysts read: one statement, read-only, nothing outside the warehouse file.
    const two = gridlake('sql', 'SELECT 1; DELETE FROM etl_runs', '--data-dir', join(dir, 'd'));
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/one SQL statement at a time \(got 2\)/);
    expect(gridlake('sql', 'DELETE FROM etl_runs', '--data-dir', join(dir, 'd')).err).toMatch(/read-only/);
    expect(gridlake('sql', "SELECT * FROM read_text('/etc/hostname')", '--data-dir', join(dir, 'd')).err).toMatch(/disabled by configuration/);
    const still = gridlake('sql', 'SELECT COUNT(*) AS n FROM etl_runs', '--format', 'json', '--data-dir', join(dir, 'd'));
    // Still one run record per default source: nothing was deleted.
    expect(JSON.parse(still.out)).toEqual([{ n: 6 }]);
  });

  it('a bad SQL statement exits 1 naming the problem', () => {
    const r = gridlake('sql', 'SELECT nope FROM meter_readings', '--data-dir', join(dir, 'd'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nope/);
  });

  it('importing a path that does not exist is a usage error (exit 2), says what to give and creates nothing', () => {
    const r = gridlake('import', 'meters', join(dir, 'missing.csv'), '--data-dir', join(dir, 'refused'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/does not exist/);
    expect(existsSync(join(dir, 'refused'))).toBe(false);
  });
});
