/**
 * Where daily prices come from. The market source only knows this interface: the offline simulator
 * and the live HTTP API (http-provider.ts) both implement it.
 */

/** One trading day of one symbol; field names are the raw record names of `market_prices`. */
export interface PriceBar {
  symbol: string;
  /** Trading day, 'YYYY-MM-DD' (the exchange's local date). */
  trade_date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Close adjusted for splits and dividends. */
  adj_close: number;
  volume: number;
}

export interface PriceProvider {
  /** Short name for logs and the raw record's provenance, e.g. `simulator`. */
  readonly name: string;
  /** Bars with `from` ≤ trade_date ≤ `to` (both 'YYYY-MM-DD', inclusive), oldest first. */
  fetchDaily(symbol: string, from: string, to: string): Promise<PriceBar[]>;
}
