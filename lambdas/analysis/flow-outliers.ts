/**
 * Per-minute outliers of a flow sensor, separately for flow and for pressure, against the device's
 * own recent behaviour: each local day is scored with a minute-of-day profile (flow-seasonal-profile.ts)
 * built from the device's previous days of the same kind (up to ten weekdays for a weekday, up to
 * ten weekend days for a weekend day, within four weeks), at the level of the last three hours
 * (flow-level.ts: value / profile for flow, value − profile for pressure, from past minutes only,
 * updated every 15 minutes). The level is what makes a hot day, a supply running a little high or
 * a slowly growing leak "normal" minute by minute, while a sudden burst, a pressure swing or a
 * spike stands out until it has lasted an hour and a half.
 *
 * expected = profile × level (flow) or profile + level (pressure); score = (value − expected) / scale,
 * a robust z; a minute is an outlier when |score| ≥ the threshold (default 5).
 *
 * Days without three usable history days of their kind (the first days of a device) are not scored:
 * their minutes get NaN scores and are counted as unscored, never silently called normal.
 */
import { dayRanges, isWeekendDay, localMinutes, MINUTE_MS, type LocalMinutes, type MinuteSeries } from './flow-minute-grid';
import { deviationOf, LEVEL, neutralLevel, TrailingLevel } from './flow-level';
import { minuteProfile, type ProfileOptions } from './flow-seasonal-profile';

export type FlowChannel = 'flow' | 'pressure';

export interface FlowOutlier {
  /** Grid index (minutes since the series start). */
  index: number;
  /** UTC ms of the minute. */
  minuteMs: number;
  channel: FlowChannel;
  value: number;
  expected: number;
  /** Robust z: (value − expected) / scale. */
  score: number;
  rule: 'seasonal-mad';
}

export interface ChannelScores {
  expected: Float64Array;
  scale: Float64Array;
  /** NaN where the minute is missing or its day is not scored. */
  z: Float64Array;
}

export interface OutlierOptions {
  /** |score| at or above which a minute is an outlier. Default 5. */
  threshold?: number;
  /** History days of the same kind. Default 10. */
  historyDays?: number;
  /** Oldest history day, in days back. Default 28. */
  lookbackDays?: number;
  /** Fewest usable history days to score a day. Default 3. */
  minHistoryDays?: number;
}

/** Scale floors per channel: 2 % or 0.1 L/min for flow; 0.01 bar (sensor noise) for pressure. */
export const CHANNEL_FLOORS: Readonly<Record<FlowChannel, ProfileOptions>> = {
  flow: { relativeFloor: 0.02, absoluteFloor: 0.1, level: 'ratio' },
  pressure: { relativeFloor: 0, absoluteFloor: 0.01, level: 'offset' },
};

/** A day is usable as history when at least half of its minutes have a reading. */
const USABLE_FRACTION = 0.5;

export function scoreChannel(values: Float64Array, local: LocalMinutes, channel: FlowChannel, options: OutlierOptions = {}): ChannelScores {
  const historyDays = options.historyDays ?? 10;
  const lookback = options.lookbackDays ?? 28;
  const minHistory = options.minHistoryDays ?? 3;
  const n = values.length;
  const out: ChannelScores = { expected: new Float64Array(n).fill(NaN), scale: new Float64Array(n).fill(NaN), z: new Float64Array(n).fill(NaN) };
  // value / profile (flow) or value − profile (pressure) of every scored minute: the level's input.
  const deviation = new Float64Array(n).fill(NaN);
  let trailing = new TrailingLevel(0);
  let previousScored = false;
  const days = dayRanges(local.day).map((r) => {
    let present = 0;
    for (let i = r.from; i < r.to; i++) if (!Number.isNaN(values[i]!)) present++;
    return { ...r, weekend: isWeekendDay(r.day), usable: present >= USABLE_FRACTION * (r.to - r.from) };
  });
  for (let k = 0; k < days.length; k++) {
    const today = days[k]!;
    const history = [];
    for (let j = k - 1; j >= 0 && history.length < historyDays && today.day - days[j]!.day <= lookback; j--) {
      if (days[j]!.weekend === today.weekend && days[j]!.usable) history.push(days[j]!);
    }
    if (history.length < minHistory) {
      previousScored = false;
      continue;
    }
    const floors = CHANNEL_FLOORS[channel];
    const profile = minuteProfile(values, local.minuteOfDay, history, floors);
    // The level carries over from the previous day when that day was scored, else starts neutral.
    if (!previousScored) trailing = new TrailingLevel(neutralLevel(floors.level));
    let level = neutralLevel(floors.level);
    for (let i = today.from; i < today.to; i++) {
      const b = i - today.from;
      if (b % LEVEL.blockMinutes === 0) {
        if (b > 0) trailing.push(deviation, i - LEVEL.blockMinutes, i);
        level = trailing.level();
      }
      const m = local.minuteOfDay[i]!;
      const e = profile.expected[m]!;
      const v = values[i]!;
      deviation[i] = deviationOf(floors.level, v, e);
      const expected = floors.level === 'ratio' ? e * level : e + level;
      out.expected[i] = expected;
      out.scale[i] = profile.scale[m]!;
      out.z[i] = (v - expected) / profile.scale[m]!;
    }
    const tail = (today.to - today.from) % LEVEL.blockMinutes || LEVEL.blockMinutes;
    trailing.push(deviation, today.to - tail, today.to);
    previousScored = true;
  }
  return out;
}

export interface DeviceOutliers {
  local: LocalMinutes;
  flow: ChannelScores;
  pressure: ChannelScores;
  outliers: FlowOutlier[];
  /** Minutes with a reading whose day could not be scored (too little history), per channel. */
  unscored: Record<FlowChannel, number>;
}

export function detectFlowOutliers(series: MinuteSeries, timezone: string, options: OutlierOptions = {}): DeviceOutliers {
  const threshold = options.threshold ?? 5;
  const local = localMinutes(series.startMs, series.flow.length, timezone);
  const scores = { flow: scoreChannel(series.flow, local, 'flow', options), pressure: scoreChannel(series.pressure, local, 'pressure', options) };
  const outliers: FlowOutlier[] = [];
  const unscored = { flow: 0, pressure: 0 };
  for (const channel of ['flow', 'pressure'] as const) {
    const values = series[channel];
    const s = scores[channel];
    for (let i = 0; i < values.length; i++) {
      if (Number.isNaN(values[i]!)) continue;
      const z = s.z[i]!;
      if (Number.isNaN(z)) unscored[channel]++;
      else if (Math.abs(z) >= threshold) {
        outliers.push({ index: i, minuteMs: series.startMs + i * MINUTE_MS, channel, value: values[i]!, expected: s.expected[i]!, score: z, rule: 'seasonal-mad' });
      }
    }
  }
  outliers.sort((a, b) => a.index - b.index || a.channel.localeCompare(b.channel));
  return { local, ...scores, outliers, unscored };
}
