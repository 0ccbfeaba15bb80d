/**
 * Market: per symbol, the close with 20/50-day moving averages, rolling volatility, drawdown, and
 * the Bayesian (Normal–Inverse-Gamma) 95% credible interval of the mean daily return.
 */
import type { Market, MarketSymbol } from '../../../lambdas/contract/results';
import { chartFigure } from '../charts';
import { emptyState, errorState, h, kpi, selectField } from '../dom';
import * as f from '../format';
import { inRange } from '../route';
import type { View } from './view';

export const marketView: View = {
  name: 'market',
  title: 'Market',
  async render(ctx) {
    const root = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: -1 }, 'Market'));
    const res = await ctx.data.load<Market>('market.json');
    if (res.status !== 'ok' || res.data.symbols.length === 0) {
      root.append(res.status === 'error' ? errorState(res.file, res.message) : emptyState('market statistics', res.file, res.status === 'ok' ? 'No prices are loaded for the configured symbols yet: run the market source (gridlake run --sources market).' : undefined));
      return root;
    }
    const symbols = res.data.symbols;
    const s = symbols.find((x) => x.symbol === ctx.route.params.symbol) ?? symbols[0];
    const idx = s.series.date.map((_, i) => i).filter((i) => inRange(s.series.date[i], ctx.range));
    const labels = idx.map((i) => s.series.date[i]);
    const pick = <T>(arr: T[]) => idx.map((i) => arr[i] ?? null);
    root.append(
      h(
        'form',
        { class: 'filters', 'aria-label': 'Symbol', onsubmit: ((e: Event) => e.preventDefault()) as EventListener },
        selectField('Symbol', 'symbol', symbols.map((x) => ({ value: x.symbol, label: x.symbol })), s.symbol, (v) => ctx.navigate({ symbol: v })),
      ),
      stats(s),
      meanReturn(s),
      chartFigure({
        id: 'chart-market-price',
        title: `${s.symbol} close and moving averages`,
        type: 'line',
        labels,
        series: [
          { label: 'Close', data: pick(s.series.close), color: 1 },
          { label: '20-day average', data: pick(s.series.ma20), color: 2, dashed: true },
          { label: '50-day average', data: pick(s.series.ma50), color: 3, dashed: true },
        ],
        yLabel: 'Price',
        xLabel: 'Trading day',
        digits: 2,
      }),
      h(
        'div',
        { class: 'grid-2' },
        chartFigure({
          id: 'chart-market-vol',
          title: `${s.symbol} 20-day volatility (annualised)`,
          type: 'line',
          labels,
          series: [{ label: 'Volatility', data: pick(s.series.vol20).map((v) => (v === null ? null : v * 100)), color: 4 }],
          yLabel: '%',
          xLabel: 'Trading day',
          unit: '%',
          digits: 1,
        }),
        chartFigure({
          id: 'chart-market-drawdown',
          title: `${s.symbol} drawdown from the running peak`,
          type: 'line',
          labels,
          series: [{ label: 'Drawdown', data: pick(s.series.drawdown).map((v) => (v === null ? null : v * 100)), color: 5, fill: 'origin' }],
          yLabel: '%',
          xLabel: 'Trading day',
          unit: '%',
          digits: 1,
        }),
      ),
    );
    return root;
  },
};

function stats(s: MarketSymbol): HTMLElement {
  return h(
    'dl',
    { class: 'kpis' },
    kpi('Last close', f.num(s.series.close[s.series.close.length - 1] ?? null, 2), s.series.date[s.series.date.length - 1]),
    kpi('Maximum drawdown', f.pct(s.maxDrawdown)),
    kpi('Annualised volatility', f.pct(s.annualisedVolatility)),
    kpi('Correlation with consumption', f.num(s.correlationWithConsumption, 2), 'daily returns vs fleet energy'),
  );
}

/**
 * The number line of the credible interval: symmetric around zero, out to the interval's farther end
 * plus a margin, with labelled ticks at both ends and zero. A line fitted to the interval itself would
 * always fill the width, so only the markers would move; on this one the band's width and where it
 * sits against zero both read at a glance.
 */
export function intervalScale(lo95: number, hi95: number): { at: (v: number) => number; ticks: number[] } {
  const reach = Math.max(Math.abs(lo95), Math.abs(hi95)) * 1.25 || 1e-4;
  return { at: (v: number) => Math.min(100, Math.max(0, ((v + reach) / (2 * reach)) * 100)), ticks: [-reach, 0, reach] };
}

/** The credible interval drawn on a number line with zero marked, plus the sentence that says it. */
function meanReturn(s: MarketSymbol): HTMLElement {
  const m = s.meanReturn;
  if (!m) return h('p', { class: 'empty' }, 'Not enough returns yet for the Bayesian estimate of the mean daily return.');
  const scale = intervalScale(m.lo95, m.hi95);
  const x = (v: number) => `${scale.at(v).toFixed(2)}%`;
  const sentence = `Mean daily return ${f.pct(m.mean, 3)}, 95% credible interval ${f.pct(m.lo95, 3)} to ${f.pct(m.hi95, 3)} (n = ${f.num(m.n)} days).`;
  return h(
    'figure',
    { class: 'interval', 'data-chart': 'mean-return' },
    h('figcaption', {}, h('span', { class: 'chart-title' }, 'Bayesian estimate of the mean daily return'), h('span', { class: 'chart-summary' }, sentence)),
    h(
      'div',
      { class: 'interval-line', role: 'img', 'aria-label': sentence },
      h('span', { class: 'interval-band', style: `left:${x(m.lo95)};width:calc(${x(m.hi95)} - ${x(m.lo95)})` }),
      h('span', { class: 'interval-zero', style: `left:${x(0)}` }),
      h('span', { class: 'interval-mean', style: `left:${x(m.mean)}` }),
    ),
    h(
      'div',
      { class: 'interval-ticks', 'aria-hidden': 'true' },
      scale.ticks.map((t) => h('span', { style: `left:${x(t)}` }, t === 0 ? '0' : f.pct(t, 2))),
    ),
    h('p', { class: 'help' }, 'Band: the 95% credible interval; solid line: the mean; dashed line: zero.'),
  );
}
