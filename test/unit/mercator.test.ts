/** The EV map's Web Mercator (dashboard/src/mercator.ts): OpenStreetMap's tile numbering, round trips, fitting. */
import { describe, expect, it } from 'vitest';
import { fitView, fromView, project, tilesOf, toView, TILE, unproject } from '../../dashboard/src/mercator';

describe('Web Mercator in tile pixels', () => {
  it('puts (0, 0) in the middle of the world and Seoul City Hall in OSM tile 873/396 at zoom 10', () => {
    expect(project(0, 0, 0)).toEqual({ x: 128, y: 128 });
    const p = project(37.5665, 126.978, 10);
    expect([Math.floor(p.x / TILE), Math.floor(p.y / TILE)]).toEqual([873, 396]);
  });

  it('round-trips and keeps east right, north up', () => {
    for (const [lat, lon] of [[37.5665, 126.978], [-33.86, 151.21], [51.5, -0.12], [0, 0]] as const) {
      const back = unproject(project(lat, lon, 12), 12);
      expect(back.lat).toBeCloseTo(lat, 9);
      expect(back.lon).toBeCloseTo(lon, 9);
    }
    expect(project(37.5, 127.1, 5).x).toBeGreaterThan(project(37.5, 126.9, 5).x);
    expect(project(37.6, 127, 5).y).toBeLessThan(project(37.5, 127, 5).y);
  });

  it('fits points in the view with the largest whole zoom, and covers the view with tiles', () => {
    const points = [
      { lat: 37.3948, lon: 127.1112 },
      { lat: 37.6542, lon: 126.8874 },
    ];
    const view = fitView(points, 800, 500, 24);
    for (const p of points) {
      const v = toView(view, p.lat, p.lon);
      expect(v.x).toBeGreaterThanOrEqual(24 - 1e-9);
      expect(v.x).toBeLessThanOrEqual(800 - 24 + 1e-9);
      expect(v.y).toBeGreaterThanOrEqual(24 - 1e-9);
      expect(v.y).toBeLessThanOrEqual(500 - 24 + 1e-9);
      const back = fromView(view, v);
      expect(back.lat).toBeCloseTo(p.lat, 9);
    }
    // One zoom more and they would not fit.
    const closer = points.map((p) => project(p.lat, p.lon, view.zoom + 1));
    expect(Math.max(Math.abs(closer[0]!.x - closer[1]!.x) - (800 - 48), Math.abs(closer[0]!.y - closer[1]!.y) - (500 - 48))).toBeGreaterThan(0);
    const tiles = tilesOf(view);
    expect(Math.min(...tiles.map((t) => t.left))).toBeLessThanOrEqual(0);
    expect(Math.max(...tiles.map((t) => t.left + TILE))).toBeGreaterThanOrEqual(800);
    expect(Math.min(...tiles.map((t) => t.top))).toBeLessThanOrEqual(0);
    expect(Math.max(...tiles.map((t) => t.top + TILE))).toBeGreaterThanOrEqual(500);
    // A single station: the maximum zoom, centred.
    const one = fitView([points[0]!], 800, 500);
    expect(one.zoom).toBe(16);
    const centre = toView(one, points[0]!.lat, points[0]!.lon);
    expect(centre.x).toBeCloseTo(400, 6);
    expect(centre.y).toBeCloseTo(250, 6);
  });
});
