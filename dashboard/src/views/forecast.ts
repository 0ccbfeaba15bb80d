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
    const tz = g.timezone ?? f.getDisplayZone();
    root.append(
      h(
        'p',
        { class: 'lead' },
        `Hourly energy for the next ${g.points.t.length} hours from ${f.dateTime(g.points.t[0], tz)} — the first hour after the last reading — with 80% and 95% prediction intervals. Times in ${f.zoneName(tz)}.`,
      ),
      h(
        'form',
        { class: 'filters', 'aria-label': 'Forecast group', onsubmit: ((e: Event) => e.preventDefault()) as EventListener },
        selectField('Group', 'group', groups.map((x) => ({ value: x.group, label: x.group })), g.group, (v) => ctx.navigate({ group: v })),
      ),
      quality(g),
      chart(g, tz),
      backtest(g),
    );
    return root;
  },
};

const HOUR = 3_600_000;

/**
 * Actuals and forecast on one time axis (linear in ms, ticks at local midnights): every hour from the
 * first actual shown to the last forecast hour has a slot, so a missing hour — in the data, or between
 * the last reading and the first forecast — is a visible gap, not a squeezed neighbour.
 */
function chart(g: ForecastGroup, tz: string): HTMLElement {
  const ht = g.history.t.slice(-HISTORY_HOURS).map(f.parseInstant);
  const hv = g.history.kwh.slice(-HISTORY_HOURS);
  const ft = g.points.t.map(f.parseInstant);
  const first = ht.length ? Math.min(ht[0]!, ft[0]!) : ft[0]!;
  const last = ft[ft.length - 1]!;
  const x: number[] = [];
  for (let t = first; t <= last; t += HOUR) x.push(t);
  const at = (times: number[], values: number[]) => {
    const byTime = new Map(times.map((t, i) => [t, values[i]!]));
    return x.map((t) => byTime.get(t) ?? null);
  };
  const missing = ft[0]! - (ht.length ? ht[ht.length - 1]! + HOUR : ft[0]!);
  return chartFigure({
    id: 'chart-forecast',
    title: `Forecast for ${g.group} (${g.chosenModel})`,
    type: 'line',
    labels: x.map((t) => f.localShort(t, tz)),
    x,
    timeZone: tz,
    // Band order matters: each upper bound fills down to the dataset just before it.
    series: [
      { label: 'Forecast kWh', data: at(ft, g.points.yhat), color: 1 },
      { label: 'Actual kWh', data: at(ht, hv), color: 2 },
      { label: '95% low', data: at(ft, g.points.lo95), color: 1, band: true },
      { label: '95% high', data: at(ft, g.points.hi95), color: 1, band: true, fill: '-1' },
      { label: '80% low', data: at(ft, g.points.lo80), color: 1, band: true },
      { label: '80% high', data: at(ft, g.points.hi80), color: 1, band: true, fill: '-1' },
    ],
    yLabel: 'kWh per hour',
    xLabel: `Hour (${f.zoneName(tz)})`,
    unit: 'kWh',
    digits: 1,
    note:
      `Shaded: 80% (darker) and 95% prediction intervals. The first ${ht.length} hours are actuals` +
      (missing > 0 ? `; ${Math.round(missing / HOUR)} hours between the last actual shown and the forecast have no data.` : '.'),
  });
}

/** Whether the published model is worth more than "same hour last week", and whether its intervals hold. */
function quality(g: ForecastGroup): HTMLElement {
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${f.num(x * 100, 0)}%`);
  const cover = g.coverage;
  const parts: (string | HTMLElement)[] = [];
  if (g.beatsSeasonalNaive === false) {
    parts.push(
      h('strong', { 'data-beats-naive': 'false' }, 'No better than the seasonal naive: '),
      'in the backtest, no model forecast this group better than repeating the same hour of last week. Treat the forecast as that baseline.',
    );
  } else if (g.beatsSeasonalNaive) {
    parts.push(h('span', { 'data-beats-naive': 'true' }, 'In the backtest this model beat the seasonal naive forecast (same hour last week).'));
  }
  if (cover) {
    parts.push(
      ` In the backtest the 80% interval held ${pct(cover.p80)} of the time and the 95% interval ${pct(cover.p95)}` +
        (cover.p80 !== null && Math.abs(cover.p80 - 0.8) > 0.1 ? ' — read the 80% band with care.' : '.'),
    );
  }
  return h('p', { class: g.beatsSeasonalNaive === false ? 'banner banner-warn' : 'note', 'data-forecast-quality': '' }, ...parts);
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
      chosen
        ? ` — MAPE ${f.num(chosen.mape, 2)}%, MASE ${f.num(chosen.mase, 2)}. MASE divides the forecast's error by the in-sample error of "same hour last week" on the training data: below 1 beats that in-sample seasonal naive; the seasonal-naive model's own row shows what the naive achieved out of sample.`
        : '.',
    ),
    tableWrap(
      'Backtest errors',
      simpleTable(
        'Backtest error by model (lower is better)',
        ['Model', 'MAPE (%)', 'MASE (vs in-sample seasonal naive)'],
        rows.map((b) => [b.model === g.chosenModel ? `${b.model} (chosen)` : b.model, f.num(b.mape, 2), f.num(b.mase, 3)]),
        [false, true, true],
      ),
    ),
  );
}
