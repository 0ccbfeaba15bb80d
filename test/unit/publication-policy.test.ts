/**
 * The publication policy (lambdas/steps/publication-policy.ts) on its own: private publishes every
 * byte unchanged; public-aggregates is an allow-list that rebuilds each known file from its
 * aggregate fields, withholds files it does not know, and says in the manifest what it left out.
 */
import { describe, expect, it } from 'vitest';
import type { Anomalies, Consumption, Forecast, Manifest } from '../../lambdas/contract/results';
import { publicationPolicy, WITHHELD_IN_PUBLIC } from '../../lambdas/steps/publication-policy';

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));

const consumption = {
  fleetDaily: { day: ['2026-11-01'], totalKwh: [120], meters: [2] },
  loadProfile: { hour: [0], avgIntervalKwh: [0.2] },
  meters: [{ id: 'c-0123456789ab', area: 'a1', tariff: 'std', days: 1, totalKwh: 60, avgDailyKwh: 60 }],
  // A field a later analysis might add: not an aggregate the policy knows, so not published.
  topCustomers: ['c-0123456789ab'],
} as Consumption & { topCustomers: string[] };
const item = (subjectType: 'meter' | 'household' | 'fleet', subject: string) => ({
  id: subject, subjectType, subject, time: '2026-11-01T00:00:00Z', rule: 'spike', severity: 'high' as const, value: 1, expected: 0, score: 9, context: { t: [], v: [] },
});
const anomalies: Anomalies = { generatedAt: 'x', items: [item('meter', 'c-0123456789ab'), item('household', 'h-0123456789ab'), item('fleet', 'fleet')], totals: [{ rule: 'spike', severity: 'high', count: 3 }] };
const group = (name: string) => ({ group: name, chosenModel: 'm', backtest: [], points: { t: [], yhat: [], lo80: [], hi80: [], lo95: [], hi95: [] }, history: { t: [], kwh: [] } });
const forecast: Forecast = { generatedAt: 'x', issuedFor: null, groups: [group('fleet'), group('area:a1'), group('meter:c-0123456789ab')] };

describe('publication policy', () => {
  it('private: every file, byte for byte', () => {
    const p = publicationPolicy('private');
    const body = bytes(consumption);
    for (const name of ['consumption.json', 'meters/c-0123456789ab.json', 'something-new.json']) expect(p.admits(name)).toBe(true);
    expect(p.form('consumption.json', body)).toBe(body);
    const manifest = bytes({ version: 1, generatedAt: 'x', runId: 'r', files: ['a.json'] });
    expect(p.manifest(manifest, [])).toBe(manifest);
  });

  it('public-aggregates: no per-customer file, no customer list, no anomaly of a meter or household', () => {
    const p = publicationPolicy('public-aggregates');
    expect(p.admits('meters/c-0123456789ab.json')).toBe(false);
    expect(p.admits('something-new.json')).toBe(false);
    for (const name of ['overview.json', 'consumption.json', 'anomalies.json', 'forecast.json', 'market.json', 'emissions.json', 'runs.json', 'ev-stations.json', 'ev-utilisation.json', 'ev-broken.json', 'ev-commute.json', 'manifest.json']) expect(p.admits(name), name).toBe(true);
    expect(json(p.form('consumption.json', bytes(consumption)))).toEqual({ fleetDaily: consumption.fleetDaily, loadProfile: consumption.loadProfile, meters: [] });
    const a = json(p.form('anomalies.json', bytes(anomalies))) as Anomalies;
    expect(a.items.map((i) => i.subjectType)).toEqual(['fleet']);
    expect(a.totals).toEqual(anomalies.totals);
    expect((json(p.form('forecast.json', bytes(forecast))) as Forecast).groups.map((g) => g.group)).toEqual(['fleet', 'area:a1']);
    expect(() => p.form('meters/c-0123456789ab.json', bytes({}))).toThrow(/not an aggregate file/);
    expect(() => p.form('consumption.json', new TextEncoder().encode('{'))).toThrow(/results\/latest\/consumption.json is not valid JSON/);
  });

  it('public-aggregates: the manifest lists only what was published and what was left out', () => {
    const p = publicationPolicy('public-aggregates');
    const analyzed = { version: 1, generatedAt: 'x', runId: 'r', files: ['consumption.json', 'meters/c-0123456789ab.json', 'overview.json'] };
    const m = json(p.manifest(bytes(analyzed), ['consumption.json', 'overview.json'])) as Manifest;
    expect(m.files).toEqual(['consumption.json', 'overview.json']);
    expect(m.publication).toEqual({ access: 'public-aggregates', withheld: [...WITHHELD_IN_PUBLIC] });
  });
});
