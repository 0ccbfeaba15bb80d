import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, SOURCE_NAMES, type Config } from '../../lambdas/config';
import { fixedClock } from '../../lambdas/ports/clock';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';
import { LocalFolderStore } from '../../lambdas/ports/local-folder-store';
import type { Warehouse } from '../../lambdas/ports/warehouse';
import { decodeJsonlGz } from '../../lambdas/sources/jsonl-gz';
import type { PriceBar, PriceProvider } from '../../lambdas/sources/market/provider';
import { BASE_DATE, simulatePrices, simulatorParams } from '../../lambdas/sources/market/simulator';
import { createMarketSource, marketSource } from '../../lambdas/sources/market/source';
import { SOURCES, sourceModule } from '../../lambdas/sources/registry';
import { rawPrefix } from '../../lambdas/sources/source';
import { migrateWarehouse } from '../../lambdas/schema/warehouse-schema';
import { silentLog, type StepPorts } from '../../lambdas/steps/ports';

const dirs: string[] = [];
const warehouses: Warehouse[] = [];
afterAll(async () => {
  await Promise.all(warehouses.map((w) => w.close()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function portsFor(config: Config, warehouse?: Warehouse): Promise<StepPorts> {
  const root = await mkdtemp(join(tmpdir(), 'gridlake-market-'));
  dirs.push(root);
  const noWarehouse = new Proxy({} as Warehouse, {
    get: () => {
      throw new Error('this test gave the source no warehouse');
    },
  });
  return {
    config,
    lake: new LocalFolderStore(join(root, 'lake')),
    site: new LocalFolderStore(join(root, 'site')),
    warehouse: warehouse ?? noWarehouse,
    notifier: { notify: async () => {} },
    clock: fixedClock('2026-03-10T22:00:00Z'),
    log: silentLog,
    pseudonymKey: 'test',
    tmpDir: root,
  };
}

const logReturns = (bars: PriceBar[]) => bars.slice(1).map((b, i) => Math.log(b.close / bars[i]!.close));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe('simulatePrices', () => {
  it('emits every weekday in the range and no Saturday or Sunday', () => {
    const bars = simulatePrices('SPY', 11, '2026-02-01', '2026-03-01');
    expect(bars.map((b) => b.trade_date)).toEqual(
      Array.from({ length: 29 }, (_, i) => new Date(Date.UTC(2026, 1, 1 + i)).toISOString().slice(0, 10)).filter((d) => {
        const w = new Date(`${d}T00:00:00Z`).getUTCDay();
        return w !== 0 && w !== 6;
      }),
    );
    expect(bars).toHaveLength(20);
    expect(simulatePrices('SPY', 11, '2026-02-07', '2026-02-08')).toEqual([]); // a weekend
  });

  it('gives a date the same bar whatever range was requested or generated before', () => {
    const year = simulatePrices('XLE', 11, '2024-01-01', '2024-12-31');
    simulatePrices('SPY', 11, '2020-01-01', '2020-02-01');
    const june = simulatePrices('XLE', 11, '2024-06-03', '2024-06-28');
    expect(june).toEqual(year.filter((b) => b.trade_date >= '2024-06-03' && b.trade_date <= '2024-06-28'));
    const oneDay = simulatePrices('XLE', 11, '2024-06-14', '2024-06-14');
    expect(oneDay).toEqual(year.filter((b) => b.trade_date === '2024-06-14'));
    expect(simulatePrices('XLE', 11, '2024-01-01', '2024-12-31')).toEqual(year);
  });

  it('keeps OHLC consistent, volumes whole and prices at 4 decimals', () => {
    for (const symbol of ['SPY', 'NG=F', 'ICLN']) {
      for (const b of simulatePrices(symbol, 3, '2023-01-01', '2024-12-31')) {
        expect(b.symbol).toBe(symbol);
        expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
        expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
        expect(b.low).toBeGreaterThan(0);
        expect(b.adj_close).toBe(b.close);
        expect(Number.isInteger(b.volume) && b.volume > 0).toBe(true);
        for (const v of [b.open, b.high, b.low, b.close]) expect(Math.round(v * 1e4) / 1e4).toBe(v);
        expect(Object.keys(b)).toEqual(['symbol', 'trade_date', 'open', 'high', 'low', 'close', 'adj_close', 'volume']);
      }
    }
  });

  it('draws distinct paths per symbol and seed, futures more volatile than equities', () => {
    const a = simulatePrices('SPY', 11, '2025-01-01', '2025-03-01');
    expect(simulatePrices('XLU', 11, '2025-01-01', '2025-03-01').map((b) => b.close)).not.toEqual(a.map((b) => b.close));
    expect(simulatePrices('SPY', 12, '2025-01-01', '2025-03-01').map((b) => b.close)).not.toEqual(a.map((b) => b.close));
    for (let seed = 0; seed < 20; seed++) {
      expect(simulatorParams('CL=F', seed).volatility).toBeGreaterThan(simulatorParams('SPY', seed).volatility);
    }
  });

  it('has log returns distributed as Normal(drift, volatility²), the truth the analysis is checked against', () => {
    const p = simulatorParams('SPY', 11);
    const r = logReturns(simulatePrices('SPY', 11, BASE_DATE, '2025-12-31'));
    expect(r.length).toBeGreaterThan(2800);
    expect(Math.abs(sd(r) / p.volatility - 1)).toBeLessThan(0.05);
    expect(Math.abs(mean(r) - p.drift)).toBeLessThan((4 * p.volatility) / Math.sqrt(r.length));
    expect(p.meanSimpleReturn).toBeCloseTo(Math.exp(p.drift + p.volatility ** 2 / 2) - 1, 12);

    // A 95% interval for the mean log return (known σ) covers the true drift about 95% of the time.
    let covered = 0;
    const series = 400;
    for (let seed = 0; seed < series; seed++) {
      const q = simulatorParams('XLE', seed);
      const x = logReturns(simulatePrices('XLE', seed, BASE_DATE, '2015-12-31'));
      if (Math.abs(mean(x) - q.drift) <= (1.96 * q.volatility) / Math.sqrt(x.length)) covered++;
    }
    expect(covered / series).toBeGreaterThan(0.92);
    expect(covered / series).toBeLessThan(0.98);
  });

  it('refuses bad ranges with a message naming the input', () => {
    expect(() => simulatePrices('SPY', 1, '2026-03-10', '2026-03-01')).toThrow(/2026-03-10 is after to 2026-03-01/);
    expect(() => simulatePrices('SPY', 1, '2014-12-01', '2015-03-01')).toThrow(new RegExp(`before ${BASE_DATE}`));
    expect(() => simulatePrices('SPY', 1, '2026-02-30', '2026-03-01')).toThrow(/from "2026-02-30"/);
  });
});

describe('marketSource.collect', () => {
  // backfillDays 0: a symbol's first run collects only the run date (the backfill has its own test).
  const config = parseConfig({ market: { symbols: ['SPY', 'XLE', 'NG=F'], provider: 'simulator', seed: 11, backfillDays: 0 } });
  const memory = async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    warehouses.push(w);
    // The tables exist before any step runs (the deploy's or the local run's migration).
    await migrateWarehouse(w);
    return w;
  };

  it('writes the run date’s bar per symbol as jsonl.gz, the same bytes every time', async () => {
    const input = { runId: 'r1', date: '2026-03-10', source: 'market' as const };
    const a = await portsFor(config, await memory());
    const batches = await marketSource.collect(input, a);
    const rawKey = `${rawPrefix('market', input.date, input.runId)}market_prices-00000.jsonl.gz`;
    expect(batches).toEqual([{ ...input, dataset: 'market_prices', rawKey, format: 'jsonl.gz', options: {} }]);
    const bars = decodeJsonlGz<PriceBar>(await a.lake.get(rawKey), rawKey);
    expect(bars).toEqual(['SPY', 'XLE', 'NG=F'].flatMap((s) => simulatePrices(s, 11, input.date, input.date)));
    expect(bars.map((b) => b.symbol)).toEqual(['SPY', 'XLE', 'NG=F']);

    const b = await portsFor(config, await memory());
    await marketSource.collect(input, b);
    await marketSource.collect(input, b);
    expect(Buffer.from(await b.lake.get(rawKey)).equals(Buffer.from(await a.lake.get(rawKey)))).toBe(true);
    expect((await marketSource.collect(input, b)).map((batch) => batch.dataset)).toEqual([...marketSource.datasets]);
  });

  it('backfills a year of history on a symbol’s first run, from the warehouse watermark after', async () => {
    const yearConfig = parseConfig({ market: { symbols: ['SPY'], provider: 'simulator', seed: 11 } });
    const warehouse = await memory();
    const ports = await portsFor(yearConfig, warehouse);
    const [first] = await marketSource.collect({ runId: 'r1', date: '2026-03-10', source: 'market' }, ports);
    const bars = decodeJsonlGz<PriceBar>(await ports.lake.get(first!.rawKey), first!.rawKey);
    expect(bars).toEqual(simulatePrices('SPY', 11, '2025-03-10', '2026-03-10'));
    // Once those are loaded, the next date fetches from the day after the last loaded one.
    await warehouse.execute({
      name: 'seed',
      sql: "INSERT INTO market_prices (symbol, trade_date, open_price, high, low, close, adj_close, volume, source, run_id) VALUES ('SPY', DATE '2026-03-10', 1, 1, 1, 1, 1, 1, 'market', 'r1')",
    });
    const [next] = await marketSource.collect({ runId: 'r2', date: '2026-03-12', source: 'market' }, ports);
    expect(decodeJsonlGz<PriceBar>(await ports.lake.get(next!.rawKey), next!.rawKey)).toEqual(simulatePrices('SPY', 11, '2026-03-11', '2026-03-12'));
  });

  it('still writes an empty file and returns its batch on a weekend (0 rows reconcile)', async () => {
    const ports = await portsFor(config, await memory());
    const [batch] = await marketSource.collect({ runId: 'r2', date: '2026-03-08', source: 'market' }, ports);
    expect(batch).toBeDefined();
    expect(decodeJsonlGz(await ports.lake.get(batch!.rawKey), batch!.rawKey)).toEqual([]);
    const onDisk = await readFile(join((ports.lake as LocalFolderStore).root, batch!.rawKey));
    expect(onDisk.length).toBeGreaterThan(0); // a valid (empty) gzip member, not a missing object
  });

  it('fails clearly when the http provider is configured but no API key was given', async () => {
    const ports = await portsFor(parseConfig({ market: { provider: 'http' } }));
    await expect(marketSource.collect({ runId: 'r3', date: '2026-03-10', source: 'market' }, ports)).rejects.toThrow(/MARKET_API_KEY/);
  });

  it('uses the injected http provider, incrementally from each symbol’s watermark in the warehouse', async () => {
    const warehouse = await DuckDbWarehouse.open(':memory:');
    warehouses.push(warehouse);
    await warehouse.execute({ name: 'ddl_market_prices', sql: await readFile(join(__dirname, '../../lambdas/sql/tables/market_prices.sql'), 'utf8') });
    await warehouse.execute({
      name: 'seed_watermark',
      sql:
        'INSERT INTO market_prices (symbol, trade_date, open_price, high, low, close, adj_close, volume, source, run_id) ' +
        "VALUES (:symbol, CAST(:day AS DATE), 1, 1, 1, 1, 1, 1, 'market', 'r0')",
      params: { symbol: 'SPY', day: '2026-03-04' },
    });
    const calls: string[] = [];
    // A real provider over the simulator that records what it was asked for.
    const recording: PriceProvider = {
      name: 'recording',
      async fetchDaily(symbol, from, to) {
        calls.push(`${symbol} ${from}..${to}`);
        return simulatePrices(symbol, 5, from, to);
      },
    };
    const source = createMarketSource({ httpProvider: () => recording, backfillDays: 2 });
    const ports = await portsFor(parseConfig({ market: { symbols: ['SPY', 'XLE'], provider: 'http' } }), warehouse);
    const [batch] = await source.collect({ runId: 'r4', date: '2026-03-10', source: 'market' }, ports);
    expect(calls).toEqual(['SPY 2026-03-05..2026-03-10', 'XLE 2026-03-08..2026-03-10']);
    const bars = decodeJsonlGz<PriceBar>(await ports.lake.get(batch!.rawKey), batch!.rawKey);
    expect(bars.map((b) => `${b.symbol} ${b.trade_date}`)).toEqual([
      'SPY 2026-03-05',
      'SPY 2026-03-06',
      'SPY 2026-03-09',
      'SPY 2026-03-10',
      'XLE 2026-03-09',
      'XLE 2026-03-10',
    ]);

    // A re-run of a date already loaded fetches just that date again.
    calls.length = 0;
    await source.collect({ runId: 'r5', date: '2026-03-02', source: 'market' }, ports);
    expect(calls[0]).toBe('SPY 2026-03-02..2026-03-02');
  });
});

describe('source registry', () => {
  it('finds every registered source by name', () => {
    for (const s of SOURCES) expect(sourceModule(s.name)).toBe(s);
    expect(SOURCES.map((s) => s.name).sort()).toEqual([...SOURCE_NAMES].sort());
  });
});
