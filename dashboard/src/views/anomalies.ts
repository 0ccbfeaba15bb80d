/**
 * Anomalies: a sortable, filterable list (severity, rule, subject, date range), each with one plain
 * sentence saying what happened (units included), its time on the meter's own clock, and a context
 * mini-chart of the selected one. Sort and filters live in the URL. Numbers per rule, and the score,
 * are explained in the selected anomaly's panel; the list fits a 1366 px screen and stacks on a phone.
 */
import type { Anomalies, AnomalyItem } from '../../../lambdas/contract/results';
import { chartFigure } from '../charts';
import { emptyState, errorState, h, selectField, simpleTable, tableWrap, withheldState } from '../dom';
import * as f from '../format';
import { inRange } from '../route';
import type { View, ViewContext } from './view';

const SEVERITY_RANK = { low: 1, medium: 2, high: 3 } as const;
const LIMIT = 200;

type SortKey = 'time' | 'subject' | 'rule' | 'severity' | 'reason';
const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'time', label: 'Time (local)' },
  { key: 'subject', label: 'Subject' },
  { key: 'rule', label: 'Rule' },
  { key: 'severity', label: 'Severity' },
  { key: 'reason', label: 'What happened' },
];

/** What the numbers of each rule mean, for the selected anomaly's panel. */
const RULE_HELP: Record<string, string> = {
  spike:
    'A half-hour far above what this meter usually uses at that time of the week. Score: how many of the meter’s typical deviations (robust, on a log scale) the reading lies above its usual value; 6 or more is flagged, and the reading must also exceed 1.5 × the highest half-hours the home reaches now and then.',
  stuck: 'The same reading repeated for hours: the register may be frozen. Score: the number of identical readings in a row.',
  gap: 'Readings missing while other meters reported. Score: the number of missing intervals.',
  level_shift:
    'Daily use away from the meter’s usual level for four days or more (new equipment, an empty home, a swapped meter). Values are kWh per day; score: the level’s ratio to the usual.',
};

function reasonOf(i: AnomalyItem): string {
  if (i.reason) return i.reason;
  return `actual ${f.num(i.value, 3)}, expected ${f.num(i.expected, 3)}, score ${f.num(i.score, 1)}`;
}

function timeOf(i: AnomalyItem): string {
  return i.subjectType === 'meter' ? f.dateTime(i.time, i.timezone) : i.time.slice(0, 7);
}

function compare(a: AnomalyItem, b: AnomalyItem, key: SortKey): number {
  if (key === 'severity') return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  if (key === 'reason') return reasonOf(a).localeCompare(reasonOf(b));
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
      h('td', {}, h('a', { href: ctx.href({ sel: i.id }), 'aria-current': i.id === selected.id ? 'true' : null }, timeOf(i))),
      h('td', {}, i.subjectType === 'meter' ? h('a', { href: ctx.href({ meter: i.subject, mark: i.id }, 'consumption') }, i.subject) : `${i.subjectType} ${i.subject}`),
      h('td', {}, i.rule),
      h('td', {}, h('span', { class: `sev sev-${i.severity}` }, i.severity)),
      h('td', { class: 'reason' }, reasonOf(i)),
    ),
  );
  // The CSV holds every matching anomaly (not only the rows shown), with the raw numbers and UTC time.
  const csv = () => [
    ['time_local', 'timezone', 'time_utc', 'subject', 'rule', 'severity', 'value', 'expected', 'score', 'what_happened'],
    ...items.map((i) => [timeOf(i), i.timezone ?? '', i.time, i.subject, i.rule, i.severity, String(i.value ?? ''), String(i.expected ?? ''), String(i.score ?? ''), reasonOf(i)]),
  ];
  return tableWrap(
    'Anomaly list',
    h(
      'table',
      { id: 'anomaly-table' },
      h('caption', {}, `${f.num(items.length)} matching ${items.length === 1 ? 'anomaly' : 'anomalies'}${items.length > LIMIT ? `, first ${LIMIT} shown` : ''}`),
      h('thead', {}, h('tr', {}, head)),
      h('tbody', {}, rows),
    ),
    csv,
  );
}

function contextPanel(i: AnomalyItem): HTMLElement {
  const tz = i.timezone ?? f.getDisplayZone();
  const meter = i.subjectType === 'meter';
  const units = meter ? (i.rule === 'level_shift' ? 'kWh per day' : 'kWh per 30 min') : 'per month';
  const t = i.context.t.map((x) => f.parseInstant(x));
  const timed = meter && t.every(Number.isFinite) && t.length > 1;
  const start = f.parseInstant(i.time);
  const end = i.end ? f.parseInstant(i.end) : NaN;
  return h(
    'aside',
    { class: 'context', 'aria-label': 'Selected anomaly' },
    h('h2', {}, `${i.rule} · ${i.subject}`),
    h('p', { 'data-reason': '' }, h('strong', {}, `${timeOf(i)}${Number.isFinite(end) ? ` to ${f.dateTime(i.end, tz)}` : ''}: `), reasonOf(i), ' Severity ', h('span', { class: `sev sev-${i.severity}` }, i.severity), '.'),
    RULE_HELP[i.rule] ? h('p', { class: 'zone-note' }, RULE_HELP[i.rule]!) : null,
    h('p', { class: 'zone-note' }, `Actual ${f.num(i.value, 3)}, expected ${f.num(i.expected, 3)} (${units}), score ${f.num(i.score, 2)}.`),
    i.context.t.length
      ? chartFigure({
          id: 'chart-anomaly-context',
          title: `Context around the anomaly`,
          type: 'line',
          labels: timed ? t.map((x) => f.localShort(x, tz)) : i.context.t,
          ...(timed ? { x: t, timeZone: tz, markers: [{ at: start, label: i.rule }, ...(Number.isFinite(end) ? [{ at: end, label: 'end' }] : [])] } : {}),
          series: [{ label: meter ? 'kWh per 30 min' : 'Value', data: i.context.v, color: 1 }],
          xLabel: meter ? `Time (${f.zoneName(tz)})` : 'Month',
          digits: 3,
          small: true,
          note: i.rule === 'gap' ? 'The missing period lies between the dashed lines.' : undefined,
        })
      : h('p', { class: 'empty' }, 'No context values published for this anomaly.'),
  );
}
