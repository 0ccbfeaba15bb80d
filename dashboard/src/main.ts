/**
 * The dashboard shell: navigation, the global date range, the freshness banner, and the hash router
 * that renders one view at a time. Every state a reader can reach is a URL (deep links).
 */
import type { Overview } from '../../lambdas/contract/results';
import { activateCharts, destroyCharts } from './charts';
import { DataSource } from './data';
import { h } from './dom';
import * as f from './format';
import { freshnessOf } from './freshness';
import { formatHash, parseHash, rangeOf, VIEWS, withParams, type Route, type ViewName } from './route';
import { anomaliesView } from './views/anomalies';
import { consumptionView } from './views/consumption';
import { emissionsView } from './views/emissions';
import { evView } from './views/ev';
import { flowView } from './views/flow';
import { forecastView } from './views/forecast';
import { marketView } from './views/market';
import { overviewView } from './views/overview';
import { pipelineView } from './views/pipeline';
import type { View, ViewContext } from './views/view';

const views: Record<ViewName, View> = {
  overview: overviewView,
  consumption: consumptionView,
  anomalies: anomaliesView,
  forecast: forecastView,
  market: marketView,
  emissions: emissionsView,
  ev: evView,
  pipeline: pipelineView,
  flow: flowView,
};

const data = new DataSource();
const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
const fromInput = document.getElementById('range-from') as HTMLInputElement;
const toInput = document.getElementById('range-to') as HTMLInputElement;
let renderSeq = 0;
let lastView: ViewName | null = null;
let renderCount = 0;

function current(): Route {
  return parseHash(location.hash);
}

function go(route: Route): void {
  const hash = formatHash(route);
  if (hash === location.hash) void render();
  else location.hash = hash;
}

function buildNav(): void {
  nav.replaceChildren(
    ...VIEWS.map((v, i) =>
      h('li', {}, h('a', { href: `#/${v}`, 'data-view': v, 'aria-keyshortcuts': String(i + 1) }, views[v].title)),
    ),
  );
}

function updateNav(route: Route): void {
  for (const a of nav.querySelectorAll<HTMLAnchorElement>('a[data-view]')) {
    const v = a.dataset.view as ViewName;
    // Links keep the date range when switching views; view-specific filters stay behind.
    a.href = formatHash({ view: v, params: pickRange(route.params) });
    if (v === route.view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const r = rangeOf(route);
  fromInput.value = r.from ?? '';
  toInput.value = r.to ?? '';
}

function pickRange(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (params.from) out.from = params.from;
  if (params.to) out.to = params.to;
  return out;
}

async function render(): Promise<void> {
  const seq = ++renderSeq;
  const route = current();
  updateNav(route);
  const view = views[route.view];
  document.title = `${view.title} — gridlake`;
  const ctx: ViewContext = {
    route,
    range: rangeOf(route),
    data,
    navigate: (patch, v) => go(withParams(route, patch, v)),
    href: (patch, v) => formatHash(withParams(v && v !== route.view ? { view: v, params: pickRange(route.params) } : route, patch, v)),
  };
  main.setAttribute('aria-busy', 'true');
  let content: HTMLElement;
  try {
    content = await view.render(ctx);
  } catch (e) {
    content = h('div', { class: 'error', role: 'alert' }, h('p', {}, h('strong', {}, `The ${view.title} view failed to render.`)), h('p', {}, (e as Error).message));
  }
  if (seq !== renderSeq) return; // a newer navigation won
  destroyCharts();
  main.replaceChildren(content);
  main.dataset.view = route.view;
  main.removeAttribute('aria-busy');
  activateCharts(main);
  main.dataset.ready = route.view;
  // A counter tests and the bench wait on, instead of sleeping.
  main.dataset.renders = String(++renderCount);
  // Move focus to the heading only on a view change, so filter changes keep the keyboard position.
  if (lastView !== null && lastView !== route.view) main.querySelector<HTMLElement>('h1')?.focus();
  lastView = route.view;
}

async function renderFreshness(): Promise<void> {
  const box = document.getElementById('freshness') as HTMLElement;
  const [ov, warning] = await Promise.all([data.load<Overview>('overview.json'), data.versionWarning()]);
  const parts: HTMLElement[] = [];
  if (warning) parts.push(h('p', { class: 'banner banner-warn' }, warning));
  if (ov.status === 'ok') {
    const fr = freshnessOf(ov.data, new Date());
    box.dataset.stale = String(fr.stale);
    parts.push(
      fr.stale
        ? h('p', { class: 'banner banner-stale', 'data-stale': 'true' }, h('strong', {}, 'Stale data: '), `${fr.reasons.join('; ')}. Figures may be out of date; check the `, h('a', { href: '#/pipeline' }, 'pipeline runs'), '.')
        : h(
            'p',
            { class: 'banner banner-fresh', 'data-stale': 'false' },
            `Newest reading ${f.dateTime(ov.data.latestReadingAt)}` +
              (fr.readingAgeHours > 24 * 14 ? ` (${f.age(fr.readingAgeHours)} ago: historical data)` : '') +
              `; published ${f.age((Date.now() - f.parseInstant(ov.data.generatedAt)) / 3_600_000)} ago.`,
          ),
    );
    const simulated = ov.data.simulatedSources ?? [];
    if (simulated.length) {
      parts.push(
        h('p', { class: 'banner banner-warn', 'data-simulated': simulated.join(',') }, h('strong', {}, 'Simulated data: '), `${simulated.join(', ')} ${simulated.length === 1 ? 'is' : 'are'} generated by the demo simulators, not measured.`),
      );
    }
  } else {
    box.dataset.stale = 'unknown';
    parts.push(h('p', { class: 'banner banner-warn' }, 'No overview published yet: run the pipeline (gridlake run) to produce data.'));
  }
  box.replaceChildren(...parts);
}

function wireRange(): void {
  const apply = () => go(withParams(current(), { from: fromInput.value || null, to: toInput.value || null }));
  fromInput.addEventListener('change', apply);
  toInput.addEventListener('change', apply);
  document.getElementById('range-clear')?.addEventListener('click', () => go(withParams(current(), { from: null, to: null })));
}

/** Keys 1–9 switch views (when not typing); the skip link focuses the content without touching the hash. */
function wireKeyboard(): void {
  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target as HTMLElement;
    if (t.closest('input, select, textarea, [contenteditable]')) return;
    const n = Number(e.key);
    if (Number.isInteger(n) && n >= 1 && n <= VIEWS.length) {
      e.preventDefault();
      go({ view: VIEWS[n - 1], params: pickRange(current().params) });
    }
  });
  document.querySelector('[data-skip]')?.addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
}

buildNav();
wireRange();
wireKeyboard();
window.addEventListener('hashchange', () => void render());
// Chart colours come from CSS variables: redraw when the system switches light/dark.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => void render());
// The fleet's timezone is the dashboard's clock: read it before the first view draws a time.
void data.load<Overview>('overview.json').then((ov) => {
  if (ov.status === 'ok') {
    f.setDisplayZone(ov.data.timezone);
    // The date range reaches from the first loaded day to the newest.
    if (ov.data.firstDay) fromInput.min = toInput.min = ov.data.firstDay;
    if (ov.data.asOfDay) fromInput.max = toInput.max = ov.data.asOfDay;
  }
  void renderFreshness();
  void render();
});
