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
});
