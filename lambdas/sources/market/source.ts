/**
 * The market source: daily OHLCV bars of the configured symbols for the run date, from the provider
 * that `config.market.provider` names: the offline simulator, or the live HTTP API (config.market.http,
 * with the key the runtime puts in the ports; tests may inject another provider).
 */
import type { Batch, CollectInput } from '../../contract/manifests';
import type { StepPorts } from '../../steps/ports';
import { encodeJsonlGz } from '../jsonl-gz';
import { rawPrefix, type SourceModule } from '../source';
import type { PriceBar, PriceProvider } from './provider';
import { createHttpPriceProvider } from './http-provider';
import { simulatorProvider } from './simulator';
import { incrementalRange, readWatermarks } from './watermark';

export interface MarketSourceDeps {
  /** Builds the live provider for a run. Default: the documented API of config.market.http with ports.marketApiKey. */
  httpProvider?: (ports: StepPorts) => PriceProvider;
  /** Days before the run date to fetch for a symbol with no rows loaded yet. Default config.market.backfillDays. */
  backfillDays?: number;
}

/** The raw record: exactly the PriceBar fields, in a fixed order (stable bytes). */
function rawRecord(b: PriceBar): PriceBar {
  return {
    symbol: b.symbol,
    trade_date: b.trade_date,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    adj_close: b.adj_close,
    volume: b.volume,
  };
}

export function providerFor(ports: StepPorts, deps: MarketSourceDeps): PriceProvider {
  const { provider, seed } = ports.config.market;
  if (provider === 'simulator') return simulatorProvider(seed);
  return (deps.httpProvider ?? defaultHttpProvider)(ports);
}

/** The documented live API (config.market.http) with the key the runtime put in the ports. */
function defaultHttpProvider(ports: StepPorts): PriceProvider {
  const http = ports.config.market.http;
  return createHttpPriceProvider({
    baseUrl: http.baseUrl,
    apiKey: ports.marketApiKey ?? '',
    maxRequestsPerMinute: http.maxRequestsPerMinute,
    tickers: http.tickers,
    log: ports.log,
  });
}

/**
 * What to fetch per symbol, for either provider: incremental from the day after the symbol's
 * watermark (its last loaded trade date) to the run date, so a missed day is caught up; with no
 * watermark, `backfillDays` of history; a date at or before the watermark (a re-run or a backfill)
 * fetches just that date again, which the MERGE makes harmless.
 */
async function rangesFor(date: string, ports: StepPorts, deps: MarketSourceDeps): Promise<Map<string, { from: string; to: string }>> {
  const { symbols } = ports.config.market;
  const ranges = new Map(symbols.map((s) => [s, { from: date, to: date }]));
  const watermarks = await readWatermarks(ports.warehouse, symbols);
  for (const symbol of symbols) {
    const range = incrementalRange(watermarks.get(symbol) ?? null, date, deps.backfillDays ?? ports.config.market.backfillDays);
    if (range) ranges.set(symbol, range);
  }
  return ranges;
}

export function createMarketSource(deps: MarketSourceDeps = {}): SourceModule<'market'> {
  return {
    name: 'market',
    description: 'Daily OHLCV per configured symbol (simulated offline, or a live HTTP price API).',
    datasets: ['market_prices'],
    async collect(input: CollectInput, ports: StepPorts): Promise<Batch[]> {
      const provider = providerFor(ports, deps);
      const ranges = await rangesFor(input.date, ports, deps);
      const bars: PriceBar[] = [];
      // One symbol at a time: live APIs rate-limit, and the order keeps the file's bytes stable.
      for (const symbol of ports.config.market.symbols) {
        const { from, to } = ranges.get(symbol) ?? { from: input.date, to: input.date };
        const got = await provider.fetchDaily(symbol, from, to);
        bars.push(...got.map(rawRecord));
      }
      // A weekend or holiday gives an empty file; it is still written and returned so the run
      // reconciles 0 rows in = 0 rows loaded.
      const rawKey = `${rawPrefix('market', input.date, input.runId)}market_prices-00000.jsonl.gz`;
      await ports.lake.put(rawKey, encodeJsonlGz(bars), { contentType: 'application/gzip' });
      ports.log.info('market collected', { date: input.date, provider: provider.name, bars: bars.length });
      return [{ runId: input.runId, date: input.date, source: 'market', dataset: 'market_prices', rawKey, format: 'jsonl.gz', options: {} }];
    },
  };
}

/** The market source with the built-in simulator only (provider 'http' needs createMarketSource). */
export const marketSource: SourceModule<'market'> = createMarketSource();
