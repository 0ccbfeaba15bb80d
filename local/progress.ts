/**
 * Human progress for local runs: one line per finished state with its rows and seconds, e.g.
 *   ✓ TransformBatch   meter-simulator/meter_readings  in 9,600  loaded 9,540  dup 40  quarantined 20   0.41s
 */
import type { StateEvent } from './workflow';

const fmt = (n: unknown) => Number(n ?? 0).toLocaleString('en-US');

/** A one-line summary of a state's output, or null for states not worth a line. */
export function summarise(state: string, output: unknown): string | null {
  const o = (output ?? {}) as Record<string, any>;
  switch (state) {
    case 'Plan': {
      const p = o.plan;
      if (!p?.dates) return null;
      return `${p.dates} date(s) ${p.firstDate}${p.dates > 1 ? `..${p.latest.date}` : ''}`;
    }
    case 'CollectSource':
      return `${o.source}: ${o.batches ?? 0} batch(es)`;
    case 'TransformBatch':
      return `${o.source}/${o.dataset}${Array.isArray(o.files) && o.files.length > 1 ? ` (${o.files.length} files)` : ''}  in ${fmt(o.rowsIn)}  out ${fmt(o.rowsOut)}  dup ${fmt(o.duplicates)}  quarantined ${fmt(o.quarantined)}`;
    case 'Load':
      return `${o.date}  ` + (o.counts ?? []).map((c: any) => `${c.source} ${fmt(c.rowsLoaded)}/${fmt(c.rowsIn)}`).join('  ') + '  (loaded/in)';
    case 'PrepareAnomalies': {
      const a = o.anomalyPages;
      if (!a) return null;
      return `${fmt(a.meters)} meters in ${fmt(a.pages)} page(s): inputs unloaded`;
    }
    case 'DetectAnomalies': {
      const a = o.anomalyPages;
      if (!a) return null;
      return `${fmt(a.pages)} page(s) of meters examined, ${fmt(a.concurrency)} at once`;
    }
    case 'Analyze': {
      const counts = o.analysis?.counts ?? {};
      return Object.entries(counts)
        .filter(([k]) => k.endsWith('.ms'))
        .map(([k, v]) => `${k.slice(0, -3)} ${(Number(v) / 1000).toFixed(2)}s`)
        .join('  ');
    }
    case 'Publish':
      return `${o.published?.published?.length ?? 0} result files → dashboard data/`;
    case 'NotifyFailure':
    case 'NotifyPlanFailure':
      return 'failure recorded and notified';
    default:
      return null;
  }
}

export function progressPrinter(write: (line: string) => void = (l) => process.stdout.write(l + '\n')): (e: StateEvent) => void {
  const entered = new Map<string, number>();
  let first: string | undefined;
  return (e: StateEvent) => {
    const key = `${e.state}#${e.index ?? ''}`;
    if (e.kind === 'entered') {
      entered.set(key, e.at);
      if (e.state === 'ForEachDate' || e.state === 'PrepareAnomalies' || e.state === 'Analyze') write(`→ ${e.state}`);
      return;
    }
    const seconds = ((e.at - (entered.get(key) ?? e.at)) / 1000).toFixed(2);
    if (e.kind === 'exited') {
      const line = summarise(e.state, e.output);
      if (line !== null) write(`  ✓ ${e.state.padEnd(16)} ${line}   ${seconds}s`);
      // What loaded as told but deserves a look (e.g. readings that look hourly), under its batch;
      // a batch's warnings start with their file's name.
      const out = (e.output ?? {}) as { warnings?: string[] };
      for (const w of out.warnings ?? []) write(`      ⚠ ${w}`);
    } else if (e.kind === 'retried') write(`  ↻ ${e.state.padEnd(16)} retrying after a transient error`);
    else if (e.kind === 'failed' || e.kind === 'caught') {
      // A failure surfaces once per enclosing Map; print its message only the first time.
      const repeated = first !== undefined && e.error !== undefined && e.error === first;
      if (e.kind === 'caught') write(`  ✗ ${e.state.padEnd(16)} failed → NotifyFailure   ${seconds}s`);
      else if (!repeated && e.state !== 'Failed') write(`  ✗ ${e.state.padEnd(16)} ${e.error ?? 'failed'}   ${seconds}s`);
      if (e.kind === 'failed' && e.error && e.state !== 'Failed') first ??= e.error;
    }
  };
}
