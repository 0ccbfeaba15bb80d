/**
 * `import chargers`: a seed folder lands unchanged in the lake (real folder object store) with its
 * manifest last; a folder that cannot load is refused with nothing written.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lambdas/ports/clock';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import { getJson, getText, listKeys } from '../../lambdas/ports/object-store';
import { importChargers, type ChargerImportManifest } from '../../lambdas/sources/ev-chargers/import-chargers';
import { ChargerImportError } from '../../lambdas/sources/ev-chargers/read-seed';
import { silentLog } from '../../lambdas/steps/ports';

const FIXTURES = join(__dirname, '..', 'fixtures', 'ev-seoul');
const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function ports() {
  const dir = mkdtempSync(join(tmpdir(), 'gridlake-ev-import-'));
  dirs.push(dir);
  return { lake: new LocalFolderStore(join(dir, 'lake')), clock: fixedClock('2026-12-02T07:00:00Z'), log: silentLog };
}

describe('import chargers', () => {
  it('lands both files unchanged and the manifest last, with the counts and the observed time', async () => {
    const p = ports();
    const r = await importChargers(join(FIXTURES, 'gwanghwamun'), { observedAt: '2023-08-10T00:00+09:00', importId: 'imp-ev' }, p);
    expect(await listKeys(p.lake, 'landing/')).toEqual([
      'landing/ev-chargers/imp-ev/charger_info.csv',
      'landing/ev-chargers/imp-ev/manifest.json',
      'landing/ev-chargers/imp-ev/station_info.csv',
    ]);
    expect(await getText(p.lake, 'landing/ev-chargers/imp-ev/charger_info.csv')).toBe(readFileSync(join(FIXTURES, 'gwanghwamun', 'charger_info.csv'), 'utf8'));
    const manifest = await getJson<ChargerImportManifest>(p.lake, 'landing/ev-chargers/imp-ev/manifest.json');
    expect(manifest).toMatchObject({ importId: 'imp-ev', importedAt: '2026-12-02T07:00:00.000Z', observedAt: '2023-08-09T15:00:00Z', timezone: 'Asia/Seoul' });
    expect(manifest.counts.charging_stations).toEqual({ rowsIn: 9, loaded: 7, duplicates: 2, quarantined: 0, withheld: 0 });
    expect(r.counts.charger_status).toMatchObject({ rowsIn: 12, loaded: 12, withheld: 2 });
    expect(r.observedRange).toEqual({ from: '2023-08-09T15:00:00Z', to: '2023-08-09T15:00:00Z' });
    // What the user is shown: the withheld sessions and the station listed twice with other details.
    expect(r.problems).toHaveLength(4);
    expect(r.problems.join('\n')).toMatch(/line 8: station listed again \(kept line 7\); differing: STAT_LIMITYN, STAT_LIMITDETAIL/);
  });

  it('names the import by time and content when no id is given', async () => {
    const p = ports();
    const a = await importChargers(join(FIXTURES, 'two-areas'), {}, p);
    expect(a.importId).toMatch(/^imp-20261202T070000Z-[0-9a-f]{8}$/);
    const b = await importChargers(join(FIXTURES, 'two-areas'), {}, p);
    expect(b.importId).toBe(a.importId);
  });

  it('refuses a folder that cannot load, writing nothing', async () => {
    const p = ports();
    await expect(importChargers(join(FIXTURES, 'gwanghwamun'), {}, p)).rejects.toThrow(/pass --observed-at/);
    await expect(importChargers(join(FIXTURES, 'gwanghwamun', 'station_info.csv'), { observedAt: '2023-08-10T00:00Z' }, p)).rejects.toBeInstanceOf(ChargerImportError);
    await expect(importChargers(FIXTURES, { observedAt: '2023-08-10T00:00Z' }, p)).rejects.toThrow(/has no station_info\.csv and no charger_info\.csv/);
    await expect(importChargers(join(FIXTURES, 'two-areas'), { importId: '../x' }, p)).rejects.toThrow(/Import id/);
    expect(await listKeys(p.lake, '')).toEqual([]);
  });
});
