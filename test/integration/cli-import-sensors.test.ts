/** `gridlake import sensors` as a user runs it: a child process, its output and its exit codes. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const EXCERPT = join(ROOT, 'test', 'fixtures', 'flow-sensors', 'uci-household-excerpt.txt');
const dir = mkdtempSync(join(tmpdir(), 'gridlake-cli-flow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gridlake(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'gridlake-cli.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('gridlake import sensors', () => {
  it('imports a logger file: counts, the span on its own clock, rejects summarised by reason, the next command', () => {
    expect(gridlake('--help').out).toContain('gridlake import sensors PATH [--columns MAP] [--device ID]');
    const map = 'date=Date,time=Time,flow_lpm=Global_active_power,pressure_bar=Global_intensity';
    const r = gridlake('import', 'sensors', EXCERPT, '--columns', map, '--device', 'UCI-SCEAUX', '--timezone', 'Europe/Paris', '--data-dir', join(dir, 'd'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('uci-household-excerpt.txt: 22 rows → 22 to load, 0 duplicate, 0 quarantined');
    expect(r.out).toContain('device UCI-SCEAUX, 2006-12-16 17:24+01:00 Europe/Paris … 2007-01-11 14:43+01:00 Europe/Paris');
    expect(r.out).toContain(`npx gridlake run --sources flow-sensors --data-dir ${join(dir, 'd')}`);

    // Voltage read as pressure: one line for 22 rejected rows, with the fix.
    const v = gridlake('import', 'sensors', EXCERPT, '--columns', map.replace('Global_intensity', 'Voltage'), '--device', 'UCI', '--timezone', 'Europe/Paris', '--data-dir', join(dir, 'd'));
    expect(v.code).toBe(0);
    expect(v.out.split('\n').filter((l) => l.startsWith('  !'))).toEqual([
      '  ! 22 row(s) like uci-household-excerpt.txt line 2: pressure_bar 234.84 is outside −1 … 100 bar: check the unit (kPa ÷ 100 = bar, psi ÷ 14.5 = bar)',
    ]);
    expect(v.out).toContain('Nothing in these files can load');
  });

  it('refuses with exit 2 and the fix, writing nothing: no mapping, a bad zone, device or date order', () => {
    const e = join(dir, 'e');
    const noMap = gridlake('import', 'sensors', EXCERPT, '--device', 'UCI', '--data-dir', e);
    expect(noMap.code).toBe(2);
    expect(noMap.err).toMatch(/no column for flow_lpm .*--columns/);
    expect(gridlake('import', 'sensors', EXCERPT, '--timezone', 'Paris', '--data-dir', e).err).toMatch(/not an IANA timezone/);
    expect(gridlake('import', 'sensors', EXCERPT, '--device', 'a b', '--data-dir', e).err).toMatch(/--device "a b" is not a device id/);
    expect(gridlake('import', 'sensors', EXCERPT, '--date-order', 'ymd', '--data-dir', e).err).toMatch(/--date-order must be dmy or mdy/);
    expect(gridlake('import', 'sensors', join(dir, 'nope'), '--data-dir', e).err).toMatch(/does not exist/);
    const notes = join(dir, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, 'readme.md'), 'x');
    expect(gridlake('import', 'sensors', notes, '--data-dir', e).err).toMatch(/holds no \.csv, \.txt or \.tsv file/);
    expect(readdirSync(dir)).not.toContain('e');
  });

  it('export device says what exists when the file is not there (exit 2)', () => {
    expect(gridlake('--help').out).toContain('gridlake export device ID [--date D]');
    const none = gridlake('export', 'device', 'FS001', '--data-dir', join(dir, 'empty-lake'));
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/No device files in .* yet: a run with flow sensors writes them/);
    expect(gridlake('export', 'device', '--data-dir', join(dir, 'empty-lake')).err).toMatch(/usage: gridlake export device ID/);
    expect(gridlake('export', 'device', 'FS001', '--date', '2026-02-30', '--data-dir', join(dir, 'empty-lake')).err).toMatch(/real calendar date/);
  });
});
