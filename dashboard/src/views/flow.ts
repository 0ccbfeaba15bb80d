/**
 * Flow meters: per device, hourly flow and pressure of the last 7 days with the outlier minutes
 * marked and the events (bursts, transients, stuck sensors, dropouts) as markers, the minimum night
 * flow with its leak trend, and the next 7 days' forecast with its published backtest. All times on
 * the devices' clock (flow.json's timezone), the zone named.
 */
import type { Flow, FlowDevice } from '../../../lambdas/contract/results';
import { RESULT_FILES } from '../../../lambdas/contract/results';
import { chartFigure } from '../charts';
import { emptyState, errorState, h, kpi, selectField, simpleTable, tableWrap, withheldState } from '../dom';
import * as f from '../format';
import type { View } from './view';

const HOUR = 3_600_000;
/** Outlier minutes listed under the charts (all are in sensor_outliers). */
const LISTED = 50;

export const flowView: View = {
  name: 'flow',
  title: 'Flow meters',
  async render(ctx) {
    const root = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: -1 }, 'Flow meters'));
    const res = await ctx.data.load<Flow>(RESULT_FILES.flow);
    const withheld = res.status === 'missing' ? await ctx.data.withheld() : null;
    if (withheld) {
      // A public, aggregates-only publication leaves single devices out on purpose: say so.
      root.append(withheldState('Flow meters (single devices)', withheld));
      return root;
    }
    if (res.status !== 'ok' || res.data.devices.length === 0) {
      root.append(
        res.status === 'error'
          ? errorState(res.file, res.message)
          : emptyState('flow meters', res.file, res.status === 'ok' ? 'No flow meter readings have been analysed yet: import a logger export (gridlake import sensors) or run with the flow simulator.' : undefined),
      );
      return root;
    }
    const tz = res.data.timezone;
    const devices = res.data.devices;
    const summary = devices.find((d) => d.deviceId === ctx.route.params.device) ?? devices[0]!;
    const file = await ctx.data.load<FlowDevice>(RESULT_FILES.flowDevice(summary.deviceId));
    root.append(
      h('p', { class: 'lead' }, `One reading a minute of flow (L/min) and pressure (bar) per device; the charts show hourly means of the last 7 days. Times in ${f.zoneName(tz)}.`),
      h(
        'form',
        { class: 'filters', 'aria-label': 'Flow meter', onsubmit: ((e: Event) => e.preventDefault()) as EventListener },
        selectField(
          'Device',
          'device',
          devices.map((d) => ({ value: d.deviceId, label: d.lastNight?.leakSuspected ? `${d.deviceId} (leak suspected)` : d.deviceId })),
          summary.deviceId,
          (v) => ctx.navigate({ device: v }),
        ),
      ),
    );
    if (file.status !== 'ok') {
      root.append(file.status === 'error' ? errorState(file.file, file.message) : emptyState(`data for ${summary.deviceId}`, file.file));
      return root;
    }
    const d = file.data;
    const events = Object.entries(d.eventsLast7Days).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
    root.append(
      h(
        'dl',
        { class: 'kpis', 'data-flow-kpis': d.deviceId },
        // The zone goes in the note: in the value a name like (Europe/London) wraps mid-word on a narrow card.
        d.lastReadingAt
          ? kpi('Last reading', f.localShort(f.parseInstant(d.lastReadingAt), tz), f.zoneName(tz, f.parseInstant(d.lastReadingAt)))
          : kpi('Last reading', '—'),
        kpi('Outlier minutes, last 7 days', f.num(d.outliersLast7Days), `events: ${events}`),
        kpi(
          'Minimum night flow',
          d.lastNight?.mnfLpm === null || d.lastNight === null ? '—' : `${f.num(d.lastNight.mnfLpm, 2)} L/min`,
          d.lastNight ? (d.lastNight.leakSuspected ? h('strong', { 'data-leak': 'suspected' }, `leak suspected (night of ${d.lastNight.night})`) : `night of ${d.lastNight.night}`) : undefined,
        ),
      ),
      channelChart(d, 'flow', tz),
      channelChart(d, 'pressure', tz),
      nightChart(d),
      forecastSection(d, tz),
      outlierTable(d, tz),
    );
    return root;
  },
};

/** Hourly mean with min–max band; each hour with an outlier minute gets a point at its most extreme value. */
function channelChart(d: FlowDevice, channel: 'flow' | 'pressure', tz: string): HTMLElement {
  const unit = channel === 'flow' ? 'L/min' : 'bar';
  const x = d.hourly.map((r) => f.parseInstant(r.hour));
  const pick = (r: FlowDevice['hourly'][number], k: 'Mean' | 'Min' | 'Max') => r[`${channel}${k}` as const];
  const worst = new Map<number, { value: number; score: number }>();
  for (const o of d.outliers) {
    if (o.channel !== channel) continue;
    const hour = Math.floor(f.parseInstant(o.minute) / HOUR) * HOUR;
    const w = worst.get(hour);
    if (!w || Math.abs(o.score) > Math.abs(w.score)) worst.set(hour, { value: o.value, score: o.score });
  }
  const events = d.events.filter((e) => (channel === 'flow' ? e.kind !== 'transient' : e.kind !== 'stuck' || e.channel === 'pressure'));
  return chartFigure({
    id: `chart-flow-${channel}`,
    title: `${channel === 'flow' ? 'Flow' : 'Pressure'} of ${d.deviceId}, hourly (${unit})`,
    type: 'line',
    labels: x.map((t) => f.localShort(t, tz)),
    x,
    timeZone: tz,
    series: [
      { label: `Mean ${unit}`, data: d.hourly.map((r) => pick(r, 'Mean')), color: channel === 'flow' ? 1 : 3 },
      { label: 'Hourly low', data: d.hourly.map((r) => pick(r, 'Min')), color: channel === 'flow' ? 1 : 3, band: true },
      { label: 'Hourly high', data: d.hourly.map((r) => pick(r, 'Max')), color: channel === 'flow' ? 1 : 3, band: true, fill: '-1' },
      { label: `Outlier minute (${unit})`, data: x.map((t) => worst.get(t)?.value ?? null), color: 4, points: true },
    ],
    yLabel: unit,
    xLabel: `Hour (${f.zoneName(tz)})`,
    unit,
    digits: channel === 'flow' ? 1 : 3,
    markers: events.map((e) => ({ at: f.parseInstant(e.start), label: e.kind })),
    note: `Shaded: the lowest and highest minute of each hour. Points: the most extreme outlier minute of an hour (${worst.size} hours). Vertical lines: events (${events.length}).`,
  });
}

function nightChart(d: FlowDevice): HTMLElement {
  return chartFigure({
    id: 'chart-flow-night',
    title: `Minimum night flow of ${d.deviceId} (02:00–04:00, L/min)`,
    type: 'line',
    labels: d.nights.map((n) => n.night),
    series: [
      { label: 'Minimum night flow L/min', data: d.nights.map((n) => n.mnfLpm), color: 2 },
      { label: 'Leak suspected', data: d.nights.map((n) => (n.leakSuspected ? n.mnfLpm : null)), color: 4, points: true },
    ],
    yLabel: 'L/min',
    xLabel: 'Night',
    unit: 'L/min',
    digits: 2,
    note: 'The lowest 15-minute mean flow between 02:00 and 04:00 local time: the water nobody uses. A leak shows as a steady rise over nights (Theil–Sen slope, Mann–Kendall test over the last 10 nights).',
  });
}

function forecastSection(d: FlowDevice, tz: string): HTMLElement {
  const section = h('section', { 'aria-labelledby': 'flow-forecast-title' }, h('h2', { id: 'flow-forecast-title' }, 'Next 7 days'));
  if (!d.forecast) {
    section.append(h('p', { class: 'note', 'data-forecast-skipped': '' }, `No forecast for ${d.deviceId}: ${d.forecastSkipped ?? 'not enough history'}.`));
    return section;
  }
  const x = d.forecast.hours.map((r) => f.parseInstant(r.hour));
  const b = d.backtest;
  const pct = (v: number) => `${f.num(v * 100, 0)}%`;
  section.append(
    chartFigure({
      id: 'chart-flow-forecast',
      title: `Flow forecast of ${d.deviceId} issued ${d.forecast.issuedOn} (${d.forecast.model})`,
      type: 'line',
      labels: x.map((t) => f.localShort(t, tz)),
      x,
      timeZone: tz,
      series: [
        { label: 'Forecast L/min', data: d.forecast.hours.map((r) => r.flowLpm), color: 1 },
        { label: '80% low', data: d.forecast.hours.map((r) => r.lo80), color: 1, band: true },
        { label: '80% high', data: d.forecast.hours.map((r) => r.hi80), color: 1, band: true, fill: '-1' },
      ],
      yLabel: 'L/min',
      xLabel: `Hour (${f.zoneName(tz)})`,
      unit: 'L/min',
      digits: 1,
      note: 'Shaded: the 80% prediction interval. The device downloads these 168 values as its device file.',
    }),
    h(
      'p',
      { 'data-flow-backtest': '' },
      b?.holdout
        ? `Checked on the week before: issued 7 days earlier, the forecast's error was MASE ${f.num(b.holdout.mase, 2)} against ${f.num(b.holdout.maseNaive, 2)} for "same hour last week" (lower is better; ${b.holdout.mase < b.holdout.maseNaive ? 'it beat' : 'it did not beat'} the seasonal naive), and the 80% interval held ${pct(b.holdout.coverage80)} of ${b.holdout.hours} hours.`
        : 'The hold-out check (a forecast issued 7 days earlier, against what happened) needs three weeks of history.',
    ),
    b
      ? tableWrap(
          'Backtest errors',
          simpleTable('Rolling-origin backtest by model (MASE, lower is better; 1 = same hour last week)', ['Model', 'MASE'], [...b.models].sort((p, q) => p.mase - q.mase).map((m) => [m.model === b.chosenModel ? `${m.model} (chosen)` : m.model, f.num(m.mase, 3)]), [false, true]),
        )
      : '',
    h('p', { class: 'note' }, 'Device file: ', h('code', {}, d.deviceFile ?? '—'), ' (print it with ', h('code', {}, `gridlake export device ${d.deviceId}`), ').'),
  );
  return section;
}

function outlierTable(d: FlowDevice, tz: string): HTMLElement {
  const rows = [...d.outliers].sort((a, b) => Math.abs(b.score) - Math.abs(a.score)).slice(0, LISTED);
  return h(
    'section',
    { 'aria-labelledby': 'flow-outliers-title' },
    h('h2', { id: 'flow-outliers-title' }, 'Outlier minutes'),
    rows.length === 0
      ? h('p', {}, 'No outlier minutes in the last 7 days.')
      : tableWrap(
          'Outlier minutes',
          simpleTable(
            `The ${rows.length} largest of ${d.outliers.length} outlier minutes of the last 7 days (times in ${f.zoneName(tz)})`,
            ['Minute', 'Channel', 'Value', 'Expected', 'Score'],
            rows.map((o) => [f.dateTime(o.minute, tz), o.channel, f.num(o.value, 3), f.num(o.expected, 3), f.num(o.score, 1)]),
            [false, false, true, true, true],
          ),
          () => [['minute_utc', 'channel', 'value', 'expected', 'score'], ...d.outliers.map((o) => [o.minute, o.channel, String(o.value), String(o.expected), String(o.score)])],
        ),
  );
}
