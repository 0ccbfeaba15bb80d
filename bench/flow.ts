/**
 * Flow bench: 20 simulated flow sensors × 30 days of 1-minute flow and pressure (864,000 readings)
 * through the simulator and the whole flow analysis (outliers per channel, events, night flow and
 * leak trend, hourly aggregates, the 168-hour forecast with its hold-out week), timed, and detection
 * scored against the simulator's labels (recall and precision per fault kind).
 */
import { scoreEvents, scoreLeaks, type DetectedEvent, type SuspectedNight } from '../lambdas/analysis/flow-detection-score';
import { analyseFlowDevice, type FlowDeviceAnalysis } from '../lambdas/analysis/flow-device-analysis';
import { formatDeviceFile } from '../lambdas/analysis/flow-device-file';
import { dayNumberOf, localDayStartMs } from '../lambdas/analysis/flow-minute-grid';
import { simulateFlowRange } from '../lambdas/sources/flow-sensors/simulate';

const DEVICES = 20;
const FROM = '2026-11-02';
const TO = '2026-12-01';
const TZ = 'Asia/Tokyo';
const SEED = 7;

const ms = (t0: number) => `${Math.round(performance.now() - t0)} ms`;
const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(0)} %`);

export async function benchFlow(options: { timezone?: string; seed?: number; from?: string; to?: string } = {}): Promise<Record<string, number | string>> {
  const tz = options.timezone ?? TZ;
  const from = options.from ?? FROM;
  const to = options.to ?? TO;
  const out: Record<string, number | string> = {};
  let t0 = performance.now();
  let cpu0 = process.cpuUsage().user;
  const sim = simulateFlowRange({ devices: DEVICES, seed: options.seed ?? SEED, timezone: tz }, from, to);
  const readings = sim.devices.reduce((s, d) => s + d.flow.reduce((c, v) => c + (Number.isNaN(v) ? 0 : 1), 0), 0);
  const simMs = performance.now() - t0;
  const simCpu = (process.cpuUsage().user - cpu0) / 1000;
  out[`simulate ${DEVICES} devices × 30 days`] = `${Math.round(simMs)} ms, CPU ${Math.round(simCpu)} ms (${readings.toLocaleString('en')} readings, ${sim.labels.length} fault labels)`;

  t0 = performance.now();
  cpu0 = process.cpuUsage().user;
  const results = new Map<string, FlowDeviceAnalysis>();
  for (const d of sim.devices) results.set(d.device_id, analyseFlowDevice(d, tz, { issueDate: to, holdout: true }));
  const analysisMs = performance.now() - t0;
  const analysisCpu = (process.cpuUsage().user - cpu0) / 1000;
  out['analyse: outliers, events, night flow, leak, hourly, forecast + hold-out'] = `${Math.round(analysisMs)} ms, CPU ${Math.round(analysisCpu)} ms`;
  // Wall time on the shared 2-core machine moves with its load (×2–4); the goal is on CPU time (one
  // core, single-threaded code), which does not.
  const cpu = simCpu + analysisCpu;
  out['simulation + analysis, 864k readings (goal ≤ 10,000 ms CPU)'] = `${Math.round(simMs + analysisMs)} ms wall, CPU ${Math.round(cpu)} ms ${cpu <= 10_000 ? 'ok' : 'OVER'}`;

  const events: DetectedEvent[] = [];
  const nights: SuspectedNight[] = [];
  let outliers = 0;
  for (const [device, r] of results) {
    outliers += r.outliers.length;
    for (const e of r.events) events.push({ device_id: device, kind: e.kind, channel: e.channel, startMs: e.startMs, endMs: e.endMs });
    for (const l of r.leak) if (l.suspected) nights.push({ device_id: device, nightMs: localDayStartMs(dayNumberOf(l.date), tz) + 3 * 3_600_000 });
  }
  out['per-minute outliers (flow + pressure)'] = outliers;
  for (const kind of ['burst', 'transient', 'stuck', 'dropout']) {
    const s = scoreEvents(kind, sim.labels, events);
    out[`${kind}: recall, precision`] = `${pct(s.recall)} (${s.labelsDetected}/${s.labels}), ${pct(s.precision)} (${s.eventsTrue}/${s.events})`;
  }
  const range = { fromMs: localDayStartMs(dayNumberOf(from), tz), toMs: localDayStartMs(dayNumberOf(to) + 1, tz) };
  const leak = scoreLeaks(sim.labels, nights, range);
  out['leak: recall, precision (episodes)'] = `${pct(leak.recall)} (${leak.labelsDetected}/${leak.labels}, ${leak.unobservable} too recent), ${pct(leak.precision)} (${leak.eventsTrue}/${leak.events})`;

  const holdouts = [...results.values()].map((r) => r.holdout).filter((h) => h !== null);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  out['forecast hold-out week: MASE chosen vs weekly naive (mean)'] = `${mean(holdouts.map((h) => h.mase)).toFixed(3)} vs ${mean(holdouts.map((h) => h.maseNaive)).toFixed(3)} (${holdouts.length} devices)`;
  out['forecast hold-out week: 80 % interval coverage (mean)'] = pct(mean(holdouts.map((h) => h.coverage80)));
  const models = new Map<string, number>();
  for (const r of results.values()) if (r.forecast && 'chosenModel' in r.forecast) models.set(r.forecast.chosenModel, (models.get(r.forecast.chosenModel) ?? 0) + 1);
  out['forecast: models chosen'] = [...models].map(([m, n]) => `${m} ×${n}`).join(', ');

  t0 = performance.now();
  let bytes = 0;
  for (const r of results.values()) if (r.forecast && 'hours' in r.forecast) bytes += formatDeviceFile(to, tz, r.forecast.hours.map((h) => h.flowLpm)).length;
  out['device files (168 lines each)'] = `${ms(t0)} (${bytes.toLocaleString('en')} bytes)`;
  if (process.env.GRIDLAKE_BENCH_FLOW_E2E !== '0') Object.assign(out, await benchFlowWorkflow(tz, options.seed ?? SEED, from, to));
  return out;
}

/**
 * The same 20 devices × 30 days end to end through the local workflow (the same handlers and ASL as
 * the cloud): collect (simulate + raw JSON lines), transform (DuckDB), load (MERGE), and the flow
 * analysis (per device: the bounded query, the analysis, the four tables, the device file), timed
 * per state. GRIDLAKE_BENCH_FLOW_E2E=0 skips it.
 */
async function benchFlowWorkflow(timezone: string, seed: number, from: string, to: string): Promise<Record<string, string>> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { runLocalWorkflow } = await import('../local/workflow');
  const { closeLocalPorts, localPorts } = await import('../lambdas/ports/local-ports');
  const { parseConfig } = await import('../lambdas/config');
  const { silentLog } = await import('../lambdas/steps/ports');
  const dir = mkdtempSync(join(tmpdir(), 'gridlake-bench-flow-'));
  const config = { flowSensors: { devices: DEVICES, seed, timezone } };
  const spent = new Map<string, number>();
  const open = new Map<string, number>();
  let analyze: Record<string, number> = {};
  try {
    const cpu0 = process.cpuUsage();
    const r = await runLocalWorkflow({
      dataDir: dir,
      input: { from, to, sources: ['flow-sensors'] },
      config,
      onEvent: (e) => {
        const key = `${e.state}#${e.index ?? ''}`;
        if (e.kind === 'entered') open.set(key, e.at);
        else if (e.kind === 'exited' && open.has(key)) spent.set(e.state, (spent.get(e.state) ?? 0) + e.at - open.get(key)!);
        if (e.kind === 'exited' && e.state === 'Analyze') analyze = (e.output as { analysis?: { counts?: Record<string, number> } } | undefined)?.analysis?.counts ?? {};
      },
    });
    const cpu = process.cpuUsage(cpu0);
    if (r.status !== 'SUCCEEDED') throw new Error(`flow workflow bench failed: ${r.error}`);
    const ports = await localPorts({ dataDir: dir, config: parseConfig(config), log: silentLog });
    const [row] = await ports.warehouse.query({ name: 'bench_flow_rows', sql: "SELECT SUM(rows_in) AS rows_in, SUM(rows_loaded) AS loaded FROM etl_runs WHERE source = 'flow-sensors'" });
    const s = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
    const states = ['CollectSource', 'TransformBatch', 'Load', 'Analyze'].map((st) => `${st} ${s(spent.get(st))}`).join(', ');
    return {
      [`workflow: ${DEVICES} devices × 30 days end to end`]: `${r.seconds.toFixed(1)} s wall, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (${Number(row?.loaded).toLocaleString('en')} of ${Number(row?.rows_in).toLocaleString('en')} readings loaded)`,
      'workflow: time in states (summed over dates)': states,
      'workflow: flow analysis (all devices)': `${s(analyze['flow.ms'])} (${analyze['flow.devices'] ?? 'n/a'} devices, ${analyze['flow.minutes'] ?? 'n/a'} minutes read)`,
    };
  } finally {
    await closeLocalPorts(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchFlow({ timezone: process.argv[2], seed: process.argv[3] ? Number(process.argv[3]) : undefined, from: process.argv[4], to: process.argv[5] }).then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(58)} ${v}`);
  });
}
