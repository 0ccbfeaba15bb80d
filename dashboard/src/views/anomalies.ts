/**
 * Anomalies: a sortable, filterable list (severity, rule, subject, date range) with expected vs
 * actual, and a context mini-chart of the selected one. Sort and filters live in the URL.
 */
import type { Anomalies, AnomalyItem } from '../../../lambdas/contract/results';
import { chartFigure } from '../charts';
import { emptyState, errorState, h, selectField, simpleTable, tableWrap, withheldState } from '../dom';
import * as f from '../format';
import { inRange } from '../route';
import type { View, ViewContext } from './view';

const SEVERITY_RANK = { low: 1, medium: 2, high: 3 } as const;
const LIMIT = 200;

type SortKey = 'time' | 'subject' | 'rule' | 'severity' | 'value' | 'expected' | 'score';
const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'time', label: 'Time' },
  { key: 'subject', label: 'Subject' },
  { key: 'rule', label: 'Rule' },
  { key: 'severity', label: 'Severity' },
  { key: 'value', label: 'Actual', numeric: true },
  { key: 'expected', label: 'Expected', numeric: true },
  { key: 'score', label: 'Score', numeric: true },
];

function compare(a: AnomalyItem, b: AnomalyItem, key: SortKey): number {
  if (key === 'severity') return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  const x = a[key];
  const y = b[key];
  if (x === null && y === null) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
}

export const anomaliesView: View = {
  name: 'anomalies',
  title: 'Anomalies',
  async render(ctx) {
    const root = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: -1 }, 'Anomalies'));
    const res = await ctx.data.load<Anomalies>('anomalies.json');
    if (res.status !== 'ok') {
      root.append(res.status === 'missing' ? emptyState('anomalies', res.file) : errorState(res.file, res.message));
      return root;
    }
    const a = res.data;
    const withheld = await ctx.data.withheld();
    if (withheld) {
      // Public aggregates: the counts by rule and severity stay; the list of single meters and households does not.
      root.append(totals(a), withheldState('The list of anomalies of single meters and households', withheld));
      return root;
    }
    const p = ctx.route.params;
    const sort = (COLUMNS.some((c) => c.key === p.sort) ? p.sort : 'time') as SortKey;
    const dir = p.dir === 'asc' ? 'asc' : 'desc';
    const rules = [...new Set(a.items.map((i) => i.rule))].sort();
    const q = (p.q ?? '').toLowerCase();
    const items = a.items
      .filter((i) => inRange(i.time, ctx.range) && (!p.severity || i.severity === p.severity) && (!p.rule || i.rule === p.rule) && (!q || i.subject.toLowerCase().includes(q)))
      .sort((x, y) => (dir === 'asc' ? 1 : -1) * compare(x, y, sort) || x.id.localeCompare(y.id));

    root.append(
      h('p', { class: 'lead' }, `${f.num(a.items.length)} ${a.items.length === 1 ? 'anomaly' : 'anomalies'} published (${f.num(a.totals.reduce((s, t) => s + t.count, 0))} in total). Select one to see its context.`),
      totals(a),
      h(
        'form',
        { class: 'filters', 'aria-label': 'Filter anomalies', onsubmit: ((e: Event) => e.preventDefault()) as EventListener },
        selectField('Severity', 'severity', [{ value: '', label: 'all' }, ...(['high', 'medium', 'low'] as const).map((s) => ({ value: s, label: s }))], p.severity ?? '', (v) => ctx.navigate({ severity: v || null, sel: null })),
        selectField('Rule', 'rule', [{ value: '', label: 'all' }, ...rules.map((r) => ({ value: r, label: r }))], p.rule ?? '', (v) => ctx.navigate({ rule: v || null, sel: null })),
        subjectFilter(ctx, p.q ?? ''),
      ),
    );
    if (items.length === 0) {
      root.append(h('p', { class: 'empty', role: 'status' }, 'No anomalies match these filters and dates.'));
      return root;
    }
    const selected = items.find((i) => i.id === p.sel) ?? items[0];
    root.append(h('div', { class: 'anomaly-layout' }, list(ctx, items, sort, dir, selected), contextPanel(selected)));
    return root;
  },
};

function subjectFilter(ctx: ViewContext, value: string): HTMLElement {
  const input = h('input', { type: 'search', id: 'f-q', name: 'q', value, placeholder: 'pseudonym or household' });
  input.addEventListener('change', () => ctx.navigate({ q: input.value.trim() || null, sel: null }));
  return h('label', { class: 'field', for: 'f-q' }, h('span', {}, 'Subject'), input);
}

function totals(a: Anomalies): HTMLElement {
  const rows = [...a.totals].sort((x, y) => SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity] || y.count - x.count);
  return h(
    'details',
    { class: 'totals' },
    h('summary', {}, 'Counts by rule and severity'),
    tableWrap('Anomaly counts', simpleTable('Anomalies by rule and severity', ['Rule', 'Severity', 'Count'], rows.map((t) => [t.rule, t.severity, f.num(t.count)]), [false, false, true])),
  );
}

function list(ctx: ViewContext, items: AnomalyItem[], sort: SortKey, dir: 'asc' | 'desc', selected: AnomalyItem): HTMLElement {
  const head = COLUMNS.map((c) =>
    h(
      'th',
      { scope: 'col', class: c.numeric ? 'num' : null, 'aria-sort': c.key === sort ? (dir === 'asc' ? 'ascending' : 'descending') : null },
      h(
        'button',
        {
          type: 'button',
          class: 'sort',
          'data-sort': c.key,
          onclick: (() => ctx.navigate({ sort: c.key, dir: c.key === sort && dir === 'desc' ? 'asc' : 'desc' })) as EventListener,
        },
        c.label,
        h('span', { 'aria-hidden': 'true' }, c.key === sort ? (dir === 'asc' ? ' ▲' : ' ▼') : ''),
      ),
    ),
  );
  const rows = items.slice(0, LIMIT).map((i) =>
    h(
      'tr',
      { 'data-anomaly': i.id, class: i.id === selected.id ? 'selected' : null },
      h('td', {}, h('a', { href: ctx.href({ sel: i.id }), 'aria-current': i.id === selected.id ? 'true' : null }, f.dateTime(i.time))),
      h('td', {}, i.subjectType === 'meter' ? h('a', { href: ctx.href({ meter: i.subject }, 'consumption') }, i.subject) : `${i.subjectType} ${i.subject}`),
      h('td', {}, i.rule),
      h('td', {}, h('span', { class: `sev sev-${i.severity}` }, i.severity)),
      h('td', { class: 'num' }, f.num(i.value, 3)),
      h('td', { class: 'num' }, f.num(i.expected, 3)),
      h('td', { class: 'num' }, f.num(i.score, 1)),
    ),
  );
  return tableWrap(
    'Anomaly list',
    h(
      'table',
      { id: 'anomaly-table' },
      h('caption', {}, `${f.num(items.length)} matching ${items.length === 1 ? 'anomaly' : 'anomalies'}${items.length > LIMIT ? `, first ${LIMIT} shown` : ''}`),
      h('thead', {}, h('tr', {}, head)),
      h('tbody', {}, rows),
    ),
  );
}

function contextPanel(i: AnomalyItem): HTMLElement {
  return h(
    'aside',
    { class: 'context', 'aria-label': 'Selected anomaly' },
    h('h2', {}, `${i.rule} · ${i.subject}`),
    h('p', {}, `${f.dateTime(i.time)}: actual ${f.num(i.value, 3)}, expected ${f.num(i.expected, 3)}, severity `, h('span', { class: `sev sev-${i.severity}` }, i.severity), '.'),
    i.context.t.length
      ? chartFigure({
          id: 'chart-anomaly-context',
          title: `Context around the anomaly`,
          type: 'line',
          labels: i.context.t.map((t) => (t.length > 10 ? f.shortHour(t) : t)),
          series: [
            { label: 'Value', data: i.context.v, color: 1 },
            ...(i.expected !== null ? [{ label: 'Expected', data: i.context.t.map(() => i.expected), color: 5, dashed: true }] : []),
          ],
          xLabel: 'Time (UTC)',
          digits: 3,
          small: true,
        })
      : h('p', { class: 'empty' }, 'No context values published for this anomaly.'),
  );
}
