/**
 * Web Mercator (EPSG:3857) in the units of map tiles: at zoom z the world is 256 · 2^z pixels square,
 * x growing east, y growing south — the projection of OpenStreetMap's tiles, so markers drawn with
 * it sit on the basemap when one is shown, and stand on their own (by coordinates) when none is.
 */
export const TILE = 256;
/** Web Mercator's latitude limit (the world is square). */
const MAX_LAT = 85.05112878;

export interface Point {
  x: number;
  y: number;
}

export function project(lat: number, lon: number, zoom: number): Point {
  const scale = TILE * 2 ** zoom;
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return { x: ((lon + 180) / 360) * scale, y: ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * scale };
}

export function unproject(p: Point, zoom: number): { lat: number; lon: number } {
  const scale = TILE * 2 ** zoom;
  const lon = (p.x / scale) * 360 - 180;
  const n = Math.PI - (2 * Math.PI * p.y) / scale;
  return { lat: (180 / Math.PI) * Math.atan(Math.sinh(n)), lon };
}

/** A view of width × height pixels: its zoom and the world pixel at its top-left corner. */
export interface MapView {
  zoom: number;
  origin: Point;
  width: number;
  height: number;
}

/**
 * The largest whole zoom (at most maxZoom) at which every point fits in width × height with `pad`
 * pixels to spare on each side, centred on the points' bounding box. Whole zooms keep tiles sharp.
 */
export function fitView(points: readonly { lat: number; lon: number }[], width: number, height: number, pad = 24, maxZoom = 16): MapView {
  if (points.length === 0) return { zoom: 0, origin: { x: 0, y: (TILE - height) / 2 }, width, height };
  let zoom = maxZoom;
  for (; zoom > 0; zoom--) {
    const ps = points.map((p) => project(p.lat, p.lon, zoom));
    const w = Math.max(...ps.map((p) => p.x)) - Math.min(...ps.map((p) => p.x));
    const h = Math.max(...ps.map((p) => p.y)) - Math.min(...ps.map((p) => p.y));
    if (w <= width - 2 * pad && h <= height - 2 * pad) break;
  }
  const ps = points.map((p) => project(p.lat, p.lon, zoom));
  const cx = (Math.max(...ps.map((p) => p.x)) + Math.min(...ps.map((p) => p.x))) / 2;
  const cy = (Math.max(...ps.map((p) => p.y)) + Math.min(...ps.map((p) => p.y))) / 2;
  return { zoom, origin: { x: cx - width / 2, y: cy - height / 2 }, width, height };
}

/** Where a place is drawn in the view (pixels from its top-left corner). */
export function toView(view: MapView, lat: number, lon: number): Point {
  const p = project(lat, lon, view.zoom);
  return { x: p.x - view.origin.x, y: p.y - view.origin.y };
}

export function fromView(view: MapView, p: Point): { lat: number; lon: number } {
  return unproject({ x: p.x + view.origin.x, y: p.y + view.origin.y }, view.zoom);
}

/** The tiles covering the view: their x, y at the view's zoom and where each is drawn. */
export function tilesOf(view: MapView): { x: number; y: number; left: number; top: number }[] {
  const n = 2 ** view.zoom;
  const out: { x: number; y: number; left: number; top: number }[] = [];
  for (let ty = Math.floor(view.origin.y / TILE); ty * TILE < view.origin.y + view.height; ty++) {
    if (ty < 0 || ty >= n) continue;
    for (let tx = Math.floor(view.origin.x / TILE); tx * TILE < view.origin.x + view.width; tx++) {
      out.push({ x: ((tx % n) + n) % n, y: ty, left: tx * TILE - view.origin.x, top: ty * TILE - view.origin.y });
    }
  }
  return out;
}
