/**
 * The flow-sensor simulator: N devices, one reading a minute of flow (L/min) and pressure (bar), one
 * local day at a time, with labelled faults (faults.ts). Pure and deterministic: the output of a
 * (seed, device, date) never depends on other days, devices or the call order. Values are rounded
 * to the resolution of a real sensor (0.01 L/min, 0.001 bar), so stuck values repeat exactly and
 * the serialised bytes are stable. Days are generated into typed arrays: 20 devices × 30 days is
 * 864,000 readings.
 */
import { seeded } from '../random';
import {
  dayNumberOf,
  dateOfDayNumber,
  DAY_MS,
  FlowInputError,
  isWeekendDay,
  localDayStartMs,
  localMinutes,
  MINUTE_MS,
  type MinuteSeries,
} from '../../analysis/flow-minute-grid';
import { ianaTimezone } from '../../timezone';
import { demandShape, deviceTraits, nightFraction, pressureAt } from './demand-shape';
import { activeLeaks, planDayFaults, type Channel, type FlowFaultKind } from './faults';
import { smoothNoise } from './smooth-noise';

export interface FlowSimOptions {
  /** Number of devices. Default 20. */
  devices?: number;
  seed: number;
  /** IANA timezone of the devices (their wall clock drives demand). */
  timezone: string;
  /** Inject faults. Default true. */
  faults?: boolean;
}

/** One injected fault, clipped to the day it was simulated in (a leak yields one label per day). */
export interface FlowFaultLabel {
  device_id: string;
  /** Same for every day-label of one fault: merge labels by it. */
  fault_id: string;
  kind: FlowFaultKind;
  /** stuck: the frozen channel; transient: pressure; others null (both channels). */
  channel: Channel | null;
  /** First affected minute, ISO UTC. */
  start: string;
  /** End of the last affected minute, ISO UTC (exclusive). */
  end: string;
  /** burst: added flow L/min; leak: growth L/min per day; transient: pressure swing bar; stuck: frozen value; dropout: null. */
  magnitude: number | null;
}

export interface DeviceDay extends MinuteSeries {
  device_id: string;
}

export const DEFAULT_DEVICES = 20;
/**
 * Flow noise: a demand level that wanders from day to day (σ 5 %, knots a day apart: weather,
 * holidays), a drift within the hour (σ 3 %, knots 30 minutes apart) and 1 % white noise. Both
 * smooth parts are continuous across midnight (smooth-noise.ts).
 */
const DAY_SIGMA = 0.05;
const DRIFT_SIGMA = 0.03;
const WHITE_SIGMA = 0.01;
/** Pressure noise: the supply's level, wandering from day to day (σ 0.03 bar), and sensor noise (σ 0.01 bar). */
const PRESSURE_DAY_SIGMA = 0.03;
const PRESSURE_SIGMA = 0.01;
/** Minutes over which the night after a weekday/weekend change blends from one demand shape into the other. */
const BLEND_MINUTES = 240;

export function deviceId(index: number): string {
  return `FS${String(index).padStart(3, '0')}`;
}

function checkOptions(o: FlowSimOptions): { devices: number; timezone: string } {
  const devices = o.devices ?? DEFAULT_DEVICES;
  if (!Number.isInteger(devices) || devices < 1) throw new FlowInputError(`flow simulator devices is ${devices}: give a positive whole number.`);
  if (!Number.isInteger(o.seed)) throw new FlowInputError(`flow simulator seed is ${o.seed}: give a whole number.`);
  const timezone = ianaTimezone(o.timezone);
  if (timezone === null) throw new FlowInputError(`flow simulator timezone "${o.timezone}" is not an IANA timezone: use Area/Location such as Asia/Tokyo.`);
  return { devices, timezone };
}

export function deviceIds(o: FlowSimOptions): string[] {
  const { devices } = checkOptions(o);
  return Array.from({ length: devices }, (_, i) => deviceId(i + 1));
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const round = (v: number, f: number) => Math.round(v * f) / f;

/** One device, one local day: minute readings (NaN where the sensor dropped out) and the labels. */
export function simulateDeviceDay(o: FlowSimOptions, id: string, date: string): { day: DeviceDay; labels: FlowFaultLabel[] } {
  const { timezone } = checkOptions(o);
  const dayNo = dayNumberOf(date);
  const startMs = localDayStartMs(dayNo, timezone);
  const endMs = localDayStartMs(dayNo + 1, timezone);
  const n = (endMs - startMs) / MINUTE_MS;
  const { minuteOfDay } = localMinutes(startMs, n, timezone);
  const traits = deviceTraits(o.seed, id);
  const weekend = isWeekendDay(dayNo);
  const shape = demandShape(weekend, traits.shiftMinutes);
  // Demand does not jump when a weekend starts or ends: the first hours after such a midnight
  // blend from the previous day's kind of night into this day's.
  const previous = isWeekendDay(dayNo - 1) === weekend ? null : demandShape(!weekend, traits.shiftMinutes);
  const r = seeded(o.seed, 'flow-noise', id, date);

  const flow = new Float64Array(n);
  const pressure = new Float64Array(n);
  const extraDrop = new Float64Array(n);
  const dayLevel = smoothNoise(o.seed, 'flow-day', id, startMs, n, MINUTE_MS, DAY_MS);
  const drift = smoothNoise(o.seed, 'flow-drift', id, startMs, n, MINUTE_MS, 30 * MINUTE_MS);
  const pressureDay = smoothNoise(o.seed, 'pressure-day', id, startMs, n, MINUTE_MS, DAY_MS);
  for (let i = 0; i < n; i++) {
    const m = minuteOfDay[i]!;
    const w = previous && i < BLEND_MINUTES ? i / BLEND_MINUTES : 1;
    const s = w * shape[m]! + (1 - w) * (previous ? previous[m]! : 0);
    flow[i] = traits.meanFlow * s * Math.exp(DAY_SIGMA * dayLevel[i]! + DRIFT_SIGMA * drift[i]!) * (1 + WHITE_SIGMA * r.normal());
  }

  const labels: FlowFaultLabel[] = [];
  const enabled = o.faults ?? true;
  // Leaks: a flow that grows linearly from its start, day and night.
  if (enabled) {
    for (const leak of activeLeaks(o.seed, id, dayNo)) {
      const leakStart = localDayStartMs(leak.startDay, timezone) + leak.startMinute * MINUTE_MS;
      const leakEnd = localDayStartMs(leak.startDay + leak.days, timezone);
      const growth = leak.growthOfNightFlow * traits.meanFlow * nightFraction(isWeekendDay(leak.startDay), traits.shiftMinutes);
      const from = Math.max(0, Math.ceil((leakStart - startMs) / MINUTE_MS));
      const to = Math.min(n, Math.ceil((leakEnd - startMs) / MINUTE_MS));
      if (from >= to) continue;
      for (let i = from; i < to; i++) flow[i]! += (growth * (startMs + i * MINUTE_MS - leakStart)) / DAY_MS;
      labels.push(label(id, `${id}:leak:${dateOfDayNumber(leak.startDay)}`, 'leak', null, startMs, from, to, round(growth, 1000)));
    }
  }

  const faults = enabled ? planDayFaults(o.seed, id, date, n) : [];
  for (const f of faults.filter((x) => x.kind === 'burst')) {
    // A burst: flow jumps by 0.6–1.5 × the mean flow; the pressure falls with the extra head loss,
    // and further near the break.
    const extra = traits.meanFlow * (0.6 + 0.9 * f.magnitude);
    for (let i = f.first; i < f.first + f.length; i++) (flow[i]! += extra), (extraDrop[i] = 0.15 + 0.25 * f.magnitude);
  }
  for (let i = 0; i < n; i++) {
    flow[i] = round(Math.max(0, flow[i]!), 100);
    pressure[i] = round(pressureAt(traits, flow[i]!) + PRESSURE_DAY_SIGMA * pressureDay[i]! - extraDrop[i]! + PRESSURE_SIGMA * r.normal(), 1000);
  }

  for (const f of faults) {
    const id_ = `${id}:${date}:${f.kind}:${f.first}`;
    const end = f.first + f.length;
    switch (f.kind) {
      case 'burst':
        labels.push(label(id, id_, 'burst', null, startMs, f.first, end, round(traits.meanFlow * (0.6 + 0.9 * f.magnitude), 100)));
        break;
      case 'stuck': {
        // The sensor keeps sending its last good value.
        const series = f.channel === 'flow' ? flow : pressure;
        const value = series[f.first - 1]!;
        series.fill(value, f.first, end);
        labels.push(label(id, id_, 'stuck', f.channel, startMs, f.first, end, value));
        break;
      }
      case 'transient': {
        // Water hammer: a pressure swing of 0.6–2 bar that rings down within three minutes.
        const swing = (0.6 + 1.4 * f.magnitude) * (Math.floor(f.magnitude * 1e6) % 2 ? 1 : -1);
        const ring = [1, -0.6, 0.3];
        for (let k = 0; k < f.length; k++) pressure[f.first + k] = round(pressure[f.first + k]! + swing * ring[k]!, 1000);
        labels.push(label(id, id_, 'transient', 'pressure', startMs, f.first, end, round(Math.abs(swing), 1000)));
        break;
      }
      case 'dropout':
        flow.fill(NaN, f.first, end);
        pressure.fill(NaN, f.first, end);
        labels.push(label(id, id_, 'dropout', null, startMs, f.first, end, null));
        break;
    }
  }
  return { day: { device_id: id, startMs, flow, pressure }, labels };
}

function label(device: string, faultId: string, kind: FlowFaultKind, channel: Channel | null, startMs: number, from: number, to: number, magnitude: number | null): FlowFaultLabel {
  return { device_id: device, fault_id: faultId, kind, channel, start: iso(startMs + from * MINUTE_MS), end: iso(startMs + to * MINUTE_MS), magnitude };
}

/** Every device over local dates `from`…`to` (inclusive): one dense minute series per device, and the labels. */
export function simulateFlowRange(o: FlowSimOptions, from: string, to: string): { devices: DeviceDay[]; labels: FlowFaultLabel[] } {
  const first = dayNumberOf(from);
  const last = dayNumberOf(to);
  if (last < first) throw new FlowInputError(`Simulation range ${from} … ${to} ends before it starts.`);
  const labels: FlowFaultLabel[] = [];
  const devices = deviceIds(o).map((id) => {
    const days: DeviceDay[] = [];
    for (let d = first; d <= last; d++) {
      const sim = simulateDeviceDay(o, id, dateOfDayNumber(d));
      days.push(sim.day);
      labels.push(...sim.labels);
    }
    // Local days are contiguous: day d ends where day d + 1 starts.
    const n = days.reduce((s, d) => s + d.flow.length, 0);
    const flow = new Float64Array(n);
    const pressure = new Float64Array(n);
    let at = 0;
    for (const d of days) flow.set(d.flow, at), pressure.set(d.pressure, at), (at += d.flow.length);
    return { device_id: id, startMs: days[0]!.startMs, flow, pressure };
  });
  return { devices, labels };
}
