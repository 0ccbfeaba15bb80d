/** Query results for people (an aligned table) or programs (JSON array of objects, CSV). */
import type { Row } from '../lambdas/ports/warehouse';

export function formatRows(rows: Row[], format: 'table' | 'json' | 'csv'): string {
  if (format === 'json') return JSON.stringify(rows, null, 2);
  const cols = rows.length ? Object.keys(rows[0]!) : [];
  if (format === 'csv') {
    const cell = (v: unknown) => {
      const s = v === null || v === undefined ? '' : String(v);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n');
  }
  if (rows.length === 0) return '(no rows)';
  const text = (v: unknown) => (v === null || v === undefined ? '∅' : typeof v === 'number' ? String(Math.round(v * 1e6) / 1e6) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[]) => cells.map((s, i) => s.padEnd(widths[i]!)).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => text(r[c]))))].join('\n') + `\n(${rows.length} row${rows.length === 1 ? '' : 's'})`;
}
