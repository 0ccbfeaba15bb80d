/**
 * Charts: Chart.js tree-shaken to the pieces registered below (line + bar on category/linear
 * scales, band fills, tooltips, legend). Every chart is a <figure> with a canvas that carries an
 * aria-label summary, a figcaption, and an on-demand data table: the text alternative for screen
 * readers and for anyone who wants the numbers.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';
import { h, simpleTable, tableWrap } from './dom';
import { num } from './format';

/** Marks the first drawn chart (the bench reads `gridlake:first-chart`) and flags rendered canvases. */
const renderMark: Plugin = {
  id: 'gridlakeRenderMark',
  afterRender(chart) {
    if (performance.getEntriesByName(FIRST_CHART_MARK).length === 0) performance.mark(FIRST_CHART_MARK);
    chart.canvas.dataset.rendered = 'true';
  },
};

export const FIRST_CHART_MARK = 'gridlake:first-chart';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, renderMark);

export interface Series {
  label: string;
  data: (number | null)[];
  /** Defaults to the chart's type. */
  kind?: 'line' | 'bar';
  /** Palette slot 1–6 (CSS --c1…--c6). */
  color?: number;
  /** Chart.js fill target, e.g. '-1' to fill down to the previous dataset (bands). */
  fill?: string | boolean;
  dashed?: boolean;
  /** Bands and helper lines are drawn without points and left out of the summary. */
  band?: boolean;
  stack?: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  type: 'line' | 'bar';
  labels: string[];
  series: Series[];
  yLabel?: string;
  /** Heading of the first data-table column, e.g. 'Day'. */
  xLabel?: string;
  stacked?: boolean;
  /** Units for the spoken summary, e.g. 'kWh'. */
  unit?: string;
  /** Digits in the summary and the data table. */
  digits?: number;
  /** Extra sentence appended to the caption. */
  note?: string;
  /** A smaller chart (context mini-charts). */
  small?: boolean;
}

const live: Chart[] = [];
const pending = new WeakMap<HTMLElement, () => void>();

/** Destroys the charts of the previous view (the canvas elements go with the DOM). */
export function destroyCharts(): void {
  for (const c of live.splice(0)) c.destroy();
}

/** Creates the charts of figures now attached under `root` (Chart.js needs their layout size). */
export function activateCharts(root: HTMLElement): void {
  for (const fig of root.querySelectorAll<HTMLElement>('figure.chart')) {
    const init = pending.get(fig);
    if (init) {
      pending.delete(fig);
      init();
    }
  }
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** A one-sentence description of the main series: range, extremes, last value. */
export function summarise(spec: ChartSpec): string {
  const main = spec.series.find((s) => !s.band) ?? spec.series[0];
  const unit = spec.unit ? ` ${spec.unit}` : '';
  const d = spec.digits ?? 1;
  if (!main || spec.labels.length === 0) return `${spec.title}: no data.`;
  let min = -1;
  let max = -1;
  main.data.forEach((v, i) => {
    if (v === null) return;
    if (min < 0 || v < (main.data[min] as number)) min = i;
    if (max < 0 || v > (main.data[max] as number)) max = i;
  });
  const first = spec.labels[0];
  const last = spec.labels[spec.labels.length - 1];
  const parts = [`${spec.type === 'bar' ? 'Bar' : 'Line'} chart, ${spec.labels.length} points from ${first} to ${last}.`];
  if (max >= 0) {
    parts.push(`${main.label}: highest ${num(main.data[max], d)}${unit} at ${spec.labels[max]}, lowest ${num(main.data[min], d)}${unit} at ${spec.labels[min]}.`);
  }
  const others = spec.series.filter((s) => s !== main && !s.band).map((s) => s.label);
  if (others.length) parts.push(`Also shown: ${others.join(', ')}.`);
  if (spec.note) parts.push(spec.note);
  return parts.join(' ');
}

export function chartFigure(spec: ChartSpec): HTMLElement {
  const summary = summarise(spec);
  const canvas = h('canvas', { role: 'img', 'aria-label': `${spec.title}. ${summary}` });
  const details = h('details', { class: 'chart-data' }, h('summary', {}, `Data table: ${spec.title}`));
  // Built on first open: a 168-row table per chart would slow the first paint for nobody's benefit.
  details.addEventListener('toggle', () => {
    if (!details.open || details.querySelector('table')) return;
    const columns = [spec.xLabel ?? 'Label', ...spec.series.map((s) => s.label)];
    const rows = spec.labels.map((l, i) => [l, ...spec.series.map((s) => (s.data[i] === null || s.data[i] === undefined ? null : num(s.data[i], spec.digits ?? 2)))]);
    details.appendChild(tableWrap(`Data table: ${spec.title}`, simpleTable(spec.title, columns, rows, columns.map((_, i) => i > 0))));
  });
  const fig = h(
    'figure',
    { class: `chart${spec.small ? ' chart-small' : ''}`, id: spec.id, 'data-chart': spec.id },
    h('figcaption', {}, h('span', { class: 'chart-title' }, spec.title), h('span', { class: 'chart-summary' }, summary)),
    h('div', { class: 'chart-canvas' }, canvas),
    details,
  );
  pending.set(fig, () => live.push(new Chart(canvas, config(spec))));
  return fig;
}

function config(spec: ChartSpec): ChartConfiguration {
  const fg = cssVar('--fg-muted', '#444');
  const grid = cssVar('--grid', 'rgba(0,0,0,0.1)');
  const palette = [1, 2, 3, 4, 5, 6].map((i) => cssVar(`--c${i}`, '#1f77b4'));
  const datasets = spec.series.map((s, i) => {
    const color = palette[((s.color ?? i + 1) - 1) % palette.length];
    const kind = s.kind ?? spec.type;
    return {
      type: kind,
      label: s.label,
      data: s.data,
      borderColor: s.band ? 'transparent' : color,
      backgroundColor: s.band ? withAlpha(color, 0.18) : kind === 'bar' ? withAlpha(color, 0.85) : color,
      borderWidth: kind === 'bar' ? 0 : s.band ? 0 : 2,
      borderDash: s.dashed ? [6, 4] : undefined,
      pointRadius: kind === 'line' && !s.band && spec.labels.length <= 40 ? 2 : 0,
      pointHitRadius: 6,
      fill: s.fill ?? false,
      spanGaps: false,
      stack: s.stack,
      tension: 0,
    };
  });
  return {
    type: spec.type,
    data: { labels: spec.labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      normalized: true,
      interaction: { mode: 'index', intersect: false },
      color: fg,
      plugins: {
        legend: { display: spec.series.filter((s) => !s.band).length > 1, labels: { color: fg, boxWidth: 12, filter: (item) => !spec.series[item.datasetIndex ?? 0]?.band } },
        tooltip: { enabled: true },
      },
      scales: {
        x: { stacked: spec.stacked, ticks: { color: fg, maxRotation: 0, autoSkip: true, maxTicksLimit: spec.small ? 4 : 10 }, grid: { color: grid } },
        y: {
          stacked: spec.stacked,
          ticks: { color: fg, maxTicksLimit: spec.small ? 4 : 8 },
          grid: { color: grid },
          title: { display: Boolean(spec.yLabel) && !spec.small, text: spec.yLabel ?? '', color: fg },
        },
      },
    },
  } as ChartConfiguration;
}

function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
