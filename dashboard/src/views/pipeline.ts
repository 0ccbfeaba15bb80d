/**
 * Pipeline: the runs per source with status, duration and the reconciliation (rows in = loaded +
 * duplicates + quarantined), and the quarantine reasons of a chosen run and source.
 */
import type { RunRow, Runs } from '../../../lambdas/contract/results';
import { emptyState, errorState, h, selectField, simpleTable, tableWrap } from '../dom';
import * as f from '../format';
import { inRange } from '../route';
import type { View, ViewContext } from './view';

export const pipelineView: View = {
  name: 'pipeline',
  title: 'Pipeline',
  async render(ctx) {
    const root = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: -1 }, 'Pipeline runs'));
    const res = await ctx.data.load<Runs>('runs.json');
    if (res.status !== 'ok' || res.data.runs.length === 0) {
      root.append(res.status === 'error' ? errorState(res.file, res.message) : emptyState('pipeline runs', res.file, res.status === 'ok' ? 'No run has been recorded yet.' : undefined));
      return root;
    }
    const p = ctx.route.params;
    const sources = [...new Set(res.data.runs.map((r) => r.source))].sort();
    const runs = res.data.runs
      .filter((r) => inRange(r.runDate, ctx.range) && (!p.status || r.status === p.status) && (!p.source || r.source === p.source))
      .sort((a, b) => b.runDate.localeCompare(a.runDate) || b.startedAt.localeCompare(a.startedAt) || a.source.localeCompare(b.source));
    root.append(
      h('p', { class: 'lead', 'data-runs-summary': '' }, runsSummary(runs)),
      h(
        'form',
        { class: 'filters', 'aria-label': 'Filter runs', onsubmit: ((e: Event) => e.preventDefault()) as EventListener },
        selectField('Status', 'status', [{ value: '', label: 'all' }, ...['succeeded', 'failed', 'running'].map((s) => ({ value: s, label: s }))], p.status ?? '', (v) => ctx.navigate({ status: v || null })),
        selectField('Source', 'source', [{ value: '', label: 'all' }, ...sources.map((s) => ({ value: s, label: s }))], p.source ?? '', (v) => ctx.navigate({ source: v || null })),
      ),
    );
    const chosen = p.run ? res.data.runs.find((r) => r.runId === p.run && r.source === (p.qsource ?? r.source)) : undefined;
    if (chosen) root.append(reasons(ctx, chosen));
    if (runs.length) root.append(runTable(ctx, runs, ownDurations(res.data.runs)));
    else root.append(h('p', { class: 'empty', role: 'status' }, 'No runs match these filters and dates.'));
    return root;
  },
};

/**
 * The lead sentence: how many runs match, how many failed, and whether their rows reconcile (rows in =
 * loaded + duplicates + quarantined) — checked on the rows shown, never claimed of an empty list.
 */
export function runsSummary(runs: RunRow[]): string {
  if (!runs.length) return '0 run records match.';
  const failed = runs.filter((r) => r.status === 'failed').length;
  const finished = runs.filter((r) => r.status === 'succeeded');
  const off = finished.filter((r) => r.rowsIn !== r.rowsLoaded + r.duplicates + r.quarantined);
  const head = `${f.num(runs.length)} run records${failed ? `, ${f.num(failed)} failed` : ''}.`;
  if (!finished.length) return head;
  return off.length
    ? `${head} ${f.num(off.length)} succeeded ${off.length === 1 ? 'run does' : 'runs do'} not reconcile (rows in ≠ loaded + duplicates + quarantined).`
    : `${head} Every succeeded run reconciles: rows in = loaded + duplicates + quarantined.`;
}

/**
 * Each run's own duration. A backfill's dates run one after another in one execution and share its
 * start time, so "finished − started" would be the time since the execution began; a date's own time is
 * from the previous date's finish (same execution) to its own. A run's sources finish together (one
 * load transaction), so they share the figure.
 */
export function ownDurations(runs: RunRow[]): Map<RunRow, number | null> {
  const out = new Map<RunRow, number | null>();
  const byExecution = new Map<string, RunRow[]>();
  for (const r of runs) byExecution.set(r.startedAt, [...(byExecution.get(r.startedAt) ?? []), r]);
  for (const [startedAt, list] of byExecution) {
    const ends = [...new Set(list.filter((r) => r.finishedAt).map((r) => f.parseInstant(r.finishedAt)))].sort((a, b) => a - b);
    for (const r of list) {
      if (!r.finishedAt) {
        out.set(r, null);
        continue;
      }
      const end = f.parseInstant(r.finishedAt);
      const before = ends.filter((e) => e < end).pop();
      out.set(r, end - (before ?? f.parseInstant(startedAt)));
    }
  }
  return out;
}

function runTable(ctx: ViewContext, runs: RunRow[], durations: Map<RunRow, number | null>): HTMLElement {
  const cols = ['Run', 'Date', 'Source', 'Status', 'Duration', 'Rows in', 'Loaded', 'Duplicates', 'Quarantined', 'Reconciled'];
  return tableWrap(
    'Pipeline runs',
    h(
      'table',
      { id: 'runs-table' },
      h('caption', {}, 'Runs and their reconciliation per source'),
      h('thead', {}, h('tr', {}, cols.map((c, i) => h('th', { scope: 'col', class: i >= 5 && i < 9 ? 'num' : null }, c)))),
      h(
        'tbody',
        {},
        runs.map((r) => {
          const ok = r.rowsIn === r.rowsLoaded + r.duplicates + r.quarantined;
          const ms = durations.get(r) ?? null;
          return h(
            'tr',
            { 'data-run': r.runId, 'data-source': r.source },
            h('th', { scope: 'row' }, h('code', {}, r.runId)),
            h('td', {}, r.runDate),
            h('td', {}, r.source),
            h('td', {}, h('span', { class: `status status-${r.status}`, title: r.error ?? undefined }, r.status), r.error ? h('div', { class: 'run-error' }, r.error) : null),
            h('td', { class: 'num' }, f.duration(ms)),
            h('td', { class: 'num' }, f.num(r.rowsIn)),
            h('td', { class: 'num' }, f.num(r.rowsLoaded)),
            h('td', { class: 'num' }, f.num(r.duplicates)),
            h('td', { class: 'num' }, r.quarantined > 0 ? h('a', { href: ctx.href({ run: r.runId, qsource: r.source }), 'data-quarantine': `${r.runId}|${r.source}` }, f.num(r.quarantined)) : '0'),
            h('td', {}, ok ? '✓ yes' : h('strong', { class: 'status-failed' }, '✗ no')),
          );
        }),
      ),
    ),
  );
}

function reasons(ctx: ViewContext, r: RunRow): HTMLElement {
  return h(
    'section',
    { class: 'reasons', 'aria-labelledby': 'reasons-title', id: 'quarantine-reasons' },
    h('h2', { id: 'reasons-title' }, `Quarantine reasons: ${r.source}, run ${r.runId}`),
    r.quarantineReasons.length
      ? tableWrap('Quarantine reasons', simpleTable(`Why ${f.num(r.quarantined)} rows were quarantined`, ['Reason', 'Rows'], r.quarantineReasons.map((q) => [q.reason, f.num(q.count)]), [false, true]))
      : h('p', {}, 'No reasons recorded for this run and source.'),
    h('p', {}, 'The rejected records themselves are in the data lake under ', h('code', {}, `quarantine/${r.source}/dt=${r.runDate}/run=${r.runId}/rejects.jsonl`), '. ', h('a', { href: ctx.href({ run: null, qsource: null }) }, 'Close')),
  );
}
