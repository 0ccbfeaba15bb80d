/** Query results for people (an aligned table) or programs (JSON array of objects, CSV). */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Row } from '../lambdas/ports/warehouse';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * JSON or CSV written as the rows arrive, a chunk at a time (a whole-table export need not fit in
 * memory); the same text formatRows gives. `columns` names the result's columns (known before its
 * first row, and for an empty result too). Waits for the stream to drain (a slow reader, a pipe).
 */
export async function writeRows(chunks: AsyncIterable<Row[]>, format: 'json' | 'csv', out: Writable, columns: () => string[]): Promise<void> {
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  let first = true;
  let header = format === 'csv';
  for await (const rows of chunks) {
    // The CSV header goes out with the first chunk: the column names are known from then on.
    let text = header ? columns().join(',') : '';
    header = false;
    for (const row of rows) {
      text +=
        format === 'json'
          ? `${first ? '[\n' : ',\n'}  ${JSON.stringify(row, null, 2).replace(/\n/g, '\n  ')}`
          : `\n${columns().map((c) => csvCell(row[c])).join(',')}`;
      first = false;
    }
    if (text) await write(text);
  }
  await write(format === 'json' ? (first ? '[]\n' : '\n]\n') : `${header ? columns().join(',') : ''}\n`);
}

export function formatRows(rows: Row[], format: 'table' | 'json' | 'csv'): string {
  if (format === 'json') return JSON.stringify(rows, null, 2);
  const cols = rows.length ? Object.keys(rows[0]!) : [];
  if (format === 'csv') return [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n');
  if (rows.length === 0) return '(no rows)';
  const text = (v: unknown) => (v === null || v === undefined ? '∅' : typeof v === 'number' ? String(Math.round(v * 1e6) / 1e6) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[]) => cells.map((s, i) => s.padEnd(widths[i]!)).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => text(r[c]))))].join('\n') + `\n(${rows.length} row${rows.length === 1 ? '' : 's'})`;
}
