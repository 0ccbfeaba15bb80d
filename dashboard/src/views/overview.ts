/** Overview: the KPIs a stakeholder checks first, freshness, and the fleet's recent days. */
import type { Consumption, Overview } from '../../../lambdas/contract/results';
import { chartFigure } from '../charts';
import { emptyState, errorState, h, kpi } from '../dom';
import * as f from '../format';
import { freshnessOf } from '../freshness';
import { inRange } from '../route';
import type { View } from './view';

export const overviewView: View = {
  name: 'overview',
  title: 'Overview',
  async render(ctx) {
    const [ov, cons] = await Promise.all([ctx.data.load<Overview>('overview.json'), ctx.data.load<Consumption>('consumption.json')]);
    const root = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: -1 }, 'Overview'));
    if (ov.status === 'missing') root.append(emptyState('overview', ov.file));
    else if (ov.status === 'error') root.append(errorState(ov.file, ov.message));
    else root.append(kpis(ov.data, ctx.href({}, 'consumption'), ctx.href({}, 'anomalies'), ctx.href({}, 'pipeline')));

    if (cons.status === 'ok') {
      const d = cons.data.fleetDaily;
      const idx = d.day.map((_, i) => i).filter((i) => inRange(d.day[i], ctx.range)).slice(-30);
      root.append(
        h('h2', {}, 'Fleet energy, recent days'),
        chartFigure({
          id: 'chart-overview-daily',
          title: 'Fleet energy per day',
          type: 'bar',
          labels: idx.map((i) => d.day[i]),
          series: [{ label: 'Total kWh', data: idx.map((i) => d.totalKwh[i]) }],
          yLabel: 'kWh',
          xLabel: 'Day',
          unit: 'kWh',
        }),
      );
    } else if (cons.status === 'error') root.append(errorState(cons.file, cons.message));
    return root;
  },
};

function monthName(month: string): string {
  return new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
}

function kpis(o: Overview, consumptionHref: string, anomaliesHref: string, pipelineHref: string): HTMLElement {
  const k = o.kpis;
  const change = k.energyLast30Kwh !== null && k.energyPrev30Kwh ? k.energyLast30Kwh / k.energyPrev30Kwh - 1 : null;
  const fresh = freshnessOf(o, new Date());
  return h(
    'dl',
    { class: 'kpis' },
    kpi('Energy on ' + (o.asOfDay ?? 'the last day'), f.energy(k.energyTodayKwh), h('a', { href: consumptionHref }, 'Consumption'), { 'data-kpi': 'energy-today' }),
    kpi('Energy, last 30 days', f.energy(k.energyLast30Kwh), `${f.signedPct(change)} vs previous 30 days (${f.energy(k.energyPrev30Kwh)})`, { 'data-kpi': 'energy-30' }),
    kpi('Active meters', f.num(k.activeMeters), undefined, { 'data-kpi': 'active-meters' }),
    kpi('Open anomalies', f.num(k.openAnomalies), h('a', { href: anomaliesHref }, 'See the list'), { 'data-kpi': 'open-anomalies' }),
    kpi(
      o.emissionsMonth ? `Emissions, ${monthName(o.emissionsMonth)}` : 'Emissions, latest month',
      f.kg(k.emissionsThisMonthKg),
      o.emissionsMonth ? 'the month’s usage as billed' + ((o.simulatedSources ?? []).includes('utilities') ? ' (simulated)' : '') : 'no usage data for this month',
      { 'data-kpi': 'emissions-month' },
    ),
    kpi(
      'Last successful run',
      o.lastSuccessfulRun ? f.dateTime(o.lastSuccessfulRun.finishedAt) : 'none yet',
      h('a', { href: pipelineHref }, o.lastSuccessfulRun ? o.lastSuccessfulRun.runId : 'Pipeline'),
      { 'data-kpi': 'last-run', class: fresh.stale ? 'kpi stale' : 'kpi' },
    ),
    kpi(
      'Latest reading',
      f.dateTime(o.latestReadingAt),
      fresh.stale
        ? `Stale: ${fresh.reasons.join('; ')}`
        : o.nextRunDueAt
          ? `Up to date: next run due by ${f.dateTime(o.nextRunDueAt)}`
          : `Fresh (a run within ${o.staleAfterHours} h)`,
      { 'data-kpi': 'freshness', class: fresh.stale ? 'kpi stale' : 'kpi fresh' },
    ),
  );
}
