/** The dashboard's pipeline view never shows a file name (in an export, a file is named after its meter). */
import { describe, expect, it } from 'vitest';
import { publishedError } from '../../lambdas/steps/analyze/runs';

describe('publishedError', () => {
  it('leaves out object keys and keeps the rest of the message', () => {
    const error =
      'raw/source=meters/dt=2026-11-20/run=2026-11-20-a1/imp-1/consumption/3000.csv is not a meter readings CSV: missing column(s) timestamp | ' +
      'raw/source=meters/dt=2026-11-20/run=2026-11-20-a1/imp-1/consumption/3001.csv: DuckDB could not read the CSV';
    const shown = publishedError(error)!;
    expect(shown).not.toMatch(/300[01]/);
    expect(shown).toContain('is not a meter readings CSV: missing column(s) timestamp');
    expect(shown.match(/see etl_runs\.error/g)).toHaveLength(2);
    expect(publishedError(null)).toBeNull();
    expect(publishedError('disk on fire')).toBe('disk on fire');
  });

  it('removes a whole per-customer file name whatever its characters (commas, spaces, quotes, non-ASCII)', () => {
    const run = 'raw/source=meters/dt=2026-11-20/run=2026-11-20-a1/imp-1/';
    const names = ['SMITH, JOHN 0042.csv', 'O\'Brien "Pat" 7.csv', '東京 太郎 #9.csv', 'a;b|c (copy).CSV', 'data.json.csv'];
    const keys = names.map((n) => `${run}consumption/${n}`);
    for (const [i, key] of keys.entries()) {
      const name = names[i]!;
      const stem = name.replace(/(\.[A-Za-z]+)+$/, '');
      const errors = [
        `${key}: the file has 10 data records, but the CSV reader returned 3 rows and rejected 1 (it stopped after line 4). Look at the quotes.`,
        `${key} line 1: the header has 2003 columns, the maximum is 1000. Remove the other columns.`,
        `${key} is not a meter readings CSV: missing column(s) timestamp (found: a, b).`,
        `No object at /tmp/x/lake/${key}: check the key, or run the step that writes it first.`,
        `meter ${stem} of ${name} in consumption/${name}: rejected`,
      ];
      for (const error of errors) {
        const shown = publishedError(`${error} | ${keys[(i + 1) % keys.length]}: other`, keys)!;
        for (const n of names) {
          expect(shown, error).not.toContain(n);
          expect(shown, error).not.toContain(n.replace(/(\.[A-Za-z]+)+$/, ''));
        }
        expect(shown).toContain('see etl_runs.error');
      }
    }
    // A key of another run (not listed) is still cut whole by the message grammar.
    const other = 'raw/source=meters/dt=2026-11-19/run=2026-11-19-a1/imp-0/SMITH, JOHN 0042.csv';
    expect(publishedError(`${other} line 3: bad | disk on fire`)).toBe('[a file of this run: see etl_runs.error] line 3: bad | disk on fire');
    // A meter id inside a longer word is not touched.
    expect(publishedError('meter 13000 failed', [`${run}3000.csv`])).toBe('meter 13000 failed');
  });
});
