/**
 * Detection scored against ground truth: the simulator's fault labels (or any labelled data set).
 *
 * - Labels are merged by fault id (the simulator writes one label per day a leak runs).
 * - burst, transient, stuck, dropout: a detected event and a label MATCH when they are on the same
 *   device, of the same kind, on the same channel where both name one, and overlap in time (with
 *   `slackMs` either side: an onset scored a minute early is still the same fault).
 *   recall = labels matched by ≥ 1 event / labels; precision = events matching ≥ 1 label / events.
 * - leak: detections are suspected nights; consecutive suspected nights of a device form one
 *   alert episode. A night matches a leak of its device that started before it and ended less than
 *   `leakAfterMs` before it (the trend window still remembers a repaired leak). recall over leaks
 *   observed on ≥ `minLeakNights` nights of the scored range (a leak seen on three nights cannot be
 *   told from noise by any trend test; the rest are counted as `unobservable`); precision over
 *   episodes.
 */
export interface LabelledFault {
  device_id: string;
  fault_id: string;
  kind: string;
  channel: string | null;
  /** ISO UTC, start inclusive, end exclusive. */
  start: string;
  end: string;
}

export interface DetectedEvent {
  device_id: string;
  kind: string;
  channel: string | null;
  startMs: number;
  endMs: number;
}

export interface SuspectedNight {
  device_id: string;
  /** UTC ms of the night (e.g. 03:00 local). */
  nightMs: number;
}

export interface KindScore {
  kind: string;
  labels: number;
  labelsDetected: number;
  recall: number;
  events: number;
  eventsTrue: number;
  precision: number;
  /** leak only: labels seen on too few nights to be scored. */
  unobservable?: number;
}

interface Fault {
  device: string;
  kind: string;
  channel: string | null;
  startMs: number;
  endMs: number;
}

export function mergeLabels(labels: readonly LabelledFault[]): Fault[] {
  const byId = new Map<string, Fault>();
  for (const l of labels) {
    const s = Date.parse(l.start);
    const e = Date.parse(l.end);
    const f = byId.get(l.fault_id);
    if (f) (f.startMs = Math.min(f.startMs, s)), (f.endMs = Math.max(f.endMs, e));
    else byId.set(l.fault_id, { device: l.device_id, kind: l.kind, channel: l.channel, startMs: s, endMs: e });
  }
  return [...byId.values()];
}

const ratio = (a: number, b: number) => (b === 0 ? NaN : a / b);

export function scoreEvents(kind: string, labels: readonly LabelledFault[], events: readonly DetectedEvent[], slackMs = 5 * 60_000): KindScore {
  const faults = mergeLabels(labels).filter((f) => f.kind === kind);
  const mine = events.filter((e) => e.kind === kind);
  const match = (f: Fault, e: DetectedEvent) =>
    f.device === e.device_id &&
    (f.channel === null || e.channel === null || f.channel === e.channel) &&
    e.startMs < f.endMs + slackMs &&
    f.startMs < e.endMs + slackMs;
  const labelsDetected = faults.filter((f) => mine.some((e) => match(f, e))).length;
  const eventsTrue = mine.filter((e) => faults.some((f) => match(f, e))).length;
  return { kind, labels: faults.length, labelsDetected, recall: ratio(labelsDetected, faults.length), events: mine.length, eventsTrue, precision: ratio(eventsTrue, mine.length) };
}

const NIGHT_MS = 86_400_000;

export function scoreLeaks(
  labels: readonly LabelledFault[],
  nights: readonly SuspectedNight[],
  range: { fromMs: number; toMs: number },
  options: { minLeakNights?: number; leakAfterMs?: number } = {},
): KindScore {
  const minNights = options.minLeakNights ?? 7;
  const after = options.leakAfterMs ?? 10 * NIGHT_MS;
  const leaks = mergeLabels(labels).filter((f) => f.kind === 'leak');
  const observable = leaks.filter((f) => (Math.min(f.endMs, range.toMs) - Math.max(f.startMs, range.fromMs)) / NIGHT_MS >= minNights);
  const match = (f: Fault, n: SuspectedNight) => f.device === n.device_id && n.nightMs >= f.startMs && n.nightMs < f.endMs + after;
  const labelsDetected = observable.filter((f) => nights.some((n) => match(f, n))).length;
  // Episodes: runs of suspected nights of one device, a night apart.
  const sorted = [...nights].sort((a, b) => a.device_id.localeCompare(b.device_id) || a.nightMs - b.nightMs);
  const episodes: SuspectedNight[][] = [];
  for (const n of sorted) {
    const last = episodes.at(-1)?.at(-1);
    if (last && last.device_id === n.device_id && n.nightMs - last.nightMs <= 1.5 * NIGHT_MS) episodes.at(-1)!.push(n);
    else episodes.push([n]);
  }
  const eventsTrue = episodes.filter((ep) => ep.some((n) => leaks.some((f) => match(f, n)))).length;
  return {
    kind: 'leak',
    labels: observable.length,
    labelsDetected,
    recall: ratio(labelsDetected, observable.length),
    events: episodes.length,
    eventsTrue,
    precision: ratio(eventsTrue, episodes.length),
    unobservable: leaks.length - observable.length,
  };
}
