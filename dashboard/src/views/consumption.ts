/**
 * Consumption: fleet daily totals and the hourly load profile, and the per-customer detail (pick a
 * pseudonymised meter; daily totals, the 30-minute profile of a chosen day, the daily values table).
 */
import type { Anomalies, AnomalyItem, Consumption, MeterDetail, MeterSummary } from '../../../lambdas/contract/results';
import { chartFigure } from '../charts';
import { emptyState, errorState, h, tableWrap, withheldState } from '../dom';
import * as f from '../format';
import { inRange } from '../route';
import type { View, ViewContext } from './view';

const LIST_LIMIT = 25;

export const consumptionView: View = {
  name: 'consumption',
  title: 'Consumption',
  async render(ctx) {
    const root = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: -1 }, 'Consumption'));
    const cons = await ctx.data.load<Consumption>('consumption.json');
    if (cons.status !== 'ok') {
      root.append(cons.status === 'missing' ? emptyState('consumption data', cons.file) : errorState(cons.file, cons.message));
      return root;
    }
    const c = cons.data;

    const idx = c.fleetDaily.day.map((_, i) => i).filter((i) => inRange(c.fleetDaily.day[i], ctx.range));
    const w = c.window;
    if (w) {
      // The default window says what it hides: customers cover the last historyDays days only.
      const hidden = w.firstDay && w.firstDay <= w.fromDay;
      root.append(
        h(
          'p',
          { class: 'note', 'data-window': `${w.fromDay}..${w.toDay}` },
          `Data from ${w.firstDay ?? '—'} to ${w.toDay} (local days). The fleet chart covers all of it; customers, their table and the load profile cover the last ${w.historyDays} days (after ${w.fromDay})` +
            (hidden ? `, so days up to ${w.fromDay} are not in them here — query them with gridlake sql, or raise analysis.historyDays.` : '.'),
        ),
      );
    }
    root.append(
      h(
        'div',
        { class: 'grid-2' },
        chartFigure({
          id: 'chart-fleet-daily',
          title: 'Fleet total per day',
          type: 'bar',
          labels: idx.map((i) => c.fleetDaily.day[i]),
          series: [{ label: 'Total kWh', data: idx.map((i) => c.fleetDaily.totalKwh[i]) }],
          yLabel: 'kWh',
          xLabel: 'Day',
          unit: 'kWh',
        }),
        chartFigure({
          id: 'chart-load-profile',
          title: 'Average load profile by hour of day',
          type: 'line',
          labels: c.loadProfile.hour.map((hr) => `${String(hr).padStart(2, '0')}:00`),
          series: [{ label: 'Average kWh per 30 min', data: c.loadProfile.avgIntervalKwh, color: 2 }],
          yLabel: 'kWh per 30 min',
          xLabel: `Hour (${f.zoneName()})`,
          unit: 'kWh',
          digits: 3,
        }),
      ),
    );
    const withheld = await ctx.data.withheld();
    root.append(withheld ? withheldState('Customer detail', withheld) : await customerSection(ctx, c));
    return root;
  },
};

async function customerSection(ctx: ViewContext, c: Consumption): Promise<HTMLElement> {
  const section = h('section', { class: 'customer', 'aria-labelledby': 'customer-title' }, h('h2', { id: 'customer-title' }, 'Customer detail'));
  const known = new Set(c.meters.map((m) => m.id));
  const q = ctx.route.params.q ?? '';
  const input = h('input', { type: 'search', id: 'meter-search', name: 'q', value: q, list: 'meter-ids', autocomplete: 'off', placeholder: 'c-…', 'aria-describedby': 'meter-search-help' });
  const list = h('div', { class: 'meter-list' });
  const fill = (text: string) => list.replaceChildren(meterList(ctx, c.meters, text));
  fill(q);
  input.addEventListener('input', () => fill(input.value));
  const form = h(
    'form',
    {
      class: 'search',
      role: 'search',
      onsubmit: ((e: Event) => {
        e.preventDefault();
        const v = input.value.trim();
        ctx.navigate(known.has(v) ? { meter: v, day: null, q: null } : { q: v || null });
      }) as EventListener,
    },
    h('label', { for: 'meter-search' }, 'Find a customer'),
    input,
    h('button', { type: 'submit' }, 'Show'),
    h('p', { id: 'meter-search-help', class: 'help' }, `Customers are pseudonymised; ${publishedNote(c, f.num)} Type part of a pseudonym, or an area or tariff code (such as a1 or t2).`),
    h('datalist', { id: 'meter-ids' }, c.meters.map((m) => h('option', { value: m.id }))),
  );
  section.append(form, list);

  const id = ctx.route.params.meter;
  if (!id) return section;
  const [res, anomalies] = await Promise.all([ctx.data.loadMeter<MeterDetail>(id, known), ctx.data.load<Anomalies>('anomalies.json')]);
  const mine = anomalies.status === 'ok' ? anomalies.data.items.filter((a) => a.subjectType === 'meter' && a.subject === id) : [];
  if (res.status === 'missing') section.append(h('p', { class: 'empty', role: 'status' }, `No customer ${id} in this publication. Pick one from the list.`));
  else if (res.status === 'error') section.append(errorState(res.file, res.message));
  else section.append(meterDetail(ctx, res.data, mine));
  return section;
}

/**
 * How many customers the list holds: all of them, or — past analysis.publishedCustomers — the largest
 * by consumption out of how many (the others are in the warehouse only, docs/DASHBOARD.md).
 */
export function publishedNote(c: Consumption, num: (n: number) => string): string {
  const all = c.customers?.withData ?? c.meters.length;
  if (all <= c.meters.length) return `${num(c.meters.length)} meters.`;
  return `the ${num(c.meters.length)} largest by consumption of ${num(all)} meters are published (the others are in the warehouse).`;
}

/**
 * The customers a search names: an area or tariff code typed whole (`a1`, `t2`) selects that group;
 * anything else is part of a pseudonym. Never both: `a1` also occurs inside hex pseudonyms, and mixing
 * those in would list customers of other areas under "a1".
 */
export function searchMeters(meters: MeterSummary[], text: string): MeterSummary[] {
  const t = text.trim().toLowerCase();
  if (!t) return meters;
  const code = (v: string | null) => (v ?? '').toLowerCase() === t;
  const group = meters.filter((m) => code(m.area) || code(m.tariff));
  return group.length ? group : meters.filter((m) => m.id.toLowerCase().includes(t));
}

function meterList(ctx: ViewContext, meters: MeterSummary[], text: string): HTMLElement {
  const hits = searchMeters(meters, text);
  const shown = [...hits].sort((a, b) => b.totalKwh - a.totalKwh).slice(0, LIST_LIMIT);
  const table = h(
    'table',
    { id: 'meter-table' },
    h('caption', {}, `${f.num(hits.length)} customers${hits.length > LIST_LIMIT ? `, the ${LIST_LIMIT} largest shown` : ''}`),
    h('thead', {}, h('tr', {}, ['Customer', 'Area', 'Tariff', 'Days', 'Total', 'Average per day'].map((c, i) => h('th', { scope: 'col', class: i >= 3 ? 'num' : null }, c)))),
    h(
      'tbody',
      {},
      shown.map((m) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, h('a', { href: ctx.href({ meter: m.id, day: null }), 'data-meter': m.id, 'aria-current': ctx.route.params.meter === m.id ? 'true' : null }, m.id)),
          h('td', {}, m.area ?? '—'),
          h('td', {}, m.tariff ?? '—'),
          h('td', { class: 'num' }, f.num(m.days)),
          // On a phone the card shows Total and Average per day first: the figures people look for.
          h('td', { class: 'num first' }, f.kwh(m.totalKwh)),
          h('td', { class: 'num first' }, f.kwh(m.avgDailyKwh, 2)),
        ),
      ),
    ),
  );
  return tableWrap('Customers', table);
}

/** The local day (YYYY-MM-DD) and local time (HH:MM) of an instant in a zone. */
function localParts(iso: string, timeZone: string): { day: string; time: string } {
  const t = f.parseInstant(iso);
  const p = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(t);
  const v = (type: string) => p.find((x) => x.type === type)?.value ?? '';
  return { day: `${v('year')}-${v('month')}-${v('day')}`, time: `${v('hour')}:${v('minute')}` };
}

function meterDetail(ctx: ViewContext, m: MeterDetail, anomalies: AnomalyItem[] = []): HTMLElement {
  const d = m.daily;
  // This customer's anomalies, marked on their own charts (on the meter's clock) and listed below.
  const marks = anomalies.map((a) => ({ a, ...localParts(a.time, m.timezone) }));
  const idx = d.day.map((_, i) => i).filter((i) => inRange(d.day[i], ctx.range));
  const profileDays = Object.keys(m.profiles).sort();
  const day = ctx.route.params.day && m.profiles[ctx.route.params.day] ? ctx.route.params.day : profileDays[profileDays.length - 1];
  const profile = day ? m.profiles[day] : undefined;

  const daySelect = h(
    'select',
    { id: 'profile-day', name: 'day', onchange: ((e: Event) => ctx.navigate({ day: (e.target as HTMLSelectElement).value })) as EventListener },
    profileDays.map((pd) => h('option', { value: pd, selected: pd === day }, pd)),
  );

  const table = h(
    'table',
    { id: 'daily-table', 'data-meter': m.id },
    h('caption', {}, `Daily values of ${m.id} (local days, ${m.timezone})`),
    h('thead', {}, h('tr', {}, ['Day', 'Total kWh', 'Average kWh per interval', 'Intervals', 'Peak kWh'].map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
    h(
      'tbody',
      {},
      [...idx].reverse().map((i) =>
        h(
          'tr',
          { 'data-day': d.day[i] },
          h('th', { scope: 'row' }, d.day[i]),
          h('td', { class: 'num', 'data-field': 'total_kwh', 'data-value': d.totalKwh[i] }, f.num(d.totalKwh[i], 3)),
          h('td', { class: 'num', 'data-field': 'avg_interval_kwh', 'data-value': d.avgIntervalKwh[i] }, f.num(d.avgIntervalKwh[i], 3)),
          h('td', { class: 'num', 'data-field': 'intervals', 'data-value': d.intervals[i] }, f.num(d.intervals[i])),
          h('td', { class: 'num', 'data-field': 'peak_kwh', 'data-value': d.peakKwh[i] }, f.num(d.peakKwh[i], 3)),
        ),
      ),
    ),
  );

  const total = idx.reduce((s, i) => s + d.totalKwh[i], 0);
  return h(
    'article',
    { class: 'meter-detail', 'aria-labelledby': 'meter-title', 'data-meter': m.id },
    h('h3', { id: 'meter-title' }, `Customer ${m.id}`),
    h(
      'p',
      { class: 'meta' },
      `Area ${m.area ?? '—'} · tariff ${m.tariff ?? '—'} · ${f.num(idx.length)} days · ${f.kwh(total)} in total · average ${f.kwh(idx.length ? total / idx.length : null, 2)} per day`,
    ),
    h(
      'div',
      { class: 'grid-2' },
      chartFigure({
        id: 'chart-meter-daily',
        title: `Daily energy of ${m.id}`,
        type: 'bar',
        labels: idx.map((i) => d.day[i]),
        series: [{ label: 'Total kWh', data: idx.map((i) => d.totalKwh[i]), color: 3 }],
        yLabel: 'kWh',
        xLabel: 'Day',
        unit: 'kWh',
        digits: 2,
        markers: marks.flatMap((k) => {
          const at = idx.findIndex((i) => d.day[i] === k.day);
          return at >= 0 ? [{ at, label: k.a.rule }] : [];
        }),
        note: marks.length ? `Dashed lines: this customer's anomalies (${marks.length}).` : undefined,
      }),
      h(
        'div',
        {},
        h('label', { class: 'field', for: 'profile-day' }, h('span', {}, 'Day for the 30-minute profile'), daySelect),
        profile
          ? chartFigure({
              id: 'chart-meter-profile',
              title: `30-minute profile of ${m.id} on ${day}`,
              type: 'line',
              labels: profile.start.map((s) => (s.length > 5 ? s.slice(11, 16) : s)),
              series: [{ label: 'kWh per interval', data: profile.kwh, color: 4 }],
              yLabel: 'kWh',
              xLabel: `Interval start (${f.zoneName(m.timezone)})`,
              markers: marks
                .filter((k) => k.day === day)
                .flatMap((k) => {
                  const at = profile.start.findIndex((st) => (st.length > 5 ? st.slice(11, 16) : st) === k.time);
                  return at >= 0 ? [{ at, label: k.a.rule }] : [];
                }),
              unit: 'kWh',
              digits: 3,
            })
          : h('p', { class: 'empty' }, 'No 30-minute profiles published for this customer (only the most recent days are kept).'),
      ),
    ),
    marks.length
      ? h(
          'section',
          { class: 'meter-anomalies', 'aria-label': `Anomalies of ${m.id}` },
          h('h4', {}, `Anomalies of ${m.id}`),
          h(
            'ul',
            {},
            marks.map((k) =>
              h(
                'li',
                { 'data-anomaly': k.a.id },
                h('a', { href: ctx.href({ sel: k.a.id, meter: null, day: null }, 'anomalies') }, f.dateTime(k.a.time, m.timezone)),
                ` · ${k.a.rule} · `,
                k.a.reason ?? '',
                m.profiles[k.day] ? [' ', h('a', { href: ctx.href({ day: k.day }) }, 'show that day')] : null,
              ),
            ),
          ),
        )
      : null,
    tableWrap(`Daily values of ${m.id}`, table),
  );
}
