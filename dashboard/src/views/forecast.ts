/** Forecast: the next 168 hours with 80%/95% bands, recent actuals, and the models' backtest errors. */
import type { Forecast, ForecastGroup } from '../../../lambdas/contract/results';
import { chartFigure } from '../charts';
import { emptyState, errorState, h, selectField, simpleTable, tableWrap } from '../dom';
import * as f from '../format';
import type { View } from './view';

/** Actuals shown before the forecast: two days of context keep the 168 h readable. */
const HISTORY_HOURS = 48;

export const forecastView: View = {
  name: 'forecast',
  title: 'Forecast',
  async render(ctx) {
    const root = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: -1 }, 'Forecast'));
    const res = await ctx.data.load<Forecast>('forecast.json');
    if (res.status !== 'ok' || res.data.groups.length === 0) {
      root.append(res.status === 'error' ? errorState(res.file, res.message) : emptyState('forecast', res.file, res.status === 'ok' ? 'A forecast needs regular hourly history (about two weeks); it appears once the warehouse holds enough.' : undefined));
      return root;
    }
    const groups = res.data.groups;
    const g = groups.find((x) => x.group === ctx.route.params.group) ?? groups.find((x) => x.group === 'fleet') ?? groups[0];
    root.append(
      h('p', { class: 'lead' }, `Hourly energy for the next ${g.points.t.length} hours from ${f.dateTime(res.data.issuedFor)}, with 80% and 95% prediction intervals.`),
      h(
        'form',
        { class: 'filters', 'aria-label': 'Forecast group', onsubmit: ((e: Event) => e.preventDefault()) as EventListener },
        selectField('Group', 'group', groups.map((x) => ({ value: x.group, label: x.group })), g.group, (v) => ctx.navigate({ group: v })),
      ),
      chart(g),
      backtest(g),
    );
    return root;
  },
};

function chart(g: ForecastGroup): HTMLElement {
  const ht = g.history.t.slice(-HISTORY_HOURS);
  const hv = g.history.kwh.slice(-HISTORY_HOURS);
  const n = g.points.t.length;
  const pad = <T>(before: number, values: T[], after: number): (T | null)[] => [...Array<null>(before).fill(null), ...values, ...Array<null>(after).fill(null)];
  const labels = [...ht, ...g.points.t].map(f.shortHour);
  return chartFigure({
    id: 'chart-forecast',
    title: `Forecast for ${g.group} (${g.chosenModel})`,
    type: 'line',
    labels,
    // Band order matters: each upper bound fills down to the dataset just before it.
    series: [
      { label: 'Forecast kWh', data: pad(ht.length, g.points.yhat, 0), color: 1 },
      { label: 'Actual kWh', data: pad(0, hv, n), color: 2 },
      { label: '95% low', data: pad(ht.length, g.points.lo95, 0), color: 1, band: true },
      { label: '95% high', data: pad(ht.length, g.points.hi95, 0), color: 1, band: true, fill: '-1' },
      { label: '80% low', data: pad(ht.length, g.points.lo80, 0), color: 1, band: true },
      { label: '80% high', data: pad(ht.length, g.points.hi80, 0), color: 1, band: true, fill: '-1' },
    ],
    yLabel: 'kWh per hour',
    xLabel: 'Hour (UTC)',
    unit: 'kWh',
    digits: 1,
    note: `Shaded: 80% (darker) and 95% prediction intervals; the last ${ht.length} hours are actuals.`,
  });
}

function backtest(g: ForecastGroup): HTMLElement {
  const rows = [...g.backtest].sort((a, b) => a.mase - b.mase);
  const chosen = g.backtest.find((b) => b.model === g.chosenModel);
  return h(
    'section',
    { class: 'backtest', 'aria-labelledby': 'backtest-title' },
    h('h2', { id: 'backtest-title' }, 'Backtest error'),
    h(
      'p',
      { 'data-chosen-model': g.chosenModel },
      `Chosen model: `,
      h('strong', {}, g.chosenModel),
      chosen ? ` — MAPE ${f.num(chosen.mape, 2)}%, MASE ${f.num(chosen.mase, 2)} (below 1 beats the seasonal naive forecast).` : '.',
    ),
    tableWrap(
      'Backtest errors',
      simpleTable(
        'Backtest error by model (lower is better)',
        ['Model', 'MAPE (%)', 'MASE'],
        rows.map((b) => [b.model === g.chosenModel ? `${b.model} (chosen)` : b.model, f.num(b.mape, 2), f.num(b.mase, 3)]),
        [false, true, true],
      ),
    ),
  );
}
