/**
 * A consistent snapshot of a paged list whose pages shift while it is read.
 *
 * Offset paging (`pageNo/numOfRows`, `startNum/endNum`) reads windows of a list that the server
 * re-sorts on every request. An item inserted before the window already read pushes every later
 * item one place down: the next page repeats an item (a duplicate). An item deleted before it pulls
 * every later item up: one item slips into the pages already read and is never seen (a miss). Both
 * happen on a live charger list; neither shows in a single page.
 *
 * The algorithm: read full passes, page 1 to the end, keyed by item key.
 *  - Within a pass, a key read twice is a duplicate: dropped, the later read kept (it is newer).
 *  - A pass is *clean* when every page reported the same totalCount and the pass read exactly that
 *    many rows (a shift during the pass changes the count, or leaves a row missed or doubled).
 *  - The snapshot is *complete* when two consecutive passes are clean and hold the same keys: a
 *    count-neutral change (one insert and one delete) can fool one pass, not two that agree.
 *  - A server that silently caps the page size (asked 1 000, gave 500 of 2 000 on page 1) would
 *    make every pass look short: the pass restarts once with the size the server gave.
 *  - At most `maxPasses` passes. If no two clean passes agree, the snapshot is marked incomplete,
 *    with the counts, and holds every key seen in any pass (latest read wins): never silently short.
 *
 * Pure over a `fetchPage` port and a clock; the HTTP client is national-api-client.ts.
 */

export interface PageRequest {
  /** 1-based page number. */
  page: number;
  /** Rows per page. */
  size: number;
}

export interface PageResult<T> {
  /** The server's count of all rows at the time of this page. */
  totalCount: number;
  items: T[];
}

export interface SnapshotOptions<T> {
  fetchPage(request: PageRequest): Promise<PageResult<T>>;
  keyOf(item: T): string;
  pageSize: number;
  /** Default 4: two to confirm a quiet list, two more to ride out one burst of changes. */
  maxPasses?: number;
  /** Pages per pass beyond which the pass stops (a server that never ends). Default 10 000. */
  maxPagesPerPass?: number;
  now(): Date;
}

export interface PassReport {
  pass: number;
  startedAt: string;
  endedAt: string;
  pages: number;
  rowsRead: number;
  distinct: number;
  /** Keys read twice in this pass (dropped). */
  duplicates: number;
  /** Every totalCount the pages of this pass reported, in order, repeats removed. */
  totalCounts: number[];
  clean: boolean;
}

export interface Snapshot<T> {
  items: T[];
  complete: boolean;
  /** The final totalCount reported by the server. */
  totalCount: number;
  /** When the snapshot was confirmed (end of its last pass), UTC ISO. Every item was read within [finalPassStartedAt, observedAt]. */
  observedAt: string;
  finalPassStartedAt: string;
  startedAt: string;
  passes: PassReport[];
  /** Rows dropped as repeats over all passes. */
  duplicatesDropped: number;
  /** The page size used: the one asked for, or the server's when it gave fewer rows a page. */
  pageSize: number;
  /** Why the snapshot is incomplete; null when complete. */
  incompleteReason: string | null;
}

export class SnapshotUsageError extends Error {
  override readonly name = 'SnapshotUsageError';
}

export async function consistentSnapshot<T>(options: SnapshotOptions<T>): Promise<Snapshot<T>> {
  const { keyOf } = options;
  let pageSize = options.pageSize;
  const maxPasses = options.maxPasses ?? 4;
  const maxPages = options.maxPagesPerPass ?? 10_000;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new SnapshotUsageError(`pageSize must be a positive integer (got ${pageSize}).`);
  if (!Number.isInteger(maxPasses) || maxPasses < 2) throw new SnapshotUsageError(`maxPasses must be an integer of at least 2 (got ${maxPasses}): one pass cannot confirm itself.`);
  const iso = () => options.now().toISOString();
  const startedAt = iso();
  const passes: PassReport[] = [];
  const union = new Map<string, T>();
  let previous: { report: PassReport; items: Map<string, T> } | null = null;
  let duplicatesDropped = 0;
  let lastTotal = 0;
  let capChecked = false;

  for (let pass = 1; pass <= maxPasses; pass++) {
    const passStart = iso();
    const items = new Map<string, T>();
    const totals: number[] = [];
    let rowsRead = 0;
    let duplicates = 0;
    let pages = 0;
    let overran = false;
    let restart = false;
    for (let page = 1; ; page++) {
      if (page > maxPages) {
        overran = true;
        break;
      }
      const result = await options.fetchPage({ page, size: pageSize });
      pages++;
      if (!capChecked && page === 1) {
        capChecked = true;
        const n = result.items.length;
        if (n > 0 && n < pageSize && n < result.totalCount) {
          // The server's own page size: pages must be asked in its size or offsets go wrong.
          pageSize = n;
          restart = true;
          break;
        }
      }
      if (totals[totals.length - 1] !== result.totalCount) totals.push(result.totalCount);
      lastTotal = result.totalCount;
      rowsRead += result.items.length;
      for (const item of result.items) {
        const key = keyOf(item);
        if (items.has(key)) {
          duplicates++;
          items.delete(key); // re-insert: the later read is newer, and keeps the server's order
        }
        items.set(key, item);
      }
      // A short page ends the list; so does reaching the latest count (it may have grown mid-pass).
      if (result.items.length < pageSize || page * pageSize >= result.totalCount) break;
    }
    if (restart) {
      pass--; // the page-size probe is not a pass
      continue;
    }
    duplicatesDropped += duplicates;
    const report: PassReport = {
      pass,
      startedAt: passStart,
      endedAt: iso(),
      pages,
      rowsRead,
      distinct: items.size,
      duplicates,
      totalCounts: totals,
      clean: !overran && totals.length === 1 && rowsRead === totals[0],
    };
    passes.push(report);
    for (const [k, v] of items) union.set(k, v);

    if (report.clean && previous?.report.clean && sameKeys(previous.items, items)) {
      return {
        items: [...items.values()],
        complete: true,
        totalCount: lastTotal,
        observedAt: report.endedAt,
        finalPassStartedAt: report.startedAt,
        startedAt,
        passes,
        duplicatesDropped,
        pageSize,
        incompleteReason: null,
      };
    }
    previous = { report, items };
  }

  const last = passes[passes.length - 1]!;
  return {
    items: [...union.values()],
    complete: false,
    totalCount: lastTotal,
    observedAt: last.endedAt,
    finalPassStartedAt: last.startedAt,
    startedAt,
    passes,
    duplicatesDropped,
    pageSize,
    incompleteReason:
      `the list kept changing: no two consecutive clean passes agreed in ${maxPasses} passes ` +
      `(last pass read ${last.rowsRead} rows, ${last.distinct} distinct, totalCount ${last.totalCounts.join('→')}); ` +
      `the snapshot holds all ${union.size} chargers seen in any pass, latest read each`,
  };
}

function sameKeys(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const k of a.keys()) if (!b.has(k)) return false;
  return true;
}
