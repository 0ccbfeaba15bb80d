/**
 * The flow analysis as warehouse rows, one function per table, columns as docs/FLOW.md plans them
 * (snake_case, instants as ISO UTC strings, local dates as YYYY-MM-DD). Kept apart from the
 * analysis so that the tables' shape is written once, where the load will read it.
 */
import type { FlowDeviceAnalysis } from './flow-device-analysis';
import type { MinuteSeries } from './flow-minute-grid';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;

/** `sensor_readings`: natural key (device_id, minute). Minutes without any reading are not rows. */
export function readingRows(deviceId: string, s: MinuteSeries) {
  const rows: { device_id: string; minute: string; flow_lpm: number | null; pressure_bar: number | null }[] = [];
  for (let i = 0; i < s.flow.length; i++) {
    const f = s.flow[i]!;
    const p = s.pressure[i]!;
    if (Number.isNaN(f) && Number.isNaN(p)) continue;
    rows.push({ device_id: deviceId, minute: iso(s.startMs + i * 60_000), flow_lpm: Number.isNaN(f) ? null : f, pressure_bar: Number.isNaN(p) ? null : p });
  }
  return rows;
}

/** `sensor_outliers`: natural key (device_id, minute, channel). */
export const outlierRows = (deviceId: string, a: FlowDeviceAnalysis) =>
  a.outliers.map((o) => ({
    device_id: deviceId,
    minute: iso(o.minuteMs),
    channel: o.channel,
    value: o.value,
    expected: round(o.expected, 4),
    score: round(o.score, 2),
    rule: o.rule,
  }));

/** `sensor_hourly`: natural key (device_id, hour). */
export const hourlyRows = (deviceId: string, a: FlowDeviceAnalysis) =>
  a.hourly.map((h) => ({
    device_id: deviceId,
    hour: iso(h.hourMs),
    flow_mean: h.flowMean === null ? null : round(h.flowMean, 3),
    flow_min: h.flowMin,
    flow_max: h.flowMax,
    pressure_mean: h.pressureMean === null ? null : round(h.pressureMean, 4),
    pressure_min: h.pressureMin,
    pressure_max: h.pressureMax,
    minutes: h.minutes,
  }));

/** `sensor_night_flow`: natural key (device_id, night), with the leak trend of that night. */
export const nightFlowRows = (deviceId: string, a: FlowDeviceAnalysis) =>
  a.nights.map((n, k) => ({
    device_id: deviceId,
    night: n.date,
    mnf_lpm: n.mnfLpm,
    minutes: n.minutes,
    blocks: n.blocks,
    slope_lpm_per_night: a.leak[k]!.slopeLpmPerNight === null ? null : round(a.leak[k]!.slopeLpmPerNight!, 4),
    trend_z: a.leak[k]!.z === null ? null : round(a.leak[k]!.z!, 3),
    leak_suspected: a.leak[k]!.suspected,
  }));

/** `device_forecasts`: natural key (device_id, issued_on, target_hour); none when the forecast was skipped. */
export function forecastRows(deviceId: string, a: FlowDeviceAnalysis) {
  const f = a.forecast;
  if (!f || !('hours' in f)) return [];
  return f.hours.map((h) => ({ device_id: deviceId, issued_on: f.issuedOn, target_hour: iso(h.targetHourMs), model: f.chosenModel, flow_lpm: h.flowLpm, lo80: h.lo80, hi80: h.hi80 }));
}
