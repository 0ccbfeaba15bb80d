/**
 * Rejected rows grouped by what went wrong, for the person at the terminal: one mapping mistake
 * (voltage read as pressure) rejects every row for the same reason, and 37,283 lines saying so
 * hide the one fix. Reasons are grouped with their numbers masked; each group keeps its count, its
 * first line and one full example.
 */
import type { SensorReject } from './read-sensor-csv';

export interface RejectGroup {
  /** The reason with its numbers and quoted values replaced by `…`. */
  pattern: string;
  count: number;
  firstLine: number;
  example: SensorReject;
}

export function summariseRejects(rejects: readonly SensorReject[]): RejectGroup[] {
  const groups = new Map<string, RejectGroup>();
  for (const r of rejects) {
    const pattern = r.reason.replace(/"[^"]*"/g, '"…"').replace(/-?\d+(\.\d+)?/g, '…');
    const g = groups.get(pattern);
    if (g) g.count++;
    else groups.set(pattern, { pattern, count: 1, firstLine: r.line, example: r });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.firstLine - b.firstLine);
}
