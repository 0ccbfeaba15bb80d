/** `gridlake import chargers` as a user runs it: a child process, its output and its exit codes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'ev-seoul');
const dir = mkdtempSync(join(tmpdir(), 'gridlake-cli-ev-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gridlake(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'gridlake-cli.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('gridlake import chargers', () => {
  it('is in --help', () => {
    expect(gridlake('--help').out).toContain('gridlake import chargers DIR [--observed-at ISO]');
  });

  it('imports a seed folder: counts per table, problems with their line, the observed time in Korea time, the next command', () => {
    const r = gridlake('import', 'chargers', join(FIXTURES, 'gwanghwamun'), '--observed-at', '2023-08-10T00:00+09:00', '--data-dir', join(dir, 'd'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/charging_stations\s+9 rows → 7 to load, 2 duplicate, 0 quarantined/);
    expect(r.out).toMatch(/charger_status\s+12 rows → 12 to load, 0 duplicate, 0 quarantined, 2 with a session withheld/);
    expect(r.out).toMatch(/! .*charger_info\.csv line 6: the last charging session ends/);
    expect(r.out).toContain('statuses observed 2023-08-10 00:00 Asia/Seoul');
    expect(r.out).toContain(`npx gridlake run --sources ev-chargers --data-dir ${join(dir, 'd')}`);
  });

  it('refuses with exit 2 and the fix: no observed time, not a seed folder, no folder', () => {
    const noTime = gridlake('import', 'chargers', join(FIXTURES, 'gwanghwamun'), '--data-dir', join(dir, 'e'));
    expect(noTime.code).toBe(2);
    expect(noTime.err).toMatch(/pass --observed-at/);
    const notSeed = gridlake('import', 'chargers', FIXTURES, '--observed-at', '2023-08-10T00:00Z', '--data-dir', join(dir, 'e'));
    expect(notSeed.code).toBe(2);
    expect(notSeed.err).toMatch(/has no station_info\.csv/);
    expect(gridlake('import', 'chargers').code).toBe(2);
  });
});
