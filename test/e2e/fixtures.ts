/**
 * A generator of contract-typed dashboard data (lambdas/contract/results.ts) written the way the
 * publish step writes it: `<dataDir>/site/data/*.json`. Used to develop the dashboard before the
 * pipeline existed, by the bench (1,000 meters × 90 days: the data budget), and by the empty- and
 * partial-data tests. Values are seeded, rounded like the publish step should round them (Wh
 * resolution), and returned as `truth` so tests can check what the site shows.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CONTRACT_VERSION,
  RESULT_FILES,
  type Anomalies,
  type AnomalyItem,
  type Consumption,
  type Emissions,
  type Forecast,
  type ForecastGroup,
  type Manifest,
  type Market,
  type MarketSymbol,
  type MeterDetail,
  type Overview,
  type RunRow,
  type Runs,
} from '../../lambdas/contract/results';
import { pseudonymise } from '../../lambdas/steps/analyze/pseudonym';
import { mulberry32 } from '../../lambdas/sources/random';

export interface FixtureOptions {
  /** The gridlake data directory; files go to `<dataDir>/site/data/`. */
  dataDir: string;
  /** Default 40. */
  meters?: number;
  /** Days of history ending on `endDay`. Default 60. */
  days?: number;
  /** Last local day with readings. Default: yesterday (UTC). */
  endDay?: string;
  /** Days with 30-minute profiles in the per-meter files. Default 7. */
  profileDays?: number;
  /** Default 1. */
  seed?: number;
  /** Leave these files out (an analysis that has not run), e.g. ['forecast.json']. */
  omit?: string[];
  /** The instant the run finished (freshness). Default: now. */
  now?: Date;
}

export interface FixtureMeterTruth {
  rawId: string;
  pseudonym: string;
  daily: MeterDetail['daily'];
}

export interface FixtureResult {
  dataDir: string;
  siteDataDir: string;
  pseudonymKey: string;
  meters: FixtureMeterTruth[];
  files: string[];
}

/** Wh resolution: what a meter measures; more digits would only cost bytes. */
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r2 = (x: number) => Math.round(x * 100) / 100;

const rng = mulberry32;

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Half-hour shape of a household: night base, morning and evening peaks. */
function shape(slot: number): number {
  const hour = slot / 2;
  return 0.35 + 0.5 * Math.exp(-((hour - 7.5) ** 2) / 2) + 0.9 * Math.exp(-((hour - 19) ** 2) / 4);
}

export async function writeFixtureData(options: FixtureOptions): Promise<FixtureResult> {
  const nMeters = options.meters ?? 40;
  const nDays = options.days ?? 60;
  const now = options.now ?? new Date();
  const endDay = options.endDay ?? addDays(now.toISOString().slice(0, 10), -1);
  const profileDays = options.profileDays ?? 7;
  const rand = rng(options.seed ?? 1);
  const key = 'fixture-pseudonym-key';
  const days = Array.from({ length: nDays }, (_, i) => addDays(endDay, i - nDays + 1));
  const siteDataDir = path.join(options.dataDir, 'site', 'data');
  await mkdir(path.join(siteDataDir, 'meters'), { recursive: true });
  const files: Record<string, unknown> = {};
  const areas = ['north', 'south', 'east', 'west'];
  const tariffs = ['standard', 'economy7', 'ev'];

  const truth: FixtureMeterTruth[] = [];
  const fleetTotal = new Array<number>(nDays).fill(0);
  const fleetMeters = new Array<number>(nDays).fill(0);
  const hourSum = new Array<number>(24).fill(0);
  let hourN = 0;
  const summaries: Consumption['meters'] = [];

  for (let m = 0; m < nMeters; m++) {
    const rawId = `MTR-${String(100000 + m)}`;
    const id = pseudonymise(key, rawId);
    const scale = 0.15 + rand() * 0.5;
    const area = areas[m % areas.length];
    const tariff = tariffs[m % tariffs.length];
    const daily: MeterDetail['daily'] = { day: [], totalKwh: [], avgIntervalKwh: [], intervals: [], peakKwh: [] };
    const profiles: MeterDetail['profiles'] = {};
    days.forEach((day, di) => {
      const weekend = [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()) ? 1.15 : 1;
      const intervals = rand() < 0.01 ? 46 : 48; // an occasional gap
      const kwh: number[] = [];
      for (let s = 0; s < intervals; s++) kwh.push(r3(Math.max(0, scale * weekend * shape(s) * (0.8 + rand() * 0.4))));
      const total = kwh.reduce((a, b) => a + b, 0);
      daily.day.push(day);
      daily.totalKwh.push(r3(total));
      daily.avgIntervalKwh.push(r3(total / intervals));
      daily.intervals.push(intervals);
      daily.peakKwh.push(Math.max(...kwh));
      fleetTotal[di] += total;
      fleetMeters[di] += 1;
      kwh.forEach((v, s) => (hourSum[Math.floor(s / 2)] += v));
      hourN += 1;
      if (di >= nDays - profileDays) {
        profiles[day] = { start: kwh.map((_, s) => `${String(Math.floor(s / 2)).padStart(2, '0')}:${s % 2 ? '30' : '00'}`), kwh };
      }
    });
    const total = daily.totalKwh.reduce((a, b) => a + b, 0);
    summaries.push({ id, area, tariff, days: nDays, totalKwh: r2(total), avgDailyKwh: r3(total / nDays) });
    files[RESULT_FILES.meter(id)] = { id, area, tariff, timezone: 'Europe/London', daily, profiles } satisfies MeterDetail;
    truth.push({ rawId, pseudonym: id, daily });
  }

  files[RESULT_FILES.consumption] = {
    fleetDaily: { day: days, totalKwh: fleetTotal.map(r2), meters: fleetMeters },
    loadProfile: { hour: Array.from({ length: 24 }, (_, h) => h), avgIntervalKwh: hourSum.map((s) => r3(s / (hourN * 2))) },
    meters: summaries,
  } satisfies Consumption;

  const items: AnomalyItem[] = [];
  const rules = ['spike', 'stuck', 'gap', 'zscore', 'threshold:heating'];
  const severities = ['low', 'medium', 'high'] as const;
  for (let i = 0; i < Math.min(150, nMeters * 3); i++) {
    const meter = summaries[Math.floor(rand() * summaries.length)];
    const rule = rules[i % rules.length];
    const household = rule.startsWith('threshold');
    const day = days[Math.floor(rand() * nDays)];
    const t = household ? `${day.slice(0, 7)}-01` : `${day}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:30:00Z`;
    const expected = r3(0.3 + rand());
    const value = rule === 'gap' ? null : r3(expected * (rule === 'stuck' ? 1 : 3 + rand() * 5));
    items.push({
      id: `a-${String(i).padStart(5, '0')}`,
      subjectType: household ? 'household' : 'meter',
      subject: household ? `1901-${String(1 + (i % 20)).padStart(2, '0')}0${1 + (i % 4)}` : meter.id,
      time: t,
      rule,
      severity: severities[i % 3],
      value,
      expected,
      score: value === null ? null : r2((value - expected) / 0.1),
      context: { t: Array.from({ length: 9 }, (_, k) => `${day}T${String(8 + k).padStart(2, '0')}:00:00Z`), v: Array.from({ length: 9 }, (_, k) => (k === 4 ? value : r3(expected * (0.9 + rand() * 0.2)))) },
    });
  }
  const totals = new Map<string, AnomalyItem[]>();
  for (const it of items) totals.set(`${it.rule}|${it.severity}`, [...(totals.get(`${it.rule}|${it.severity}`) ?? []), it]);
  files[RESULT_FILES.anomalies] = {
    generatedAt: now.toISOString(),
    items,
    totals: [...totals.entries()].map(([k, v]) => ({ rule: k.split('|')[0], severity: v[0].severity, count: v.length })),
  } satisfies Anomalies;

  const issued = new Date(`${addDays(endDay, 1)}T00:00:00Z`);
  const hourIso = (h: number) => new Date(issued.getTime() + h * 3_600_000).toISOString().replace('.000Z', 'Z');
  const group = (name: string, level: number): ForecastGroup => {
    const yhat = Array.from({ length: 168 }, (_, h) => r2(level * shape((h % 24) * 2)));
    const w = (h: number, z: number) => level * 0.05 * z * Math.sqrt(1 + h / 24);
    return {
      group: name,
      chosenModel: 'holt-winters',
      backtest: [
        { model: 'seasonal-naive', mape: 12.4, mase: 1 },
        { model: 'holt-winters', mape: 8.1, mase: 0.71 },
      ],
      points: {
        t: yhat.map((_, h) => hourIso(h)),
        yhat,
        lo80: yhat.map((y, h) => r2(y - w(h, 1.28))),
        hi80: yhat.map((y, h) => r2(y + w(h, 1.28))),
        lo95: yhat.map((y, h) => r2(y - w(h, 1.96))),
        hi95: yhat.map((y, h) => r2(y + w(h, 1.96))),
      },
      history: { t: Array.from({ length: 72 }, (_, k) => hourIso(k - 72)), kwh: Array.from({ length: 72 }, (_, k) => r2(level * shape(((k + 24) % 24) * 2) * (0.9 + rand() * 0.2))) },
    };
  };
  files[RESULT_FILES.forecast] = { generatedAt: now.toISOString(), issuedFor: hourIso(0), groups: [group('fleet', nMeters * 0.6), ...areas.map((a) => group(`area:${a}`, (nMeters / 4) * 0.6))] } satisfies Forecast;

  const tradingDays = days.filter((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
  const symbol = (name: string, start: number): MarketSymbol => {
    const close: number[] = [];
    let p = start;
    for (let i = 0; i < tradingDays.length; i++) close.push(r2((p *= 1 + (rand() - 0.48) * 0.03)));
    const ma = (n: number) => close.map((_, i) => (i + 1 < n ? null : r2(close.slice(i + 1 - n, i + 1).reduce((a, b) => a + b, 0) / n)));
    const rets = close.map((c, i) => (i ? c / close[i - 1] - 1 : 0));
    const vol20 = rets.map((_, i) => {
      if (i < 20) return null;
      const w = rets.slice(i - 19, i + 1);
      const mu = w.reduce((a, b) => a + b, 0) / 20;
      return Math.round(Math.sqrt((w.reduce((a, b) => a + (b - mu) ** 2, 0) / 19) * 252) * 10000) / 10000;
    });
    let peak = -Infinity;
    const drawdown = close.map((c) => Math.round((c / (peak = Math.max(peak, c)) - 1) * 10000) / 10000);
    const mean = rets.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, rets.length - 1);
    return {
      symbol: name,
      series: { date: tradingDays, close, ma20: ma(20), ma50: ma(50), vol20, drawdown },
      maxDrawdown: Math.min(...drawdown),
      annualisedVolatility: vol20[vol20.length - 1] ?? null,
      correlationWithConsumption: r2(rand() * 0.6 - 0.3),
      meanReturn: { mean, lo95: mean - 0.004, hi95: mean + 0.004, n: rets.length - 1 },
    };
  };
  files[RESULT_FILES.market] = { generatedAt: now.toISOString(), symbols: [symbol('SPY', 500), symbol('XLE', 90), symbol('NG=F', 3)] } satisfies Market;

  const months = [...new Set(days.map((d) => `${d.slice(0, 7)}-01`))];
  const factors = { electricity: 0.4747, heating: 0.202, water: 0.449 };
  const units = { electricity: 'kWh', heating: 'kWh', water: 'm3' };
  const rows: Emissions['rows'] = [];
  for (let b = 1901; b <= 1911; b++)
    for (const month of months)
      for (const t of ['electricity', 'heating', 'water'] as const) {
        const amount = r2((b === 1911 ? 40 : 80) * (t === 'water' ? 50 : t === 'heating' ? 800 : 300) * (0.8 + rand() * 0.4));
        rows.push({ building: b, energyType: t, month, amount, unit: units[t], emissionKg: r2(amount * factors[t]) });
      }
  files[RESULT_FILES.emissions] = {
    generatedAt: now.toISOString(),
    factors: (['electricity', 'heating', 'water'] as const).map((t) => ({ energyType: t, factor: factors[t], unit: `kgCO2e/${units[t]}`, source: 'apartment pipeline defaults' })),
    rows,
  } satisfies Emissions;

  const runs: RunRow[] = [];
  for (const day of days.slice(-10)) {
    const runId = `run-${day}-1`;
    const started = new Date(`${addDays(day, 1)}T02:00:00Z`);
    for (const source of ['meter-simulator', 'utilities', 'market']) {
      const rowsIn = source === 'meter-simulator' ? nMeters * 48 + 12 : 100;
      const dup = source === 'meter-simulator' ? 7 : 0;
      const quarantined = source === 'meter-simulator' ? 5 : 0;
      runs.push({
        runId,
        runDate: day,
        source,
        status: 'succeeded',
        rowsIn,
        rowsLoaded: rowsIn - dup - quarantined,
        duplicates: dup,
        quarantined,
        startedAt: started.toISOString(),
        finishedAt: new Date(started.getTime() + 42_000).toISOString(),
        error: null,
        quarantineReasons: quarantined ? [{ reason: 'negative kwh', count: 3 }, { reason: 'timestamp off the 30-minute grid', count: 2 }] : [],
      });
    }
  }
  files[RESULT_FILES.runs] = { generatedAt: now.toISOString(), runs } satisfies Runs;

  const lastRun = runs[runs.length - 1];
  files[RESULT_FILES.overview] = {
    generatedAt: now.toISOString(),
    asOfDay: endDay,
    latestReadingAt: `${endDay}T23:30:00Z`,
    lastSuccessfulRun: { runId: lastRun.runId, finishedAt: now.toISOString() },
    staleAfterHours: 48,
    kpis: {
      energyTodayKwh: r2(fleetTotal[nDays - 1]),
      energyLast30Kwh: r2(fleetTotal.slice(-30).reduce((a, b) => a + b, 0)),
      energyPrev30Kwh: nDays >= 60 ? r2(fleetTotal.slice(-60, -30).reduce((a, b) => a + b, 0)) : null,
      activeMeters: nMeters,
      openAnomalies: items.filter((i) => i.severity === 'high').length,
      emissionsThisMonthKg: r2(rows.filter((r) => r.month === months[months.length - 1]).reduce((a, r) => a + r.emissionKg, 0)),
    },
  } satisfies Overview;

  const omit = new Set(options.omit ?? []);
  const written = Object.keys(files).filter((f) => !omit.has(f));
  files[RESULT_FILES.manifest] = { version: CONTRACT_VERSION, generatedAt: now.toISOString(), runId: lastRun.runId, files: written } satisfies Manifest;
  for (const name of [...written, RESULT_FILES.manifest]) await writeFile(path.join(siteDataDir, name), JSON.stringify(files[name]));
  return { dataDir: options.dataDir, siteDataDir, pseudonymKey: key, meters: truth, files: written };
}
