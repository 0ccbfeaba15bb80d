/**
 * Incremental market loads: the watermark of a symbol is the last trade date already in
 * `market_prices`; the next fetch starts the day after it. A symbol never loaded starts
 * `backfillDays` before the run date. Re-fetching is harmless (the load MERGEs on
 * (symbol, trade_date)), so the range errs towards overlap, never towards a gap.
 */
import type { Warehouse } from '../../ports/warehouse';

/** Same pattern as `config.market.symbols`: symbols become parameter *values*, but we still refuse junk early. */
const SYMBOL = /^[A-Z0-9.=^-]{1,16}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export class WatermarkError extends Error {
  override readonly name = 'WatermarkError';
}

/**
 * The last loaded trade date per symbol (`null` when the symbol has no rows yet). One query; the
 * symbols are bound as named parameters `:s0, :s1, …` — the SQL text only ever holds those names.
 */
export async function readWatermarks(warehouse: Warehouse, symbols: readonly string[]): Promise<Map<string, string | null>> {
  const unique = [...new Set(symbols)];
  for (const [index, symbol] of unique.entries()) {
    if (!SYMBOL.test(symbol)) {
      throw new WatermarkError(`Symbol #${index} "${symbol}" is not a market symbol (A–Z, 0–9, . = ^ -, up to 16): fix config.market.symbols.`);
    }
  }
  const watermarks = new Map<string, string | null>(unique.map((s) => [s, null]));
  if (unique.length === 0) return watermarks;

  const params: Record<string, string> = {};
  const placeholders = unique.map((symbol, i) => {
    params[`s${i}`] = symbol;
    return `:s${i}`;
  });
  // CAST(… AS VARCHAR) gives 'YYYY-MM-DD' on Redshift, Postgres and DuckDB alike, whatever date type
  // each driver would otherwise hand back.
  const rows = await warehouse.query<{ symbol: string; last_trade_date: string | null }>({
    name: 'read_market_watermarks',
    sql:
      'SELECT symbol, CAST(MAX(trade_date) AS VARCHAR) AS last_trade_date\n' +
      'FROM market_prices\n' +
      `WHERE symbol IN (${placeholders.join(', ')})\n` +
      'GROUP BY symbol',
    params,
  });
  for (const row of rows) {
    const date = row.last_trade_date === null ? null : String(row.last_trade_date).slice(0, 10);
    if (date !== null && !ISO_DATE.test(date)) {
      throw new WatermarkError(`market_prices: MAX(trade_date) for ${row.symbol} came back as "${row.last_trade_date}", not YYYY-MM-DD.`);
    }
    watermarks.set(row.symbol, date);
  }
  return watermarks;
}

/**
 * The date range to fetch for one symbol, both ends inclusive: from the day after the watermark (or
 * `backfillDays` before `runDate` when there is none) to `runDate`; `null` when already up to date.
 */
export function incrementalRange(watermark: string | null, runDate: string, backfillDays: number): { from: string; to: string } | null {
  const run = parseDate('runDate', runDate);
  if (!Number.isInteger(backfillDays) || backfillDays < 0) {
    throw new WatermarkError(`backfillDays must be a whole number of days ≥ 0 (got ${backfillDays}).`);
  }
  const from = watermark === null ? run - backfillDays * DAY_MS : parseDate('watermark', watermark) + DAY_MS;
  return from > run ? null : { from: formatDate(from), to: runDate };
}

function parseDate(field: string, value: string): number {
  const ms = ISO_DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || formatDate(ms) !== value) {
    throw new WatermarkError(`${field} "${value}" is not a calendar date YYYY-MM-DD.`);
  }
  return ms;
}

function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
