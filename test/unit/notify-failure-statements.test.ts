/** NotifyFailure's warehouse work is set-based: a fixed handful of statements for any backfill (cloud review R8). */
import { describe, expect, it } from 'vitest';
import { failedExecutionStatements } from '../../lambdas/steps/notify-failure';
import { isCopy, isUnload } from '../../lambdas/ports/warehouse';

const DATA_API_SQL_LIMIT = 100_000; // https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html (Sql: 100 KB)

describe('failedExecutionStatements', () => {
  it('records a failed 400-date, 4-source backfill in 13 statements, none near the Data API size limit, every value bound', () => {
    const sources = ['meters', 'meter-simulator', 'utilities', 'market'] as const;
    const runs = Array.from({ length: 400 }, (_, i) => {
      const date = new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10);
      return { runId: `${date}-a1`, date, sources: [...sources], startedAt: '2026-11-02T06:00:00.000Z' };
    });
    const items = failedExecutionStatements(runs, '2026-11-02T06:00:00.000Z', '2026-11-02T07:00:00.000Z', "it's broken");
    // create + 1,600 pairs / 200 per insert + 3 set-based marks + drop; the old path sent 3,200.
    expect(items.length).toBe(1 + 8 + 3 + 1);
    for (const item of items) {
      if (isCopy(item) || isUnload(item)) throw new Error('no COPY or UNLOAD expected');
      expect(Buffer.byteLength(item.sql)).toBeLessThan(DATA_API_SQL_LIMIT / 2);
      expect(item.sql).not.toContain("it's broken");
      expect(item.sql).not.toContain('2025-01-01');
    }
    const inserted = items.filter((i) => i.name.startsWith('insert_plan_runs_')).reduce((n, i) => n + Object.keys((i as { params: object }).params).length / 3, 0);
    expect(inserted).toBe(400 * 4);
  });
});
