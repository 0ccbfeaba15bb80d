/**
 * What the dashboard bucket may receive, by `dashboard.access` (lambdas/config.ts). The one place
 * that decides it: the publish step asks this policy about every result file.
 *
 * - `private`: the site is behind sign-in, so every result file is published as analyze wrote it.
 * - `public-aggregates`: anyone may read the site, and half-hourly consumption of a household is
 *   personal data even under a pseudonym. Only fleet, area and building aggregates go out. The
 *   policy is an allow-list: a result file it does not know (a new analysis) is withheld until it
 *   is added here on purpose, and the known files are rebuilt field by field, so a per-customer
 *   field added to them later is not published by accident either.
 */
import type { DashboardAccess } from '../config';
import type { Anomalies, Consumption, Emissions, EvBroken, EvCommute, EvStations, EvUtilisation, Forecast, Manifest, Market, Overview, Runs } from '../contract/results';
import { RESULT_FILES } from '../contract/results';

/** What a public-aggregates publication leaves out (shown by the dashboard and listed in the manifest). */
export const WITHHELD_IN_PUBLIC = [
  'the customer list (consumption.json: meters)',
  'per-customer files (meters/*.json)',
  'anomalies of single meters and households (anomalies.json: items; totals by rule stay)',
  'forecasts of groups other than the fleet, areas and buildings',
  'flow meters (flow.json, flow/*.json): readings, outliers and forecasts of single devices',
] as const;

/** Forecast groups that are aggregates: the fleet, an area, a building. */
const AGGREGATE_GROUP = /^(fleet|area:.+|building:.+)$/;

type Rebuild = (data: any) => unknown;

/** The files a public publication may hold, each rebuilt from the fields that are aggregates. */
const PUBLIC_FILES: Record<string, Rebuild> = {
  [RESULT_FILES.overview]: (o: Overview): Overview => o,
  [RESULT_FILES.consumption]: (c: Consumption): Consumption => ({ fleetDaily: c.fleetDaily, loadProfile: c.loadProfile, meters: [] }),
  [RESULT_FILES.anomalies]: (a: Anomalies): Anomalies => ({
    generatedAt: a.generatedAt,
    items: a.items.filter((i) => i.subjectType === 'fleet'),
    totals: a.totals,
  }),
  [RESULT_FILES.forecast]: (f: Forecast): Forecast => ({
    generatedAt: f.generatedAt,
    issuedFor: f.issuedFor,
    groups: f.groups.filter((g) => AGGREGATE_GROUP.test(g.group)),
  }),
  [RESULT_FILES.market]: (m: Market): Market => m,
  [RESULT_FILES.emissions]: (e: Emissions): Emissions => e,
  [RESULT_FILES.runs]: (r: Runs): Runs => r,
  // EV charging stations are public infrastructure (the national API publishes every charger's
  // status): nothing in these files is about a person. The station list is rebuilt field by field;
  // the others hold per-station aggregates only, as market and emissions do.
  [RESULT_FILES.evStations]: (e: EvStations): EvStations => ({
    generatedAt: e.generatedAt,
    asOf: e.asOf,
    timezone: e.timezone,
    fastKw: e.fastKw,
    stations: e.stations.map((s) => ({
      id: s.id,
      name: s.name,
      address: s.address,
      lat: s.lat,
      lon: s.lon,
      kind: s.kind,
      chargers: s.chargers,
      available: s.available,
      charging: s.charging,
      outOfService: s.outOfService,
      unknown: s.unknown,
      statusAt: s.statusAt,
      stale: s.stale,
      fast: s.fast,
      fastByConnector: s.fastByConnector,
      maxKw: s.maxKw,
      unknownOutput: s.unknownOutput,
    })),
    fastChargers: e.fastChargers,
    recent: e.recent,
  }),
  [RESULT_FILES.evUtilisation]: (e: EvUtilisation): EvUtilisation => e,
  [RESULT_FILES.evBroken]: (e: EvBroken): EvBroken => e,
  [RESULT_FILES.evCommute]: (e: EvCommute): EvCommute => e,
};

export interface PublicationPolicy {
  readonly access: DashboardAccess;
  /** Whether a result file (name relative to data/) goes to the site at all; decided before it is read. */
  admits(name: string): boolean;
  /** The bytes the site gets for an admitted file. */
  form(name: string, body: Uint8Array): Uint8Array;
  /** The manifest the site gets: analyze's, listing only what was published. */
  manifest(body: Uint8Array, published: string[]): Uint8Array;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const parse = (name: string, body: Uint8Array): unknown => {
  try {
    return JSON.parse(decoder.decode(body));
  } catch (e) {
    throw new Error(`publish: results/latest/${name} is not valid JSON (${(e as Error).message}); re-run the analyze step.`);
  }
};

const everything: PublicationPolicy = {
  access: 'private',
  admits: () => true,
  form: (_name, body) => body,
  manifest: (body) => body,
};

const aggregatesOnly: PublicationPolicy = {
  access: 'public-aggregates',
  admits: (name) => name === RESULT_FILES.manifest || name in PUBLIC_FILES,
  form(name, body) {
    const rebuild = PUBLIC_FILES[name];
    if (!rebuild) throw new Error(`publish: ${name} is not an aggregate file; the publication policy does not admit it.`);
    return encoder.encode(JSON.stringify(rebuild(parse(name, body))));
  },
  manifest(body, published) {
    const m = parse(RESULT_FILES.manifest, body) as Manifest;
    const out: Manifest = {
      version: m.version,
      generatedAt: m.generatedAt,
      runId: m.runId,
      files: m.files.filter((f) => published.includes(f)),
      publication: { access: 'public-aggregates', withheld: [...WITHHELD_IN_PUBLIC] },
    };
    return encoder.encode(JSON.stringify(out));
  },
};

export function publicationPolicy(access: DashboardAccess): PublicationPolicy {
  return access === 'public-aggregates' ? aggregatesOnly : everything;
}
