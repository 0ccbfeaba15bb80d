/**
 * The EV station map: an SVG whose markers are placed by the stations' coordinates in Web Mercator
 * (./mercator.ts), so it needs no network. When the browser is online, OpenStreetMap tiles are laid
 * under it as plain <img>s; a tile that fails to load is removed without a word (offline, blocked,
 * or a CSP without the tile host), and the markers stay where they are.
 */
import type { EvStation } from '../../lambdas/contract/results';
import { h } from './dom';
import { fitView, fromView, tilesOf, toView, TILE, type MapView } from './mercator';

export const MAP_WIDTH = 800;
export const MAP_HEIGHT = 500;
export const TILE_URL = (z: number, x: number, y: number) => `https://tile.openstreetmap.org/${z}/${x}/${y}.png`;

const SVG = 'http://www.w3.org/2000/svg';
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

export type Availability = 'available' | 'busy' | 'out' | 'unknown';

/** A station's colour: a charger free now; all in service busy; all out of service; or no recent status. */
export function availabilityOf(s: EvStation): Availability {
  if (s.stale || s.chargers === 0 || s.unknown === s.chargers) return 'unknown';
  if (s.available > 0) return 'available';
  if (s.charging > 0) return 'busy';
  return s.outOfService > 0 ? 'out' : 'unknown';
}

export const AVAILABILITY_LABEL: Record<Availability, string> = {
  available: 'a charger available',
  busy: 'all in use',
  out: 'out of service',
  unknown: 'no recent status',
};

export interface StationMap {
  element: HTMLElement;
  view: MapView;
  /** Shows the chosen point (a recommendation's origin). */
  mark(lat: number, lon: number): void;
}

export function stationMap(stations: readonly EvStation[], options: { onPick(lat: number, lon: number): void; highlight?: ReadonlySet<string>; online?: boolean }): StationMap {
  const placed = stations.filter((s) => s.lat !== null && s.lon !== null);
  const view = fitView(placed.map((s) => ({ lat: s.lat!, lon: s.lon! })), MAP_WIDTH, MAP_HEIGHT);
  const markers = placed.map((s) => {
    const p = toView(view, s.lat!, s.lon!);
    const a = availabilityOf(s);
    return svg(
      'circle',
      {
        class: `ev-station ev-${a}${options.highlight?.has(s.id) ? ' ev-recommended' : ''}`,
        cx: round(p.x),
        cy: round(p.y),
        r: options.highlight?.has(s.id) ? 9 : 6,
        'data-station': s.id,
        'data-availability': a,
      },
      svg('title', {}, `${s.name}: ${s.available} of ${s.chargers} available (${AVAILABILITY_LABEL[a]})`),
    );
  });
  const pick = svg('g', { class: 'ev-pick', 'data-pick': '' });
  const root = svg(
    'svg',
    { viewBox: `0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`, role: 'img', 'aria-label': `Map of ${placed.length} charging stations coloured by availability; click to choose a point for the recommendation` },
    svg('rect', { class: 'ev-map-bg', x: 0, y: 0, width: MAP_WIDTH, height: MAP_HEIGHT }),
    svg('g', { class: 'ev-stations' }, ...markers),
    pick,
  );
  const frame = h('div', { class: 'ev-map-frame', 'data-zoom': view.zoom });
  if (options.online ?? navigator.onLine) frame.append(basemap(view));
  frame.append(root);
  root.addEventListener('click', (e) => {
    const box = root.getBoundingClientRect();
    const at = fromView(view, { x: ((e.clientX - box.left) / box.width) * MAP_WIDTH, y: ((e.clientY - box.top) / box.height) * MAP_HEIGHT });
    options.onPick(at.lat, at.lon);
  });
  const mark = (lat: number, lon: number) => {
    const p = toView(view, lat, lon);
    pick.replaceChildren(
      svg('line', { x1: round(p.x - 10), y1: round(p.y), x2: round(p.x + 10), y2: round(p.y) }),
      svg('line', { x1: round(p.x), y1: round(p.y - 10), x2: round(p.x), y2: round(p.y + 10) }),
      svg('circle', { cx: round(p.x), cy: round(p.y), r: 4, 'data-lat': lat, 'data-lon': lon }),
    );
  };
  const legend = h(
    'figcaption',
    { class: 'ev-legend' },
    (Object.keys(AVAILABILITY_LABEL) as Availability[]).map((a) => h('span', { class: 'ev-key' }, h('span', { class: `ev-swatch ev-${a}`, 'aria-hidden': 'true' }), AVAILABILITY_LABEL[a])),
    h('span', { class: 'ev-attribution', hidden: true }, 'Map © OpenStreetMap contributors'),
  );
  const element = h('figure', { class: 'ev-map', 'data-stations': placed.length }, frame, legend);
  // The attribution is shown once a tile has drawn (OpenStreetMap's tile policy asks for it).
  frame.addEventListener('load', () => legend.querySelector<HTMLElement>('.ev-attribution')!.removeAttribute('hidden'), true);
  return { element, view, mark };
}

/** OpenStreetMap tiles under the markers, positioned in percentages so the map scales with its frame. */
function basemap(view: MapView): HTMLElement {
  const layer = h('div', { class: 'ev-basemap', 'aria-hidden': 'true' });
  for (const t of tilesOf(view)) {
    const img = h('img', {
      src: TILE_URL(view.zoom, t.x, t.y),
      alt: '',
      loading: 'lazy',
      referrerpolicy: 'strict-origin-when-cross-origin',
      style: `left:${pct(t.left / MAP_WIDTH)};top:${pct(t.top / MAP_HEIGHT)};width:${pct(TILE / MAP_WIDTH)};height:${pct(TILE / MAP_HEIGHT)}`,
    });
    // Offline or blocked: no broken-image icons, no message; the markers need no tiles.
    img.addEventListener('error', () => img.remove());
    layer.append(img);
  }
  return layer;
}

const round = (x: number) => Math.round(x * 10) / 10;
const pct = (x: number) => `${(x * 100).toFixed(4)}%`;
