/**
 * The national charger-status collector against a loopback server whose list SHIFTS between page
 * requests (inserts at the front, deletes, count-neutral swaps), plus 429/5xx with backoff, a body
 * cut short, and the gateway's XML quota error. Time is virtual: the rate limiter and the backoff
 * advance a test clock instead of sleeping.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collectChargerSnapshot } from '../../lambdas/sources/ev-chargers/collect-snapshot';
import { createNationalApiClient, NationalApiError, type NationalApiOptions } from '../../lambdas/sources/ev-chargers/national-api-client';
import { chargerList, startShiftingServer, type ApiItem, type Fault, type ShiftingServer } from '../fixtures/ev-api/shifting-server';

// A data.go.kr-style key: characters that URL encoding changes, so a leak in either form is caught.
const KEY = 'Xy+9/abc==SECRET';
const servers: ShiftingServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

interface VirtualTime {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  sleeps: number[];
}
function virtualTime(start = Date.parse('2026-12-02T00:00:00Z')): VirtualTime {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

async function setup(
  items: ApiItem[],
  opts: { beforeRequest?: (n: number, list: ApiItem[]) => void; faults?: Map<number, Fault>; envelope?: 'flat' | 'wrapped'; maxRows?: number; client?: Partial<NationalApiOptions> } = {},
) {
  const server = await startShiftingServer({ serviceKey: KEY, items, beforeRequest: opts.beforeRequest, faults: opts.faults, envelope: opts.envelope, maxRows: opts.maxRows });
  servers.push(server);
  const time = virtualTime();
  const warnings: string[] = [];
  const log = { info() {}, warn: (m: string, f?: Record<string, unknown>) => warnings.push(`${m} ${JSON.stringify(f)}`), error() {} };
  const client = createNationalApiClient({
    baseUrl: server.origin,
    serviceKey: KEY,
    maxRequestsPerMinute: 30,
    now: time.now,
    sleep: time.sleep,
    random: () => 0.5,
    log,
    ...opts.client,
  });
  return { server, client, time, warnings, now: () => new Date(time.now()) };
}

const keysOf = (rows: { station_id: string; charger_id: string }[]) => rows.map((r) => `${r.station_id}/${r.charger_id}`).sort();
const keysOfList = (list: ApiItem[]) => list.map((r) => `${r.statId}/${r.chgerId}`).sort();

describe('consistent snapshot of a list that shifts while it is read', () => {
  it('a quiet list: two agreeing passes, every charger once, rate-limited', async () => {
    const { server, client, time, now } = await setup(chargerList(23));
    const r = await collectChargerSnapshot(client, { pageSize: 5, now });
    expect(r.snapshot.complete).toBe(true);
    expect(r.snapshot.passes.map((p) => [p.pages, p.rowsRead, p.clean])).toEqual([
      [5, 23, true],
      [5, 23, true],
    ]);
    expect(keysOf(r.statuses)).toEqual(keysOfList(server.list));
    expect(r.counts).toEqual({ rowsIn: 23, loaded: 23, duplicates: 0, quarantined: 0, withheld: 0 });
    // 30 requests per minute: starts spaced 2 s apart on the virtual clock.
    expect(server.requests).toHaveLength(10);
    expect(time.sleeps.filter((ms) => ms === 2000)).toHaveLength(9);
    expect(r.snapshot.observedAt).toBe('2026-12-02T00:00:18.000Z');
    expect(r.statuses.every((s) => s.observed_at === '2026-12-02T00:00:18Z')).toBe(true);
    expect(r.statuses[0]).toMatchObject({ status_code: 2, status_label: '사용가능', last_charge_start: '2023-08-09T11:15:00Z', last_charge_end: '2023-08-09T12:30:00Z' });
    expect(server.requests.every((q) => q.query.dataType === 'JSON')).toBe(true);
  });

  it('inserts at the front and deletes mid-read: duplicates dropped, misses re-read, the snapshot equals the true set', async () => {
    let inserted = 0;
    const { server, client, now } = await setup(chargerList(23), {
      beforeRequest: (n, list) => {
        // During pass 1: two new chargers appear at the front (the next pages repeat rows), then an
        // early charger is removed (a later row slips into a page already read: a miss).
        if (n === 2 || n === 3) list.unshift({ statId: `NEW${++inserted}`, chgerId: '01', stat: '3', nowTsdt: '20230809220000' });
        if (n === 4) list.splice(1, 1);
        // During pass 2: one more delete near the front.
        if (n === 8) list.splice(5, 1);
      },
    });
    const r = await collectChargerSnapshot(client, { pageSize: 5, now });
    expect(r.snapshot.complete).toBe(true);
    expect(keysOf(r.statuses)).toEqual(keysOfList(server.list));
    expect(r.statuses).toHaveLength(23);
    // Pass 1 saw the shift: the counts changed and rows came twice.
    const [first] = r.snapshot.passes;
    expect(first!.clean).toBe(false);
    expect(first!.totalCounts).toEqual([23, 24, 25, 24]);
    expect(first!.duplicates).toBeGreaterThan(0);
    expect(r.snapshot.passes.length).toBeGreaterThanOrEqual(3);
    const last2 = r.snapshot.passes.slice(-2);
    expect(last2.every((p) => p.clean && p.rowsRead === 23)).toBe(true);
    expect(r.statuses.find((s) => s.station_id === 'NEW2')).toMatchObject({ status_code: 3, charging_since: '2023-08-09T13:00:00Z' });
  });

  it('a count-neutral change (insert + delete) that fools one pass is caught by the confirming pass', async () => {
    const { server, client, now } = await setup(chargerList(20), {
      beforeRequest: (n, list) => {
        if (n === 3) {
          list.splice(2, 1); // a charger on page 1 (already read) goes…
          list.unshift({ statId: 'SWAP', chgerId: '01', stat: '2' }); // …and a new one lands on page 1 too
        }
      },
    });
    const r = await collectChargerSnapshot(client, { pageSize: 5, now });
    const [p1, p2, p3] = r.snapshot.passes;
    // Pass 1 looks clean by its counts, but holds the deleted charger and lacks the new one.
    expect(p1!.clean).toBe(true);
    expect(p2!.clean && p3!.clean).toBe(true);
    expect(r.snapshot.passes).toHaveLength(3);
    expect(keysOf(r.statuses)).toEqual(keysOfList(server.list));
    expect(keysOf(r.statuses)).toContain('SWAP/01');
  });

  it('a list that never settles is marked incomplete with counts, never silently short', async () => {
    let k = 0;
    const { server, client, now } = await setup(chargerList(12), {
      beforeRequest: (n, list) => {
        if (n > 1) list.unshift({ statId: `CHURN${++k}`, chgerId: '01', stat: '2' });
      },
    });
    const r = await collectChargerSnapshot(client, { pageSize: 5, now, maxPasses: 3 });
    expect(r.snapshot.complete).toBe(false);
    expect(r.snapshot.passes).toHaveLength(3);
    expect(r.snapshot.incompleteReason).toMatch(/no two consecutive clean passes agreed in 3 passes/);
    // Every charger of the final list that any pass saw is there; the original twelve all are.
    const got = new Set(keysOf(r.statuses));
    for (const key of keysOfList(chargerList(12))) expect(got.has(key)).toBe(true);
    expect(r.statuses.length).toBeGreaterThan(12);
    expect(r.snapshot.totalCount).toBe(server.requests.at(-1)!.totalCount);
    expect(r.counts.loaded + r.counts.duplicates + r.counts.quarantined).toBe(r.counts.rowsIn);
  });

  it('follows a server that silently caps the page size', async () => {
    const { server, client, now } = await setup(chargerList(23), { maxRows: 4, client: { maxRequestsPerMinute: Infinity } });
    const r = await collectChargerSnapshot(client, { pageSize: 10, now });
    expect(r.snapshot.complete).toBe(true);
    expect(r.snapshot.pageSize).toBe(4);
    expect(keysOf(r.statuses)).toEqual(keysOfList(server.list));
    expect(r.snapshot.passes.map((p) => [p.pages, p.rowsRead, p.clean])).toEqual([
      [6, 23, true],
      [6, 23, true],
    ]);
    expect(server.requests[1]!.query).toMatchObject({ pageNo: '1', numOfRows: '4' });
  });

  it('pages by startNum/endNum and reads the wrapped envelope', async () => {
    const { server, client, now } = await setup(chargerList(7), { envelope: 'wrapped', client: { paging: 'startNum' } });
    const r = await collectChargerSnapshot(client, { pageSize: 3, now });
    expect(r.snapshot.complete).toBe(true);
    expect(keysOf(r.statuses)).toEqual(keysOfList(server.list));
    expect(server.requests.slice(0, 3).map((q) => [q.query.startNum, q.query.endNum])).toEqual([
      ['1', '3'],
      ['4', '6'],
      ['7', '9'],
    ]);
  });
});

describe('rate limits, server errors and broken bodies', () => {
  it('429 with Retry-After and a 503 are retried with backoff, never faster than asked', async () => {
    const faults = new Map<number, Fault>([
      [2, { status: 429, headers: { 'retry-after': '7' } }],
      [4, { status: 503 }],
      [5, { status: 502 }],
    ]);
    const { client, time, warnings, now, server } = await setup(chargerList(9), { faults, client: { maxRequestsPerMinute: Infinity } });
    const r = await collectChargerSnapshot(client, { pageSize: 5, now });
    expect(r.snapshot.complete).toBe(true);
    expect(r.statuses).toHaveLength(9);
    expect(server.requests.map((q) => q.status)).toEqual([200, 429, 200, 503, 502, 200, 200]);
    // Retry-After 7 s is a floor; 5xx: full jitter (random 0.5) over 1 s, then 2 s.
    expect(time.sleeps).toEqual([7000, 500, 1000]);
    expect(warnings.join('\n')).not.toContain('SECRET');
    expect(warnings).toHaveLength(3);
  });

  it('a body cut short is re-requested; cut short every time, the page fails naming it, without the key', async () => {
    const once = await setup(chargerList(6), { faults: new Map([[1, { truncate: true }]]), client: { maxRequestsPerMinute: Infinity } });
    const ok = await collectChargerSnapshot(once.client, { pageSize: 5, now: once.now });
    expect(ok.snapshot.complete).toBe(true);
    expect(ok.statuses).toHaveLength(6);
    expect(once.warnings.some((w) => w.startsWith('charger api body retry'))).toBe(true);

    const always = await setup(chargerList(6), { faults: new Map([1, 2, 3].map((n) => [n, { truncate: true }] as [number, Fault])), client: { maxRequestsPerMinute: Infinity } });
    const error = await collectChargerSnapshot(always.client, { pageSize: 5, now: always.now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NationalApiError);
    expect((error as Error).message).toMatch(/page 1 .*body is not complete JSON/);
    expect((error as Error).message).not.toContain('SECRET');
    expect((error as Error).message).not.toContain(encodeURIComponent(KEY));
    expect(always.server.requests).toHaveLength(3);
  });

  it('a 5xx storm ends in an error after the retries; the gateway XML quota error is not retried', async () => {
    const storm = await setup(chargerList(3), { faults: new Map(Array.from({ length: 10 }, (_, i) => [i + 1, { status: 500 }] as [number, Fault])), client: { maxRetries: 2, maxRequestsPerMinute: Infinity } });
    await expect(collectChargerSnapshot(storm.client, { pageSize: 5, now: storm.now })).rejects.toThrow(/page 1 failed: GET .* failed after 3 attempts: HTTP 500/);
    expect(storm.server.requests).toHaveLength(3);

    const xml =
      '<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg><returnAuthMsg>LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR</returnAuthMsg><returnReasonCode>22</returnReasonCode></cmmMsgHeader></OpenAPI_ServiceResponse>';
    const quota = await setup(chargerList(3), { faults: new Map([[1, { xml }]]), client: { maxRequestsPerMinute: Infinity } });
    await expect(collectChargerSnapshot(quota.client, { pageSize: 5, now: quota.now })).rejects.toThrow(/LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR \(code 22\)/);
    expect(quota.server.requests).toHaveLength(1);
  });

  it('items that cannot be a status are quarantined with their page; the rest load and reconcile', async () => {
    const items: ApiItem[] = [...chargerList(4), { statId: 'BAD1', chgerId: '01', stat: '7' }, { statId: 'BAD2', chgerId: '', stat: '2' }];
    items.push({ statId: 'INV', chgerId: '01', stat: '3', lastTsdt: '20230809100000', lastTedt: '20230809090000', nowTsdt: '20230809235900' });
    const { client, now } = await setup(items, { client: { maxRequestsPerMinute: Infinity } });
    const r = await collectChargerSnapshot(client, { pageSize: 5, now });
    expect(r.counts).toEqual({ rowsIn: 7, loaded: 5, duplicates: 0, quarantined: 2, withheld: 1 });
    expect(r.quarantine.map((q) => q.reason)).toEqual([
      'charger BAD1/01: stat "7" is not a national status code (1, 2, 3, 4, 5, 9)',
      'page 2 item 0: chgerId: chgerId is empty',
    ]);
    expect(r.statuses.find((s) => s.station_id === 'INV')).toMatchObject({ last_charge_start: null, last_charge_end: null, charging_since: '2023-08-09T14:59:00Z' });
    expect(r.withheld[0]!.reason).toMatch(/INV\/01: the last charging session ends \(lastTedt 20230809090000\) before it starts/);
  });

  it('refuses an empty service key, naming the setting', () => {
    expect(() => createNationalApiClient({ serviceKey: ' ' })).toThrow(/EV_API_SERVICE_KEY/);
  });
});
