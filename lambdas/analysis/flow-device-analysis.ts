/**
 * Everything the flow analysis computes for one device, in order: per-minute outliers per channel,
 * the events they form (bursts, transients, stuck sensors, dropouts), minimum night flow per night
 * without the minutes of a stuck flow sensor, the leak trend, hourly aggregates, and the 168-hour
 * forecast issued on `issueDate` with its hold-out check. Arrays in, results out; no I/O.
 */
import { detectFlowEvents, type EventRules, type FlowEvent } from './flow-events';
import { forecastDevice, holdoutScore, type DeviceForecast, type HoldoutScore } from './flow-forecast';
import { hourlyAggregates, type SensorHour } from './flow-hourly';
import { leakTrends, type LeakOptions, type LeakTrend } from './flow-leak-trend';
import type { MinuteSeries } from './flow-minute-grid';
import { nightFlows, type NightFlow } from './flow-night-flow';
import { detectFlowOutliers, type FlowOutlier, type OutlierOptions } from './flow-outliers';

export interface FlowAnalysisOptions {
  outliers?: OutlierOptions;
  events?: EventRules;
  leak?: LeakOptions;
  /** Local date the forecast is issued on; no forecast when absent. */
  issueDate?: string;
  /** Also score the forecast on the week before `issueDate` (costs a second model fit). Default false. */
  holdout?: boolean;
}

export interface FlowDeviceAnalysis {
  outliers: FlowOutlier[];
  unscored: { flow: number; pressure: number };
  events: FlowEvent[];
  nights: NightFlow[];
  leak: LeakTrend[];
  hourly: SensorHour[];
  forecast: DeviceForecast | { issuedOn: string; skipped: string } | null;
  holdout: HoldoutScore | null;
}

export function analyseFlowDevice(series: MinuteSeries, timezone: string, options: FlowAnalysisOptions = {}): FlowDeviceAnalysis {
  const scored = detectFlowOutliers(series, timezone, options.outliers);
  const events = detectFlowEvents(series, scored, options.events);
  const stuckFlow = new Uint8Array(series.flow.length);
  for (const e of events) if (e.kind === 'stuck' && e.channel === 'flow') stuckFlow.fill(1, e.first, e.first + e.length);
  const nights = nightFlows(series, timezone, stuckFlow);
  const hourly = hourlyAggregates(series);
  return {
    outliers: scored.outliers,
    unscored: scored.unscored,
    events,
    nights,
    leak: leakTrends(nights, options.leak),
    hourly,
    forecast: options.issueDate ? forecastDevice(hourly, timezone, options.issueDate) : null,
    holdout: options.issueDate && options.holdout ? holdoutScore(hourly, timezone, options.issueDate) : null,
  };
}
