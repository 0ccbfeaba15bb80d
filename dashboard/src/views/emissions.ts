/** Emissions: kgCO2e by building, energy type and month, with the emission factors and their source. */
import type { Emissions } from '../../../lambdas/contract/results';
import { chartFigure, type Series } from '../charts';
import { emptyState, errorState, h, selectField, simpleTable, tableWrap } from '../dom';
import * as f from '../format';
import { monthInRange } from '../route';
import type { View } from './view';

export const emissionsView: View = {
  name: 'emissions',
  title: 'Emissions',
  async render(ctx) {
    const root = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: -1 }, 'Emissions'));
    const res = await ctx.data.load<Emissions>('emissions.json');
    if (res.status !== 'ok' || res.data.rows.length === 0) {
      root.append(res.status === 'error' ? errorState(res.file, res.message) : emptyState('emissions', res.file, res.status === 'ok' ? 'Emissions come from utility usage, and none is loaded yet: run the utilities source (gridlake run --sources utilities).' : undefined));
      return root;
    }
    const e = res.data;
    const p = ctx.route.params;
    const buildings = [...new Set(e.rows.map((r) => r.building))].sort((a, b) => a - b);
    const types = [...new Set(e.rows.map((r) => r.energyType))].sort();
    const rows = e.rows.filter((r) => monthInRange(r.month, ctx.range) && (!p.building || String(r.building) === p.building) && (!p.energy || r.energyType === p.energy));
    const months = [...new Set(rows.map((r) => r.month.slice(0, 7)))].sort();
    const shownTypes = types.filter((t) => !p.energy || t === p.energy);
    const shownBuildings = buildings.filter((b) => !p.building || String(b) === p.building);

    const sumBy = (keyOf: (r: (typeof rows)[number]) => string) => {
      const m = new Map<string, number>();
      for (const r of rows) m.set(keyOf(r), (m.get(keyOf(r)) ?? 0) + r.emissionKg);
      return m;
    };
    const byBuildingType = sumBy((r) => `${r.building}|${r.energyType}`);
    const byMonthType = sumBy((r) => `${r.month.slice(0, 7)}|${r.energyType}`);
    const total = rows.reduce((s, r) => s + r.emissionKg, 0);
    const stackSeries = (keys: string[], map: Map<string, number>): Series[] =>
      shownTypes.map((t, i) => ({ label: t, data: keys.map((k) => map.get(`${k}|${t}`) ?? 0), color: i + 1, stack: 'e' }));

    root.append(
      h('p', { class: 'lead' }, `${f.kg(total)} in the selected months and buildings.`),
      // Utility usage arrives as one figure per month (a bill), so the newest month is already whole.
      h('p', { class: 'help', 'data-month-note': '' }, 'Each month is the usage reported for the whole month (utility usage comes as monthly totals), not month to date: the newest month can exceed the one before on its first day.'),
      h(
        'form',
        { class: 'filters', 'aria-label': 'Filter emissions', onsubmit: ((ev: Event) => ev.preventDefault()) as EventListener },
        selectField('Building', 'building', [{ value: '', label: 'all' }, ...buildings.map((b) => ({ value: String(b), label: String(b) }))], p.building ?? '', (v) => ctx.navigate({ building: v || null })),
        selectField('Energy type', 'energy', [{ value: '', label: 'all' }, ...types.map((t) => ({ value: t, label: t }))], p.energy ?? '', (v) => ctx.navigate({ energy: v || null })),
      ),
    );
    if (rows.length === 0) {
      root.append(h('p', { class: 'empty', role: 'status' }, 'No emissions in the selected months and buildings.'));
      return root;
    }
    const bKeys = shownBuildings.map(String);
    root.append(
      h(
        'div',
        { class: 'grid-2' },
        chartFigure({ id: 'chart-emissions-building', title: 'Emissions by building', type: 'bar', labels: bKeys, series: stackSeries(bKeys, byBuildingType), stacked: true, yLabel: 'kg CO₂e', xLabel: 'Building', unit: 'kg', digits: 0 }),
        chartFigure({ id: 'chart-emissions-month', title: 'Emissions by month', type: 'bar', labels: months, series: stackSeries(months, byMonthType), stacked: true, yLabel: 'kg CO₂e', xLabel: 'Month', unit: 'kg', digits: 0 }),
      ),
      tableWrap(
        'Emissions by building and energy type',
        simpleTable(
          'Emissions by building and energy type (kg CO₂e)',
          ['Building', ...shownTypes, 'Total'],
          shownBuildings.map((b) => {
            const vals = shownTypes.map((t) => byBuildingType.get(`${b}|${t}`) ?? 0);
            return [String(b), ...vals.map((v) => f.num(v)), f.num(vals.reduce((s, v) => s + v, 0))];
          }),
          [false, ...shownTypes.map(() => true), true],
        ),
      ),
      h('h2', {}, 'Emission factors'),
      tableWrap('Emission factors', factorTable(e)),
    );
    return root;
  },
};

/** The factors with their (long) source notes, which wrap instead of widening the table. */
function factorTable(e: Emissions): HTMLTableElement {
  const t = simpleTable('Emission factors used', ['Energy type', 'kg CO₂e per unit', 'Unit', 'Source'], e.factors.map((x) => [x.energyType, f.num(x.factor, 4), x.unit, x.source]), [false, true, false, false]);
  t.classList.add('factors');
  return t;
}
