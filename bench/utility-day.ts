/**
 * A utility's day: METERS meters × 48 half-hourly readings (1,000,000 × 48 = 48M rows by default)
 * landed as FILES CSV files in the import layout (`meter_id,timestamp,kwh`), then the whole local
 * workflow as `gridlake run --date D --sources meters` runs it (statemachines/etl.asl.json: Plan,
 * Collect, the TransformBatches Distributed Map, Load, PrepareAnomalies, the DetectAnomalies
 * Distributed Map, Analyze, Publish). Printed: wall time, the
 * workflow process's peak RSS, each state's time, and beside them the DuckDB floor measured in the
 * same run — a plain `read_csv → Parquet` of the same bytes — and the cloud model of each Map step:
 * per-item time × items / MaxConcurrency, with every state whose single invocation would pass a
 * 15-minute Lambda flagged.
 *
 *   npm run bench -- utility-day                    # 1,000,000 meters (~2 GB of CSV under /tmp)
 *   npm run bench -- utility-day --meters 100000    # smaller
 *   npm run bench -- utility-day --meters 100000 --files 1000 --keep   # keep the data dir
 *
 * Goals (issue 10): end to end ≤ 8× the floor, peak RSS ≤ 4 GiB. Generated data lives under the OS
 * temp folder and is deleted afterwards (unless --keep).
 *
 * The workflow runs in its own child process, so its peak RSS is its own (the generator and the
 * floor run in the parent). Locally the warehouse is DuckDB on these 2 cores: Load and Analyze times
 * stand in for Redshift's, not measure them (docs/DEPLOY.md's model says how they are scaled).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const CHILD_FLAG = '--utility-day-child';
const DATE = '2026-11-20';
/** The day the readings cover: the run date's day before (a daily run loads yesterday). */
const DAY = '2026-11-19';
const LAMBDA_LIMIT_S = 900;

export interface UtilityDayOptions {
  meters: number;
  files: number;
  keep: boolean;
}

/** `--meters N --files N --keep` from the bench's arguments (the section name is not a flag). */
export function utilityDayOptions(argv: string[]): UtilityDayOptions {
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    if (i === -1) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number, got "${argv[i + 1] ?? ''}".`);
    return n;
  };
  const meters = value('--meters', 1_000_000);
  const files = Math.min(value('--files', 1000), meters);
  return { meters, files, keep: argv.includes('--keep') };
}

/** FILES CSVs of consecutive meters, 48 readings each on DAY (UTC), generated inside DuckDB. */
async function generate(dir: string, o: UtilityDayOptions): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const perFile = Math.ceil(o.meters / o.files);
    for (let f = 0; f < o.files; f++) {
      const lo = f * perFile;
      const hi = Math.min(o.meters, lo + perFile);
      if (lo >= hi) break;
      const path = join(dir, `part-${String(f).padStart(5, '0')}.csv`).replaceAll("'", "''");
      // A day's shape (low at night, evening peak) times a per-meter level, 3 decimals (Wh).
      await conn.run(`COPY (
        SELECT 'U' || lpad(CAST(m AS VARCHAR), 7, '0') AS meter_id,
               strftime(TIMESTAMP '${DAY} 00:00:00' + INTERVAL 30 MINUTE * s, '%Y-%m-%dT%H:%M:%SZ') AS timestamp,
               round((0.5 + (hash(m) % 100) / 100.0) * (0.15 + 0.25 * (1 + sin((s - 30) * pi() / 24))) + (hash(m * 48 + s) % 50) / 1000.0, 3) AS kwh
        FROM range(${lo}, ${hi}) t(m), range(0, 48) u(s)
        ORDER BY m, s
      ) TO '${path}' (FORMAT csv, HEADER true)`);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The floor: DuckDB reading the same CSV bytes and writing one Parquet file, nothing else. */
async function floor(csvDir: string, out: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const t0 = performance.now();
    await conn.run(`COPY (SELECT * FROM read_csv('${join(csvDir, '*.csv').replaceAll("'", "''")}', all_varchar = true)) TO '${out.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
    return (performance.now() - t0) / 1000;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

interface ChildReport {
  status: string;
  error?: string;
  seconds: number;
  maxRssMiB: number;
  cpuSeconds: number;
  childExecutions: number;
  largestPayloadBytes: number;
  /** state → [count, total seconds, longest single seconds] */
  states: Record<string, [number, number, number]>;
  /** analysis → seconds, inside the Analyze state. */
  analyses: Record<string, number>;
  rows: { rows_in: number; rows_loaded: number; duplicates: number; quarantined: number };
  transformConcurrency: number;
  pageConcurrency: number;
}

/** The child: the workflow on an imported data dir, timed per state. */
async function child(dataDir: string, meters: number): Promise<void> {
  const { runLocalWorkflow } = await import('../local/workflow');
  const { closeLocalPorts, localPorts } = await import('../lambdas/ports/local-ports');
  const { parseConfig } = await import('../lambdas/config');
  const { silentLog } = await import('../lambdas/steps/ports');
  const config = {};
  // Entries not yet exited, per state and Map item (children of a Map run at once), oldest first.
  const open = new Map<string, number[]>();
  const states: Record<string, [number, number, number]> = {};
  const analyses: Record<string, number> = {};
  const t0 = performance.now();
  const r = await runLocalWorkflow({
    dataDir,
    input: { date: DATE, sources: ['meters'] },
    config,
    onEvent: (e) => {
      const k = `${e.state}#${e.index ?? ''}`;
      if (e.kind === 'entered') {
        const list = open.get(k) ?? [];
        list.push(e.at);
        open.set(k, list);
      } else if (e.kind === 'exited' || e.kind === 'failed') {
        // Analyze reports each analysis's time in its output (`<analysis>.ms`).
        if (e.state === 'Analyze' && e.kind === 'exited') {
          const counts = (e.output as { analysis?: { counts?: Record<string, number> } } | undefined)?.analysis?.counts ?? {};
          for (const [k, v] of Object.entries(counts)) if (k.endsWith('.ms')) analyses[k.slice(0, -3)] = v / 1000;
        }
        const started = open.get(k)?.shift();
        if (started === undefined) return;
        const s = (e.at - started) / 1000;
        const acc = (states[e.state] ??= [0, 0, 0]);
        acc[0] += 1;
        acc[1] += s;
        acc[2] = Math.max(acc[2], s);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const usage = process.resourceUsage();
  const ports = await localPorts({ dataDir, config: parseConfig(config), log: silentLog });
  const [rows] = await ports.warehouse.query({
    name: 'bench_utility_day',
    sql: "SELECT SUM(rows_in) AS rows_in, SUM(rows_loaded) AS rows_loaded, SUM(duplicates) AS duplicates, SUM(quarantined) AS quarantined FROM etl_runs WHERE source = 'meters'",
  });
  await closeLocalPorts(dataDir);
  const report: ChildReport = {
    status: r.status,
    error: r.error,
    seconds,
    maxRssMiB: usage.maxRSS / 1024,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    childExecutions: r.childExecutions,
    largestPayloadBytes: r.largestPayloadBytes,
    states,
    analyses,
    rows: {
      rows_in: Number(rows?.rows_in ?? 0),
      rows_loaded: Number(rows?.rows_loaded ?? 0),
      duplicates: Number(rows?.duplicates ?? 0),
      quarantined: Number(rows?.quarantined ?? 0),
    },
    transformConcurrency: parseConfig(config).workflow.transformConcurrency,
    pageConcurrency: parseConfig(config).analysis.pageConcurrency,
  };
  void meters;
  console.log(JSON.stringify(report));
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const mib = (bytes: number) => round(bytes / 2 ** 20);

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    total += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  }
  return total;
}

export async function benchUtilityDay(argv: string[] = process.argv.slice(2)): Promise<Record<string, number | string>> {
  const o = utilityDayOptions(argv);
  const root = mkdtempSync(join(tmpdir(), 'gridlake-utility-day-'));
  const out: Record<string, number | string> = {};
  const progress = (m: string) => console.log(`  … ${new Date().toLocaleTimeString('en-GB', { timeZoneName: 'short' })} ${m}`);
  try {
    const csvDir = join(root, 'export');
    const dataDir = join(root, 'data');
    mkdirSync(csvDir);
    progress(`generating ${o.meters.toLocaleString('en-US')} meters × 48 readings in ${o.files} files`);
    let t = performance.now();
    await generate(csvDir, o);
    const csvBytes = dirBytes(csvDir);
    out['readings (rows)'] = (o.meters * 48).toLocaleString('en-US');
    out['CSV files / MiB'] = `${readdirSync(csvDir).length} / ${mib(csvBytes)}`;
    out['generate (s)'] = round((performance.now() - t) / 1000);

    progress('floor: read_csv → Parquet');
    const floorS = await floor(csvDir, join(root, 'floor.parquet'));
    out['floor: DuckDB read_csv → Parquet of the same bytes (s)'] = round(floorS, 2);
    rmSync(join(root, 'floor.parquet'), { force: true });

    progress('import into the landing zone (gridlake import meters)');
    t = performance.now();
    {
      const { importMeters } = await import('../lambdas/sources/meters/index');
      const { closeLocalPorts, localPorts } = await import('../lambdas/ports/local-ports');
      const { parseConfig } = await import('../lambdas/config');
      const { silentLog } = await import('../lambdas/steps/ports');
      const ports = await localPorts({ dataDir, config: parseConfig({}), log: silentLog });
      await importMeters(csvDir, { timezone: 'UTC' }, ports);
      await closeLocalPorts(dataDir);
    }
    out['import to landing, not part of the run (s)'] = round((performance.now() - t) / 1000);
    rmSync(csvDir, { recursive: true, force: true });

    progress('gridlake run --sources meters (the whole local workflow, own process)');
    const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, CHILD_FLAG, dataDir, String(o.meters)], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: { ...process.env, GRIDLAKE_PROGRESS: '0' },
    });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) throw new Error(`utility-day child failed: ${(r.stderr || r.stdout).slice(-2000)}`);
    const c = JSON.parse(line) as ChildReport;
    if (c.status !== 'SUCCEEDED') throw new Error(`utility-day run failed: ${c.error}`);
    out['run: wall (s)'] = round(c.seconds);
    out['run: process CPU (s)'] = round(c.cpuSeconds);
    out['run: peak RSS (MiB), goal ≤ 4096'] = round(c.maxRssMiB);
    out['run / floor, goal ≤ 8'] = round(c.seconds / floorS, 2);
    out['rows in / loaded / duplicates / quarantined'] = `${c.rows.rows_in} / ${c.rows.rows_loaded} / ${c.rows.duplicates} / ${c.rows.quarantined}`;
    out['child executions / largest payload (B)'] = `${c.childExecutions} / ${c.largestPayloadBytes}`;
    for (const [state, [n, total, longest]] of Object.entries(c.states).sort((a, b) => b[1][1] - a[1][1])) {
      out[`state ${state}: runs / total (s) / longest (s)`] = `${n} / ${round(total)} / ${round(longest)}`;
    }
    for (const [name, seconds] of Object.entries(c.analyses)) out[`  Analyze: ${name} (s)`] = round(seconds);
    // The cloud model: each Map item is a Lambda invocation; a Map's time ≈ mean item time × items ÷
    // MaxConcurrency. A Task state is one invocation. Either is flagged past 15 minutes.
    // Only Task states are Lambda invocations (the Map states around them are the Maps' own wall time).
    // MaxConcurrency: TransformBatches reads workflow.transformConcurrency, DetectAnomalies
    // analysis.pageConcurrency, ForEachSource is 4.
    const { aslTaskHandlers } = await import('../lib/asl-tasks');
    const { ASL_PATH } = await import('../local/workflow');
    const tasks = new Set(aslTaskHandlers(ASL_PATH).flatMap((t) => t.states));
    const concurrency: Record<string, number> = { TransformBatch: c.transformConcurrency, DetectAnomalyPage: c.pageConcurrency, CollectSource: 4 };
    for (const [state, [n, total, longest]] of Object.entries(c.states)) {
      if (!tasks.has(state)) continue;
      const perItem = total / n;
      const conc = concurrency[state] ?? 1;
      const modelled = (perItem * n) / Math.min(conc, n);
      const flag = longest > LAMBDA_LIMIT_S ? `  ⚠ one invocation took ${round(longest)} s > 15-min Lambda` : '';
      out[`cloud model ${state}: ${n} × ${round(perItem, 2)} s ÷ ${Math.min(conc, n)} in flight (s)`] = `${round(modelled)}${flag}`;
    }
    out['data dir (MiB)'] = mib(dirBytes(dataDir));
    if (o.keep) out['kept'] = root;
    return out;
  } finally {
    if (!o.keep) rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === CHILD_FLAG) {
  void child(process.argv[3]!, Number(process.argv[4])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
