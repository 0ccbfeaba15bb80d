/**
 * EV charging: a map of the stations coloured by availability (./../ev-map.ts), the recommendation
 * as a form (a point — a click on the map or latitude/longitude — and a connector → the nearest
 * stations with a fast charger available, ranked by distance and recent availability; the pure
 * lambdas/analysis/ev-recommend.ts runs here on the published statuses), the busiest stations, the
 * broken chargers with how long, availability at commute hours and fast chargers per station.
 * Times are on the stations' clock (their zone named). The form's values are in the URL (deep link).
 */
import { recommendStations, type Recommendation } from '../../../lambdas/analysis/ev-recommend';
import type { EvBroken, EvCommute, EvStations, EvUtilisation } from '../../../lambdas/contract/results';
import { emptyState, errorState, h, simpleTable, tableWrap } from '../dom';
import { stationMap } from '../ev-map';
import * as f from '../format';
import type { View } from './view';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const STATUS_WORDS: Record<number, string> = { 1: 'communication error', 4: 'stopped', 5: 'under inspection' };
const hourOfWeek = (h: number | null) => (h === null ? '—' : `${WEEKDAYS[Math.floor(h / 24)]} ${String(h % 24).padStart(2, '0')}:00`);
const km = (x: number) => `${f.num(x, 2)} km`;

export const evView: View = {
  name: 'ev',
  title: 'EV charging',
  async render(ctx) {
    const root = h('section', { 'aria-labelledby': 'view-title' }, h('h1', { id: 'view-title', tabindex: -1 }, 'EV charging'));
    const [st, ut, br, co] = await Promise.all([
      ctx.data.load<EvStations>('ev-stations.json'),
      ctx.data.load<EvUtilisation>('ev-utilisation.json'),
      ctx.data.load<EvBroken>('ev-broken.json'),
      ctx.data.load<EvCommute>('ev-commute.json'),
    ]);
    if (st.status !== 'ok' || st.data.stations.length === 0) {
      root.append(
        st.status === 'error'
          ? errorState(st.file, st.message)
          : emptyState('EV charging data', st.file, st.status === 'ok' ? 'No charging station is loaded: run the ev-chargers source (gridlake run --sources ev-chargers) or import seed files (gridlake import chargers DIR).' : undefined),
      );
      return root;
    }
    const ev = st.data;
    const tz = ev.timezone;
    const names = new Map(ev.stations.map((s) => [s.id, s.name]));
    const p = ctx.route.params;

    // The recommendation, when the URL holds a point and a connector.
    const connectors = [...new Set(ev.fastChargers.flatMap((c) => c.connectors))].sort();
    const lat = Number(p.lat);
    const lon = Number(p.lon);
    const asked = p.lat !== undefined && p.lon !== undefined && Number.isFinite(lat) && Number.isFinite(lon);
    // CCS, the combo plug most fast chargers carry, unless the URL names another.
    const connector = p.connector && connectors.includes(p.connector) ? p.connector : connectors.includes('CCS') ? 'CCS' : (connectors[0] ?? '');
    let recs: Recommendation[] | null = null;
    let recError: string | null = null;
    if (asked && connector && ev.asOf) {
      try {
        recs = recommendStations(
          ev.stations.map((s) => ({ station_id: s.id, name: s.name, lat: s.lat, lon: s.lon })),
          ev.fastChargers.map((c) => ({ station_id: c.stationId, charger_id: c.chargerId, output_kw: c.outputKw, connectors: c.connectors })),
          ev.recent.t.map((t, i) => ({ station_id: ev.recent.stationId[i]!, charger_id: ev.recent.chargerId[i]!, observed_at: t, status_code: ev.recent.code[i]! })),
          { at: { lat, lon }, connector, asOf: f.parseInstant(ev.asOf), fastKw: ev.fastKw },
        );
      } catch (e) {
        recError = (e as Error).message;
      }
    }

    const latInput = h('input', { type: 'number', id: 'ev-lat', name: 'lat', step: 'any', min: -90, max: 90, required: true, value: asked ? String(lat) : '' });
    const lonInput = h('input', { type: 'number', id: 'ev-lon', name: 'lon', step: 'any', min: -180, max: 180, required: true, value: asked ? String(lon) : '' });
    const map = stationMap(ev.stations, {
      highlight: new Set((recs ?? []).map((r) => r.station_id)),
      onPick(a, b) {
        latInput.value = a.toFixed(5);
        lonInput.value = b.toFixed(5);
        map.mark(a, b);
      },
    });
    if (asked) map.mark(lat, lon);

    const counts = ev.stations.reduce((acc, s) => ({ chargers: acc.chargers + s.chargers, available: acc.available + s.available, out: acc.out + s.outOfService }), { chargers: 0, available: 0, out: 0 });
    const select = h('select', { id: 'ev-connector', name: 'connector' }, connectors.map((c) => h('option', { value: c, selected: c === connector }, c)));
    const form = h(
      'form',
      {
        class: 'filters ev-recommend',
        'aria-label': 'Recommend a station',
        onsubmit: ((e: Event) => {
          e.preventDefault();
          if (!(e.target as HTMLFormElement).reportValidity()) return;
          ctx.navigate({ lat: latInput.value, lon: lonInput.value, connector: select.value });
        }) as EventListener,
      },
      h('label', { class: 'field', for: 'ev-lat' }, h('span', {}, 'Latitude'), latInput),
      h('label', { class: 'field', for: 'ev-lon' }, h('span', {}, 'Longitude'), lonInput),
      h('label', { class: 'field', for: 'ev-connector' }, h('span', {}, 'Connector'), select),
      h('button', { type: 'submit' }, 'Find a station'),
      h('p', { class: 'help' }, `Click the map or type a point; stations within 10 km with a fast charger (≥ ${ev.fastKw} kW) for the connector free in the newest snapshot, ranked by distance plus 2 km × the share of the last two hours they were not free.`),
    );

    root.append(
      h('p', { class: 'lead' }, `${f.num(ev.stations.length)} stations, ${f.num(counts.chargers)} chargers: ${f.num(counts.available)} available, ${f.num(counts.out)} out of service, as of ${f.dateTime(ev.asOf, tz)}.`),
      h('div', { class: 'ev-layout' }, map.element, h('div', { class: 'ev-side' }, h('h2', {}, 'Which station should I go to?'), form, recommendations(recs, recError, asked, connector))),
    );

    // Busiest stations.
    if (ut.status === 'ok' && ut.data.busiest.length) {
      const byId = new Map(ut.data.stations.map((s) => [s.id, s]));
      root.append(
        h('h2', {}, 'Busiest stations'),
        h('p', { class: 'help' }, `Charging time over in-service charger time, ${f.dateTime(ut.data.from, tz)} to ${f.dateTime(ut.data.to, tz)}; peak hour on the stations' clock.`),
        tableWrap(
          'Busiest stations',
          simpleTable(
            'Busiest stations (most charging hours first)',
            ['Station', 'Chargers', 'Charging hours', 'Utilisation', 'Peak hour'],
            ut.data.busiest.map((id) => {
              const s = byId.get(id)!;
              return [s.name, s.chargers, f.num(s.chargingHours, 1), f.pct(s.utilisation), hourOfWeek(s.peakHourOfWeek)];
            }),
            [false, true, true, true, false],
          ),
        ),
      );
    }

    // Broken chargers.
    root.append(h('h2', {}, 'Broken chargers'));
    if (br.status === 'ok') {
      const asOf = f.parseInstant(br.data.asOf);
      root.append(
        br.data.items.length === 0
          ? h('p', { class: 'empty', role: 'status', 'data-broken': '0' }, `No charger has been out of service for ${f.num(br.data.brokenAfterHours, 1)} h or more.`)
          : tableWrap(
              'Broken chargers',
              simpleTable(
                `Chargers out of service for ${f.num(br.data.brokenAfterHours, 1)} h or more, as of ${f.dateTime(br.data.asOf, tz)}`,
                ['Station', 'Charger', `Since (${f.zoneName(tz, asOf)})`, 'For', 'Status'],
                br.data.items.map((b) => [b.stationName, b.chargerId, f.localShort(f.parseInstant(b.since), tz), f.age(b.durationHours), b.codes.map((c) => STATUS_WORDS[c] ?? `status ${c}`).join(', ')]),
                [false, false, false, true, false],
              ),
            ),
      );
    } else root.append(br.status === 'error' ? errorState(br.file, br.message) : emptyState('broken chargers', br.file));

    // Commute hours.
    if (co.status === 'ok' && co.data.rows.length) {
      const windows = co.data.windows.map((w) => w.name);
      const byStation = new Map<string, Map<string, number>>();
      for (const r of co.data.rows) {
        if (!byStation.has(r.stationId)) byStation.set(r.stationId, new Map());
        byStation.get(r.stationId)!.set(r.window, r.availableShare);
      }
      const label = (w: EvCommute['windows'][number]) => `${w.name} (${String(w.fromHour).padStart(2, '0')}–${String(w.toHour).padStart(2, '0')} weekdays)`;
      root.append(
        h('h2', {}, 'Where can I charge at commute hours?'),
        h('p', { class: 'help' }, `Share of snapshots with a charger available, on the stations' clock (${f.zoneName(tz)}).`),
        tableWrap(
          'Availability at commute hours',
          simpleTable(
            'Availability at commute hours',
            ['Station', ...co.data.windows.map(label)],
            [...byStation].sort((a, b) => (b[1].get(windows[0]!) ?? 0) - (a[1].get(windows[0]!) ?? 0)).map(([id, m]) => [names.get(id) ?? id, ...windows.map((w) => (m.has(w) ? f.pct(m.get(w)) : null))]),
            [false, ...windows.map(() => true)],
          ),
        ),
      );
    }

    // Stations and their fast chargers.
    root.append(
      h('h2', {}, 'Stations and fast chargers'),
      tableWrap(
        'Stations',
        simpleTable(
          `Stations (fast = ${ev.fastKw} kW or more)`,
          ['Station', 'Kind', 'Chargers', 'Available', 'Fast', 'Max kW', 'Fast connectors'],
          ev.stations.map((s) => [
            s.name,
            s.kind,
            s.chargers,
            s.available,
            s.fast,
            s.maxKw === null ? null : f.num(s.maxKw),
            Object.entries(s.fastByConnector).map(([c, n]) => `${c} ×${n}`).join(', ') || null,
          ]),
          [false, false, true, true, true, true, false],
        ),
      ),
    );
    return root;
  },
};

function recommendations(recs: Recommendation[] | null, error: string | null, asked: boolean, connector: string): HTMLElement {
  if (error) return h('p', { class: 'error', role: 'alert' }, error);
  if (!asked || recs === null) return h('p', { class: 'help', id: 'ev-recommendations' }, 'Choose a point to see the nearest stations with a fast charger free.');
  if (recs.length === 0) return h('p', { class: 'empty', role: 'status', id: 'ev-recommendations', 'data-count': '0' }, `No station within 10 km has a fast ${connector} charger free now.`);
  return h(
    'ol',
    { class: 'ev-recs', id: 'ev-recommendations', 'data-count': recs.length },
    recs.map((r) =>
      h(
        'li',
        { 'data-station': r.station_id },
        h('strong', {}, r.name),
        ` — ${km(r.distance_km)}; ${r.available_now} of ${r.matching_chargers} fast ${connector} free now; free ${f.pct(r.recent_availability, 0)} of the last two hours.`,
      ),
    ),
  );
}
