/**
 * Migrations on a real DuckDB warehouse file: a warehouse created before a rename gets the new
 * column with its data kept, a new warehouse needs none, and applying them again changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';
import { MIGRATIONS } from '../../lambdas/sql/migrations';
import { sqlFile } from '../../lambdas/sql/files';
import { migrateWarehouse } from '../../lambdas/schema/warehouse-schema';

const dir = mkdtempSync(join(tmpdir(), 'gridlake-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const columns = async (w: DuckDbWarehouse, table: string) =>
  (await w.query({ name: 'cols', sql: 'SELECT column_name FROM information_schema.columns WHERE table_name = :t ORDER BY ordinal_position', params: { t: table } })).map(
    (r) => r.column_name,
  );

describe('warehouse migrations', () => {
  it('renames market_prices.open to open_price in a warehouse created before the rename, keeping its rows', async () => {
    const file = join(dir, 'old.duckdb');
    const old = await DuckDbWarehouse.open(file);
    // The market_prices DDL as it was before migration 001.
    const before = sqlFile('tables/market_prices.sql').replace('open_price  DOUBLE', '"open"      DOUBLE');
    await old.execute({ name: 'old_ddl', sql: before });
    await old.execute({
      name: 'old_row',
      sql: "INSERT INTO market_prices VALUES ('SPY', DATE '2026-11-02', 470.5, 473, 469, 472, 472, 1000, 'market', 'r1')",
    });
    expect(await columns(old, 'market_prices')).toContain('open');
    await old.close();

    const reopened = await DuckDbWarehouse.open(file);
    expect((await migrateWarehouse(reopened)).applied).toEqual(['000_tables', '001_market_prices_open_price']);
    expect(await columns(reopened, 'market_prices')).toEqual([
      'symbol', 'trade_date', 'open_price', 'high', 'low', 'close', 'adj_close', 'volume', 'source', 'run_id',
    ]);
    expect(await reopened.query({ name: 'row', sql: 'SELECT symbol, open_price FROM market_prices' })).toEqual([{ symbol: 'SPY', open_price: 470.5 }]);
    expect((await migrateWarehouse(reopened)).applied, 'a second pass finds nothing to do').toEqual([]);
    await reopened.close();
  });

  it('a new warehouse is created in the current shape and needs no migration', async () => {
    const fresh = await DuckDbWarehouse.open(':memory:');
    const report = await migrateWarehouse(fresh);
    expect(report.steps).toContainEqual({ id: '001_market_prices_open_price', outcome: 'not-needed' });
    expect(await columns(fresh, 'market_prices')).toContain('open_price');
    expect((await migrateWarehouse(fresh)).applied).toEqual([]);
    await fresh.close();
  });

  it('every migration has its SQL file and is documented in docs/DEPLOY.md', async () => {
    const { readFileSync } = await import('node:fs');
    const deploy = readFileSync(join(__dirname, '..', '..', 'docs', 'DEPLOY.md'), 'utf8');
    for (const m of MIGRATIONS) {
      expect(sqlFile(`migrations/${m.id}.sql`).length).toBeGreaterThan(0);
      expect(deploy, `docs/DEPLOY.md names migration ${m.id}`).toContain(m.id);
    }
  });
});
