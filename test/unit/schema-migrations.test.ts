/**
 * The migration runner (lambdas/schema/migration-runner.ts) on a real DuckDB warehouse file: the
 * schema applies once, a second run is a no-op, a new migration applies alone, a migration changed
 * after it was applied is refused, a failing migration leaves neither its change nor its record.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lambdas/ports/clock';
import { DuckDbWarehouse } from '../../lambdas/ports/duckdb-warehouse';
import { DATASET_NAMES } from '../../lambdas/datasets/registry';
import { executableSql, MigrationChangedError, runSchemaSteps, stepChecksum, type SchemaStep } from '../../lambdas/schema/migration-runner';
import { migrateWarehouse, warehouseSchemaSteps } from '../../lambdas/schema/warehouse-schema';

const dir = mkdtempSync(join(tmpdir(), 'gridlake-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const clock = fixedClock('2026-12-02T07:00:00Z');

let warehouse: DuckDbWarehouse;
let n = 0;
beforeEach(async () => {
  warehouse = await DuckDbWarehouse.open(join(dir, `w${n++}.duckdb`));
});
afterEach(async () => warehouse.close());

const tables = async () =>
  (await warehouse.query<{ table_name: string }>({ name: 't', sql: "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1" })).map(
    (r) => r.table_name,
  );
const columns = async (table: string) =>
  (await warehouse.query<{ column_name: string }>({ name: 'c', sql: 'SELECT column_name FROM information_schema.columns WHERE table_name = :t ORDER BY ordinal_position', params: { t: table } })).map(
    (r) => r.column_name,
  );
const schemaIds = () => warehouseSchemaSteps(warehouse).map((s) => s.id);
const recorded = () => warehouse.query({ name: 'r', sql: 'SELECT id, outcome, applied_at FROM schema_migrations ORDER BY id' });

/** A documented kind of migration: a column added to an existing table. */
const addColumn: SchemaStep = {
  id: '900_meters_add_commissioned_on',
  statements: [{ name: 'add_commissioned_on', sql: 'ALTER TABLE meters ADD COLUMN commissioned_on DATE' }],
};

describe('migrateWarehouse (the schema of this version)', () => {
  it('creates every table once and records it; a second run changes nothing', async () => {
    const first = await migrateWarehouse(warehouse, clock);
    expect(first.applied).toEqual(['000_tables']);
    expect(await tables()).toEqual([...DATASET_NAMES, 'schema_migrations'].sort());
    // The migrations of older shapes are recorded as not needed on a warehouse created in the new one.
    const firstRecord = schemaIds().map((id) => ({ id, outcome: id === '000_tables' ? 'applied' : 'not-needed', applied_at: '2026-12-02T07:00:00.000Z' }));
    expect(await recorded()).toEqual(firstRecord);

    const second = await migrateWarehouse(warehouse, fixedClock('2026-12-03T07:00:00Z'));
    expect(second.applied).toEqual([]);
    expect(second.steps).toEqual(schemaIds().map((id) => ({ id, outcome: 'unchanged' })));
    expect(await recorded(), 'the record keeps the first application').toEqual(firstRecord);
  });

  it('the tables step is re-run when its DDL changes (a new table) and keeps the rows of the others', async () => {
    await migrateWarehouse(warehouse, clock);
    await warehouse.execute({ name: 'row', sql: 'INSERT INTO buildings (building_id, floors, units_per_floor, households) VALUES (1901, 20, 4, 80)' });
    const steps = warehouseSchemaSteps(warehouse);
    steps[0]!.statements.push({ name: 'ddl_new_table', sql: 'CREATE TABLE IF NOT EXISTS audit_notes (note VARCHAR(200))' });
    const report = await runSchemaSteps(warehouse, steps, clock);
    expect(report.applied).toEqual(['000_tables']);
    expect(await tables()).toContain('audit_notes');
    expect(await warehouse.query({ name: 'n', sql: 'SELECT building_id, households FROM buildings' })).toEqual([{ building_id: 1901, households: 80 }]);
    expect((await recorded()).map((r) => r.id)).toEqual(schemaIds());
  });
});

describe('runSchemaSteps (migrations)', () => {
  it('applies a new migration alone, once, next to what was applied before', async () => {
    await migrateWarehouse(warehouse, clock);
    const report = await runSchemaSteps(warehouse, [...warehouseSchemaSteps(warehouse), addColumn], clock);
    expect(report.steps).toEqual([...schemaIds().map((id) => ({ id, outcome: 'unchanged' })), { id: addColumn.id, outcome: 'applied' }]);
    expect(await columns('meters')).toContain('commissioned_on');
    // ADD COLUMN is not idempotent: a second application would fail, so "once" is what makes this pass.
    const again = await runSchemaSteps(warehouse, [...warehouseSchemaSteps(warehouse), addColumn], clock);
    expect(again.applied).toEqual([]);
  });

  it('refuses a migration whose SQL changed after this warehouse applied it', async () => {
    await runSchemaSteps(warehouse, [...warehouseSchemaSteps(warehouse), addColumn], clock);
    const edited: SchemaStep = { ...addColumn, statements: [{ name: 'add', sql: 'ALTER TABLE meters ADD COLUMN commissioned_on TIMESTAMPTZ' }] };
    await expect(runSchemaSteps(warehouse, [...warehouseSchemaSteps(warehouse), edited], clock)).rejects.toThrow(MigrationChangedError);
    await expect(runSchemaSteps(warehouse, [...warehouseSchemaSteps(warehouse), edited], clock)).rejects.toThrow(/put the change in a new migration/);
  });

  it('records a migration the warehouse does not need (already in the new shape) without running it', async () => {
    await migrateWarehouse(warehouse, clock);
    const rename: SchemaStep = {
      id: '901_rename_gone_column',
      statements: [{ name: 'rename', sql: 'ALTER TABLE meters RENAME COLUMN no_such_column TO other' }],
      due: async () => (await columns('meters')).includes('no_such_column'),
    };
    const report = await runSchemaSteps(warehouse, [...warehouseSchemaSteps(warehouse), rename], clock);
    expect(report.steps.at(-1)).toEqual({ id: rename.id, outcome: 'not-needed' });
    expect((await recorded()).find((r) => r.id === rename.id)).toMatchObject({ outcome: 'not-needed' });
  });

  it('a failing migration leaves neither its change nor its record, and names the statement', async () => {
    await migrateWarehouse(warehouse, clock);
    const broken: SchemaStep = {
      id: '902_half_done',
      statements: [
        { name: 'add_ok', sql: 'ALTER TABLE meters ADD COLUMN half_done DATE' },
        { name: 'add_to_missing_table', sql: 'ALTER TABLE no_such_table ADD COLUMN x DATE' },
      ],
    };
    await expect(runSchemaSteps(warehouse, [...warehouseSchemaSteps(warehouse), broken], clock)).rejects.toThrow(/add_to_missing_table/);
    expect(await columns('meters')).not.toContain('half_done');
    expect((await recorded()).map((r) => r.id)).toEqual(schemaIds());
  });

  it('a comment or layout fix in an applied migration is not a change; a change of its SQL is', () => {
    const base = stepChecksum(addColumn);
    const commented = { statements: [{ name: 'x', sql: '-- 900: commissioning date, asked for by ops\nALTER TABLE meters\n  ADD COLUMN commissioned_on DATE  -- nullable\n' }] };
    expect(stepChecksum(commented)).toBe(base);
    expect(stepChecksum({ statements: [{ name: 'x', sql: "ALTER TABLE meters ADD COLUMN commissioned_on DATE DEFAULT '--'" }] })).not.toBe(base);
    expect(executableSql("SELECT '--  kept  ' AS a -- gone\nFROM t")).toBe("SELECT '--  kept  ' AS a FROM t");
  });

  it('refuses two steps with one id', async () => {
    await expect(runSchemaSteps(warehouse, [addColumn, addColumn], clock)).rejects.toThrow(/used twice/);
  });
});
