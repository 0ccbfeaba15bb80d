/** Overview: the KPIs a stakeholder checks first, freshness, and the fleet's recent days. */
import type { Consumption, Overview } from '../../../lambdas/contract/results';
import { chartFigure } from '../charts';
import { emptyState, errorState, h, kpi } from '../dom';
import * as f from '../format';
import { freshnessOf } from '../freshness';
import { inRange, type DateRange } from '../route';
import type { View } from './view';

export const overviewView: View = {
  name: 'overview',
  title: 'Overview',
  async render(ctx) {
    const [ov, cons] = await Promise.all([ctx.data.load<Overview>('overview.json'), ctx.data.load<Consumption>('consumption.json')]);
    const root = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: -1 }, 'Overview'));
    if (ov.status === 'missing') root.append(emptyState('overview', ov.file));
    else if (ov.status === 'error') root.append(errorState(ov.file, ov.message));
    else {
      const ranged = ctx.range.from || ctx.range.to ? rangeEnergy(cons.status === 'ok' ? cons.data.fleetDaily : null, ctx.range) : null;
      root.append(kpis(ov.data, ranged, ctx.href({}, 'consumption'), ctx.href({}, 'anomalies'), ctx.href({}, 'pipeline')));
      if (ctx.range.from || ctx.range.to)
        root.append(
          h(
            'p',
            { class: 'help', 'data-range-note': '' },
            `The date range sets the energy figures and the chart. Active meters, open anomalies, emissions and freshness are as of ${ov.data.asOfDay ?? 'the newest data'}, the newest data.`,
          ),
        );
    }

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

/** The energy KPIs of the header's date range, from the fleet's daily totals. */
interface RangeEnergy {
  lastDay: string | null;
  lastDayKwh: number | null;
  label: string;
  days: number;
  totalKwh: number | null;
  /** The same number of days just before the range, when all of them are published. */
  prevKwh: number | null;
}

export function rangeEnergy(d: Consumption['fleetDaily'] | null, range: DateRange): RangeEnergy {
  const idx = d ? d.day.map((_, i) => i).filter((i) => inRange(d.day[i]!, range)) : [];
  const label = `${range.from ?? 'first day'} to ${range.to ?? 'last day'}`;
  if (!d || !idx.length) return { lastDay: null, lastDayKwh: null, label, days: 0, totalKwh: null, prevKwh: null };
  const first = idx[0]!;
  const last = idx.at(-1)!;
  const n = idx.length;
  const sum = (ix: number[]) => Math.round(ix.reduce((s, i) => s + d.totalKwh[i]!, 0) * 1000) / 1000;
  // Consecutive days before the range (fleetDaily holds one entry per day with data).
  const before = first >= n ? d.day.slice(first - n, first).map((_, j) => first - n + j) : [];
  return { lastDay: d.day[last]!, lastDayKwh: d.totalKwh[last]!, label, days: n, totalKwh: sum(idx), prevKwh: before.length === n ? sum(before) : null };
}

function energyKpis(o: Overview, r: RangeEnergy | null, consumptionHref: string): HTMLElement[] {
  const k = o.kpis;
  if (r) {
    const change = r.totalKwh !== null && r.prevKwh ? r.totalKwh / r.prevKwh - 1 : null;
    return [
      kpi('Energy on ' + (r.lastDay ?? 'the last day of the range'), f.energy(r.lastDayKwh), h('a', { href: consumptionHref }, 'Consumption'), { 'data-kpi': 'energy-today' }),
      kpi(
        `Energy, ${r.label}`,
        f.energy(r.totalKwh),
        r.days ? (r.prevKwh === null ? `${r.days} days with data` : `${f.signedPct(change)} vs the ${r.days} days before (${f.energy(r.prevKwh)})`) : 'no data in this range',
        { 'data-kpi': 'energy-30' },
      ),
    ];
  }
  const change = k.energyLast30Kwh !== null && k.energyPrev30Kwh ? k.energyLast30Kwh / k.energyPrev30Kwh - 1 : null;
  return [
    kpi('Energy on ' + (o.asOfDay ?? 'the last day'), f.energy(k.energyTodayKwh), h('a', { href: consumptionHref }, 'Consumption'), { 'data-kpi': 'energy-today' }),
    kpi(
      'Energy, last 30 days',
      f.energy(k.energyLast30Kwh),
      k.energyPrev30Kwh ? `${f.signedPct(change)} vs previous 30 days (${f.energy(k.energyPrev30Kwh)})` : 'no data for the 30 days before',
      { 'data-kpi': 'energy-30' },
    ),
  ];
}

function kpis(o: Overview, ranged: RangeEnergy | null, consumptionHref: string, anomaliesHref: string, pipelineHref: string): HTMLElement {
  const k = o.kpis;
  const fresh = freshnessOf(o, new Date());
  return h(
    'dl',
    { class: 'kpis' },
    energyKpis(o, ranged, consumptionHref),
    kpi('Active meters', f.num(k.activeMeters), undefined, { 'data-kpi': 'active-meters' }),
    // "Open" would promise an acknowledge/close state there is none of: say what is counted.
    kpi(
      'Anomalies, last 7 days',
      f.num(k.openAnomalies),
      h('span', {}, `of data to ${o.asOfDay ?? 'the newest day'}, and this month’s threshold breaches. `, h('a', { href: anomaliesHref }, 'See the list')),
      { 'data-kpi': 'open-anomalies' },
    ),
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
