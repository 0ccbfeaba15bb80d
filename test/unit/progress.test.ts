/**
 * The local run's progress lines (local/progress.ts): each long state says what it did, from the
 * state's own output — including the anomaly pages, which run between the loads and Analyze.
 */
import { describe, expect, it } from 'vitest';
import { progressPrinter, summarise } from '../../local/progress';

const pages = { pagesKey: 'k', resultsPrefix: 'p', pages: 2000, meters: 1_000_000, concurrency: 16 };

describe('progress lines', () => {
  it('say how many meters and pages the anomaly steps handled', () => {
    expect(summarise('PrepareAnomalies', { anomalyPages: pages })).toBe('1,000,000 meters in 2,000 page(s): inputs unloaded');
    expect(summarise('DetectAnomalies', { anomalyPages: pages, anomalyDetection: { MapRunArn: 'arn' } })).toBe('2,000 page(s) of meters examined, 16 at once');
    // A page child itself gets no line (there are thousands).
    expect(summarise('DetectAnomalyPage', { page: 3, meters: 500, anomalies: 2 })).toBeNull();
  });

  it('announce the long phases and time each finished state', () => {
    const lines: string[] = [];
    const print = progressPrinter((l) => lines.push(l));
    print({ kind: 'entered', state: 'PrepareAnomalies', at: 1_000 } as never);
    print({ kind: 'exited', state: 'PrepareAnomalies', at: 3_500, output: { anomalyPages: pages } } as never);
    expect(lines).toEqual(['→ PrepareAnomalies', '  ✓ PrepareAnomalies 1,000,000 meters in 2,000 page(s): inputs unloaded   2.50s']);
  });
});
