/**
 * Transform bench: a 2M- and a 10M-row readings CSV (~0.5% exact duplicates, ~0.2% re-sent
 * readings, ~0.1% bad rows; naive Europe/London times, so the DST path runs) through the transform
 * step, side by side with the engine floor — a plain DuckDB
 * `COPY (SELECT * FROM read_csv(f, all_varchar = true)) TO 'x.parquet'` of the same file.
 * Goal for time: transform ≤ 1.4× floor; peak RSS ≤ 1 GiB at 10M.
 *
 * A third column is the engine's own bound for any deduplicating transform: the same copy with a
 * typed GROUP BY on (meter, time) — no validation, no file order, no DST, no quarantine. Whatever
 * the transform does beyond it is the price of the rules.
 *
 * The transform side runs what the Lambda runs: `transformBatch` (lambdas/steps/transform.ts) with
 * the file as a one-file batch (its curated rows carry the load's file_seq and file_timezone).
 *
 * Small files: GRIDLAKE_BENCH_SMALL_FILES (default 500) one-meter export CSVs (48 half-hours each),
 * transformed one invocation per file (the shape before batches) and as Collect groups them
 * (lambdas/steps/transform-batches.ts): the per-invocation share of the cost.
 *
 * Each measurement runs in its own child process (its peak RSS is its own; modules are loaded before
 * the clock starts on every side). The machine is shared and its speed drifts by 20–30 % within
 * minutes, so the three sides run in turn, GRIDLAKE_BENCH_REPS times (default 3), and medians are
 * compared; CPU seconds (user + system) are printed as a second, load-independent view.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const CHILD_FLAG = '--transform-bench-child';
const METERS = 1000;

/** Readings CSV with a known mix of duplicates, re-sends and bad rows, generated inside DuckDB. */
export async function generateCsv(path: string, rows: number): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    // Row i is normally reading i (meter i % 1000, interval i / 1000); every 1000 rows, 5 repeat the
    // reading just before the block exactly, 2 re-send it with another value and 1 is malformed.
    await conn.run(
      `COPY (
         WITH g AS (SELECT i, i % 1000 AS c FROM range($rows) t(i)),
         k AS (SELECT i, c, CASE WHEN c < 7 AND i > c THEN i - c - 1 ELSE i END AS j FROM g)
         SELECT
           'MTR' || lpad((j % ${METERS})::VARCHAR, 6, '0') AS meter_id,
           strftime(TIMESTAMP '2026-01-01' + to_minutes(30 * (j // ${METERS})), '%Y-%m-%d %H:%M:%S') AS timestamp,
           CASE
             WHEN c = 7 THEN (CASE WHEN i % 3 = 0 THEN 'n/a' WHEN i % 3 = 1 THEN '-0.5' ELSE '99999' END)
             WHEN c BETWEEN 5 AND 6 THEN round(((j * 7919) % 1000) / 1000.0 + 0.001, 3)::VARCHAR
             ELSE round(((j * 7919) % 1000) / 1000.0, 3)::VARCHAR
           END AS kwh
         FROM k
       ) TO '${path.replace(/'/g, "''")}' (HEADER, DELIMITER ',')`,
      { rows },
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  rowsIn?: number;
  rowsOut?: number;
  duplicates?: number;
  quarantined?: number;
}

type Mode = 'floor' | 'dedupe-bound' | 'transform' | 'small-per-file' | 'small-batched';

function runChild(mode: Mode, csv: string, work: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, CHILD_FLAG, mode, csv, work], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`bench child (${mode}) failed: ${r.stderr || r.stdout}`);
  const last = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as ChildResult;
}

async function child(mode: string, csv: string, work: string): Promise<void> {
  // Everything each side needs is loaded before the clock starts (the floor's DuckDB is imported at
  // the top of this file; the transform's modules here).
  const { transformBatch } = await import('../lambdas/steps/transform');
  const { LocalFolderStore } = await import('../lambdas/ports/local-folder-store');
  const { listAll, listKeys } = await import('../lambdas/ports/object-store');
  const { groupIntoBatches, MAX_BATCH_ITEM_BYTES } = await import('../lambdas/steps/transform-batches');
  const { filesTag } = await import('../lambdas/steps/transform/object-keys');
  const { parseConfig } = await import('../lambdas/config');
  const { fixedClock } = await import('../lambdas/ports/clock');
  const { silentLog } = await import('../lambdas/steps/ports');
  const unused = () => {
    throw new Error('not used by the transform');
  };
  const benchPorts = (lake: InstanceType<typeof LocalFolderStore>, work: string) => ({
    config: parseConfig({}),
    lake,
    site: lake,
    warehouse: { query: unused, execute: unused, transaction: unused, close: unused } as never,
    notifier: { notify: unused },
    clock: fixedClock('2026-11-02T00:00:00Z'),
    log: silentLog,
    pseudonymKey: 'bench',
    tmpDir: join(work, 'tmp'),
  });
  const started = performance.now();
  const startUsage = process.resourceUsage();
  const startCpu = (startUsage.userCPUTime + startUsage.systemCPUTime) / 1e6;
  let counts: Partial<ChildResult> = {};
  if (mode === 'floor' || mode === 'dedupe-bound') {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const sql =
      mode === 'floor'
        ? `COPY (SELECT * FROM read_csv($f, all_varchar = true)) TO $o (FORMAT parquet)`
        : `COPY (SELECT meter_id, TRY_CAST(timestamp AS TIMESTAMP) AS t, max(TRY_CAST(kwh AS DOUBLE)) AS kwh
             FROM read_csv($f, all_varchar = true) GROUP BY meter_id, t) TO $o (FORMAT parquet)`;
    await conn.run(sql, { f: csv, o: join(work, `${mode}.parquet`) });
    conn.closeSync();
    instance.closeSync();
  } else if (mode === 'transform') {
    const lake = new LocalFolderStore(join(work, 'lake'));
    const rawKey = 'raw/source=meters/dt=2026-11-01/run=bench/readings.csv';
    mkdirSync(join(work, 'lake', 'raw/source=meters/dt=2026-11-01/run=bench'), { recursive: true });
    // The raw object is the generated file itself (hard link: no copy in the timing).
    spawnSync('ln', [csv, lake.pathOf(rawKey)]);
    const out = await transformBatch(
      {
        runId: 'bench',
        date: '2026-11-01',
        source: 'meters',
        dataset: 'meter_readings',
        tag: 'bench',
        files: [{ rawKey, format: 'csv', options: { timezone: 'Europe/London' }, seq: 1, bytes: statSync(csv).size }],
      },
      benchPorts(lake, work),
    );
    counts = { rowsIn: out.rowsIn, rowsOut: out.rowsOut, duplicates: out.duplicates, quarantined: out.quarantined };
  } else {
    // csv is the folder of small files, already in the lake under raw/.
    const lake = new LocalFolderStore(csv);
    const ports = benchPorts(lake, work);
    const files = (await listKeys(lake, 'raw/')).map((rawKey) => ({
      runId: 'bench', date: '2026-11-01', source: 'meters' as const, dataset: 'meter_readings', rawKey, format: 'csv' as const, options: { timezone: 'Asia/Tokyo' },
    }));
    const totals = { rowsIn: 0, rowsOut: 0, duplicates: 0, quarantined: 0 };
    const add = (o: typeof totals) => (Object.keys(totals) as Array<keyof typeof totals>).forEach((k) => (totals[k] += o[k]));
    if (mode === 'small-per-file') {
      // One invocation per file: each file a batch of its own.
      for (const [i, f] of files.entries()) {
        const { rawKey, format, options, ...head } = f;
        add(await transformBatch({ ...head, tag: filesTag([rawKey]), files: [{ rawKey, format, options, seq: i + 1, bytes: 0 }] }, ports));
      }
    } else {
      const sizes = new Map<string, number>();
      for await (const o of listAll(lake, 'raw/')) sizes.set(o.key, o.size);
      for (const b of groupIntoBatches(files, (k) => sizes.get(k) ?? 0, { batchBytes: ports.config.transform.batchBytes, maxItemBytes: MAX_BATCH_ITEM_BYTES })) {
        add(await transformBatch(b, ports));
      }
    }
    counts = totals;
  }
  const seconds = (performance.now() - started) / 1000;
  const usage = process.resourceUsage();
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6 - startCpu;
  console.log(JSON.stringify({ seconds, cpuSeconds, maxRssMiB: usage.maxRSS / 1024, ...counts }));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number) => x.toFixed(2);

export async function benchTransform(sizes: number[] = (process.env.GRIDLAKE_BENCH_ROWS ?? '2000000,10000000').split(',').filter(Boolean).map(Number)): Promise<Record<string, number | string>> {
  const reps = Math.max(1, Number(process.env.GRIDLAKE_BENCH_REPS ?? 3));
  const figures: Record<string, number | string> = {};
  const dir = mkdtempSync(join(tmpdir(), 'gridlake-bench-transform-'));
  try {
    for (const rows of sizes) {
      const label = `${rows / 1e6}M`;
      const csv = join(dir, `readings-${label}.csv`);
      await generateCsv(csv, rows);
      const runs: Record<'floor' | 'dedupe-bound' | 'transform', ChildResult[]> = { floor: [], 'dedupe-bound': [], transform: [] };
      for (let r = 0; r < reps; r++) {
        for (const mode of ['floor', 'dedupe-bound', 'transform'] as const) {
          const work = mkdtempSync(join(dir, `${mode}-`));
          runs[mode].push(runChild(mode, csv, work));
          rmSync(work, { recursive: true, force: true });
        }
      }
      const wall = (m: keyof typeof runs) => median(runs[m].map((x) => x.seconds));
      const cpu = (m: keyof typeof runs) => median(runs[m].map((x) => x.cpuSeconds));
      const tr = runs.transform[runs.transform.length - 1]!;
      figures[`${label}: file size (MiB)`] = +(statSync(csv).size / 2 ** 20).toFixed(0);
      figures[`${label}: runs of each side (turn by turn)`] = reps;
      figures[`${label}: floor read_csv → Parquet, median (s)`] = +fmt(wall('floor'));
      figures[`${label}: engine bound, dedupe only, median (s)`] = `${fmt(wall('dedupe-bound'))} (${fmt(wall('dedupe-bound') / wall('floor'))}× floor)`;
      figures[`${label}: transform, median (s)`] = +fmt(wall('transform'));
      figures[`${label}: transform rows/s`] = Math.round(rows / wall('transform'));
      figures[`${label}: ratio transform / floor, medians (goal ≤ 1.4)`] = +fmt(wall('transform') / wall('floor'));
      figures[`${label}: ratio per turn`] = runs.transform.map((t, i) => fmt(t.seconds / runs.floor[i]!.seconds)).join(', ');
      figures[`${label}: CPU s floor / bound / transform, medians`] = `${fmt(cpu('floor'))} / ${fmt(cpu('dedupe-bound'))} / ${fmt(cpu('transform'))} (${fmt(cpu('transform') / cpu('floor'))}×)`;
      figures[`${label}: peak RSS transform (MiB; goal ≤ 1024 at 10M)`] = Math.round(Math.max(...runs.transform.map((x) => x.maxRssMiB)));
      figures[`${label}: peak RSS floor (MiB)`] = Math.round(Math.max(...runs.floor.map((x) => x.maxRssMiB)));
      figures[`${label}: in / out / duplicates / quarantined`] = `${tr.rowsIn} / ${tr.rowsOut} / ${tr.duplicates} / ${tr.quarantined}`;
      rmSync(csv, { force: true });
    }
    const smallFiles = Number(process.env.GRIDLAKE_BENCH_SMALL_FILES ?? 500);
    if (smallFiles > 0) {
      const lakeDir = join(dir, 'small-lake');
      const folder = join(lakeDir, 'raw/source=meters/dt=2026-11-01/run=bench/export');
      mkdirSync(folder, { recursive: true });
      for (let i = 0; i < smallFiles; i++) {
        const lines = ['meter_id,timestamp,kwh'];
        for (let h = 0; h < 48; h++) lines.push(`M${i},2026-10-31 ${String(h >> 1).padStart(2, '0')}:${h % 2 ? '30' : '00'}:00,0.${(i + h) % 10}`);
        writeFileSync(join(folder, `${i}.csv`), lines.join('\n') + '\n');
      }
      const side = (mode: Mode) => {
        const work = mkdtempSync(join(dir, `${mode}-`));
        try {
          return runChild(mode, lakeDir, work);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      };
      const perFile = side('small-per-file');
      const batched = side('small-batched');
      const label = `${smallFiles} one-meter files`;
      figures[`${label}: one transform per file (s, CPU s)`] = `${fmt(perFile.seconds)}, ${fmt(perFile.cpuSeconds)}`;
      figures[`${label}: batched as Collect groups them (s, CPU s)`] = `${fmt(batched.seconds)}, ${fmt(batched.cpuSeconds)} (${fmt(perFile.seconds / batched.seconds)}× faster)`;
      figures[`${label}: in / out / duplicates / quarantined (per file = batched)`] =
        `${batched.rowsIn} / ${batched.rowsOut} / ${batched.duplicates} / ${batched.quarantined}` + (batched.rowsOut === perFile.rowsOut ? '' : ` (per file: ${perFile.rowsOut} out!)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (process.argv[2] === CHILD_FLAG) {
  void child(process.argv[3]!, process.argv[4]!, process.argv[5]!).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
