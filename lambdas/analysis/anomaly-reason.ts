/**
 * One plain sentence per anomaly, with units, for people who act on it ("3.1 kWh in 30 min, usually
 * 0.4 kWh at this time of the week"). What value, expected and score mean depends on the rule; this is
 * the one place that knows it (the dashboard and alerts show the sentence as is).
 */
export interface ReasonInput {
  rule: string;
  value: number | null;
  expected: number | null;
  score: number | null;
  /** Minutes per meter interval (30). */
  intervalMinutes: number;
  /** Unit of a threshold rule's monthly amount (kWh, m3). */
  unit?: string;
}

const n = (x: number, digits: number) => x.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

function span(minutes: number): string {
  if (minutes < 60) return `${n(minutes, 0)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${n(hours, 1)} h` : `${n(hours / 24, 1)} days`;
}

/** Significant-figure rounding for kWh: 3.1, 0.41, 0.053. */
function kwh(x: number): string {
  const digits = Math.abs(x) >= 10 ? 1 : Math.abs(x) >= 1 ? 2 : 3;
  return `${n(x, digits)} kWh`;
}

export function anomalyReason(a: ReasonInput): string {
  const every = `${a.intervalMinutes} min`;
  switch (a.rule) {
    case 'spike':
      return (
        `${kwh(a.value ?? NaN)} in ${every}, usually ${kwh(a.expected ?? NaN)} at this time of the week` +
        (a.score !== null ? ` (${n(a.score, 1)} typical deviations above usual)` : '') +
        '.'
      );
    case 'stuck': {
      const intervals = a.score ?? 0;
      return (
        `The same reading, ${kwh(a.value ?? NaN)} per ${every}, ${n(intervals, 0)} times in a row (${span(intervals * a.intervalMinutes)})` +
        (a.expected !== null ? `; usually about ${kwh(a.expected)} then` : '') +
        ': the register may be frozen.'
      );
    }
    case 'gap': {
      const intervals = a.score ?? 0;
      return `No readings for ${span(intervals * a.intervalMinutes)} (${n(intervals, 0)} intervals of ${every} missing).`;
    }
    case 'level_shift': {
      const ratio = a.score ?? NaN;
      const direction = ratio >= 1 ? `${n(ratio, 1)} × the usual level` : `${n(100 * (1 - ratio), 0)} % below the usual level`;
      return `About ${kwh(a.value ?? NaN)} a day, usually ${kwh(a.expected ?? NaN)}: ${direction}, for days on end (new equipment, an empty home, a swapped meter?).`;
    }
    default: {
      if (a.rule.startsWith('threshold:')) {
        const what = a.rule.slice('threshold:'.length);
        const unit = a.unit ? ` ${a.unit}` : '';
        return `Monthly ${what} use ${n(a.value ?? NaN, 0)}${unit}, at or above the alert threshold of ${n(a.expected ?? NaN, 0)}${unit}.`;
      }
      return `${a.rule}: value ${a.value ?? '—'}, expected ${a.expected ?? '—'}.`;
    }
  }
}
