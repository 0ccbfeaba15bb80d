/**
 * From per-minute scores to events a water utility acts on, one rule each:
 *
 * - stuck: a channel repeats one value for ≥ 15 minutes (stuck-runs.ts). A working flow or pressure
 *   sensor at 0.01 L/min / 0.001 bar resolution never does; zeros are left alone (a closed valve).
 * - burst: flow far above the device's normal AND pressure far below it at the same time (score
 *   ≥ 3 and ≤ −3), for ≥ 10 minutes (gaps of up to 5 minutes bridged), starting with a STEP: within
 *   the run's first minutes the median flow of five minutes exceeds that of the five before by
 *   ≥ 4 scales and ≥ 10 %. A main breaks in a minute; a busy afternoon, a drifting demand or a
 *   growing leak rise over half an hour or days, and raise flow without that step.
 *   On a device's first days, before it has the history to be scored, a burst is the step alone,
 *   read on the flow itself: the median of the five minutes after ≥ 1.25 × the five before, the
 *   pressure's falling by ≥ 0.05 bar at the same time, and the flow still ≥ 1.2 × the level
 *   before ten minutes later; it lasts until the flow is back below 1.1 × that level.
 * - transient: a pressure swing lasting ≤ 5 minutes while the flow stays steady — water hammer
 *   from a valve or a pump, not a change in demand. Judged against the LOCAL window (the median of
 *   the 15 minutes around each minute, which a swing of ≤ 5 minutes cannot move): |p − median| ≥ 8
 *   device scales (1.4826 × MAD of p − median over the whole series), while the flow's own
 *   local deviation stays below 3 of its scales (a pressure blip that comes with a flow blip is
 *   demand moving the head loss, not a surge). Demand-driven pressure changes are slow and move
 *   the window with them.
 * - dropout: ≥ 5 consecutive minutes without a reading.
 *
 * Minutes inside a stuck run are not used for bursts or transients (a frozen value scores as
 * anything). The score-based rules never fire on unscored days (their scores are NaN); the
 * first-days burst rule above is the only one that reads them.
 */
import type { DeviceOutliers, FlowChannel } from './flow-outliers';
import { MINUTE_MS, type MinuteSeries } from './flow-minute-grid';
import { median } from './flow-level';
import { MAD_TO_SIGMA } from './robust-stats';
import { findStuckRuns } from './stuck-runs';

export type FlowEventKind = 'burst' | 'transient' | 'stuck' | 'dropout';

export interface FlowEvent {
  kind: FlowEventKind;
  /** stuck: the frozen channel; transient: pressure; burst and dropout: null. */
  channel: FlowChannel | null;
  /** First minute (grid index) and number of minutes. */
  first: number;
  length: number;
  startMs: number;
  endMs: number;
  /** burst: the largest flow score (first days: the step's after/before ratio); transient: the local pressure score furthest from 0; stuck: the value; dropout: 0. */
  score: number;
}

export interface EventRules {
  stuckMinutes: number;
  burstFlowScore: number;
  burstPressureScore: number;
  burstMinutes: number;
  burstBridge: number;
  /** Step at a burst's onset: in scales of the flow, and as a fraction of the flow before. */
  burstStepScore: number;
  burstStepFraction: number;
  transientScore: number;
  transientMaxMinutes: number;
  /** The flow counts as steady while its local score stays below this. */
  transientSteadyFlow: number;
  dropoutMinutes: number;
}

export const DEFAULT_EVENT_RULES: EventRules = {
  stuckMinutes: 15,
  burstFlowScore: 3,
  burstPressureScore: -3,
  burstMinutes: 10,
  burstBridge: 5,
  burstStepScore: 4,
  burstStepFraction: 0.1,
  transientScore: 8,
  transientMaxMinutes: 5,
  transientSteadyFlow: 3,
  dropoutMinutes: 5,
};

/** Runs of true in `mask` as [first, end), with gaps of ≤ `bridge` false minutes joined. */
function runs(mask: Uint8Array, bridge: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < mask.length; ) {
    if (!mask[i]) {
      i++;
      continue;
    }
    let end = i + 1;
    for (;;) {
      while (end < mask.length && mask[end]) end++;
      let next = end;
      while (next < mask.length && !mask[next] && next - end < bridge) next++;
      if (next < mask.length && mask[next] && next - end <= bridge) end = next;
      else break;
    }
    out.push([i, end]);
    i = end;
  }
  return out;
}

const STEP_WINDOW = 5;
/** Half-width of the local window of the transient rule (15 minutes in all). */
const LOCAL_HALF = 7;

/**
 * Deviation of each minute from the median of the 15 minutes around it, in units of the series'
 * robust spread of that deviation (NaN where the minute is missing).
 */
export function localScores(v: Float64Array): Float64Array {
  const n = v.length;
  const dev = new Float64Array(n).fill(NaN);
  const scratch = new Float64Array(2 * LOCAL_HALF + 1);
  for (let i = 0; i < n; i++) if (!Number.isNaN(v[i]!)) dev[i] = v[i]! - windowMedian(v, i - LOCAL_HALF, i + LOCAL_HALF + 1, scratch);
  const abs = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(dev[i]!)) abs[m++] = Math.abs(dev[i]!);
  const scale = MAD_TO_SIGMA * median(abs, m);
  for (let i = 0; i < n; i++) dev[i] = scale > 0 ? dev[i]! / scale : NaN;
  return dev;
}

/** Median of the non-NaN values of v[from, to); NaN if none. */
function windowMedian(v: Float64Array, from: number, to: number, scratch: Float64Array): number {
  let n = 0;
  for (let i = Math.max(0, from); i < Math.min(v.length, to); i++) if (!Number.isNaN(v[i]!)) scratch[n++] = v[i]!;
  return median(scratch, n);
}

/** Whether flow steps up somewhere from 3 minutes before to 10 minutes after `onset`. */
function hasStep(flow: Float64Array, scale: Float64Array, onset: number, rules: EventRules): boolean {
  const scratch = new Float64Array(STEP_WINDOW);
  for (let t = onset - 3; t <= onset + 10; t++) {
    const before = windowMedian(flow, t - STEP_WINDOW, t, scratch);
    const after = windowMedian(flow, t, t + STEP_WINDOW, scratch);
    const s = scale[Math.min(flow.length - 1, Math.max(0, t))]!;
    const rise = after - before;
    if (rise >= rules.burstStepScore * s && rise >= rules.burstStepFraction * before) return true;
  }
  return false;
}

/** Bursts on minutes without scores (a device's first days): [first, end, rise ratio]. */
function unscoredBursts(series: MinuteSeries, zf: Float64Array, frozen: Uint8Array): [number, number, number][] {
  const { flow, pressure } = series;
  const scratch = new Float64Array(10);
  const out: [number, number, number][] = [];
  for (let t = STEP_WINDOW; t + 10 <= flow.length; t++) {
    if (!Number.isNaN(zf[t]!) || frozen[t] || Number.isNaN(flow[t]!)) continue;
    const before = windowMedian(flow, t - STEP_WINDOW, t, scratch);
    const after = windowMedian(flow, t, t + STEP_WINDOW, scratch);
    if (!(before > 0) || !(after >= 1.25 * before)) continue;
    const drop = windowMedian(pressure, t - STEP_WINDOW, t, scratch) - windowMedian(pressure, t, t + STEP_WINDOW, scratch);
    if (!(drop >= 0.05) || !(windowMedian(flow, t + 5, t + 10, scratch) >= 1.2 * before)) continue;
    let end = t + 10;
    while (end < flow.length && Number.isNaN(zf[end]!) && !(windowMedian(flow, end, end + STEP_WINDOW, scratch) < 1.1 * before)) end++;
    out.push([t, end, after / before]);
    t = end;
  }
  return out;
}

export function detectFlowEvents(series: MinuteSeries, scores: Pick<DeviceOutliers, 'flow' | 'pressure'>, rules: EventRules = DEFAULT_EVENT_RULES): FlowEvent[] {
  const n = series.flow.length;
  const events: FlowEvent[] = [];
  const at = (kind: FlowEventKind, channel: FlowChannel | null, first: number, end: number, score: number): FlowEvent => ({
    kind,
    channel,
    first,
    length: end - first,
    startMs: series.startMs + first * MINUTE_MS,
    endMs: series.startMs + end * MINUTE_MS,
    score,
  });

  const frozen = new Uint8Array(n);
  for (const channel of ['flow', 'pressure'] as const) {
    // minKwh 0: the meters' "standby level" exemption is about whole-Wh registers, not these sensors.
    for (const r of findStuckRuns(series[channel], { minRun: rules.stuckMinutes, tolerance: 1e-9, ignoreZeros: true, minKwh: 0 })) {
      events.push(at('stuck', channel, r.first, r.first + r.length, r.value));
      frozen.fill(1, r.first, r.first + r.length);
    }
  }

  const missing = new Uint8Array(n);
  for (let i = 0; i < n; i++) missing[i] = Number.isNaN(series.flow[i]!) && Number.isNaN(series.pressure[i]!) ? 1 : 0;
  for (const [a, b] of runs(missing, 0)) if (b - a >= rules.dropoutMinutes) events.push(at('dropout', null, a, b, 0));

  const zf = scores.flow.z;
  const zp = scores.pressure.z;
  const burst = new Uint8Array(n);
  for (let i = 0; i < n; i++) burst[i] = !frozen[i] && zf[i]! >= rules.burstFlowScore && zp[i]! <= rules.burstPressureScore ? 1 : 0;
  for (const [a, b] of runs(burst, rules.burstBridge)) {
    let joint = 0;
    let peak = 0;
    for (let i = a; i < b; i++) if (burst[i]) joint++, (peak = Math.max(peak, zf[i]!));
    if (joint >= rules.burstMinutes && hasStep(series.flow, scores.flow.scale, a, rules)) events.push(at('burst', null, a, b, peak));
  }

  const lp = localScores(series.pressure);
  const lf = localScores(series.flow);
  events.push(...unscoredBursts(series, scores.flow.z, frozen).map(([a, b, peak]) => at('burst', null, a, b, peak)));

  const swing = new Uint8Array(n);
  for (let i = 0; i < n; i++) swing[i] = !frozen[i] && Math.abs(lp[i]!) >= rules.transientScore && !(Math.abs(lf[i]!) >= rules.transientSteadyFlow) ? 1 : 0;
  for (const [a, b] of runs(swing, 1)) {
    if (b - a > rules.transientMaxMinutes) continue;
    let peak = 0;
    for (let i = a; i < b; i++) if (Math.abs(lp[i]!) > Math.abs(peak)) peak = lp[i]!;
    events.push(at('transient', 'pressure', a, b, peak));
  }
  return events.sort((x, y) => x.first - y.first);
}
