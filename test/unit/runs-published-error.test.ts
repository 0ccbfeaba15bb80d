/** The dashboard's pipeline view never shows a file name (in an export, a file is named after its meter). */
import { describe, expect, it } from 'vitest';
import { publishedError } from '../../lambdas/steps/analyze/runs';
import { redactFileNames } from '../../lambdas/steps/analyze/redact-file-names';

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
    const names = ['SMITH, JOHN 0042.csv', 'O\'Brien "Pat" 7.csv', '東京 太郎 #9.csv', 'a;b|c (copy).CSV', 'data.json.csv', 'x: y.csv'];
    const keys = names.map((n) => `${run}consumption/${n}`);
    for (const [i, key] of keys.entries()) {
      const name = names[i]!;
      const stem = name.replace(/(\.[A-Za-z]+)+$/, '');
      // As the load writes them: `<key>: <error>`, where a RawFileRejected error starts with the key.
      const errors = [
        `${key}: ${key}: the file has 10 data records, but the CSV reader returned 3 rows (it stopped after line 4) near meter ${stem}. Look at the quotes.`,
        `${key}: ${key} line 1: the header has 2003 columns, the maximum is 1000. Remove the other columns.`,
        `${key}: ${key} is not a meter readings CSV: missing column(s) timestamp (found: a, b).`,
      ];
      for (const error of errors) {
        const other = keys[(i + 1) % keys.length]!;
        const shown = publishedError(`${error} | ${other}: ${other} line 2: other`)!;
        for (const n of [name, names[(i + 1) % names.length]!]) {
          expect(shown, error).not.toContain(n);
          expect(shown, error).not.toContain(n.replace(/(\.[A-Za-z]+)+$/, ''));
        }
        expect(shown).toContain('see etl_runs.error');
      }
    }
    expect(publishedError(`${keys[0]}: ${keys[0]} line 1: the header has 2003 columns`)).toBe(
      '[a file of this run: see etl_runs.error]: [a file of this run: see etl_runs.error] line 1: the header has 2003 columns',
    );
    // A key named once (another step's message) is cut whole by the message grammar.
    const other = 'raw/source=meters/dt=2026-11-19/run=2026-11-19-a1/imp-0/SMITH, JOHN 0042.csv';
    expect(publishedError(`No object at /tmp/lake/${other}: check the key | disk on fire`)).toBe('No object at /tmp/lake/[a file of this run: see etl_runs.error]: check the key | disk on fire');
    // A meter id inside a longer word is not touched.
    expect(redactFileNames('meter 13000 failed', [`${run}3000.csv`])).toBe('meter 13000 failed');
  });
});
