/**
 * A charger status history (rows of `charger_status`) as one timeline per charger: observations
 * sorted by time, a repeated instant kept once (the last row wins). Each observation stands for the
 * time until the next one, at most `maxHoldMs`: beyond that nothing is known (a collector that
 * stopped, a charger that left the API), and no analysis counts that time.
 */

export interface StatusObservation {
  station_id: string;
  charger_id: string;
  /** UTC ISO instant. */
  observed_at: string;
  status_code: number;
}

export interface ChargerTimeline {
  station_id: string;
  charger_id: string;
  /** Epoch ms, ascending, distinct. */
  times: number[];
  codes: number[];
}

export interface Span {
  start: number;
  end: number;
  code: number;
}

export class EvAnalysisInputError extends Error {
  override readonly name = 'EvAnalysisInputError';
}

export function chargerTimelines(history: readonly StatusObservation[]): ChargerTimeline[] {
  const byCharger = new Map<string, Map<number, number>>();
  const ids = new Map<string, [string, string]>();
  for (const row of history) {
    const t = Date.parse(row.observed_at);
    if (Number.isNaN(t)) throw new EvAnalysisInputError(`observed_at "${row.observed_at}" of charger ${row.station_id}/${row.charger_id} is not an ISO instant.`);
    const key = `${row.station_id}\u001f${row.charger_id}`;
    let m = byCharger.get(key);
    if (!m) {
      byCharger.set(key, (m = new Map()));
      ids.set(key, [row.station_id, row.charger_id]);
    }
    m.set(t, row.status_code);
  }
  const out: ChargerTimeline[] = [];
  for (const [key, m] of byCharger) {
    const times = [...m.keys()].sort((a, b) => a - b);
    const [station_id, charger_id] = ids.get(key)!;
    out.push({ station_id, charger_id, times, codes: times.map((t) => m.get(t)!) });
  }
  return out.sort((a, b) => (a.station_id === b.station_id ? cmp(a.charger_id, b.charger_id) : cmp(a.station_id, b.station_id)));
}

/** Each observation held until the next, at most `maxHoldMs`, never past `until` (when given). */
export function spansOf(timeline: ChargerTimeline, maxHoldMs: number, until?: number): Span[] {
  const spans: Span[] = [];
  const { times, codes } = timeline;
  for (let i = 0; i < times.length; i++) {
    const start = times[i]!;
    const next = i + 1 < times.length ? times[i + 1]! : start + maxHoldMs;
    const end = Math.min(next, start + maxHoldMs, until ?? Infinity);
    if (end > start) spans.push({ start, end, code: codes[i]! });
  }
  return spans;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
