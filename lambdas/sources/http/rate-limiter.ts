/**
 * Client-side rate limiting for HTTP sources: requests are spaced at least `60 000 / maxRequestsPerMinute`
 * milliseconds apart. Even spacing (a minimum interval rather than a bursty token bucket) never trips a
 * provider's rolling-window limit, which matters on free tiers such as Polygon's 5 requests/minute, where
 * a burst of 5 followed by a retry in the same window would earn a 429.
 *
 * Time is injected (`now`, `sleep`) so tests run on a virtual clock: fast and deterministic.
 */
export interface RateLimiter {
  /** Resolves when the caller may start one request. Callers are served in call order. */
  acquire(): Promise<void>;
}

export interface RateLimiterOptions {
  /** Upper bound on request starts per minute; `Infinity` disables limiting. */
  maxRequestsPerMinute: number;
  /** Milliseconds clock. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms` milliseconds. Default a `setTimeout` promise. */
  sleep?: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { maxRequestsPerMinute } = options;
  if (!(maxRequestsPerMinute > 0)) {
    throw new RangeError(
      `maxRequestsPerMinute must be a positive number (got ${maxRequestsPerMinute}); use Infinity to disable rate limiting.`,
    );
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const intervalMs = 60_000 / maxRequestsPerMinute;
  let nextStartAt = Number.NEGATIVE_INFINITY;
  // A promise chain serialises concurrent callers, so two fetches started together are still spaced.
  let queue: Promise<void> = Promise.resolve();

  return {
    acquire() {
      const turn = queue.then(async () => {
        // Loop: a real timer may wake a hair early; a virtual clock wakes exactly on time.
        for (let wait = nextStartAt - now(); wait > 0; wait = nextStartAt - now()) await sleep(wait);
        nextStartAt = now() + intervalMs;
      });
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}
