/**
 * Ten thousand one-meter CSV files — the energy app's export layout (user_data.csv +
 * consumption/<id>.csv), as a utility of 10,000 customers exports a day — through the whole local
 * workflow. The batches travel as a JSON Lines object read by the TransformBatches Distributed Map,
 * and their results come back through its ResultWriter, so no state comes near the 256 KB payload
 * quota (enforced by the runner: local/quotas.ts); every row reconciles.
 *
 * Collect groups the small files into batches (bounded bytes and item size: lambdas/steps/transform-batches.ts),
 * so a few dozen TransformBatch invocations read them all, and the load loads every batch's curated
 * file with one COPY: its statements do not grow with the files. Still slow by nature (each file is
 * read on its own: ~0.1 s each on 2 cores). `npm test` runs 2,000 files — over three times the ~620
 * batches at which the inline design passed 256 KB; GRIDLAKE_SCALE_FILES=10000 runs the count.
 * The test prints its figures (wall time, batches, load statements, largest payload).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { closeLocalPorts, localPorts } from '../../lambdas/ports/local-ports';
import { importMeters } from '../../lambdas/sources/meters/index';
import { load } from '../../lambdas/steps/load';
import { MAX_BATCH_ITEM_BYTES } from '../../lambdas/steps/transform-batches';
import { silentLog } from '../../lambdas/steps/ports';
import { countingWarehouse } from '../unit/load-helpers';
import { AWS_QUOTAS } from '../../local/quotas';
import { runLocalWorkflow } from '../../local/workflow';

const FILES = Number(process.env.GRIDLAKE_SCALE_FILES ?? 2_000);
/** One file in this many carries a row that is not a reading (quarantined, with its line). */
const BAD_EVERY = 1000;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) {
    await closeLocalPorts(d);
    rmSync(d, { recursive: true, force: true });
  }
});

describe(`an import of ${FILES.toLocaleString('en-US')} one-meter CSV files`, () => {
  it('runs through the local workflow within the 256 KB payload quota and reconciles exactly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gridlake-scale-'));
    const exportDir = mkdtempSync(join(tmpdir(), 'gridlake-scale-export-'));
    dirs.push(dataDir, exportDir);
    mkdirSync(join(exportDir, 'consumption'));
    const users = ['id,area,tariff'];
    let expectedWh = 0;
    let bad = 0;
    for (let i = 0; i < FILES; i++) {
      const id = 100_000 + i;
      users.push(`${id},a${i % 7},t${i % 3}`);
      // Two half-hours in Tokyo's evening of 2026-11-19 (the day before the run date), in Wh.
      const a = 100 + (i % 97);
      const b = 200 + (i % 89);
      expectedWh += a + b;
      const lines = ['datetime,consumption', `2026-11-19 18:00:00,${a}.0`, `2026-11-19 18:30:00,${b}.0`];
      if (i % BAD_EVERY === 0) {
        lines.push('2026-11-19 19:00:00,not-a-number');
        bad += 1;
      }
      writeFileSync(join(exportDir, 'consumption', `${id}.csv`), lines.join('\n') + '\n');
    }
    writeFileSync(join(exportDir, 'user_data.csv'), users.join('\n') + '\n');
    const config = { workflow: { transformConcurrency: 4 } };
    const ports = await localPorts({ dataDir, config: parseConfig(config), log: silentLog });
    await importMeters(exportDir, { timezone: 'Asia/Tokyo' }, ports);

    let transforms = 0;
    let filesTransformed = 0;
    const counted = countingWarehouse(ports.warehouse);
    const started = performance.now();
    const result = await runLocalWorkflow({
      dataDir,
      input: { date: '2026-11-20', sources: ['meters'] },
      config,
      retryIntervalMs: 0,
      onEvent: (e) => {
        if (e.state !== 'TransformBatch' || e.kind !== 'exited') return;
        transforms += 1;
        filesTransformed += ((e.output as { files?: unknown[] }).files ?? []).length;
      },
      // The real load step on the run's own ports, its warehouse statements counted.
      taskOverrides: { Load: (input) => load(input, { ...ports, warehouse: counted.warehouse }) },
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `scale-import: ${FILES} files → ${transforms} batches in ${seconds.toFixed(1)} s; load: ${counted.statements()} statements, ` +
        `${counted.copies.length} COPY; largest payload ${result.largestPayloadBytes} B; ${result.childExecutions} child executions`,
    );
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('SUCCEEDED');
    // Every file was transformed (and the meter list from user_data.csv), many to a batch; no
    // state carried the list.
    expect(filesTransformed).toBe(FILES + 1);
    expect(transforms).toBeLessThan(FILES / 50);
    // The largest state is a batch (its files' keys and options, bounded by MAX_BATCH_ITEM_BYTES),
    // not a list of every file.
    expect(result.largestPayloadBytes).toBeLessThan(MAX_BATCH_ITEM_BYTES + 8 * 1024);
    expect(result.largestPayloadBytes).toBeLessThan(AWS_QUOTAS.payloadBytes / 3);
    expect(result.largestChildHistoryEvents).toBeLessThan(50);
    // Two datasets (the meter list, the readings): one COPY each, whatever the number of files.
    expect(counted.copies).toHaveLength(2);
    expect(counted.statements()).toBeLessThan(60);

    const one = async (sql: string) => (await ports.warehouse.query({ name: 'scale_check', sql }))[0]!;
    const run = await one("SELECT rows_in, rows_loaded, duplicates, quarantined, status FROM etl_runs WHERE source = 'meters'");
    expect(run.status).toBe('succeeded');
    // The source's rows: the meter list (one row a meter, from user_data.csv) and the readings.
    expect(Number(run.rows_in)).toBe(FILES + 2 * FILES + bad);
    expect(Number(run.rows_loaded)).toBe(FILES + 2 * FILES);
    expect(Number(run.duplicates)).toBe(0);
    expect(Number(run.quarantined)).toBe(bad);
    expect(Number(run.rows_in)).toBe(Number(run.rows_loaded) + Number(run.duplicates) + Number(run.quarantined));
    const readings = await one('SELECT count(*) AS n, count(DISTINCT meter_id) AS meters, sum(kwh) AS kwh FROM meter_readings');
    expect(Number(readings.n)).toBe(2 * FILES);
    expect(Number(readings.meters)).toBe(FILES);
    expect(Number(readings.kwh)).toBeCloseTo(expectedWh / 1000, 6);
    const registered = await one("SELECT count(*) AS n FROM meters WHERE timezone = 'Asia/Tokyo'");
    expect(Number(registered.n)).toBe(FILES);
  }, 3_600_000);
});
