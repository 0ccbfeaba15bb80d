export interface PriceBar { symbol: string; trade_date: string; open: number; high: number; low: number; close: number; adj_close: number; volume: number }
export interface PriceProvider { readonly name: string; fetchDaily(symbol: string, from: string, to: string): Promise<PriceBar[]> }
