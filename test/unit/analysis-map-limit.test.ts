/**
 * mapLimit (the analyze and publish steps' bounded parallel writes): never more than `limit` in flight,
 * every item once, and after a failure no new item starts and nothing is left running when it throws.
 */
import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../lambdas/steps/analyze/index';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapLimit', () => {
  it('runs every item once with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await mapLimit([...Array(25).keys()], 4, async (i) => {
      peak = Math.max(peak, ++inFlight);
      await tick(i % 3);
      seen.push(i);
      inFlight--;
    });
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(25).keys()]);
  });

  it('stops starting items after a failure and throws once the ones in flight have finished', async () => {
    const started: number[] = [];
    let running = 0;
    const run = mapLimit([...Array(20).keys()], 3, async (i) => {
      started.push(i);
      running++;
      await tick(i === 4 ? 1 : 5);
      running--;
      if (i === 4) throw new Error('item 4 failed');
    });
    await expect(run).rejects.toThrow('item 4 failed');
    expect(running).toBe(0);
    expect(started.length).toBeLessThan(10);
  });

  it('does nothing for no items', async () => {
    await mapLimit([], 8, async () => {
      throw new Error('not called');
    });
  });
});
