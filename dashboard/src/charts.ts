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
import { localDay, localShort, num } from './format';

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
  /** Points only, no line (marked values such as outliers; null elsewhere). */
  points?: boolean;
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
  /**
   * A time axis: the instant (ms) of each label. The x axis is then linear in time — a missing hour
   * is a gap, not a squeezed neighbour — with ticks at local midnights (or hours, for short spans)
   * in `timeZone`, labelled by our own formatter (no date adapter needed).
   */
  x?: number[];
  timeZone?: string;
  /** Vertical markers on a time axis (e.g. an anomaly), ms. */
  markers?: { at: number; label: string }[];
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
      pointRadius: s.points ? 4 : kind === 'line' && !s.band && spec.labels.length <= 40 ? 2 : 0,
      showLine: !s.points,
      pointHitRadius: 6,
      fill: s.fill ?? false,
      spanGaps: false,
      stack: s.stack,
      tension: 0,
    };
  });
  const time = spec.x;
  if (time) for (const d of datasets) (d as { data: unknown }).data = d.data.map((y, i) => ({ x: time[i], y }));
  const xScale = time
    ? {
        type: 'linear',
        min: time[0],
        max: time[time.length - 1],
        ticks: {
          color: fg,
          maxRotation: 0,
          autoSkip: false,
          callback: (v: number | string) => {
            const ms = Number(v);
            const span = time[time.length - 1]! - time[0]!;
            return span > 3 * 86_400_000 ? localDay(ms, spec.timeZone) : localShort(ms, spec.timeZone);
          },
        },
        afterBuildTicks: (axis: { ticks: { value: number }[]; min: number; max: number }) => {
          axis.ticks = timeTicks(axis.min, axis.max, spec.timeZone ?? 'UTC', spec.small ? 4 : 8).map((value) => ({ value }));
        },
        grid: { color: grid },
      }
    : {
        stacked: spec.stacked,
        ticks: { color: fg, maxRotation: 0, autoSkip: false },
        // Chart.js's autoSkip let date labels run together on a phone ("2025-12-022026-02-13") and,
        // with a fixed limit of 10, labelled only every other of 11 buildings on a wide screen: keep
        // as many evenly spaced labels as fit the axis's width at the longest label's size.
        afterBuildTicks: (axis: { ticks: unknown[]; width: number }) => {
          const step = categoryLabelStep(spec.labels ?? [], axis.width, spec.small ? 4 : Infinity);
          if (step > 1) axis.ticks = axis.ticks.filter((_, i) => i % step === 0);
        },
        grid: { color: grid },
      };
  return {
    type: spec.type,
    data: time ? { datasets } : { labels: spec.labels, datasets },
    plugins: spec.markers?.length ? [markerPlugin(spec.markers, cssVar('--c4', '#d62728'))] : [],
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
        x: xScale,
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

const HOUR = 3_600_000;

/**
 * Every how many category labels one is drawn so that they do not touch: as many as fit `width` px at
 * about 7 px per character (12 px system-ui) plus a gap, at most `most`.
 */
export function categoryLabelStep(labels: readonly (string | number)[], width: number, most = Infinity): number {
  const longest = Math.max(1, ...labels.map((l) => String(l).length));
  const fit = Math.min(most, Math.max(2, Math.floor(width / (longest * 7 + 14))));
  return labels.length > fit ? Math.ceil(labels.length / fit) : 1;
}

/** Local midnights in [min, max] (or every few local hours when the span is short), at most ~`most`. */
export function timeTicks(min: number, max: number, timeZone: string, most: number): number[] {
  const span = max - min;
  const candidates = [1, 2, 3, 6, 12, 24, 48, 72, 168].map((h) => h * HOUR);
  const step = candidates.find((c) => span / c <= most) ?? 168 * HOUR;
  const out: number[] = [];
  // Walk the hours and keep those whose LOCAL time is a multiple of the step (midnight for days).
  for (let t = Math.ceil(min / HOUR) * HOUR; t <= max; t += HOUR) {
    const local = t + offsetOf(t, timeZone);
    const localHour = Math.round(local / HOUR);
    if (step >= 24 * HOUR ? localHour % 24 === 0 && Math.round(localHour / 24) % (step / (24 * HOUR)) === 0 : localHour % (step / HOUR) === 0) out.push(t);
  }
  return out;
}

const offsetFmt = new Map<string, Intl.DateTimeFormat>();
function offsetOf(ms: number, timeZone: string): number {
  let f = offsetFmt.get(timeZone);
  if (!f) offsetFmt.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })));
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - Math.floor(ms / 60_000) * 60_000;
}

/** Vertical lines with a label at given x values (a time axis), e.g. where an anomaly happened. */
function markerPlugin(markers: { at: number; label: string }[], color: string): Plugin {
  return {
    id: 'gridlakeMarkers',
    afterDatasetsDraw(chart) {
      const x = chart.scales.x;
      if (!x) return;
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.setLineDash([3, 3]);
      ctx.font = '11px system-ui, sans-serif';
      for (const m of markers) {
        const px = x.getPixelForValue(m.at);
        if (px < chartArea.left || px > chartArea.right) continue;
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
        ctx.fillText(m.label, Math.min(px + 3, chartArea.right - ctx.measureText(m.label).width), chartArea.top + 10);
      }
      ctx.restore();
    },
  };
}

function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
