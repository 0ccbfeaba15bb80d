/** `gridlake sql` output: streamed JSON and CSV are the same text as the whole-result formatter. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../lambdas/ports/warehouse';
import { formatRows, writeRows } from '../../local/format';

async function streamed(chunks: Row[][], format: 'json' | 'csv', columns: string[]): Promise<string> {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  async function* gen() {
    for (const c of chunks) yield c;
  }
  await writeRows(gen(), format, out, () => columns);
  return text;
}

describe('writeRows', () => {
  const rows: Row[] = [
    { x: 'a,b', y: 1, z: null },
    { x: 'q"\nr', y: 2.5, z: '2026-11-01T00:00:00.000Z' },
    { x: '', y: -3, z: 'ok' },
  ];

  it('writes the same JSON and CSV as formatRows, across chunks', async () => {
    for (const format of ['json', 'csv'] as const) {
      expect(await streamed([rows.slice(0, 1), [], rows.slice(1)], format, ['x', 'y', 'z'])).toBe(formatRows(rows, format) + '\n');
    }
    expect(JSON.parse(await streamed([rows], 'json', ['x', 'y', 'z']))).toEqual(rows);
  });

  it('an empty result: [] in JSON, the header line in CSV', async () => {
    expect(await streamed([], 'json', ['a', 'b'])).toBe('[]\n');
    expect(await streamed([], 'csv', ['a', 'b'])).toBe('a,b\n');
    expect(await streamed([[]], 'csv', ['a', 'b'])).toBe('a,b\n');
  });
});
