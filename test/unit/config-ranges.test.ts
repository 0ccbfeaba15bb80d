/** Absurd configuration values are refused when the configuration is read, naming the field and the range. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';

const refused = (config: unknown) => {
  try {
    parseConfig(config);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(config)}`);
};

describe('configuration ranges', () => {
  it('refuses values that would fail later or never finish', () => {
    expect(refused({ utilities: { emissionFactors: { electricity: 1e308, heating: 0.2, water: 0.4 } } })).toMatch(
      /utilities\.emissionFactors\.electricity: must be at most 100 kgCO2e per unit/,
    );
    expect(refused({ utilities: { emissionFactors: { electricity: -1, heating: 0.2, water: 0.4 } } })).toMatch(/electricity: must be at least 0/);
    expect(refused({ simulator: { meters: 1e8 } })).toMatch(/simulator\.meters: must be at most 10000 meters/);
    expect(refused({ simulator: { seed: 1e308 } })).toMatch(/simulator\.seed: must be at most 4294967295/);
    expect(refused({ meters: { maxIntervalKwh: 1e308 } })).toMatch(/meters\.maxIntervalKwh: must be at most 1000000 kWh/);
    expect(refused({ market: { backfillDays: 1e6 } })).toMatch(/market\.backfillDays: must be at most 3650 days/);
    expect(refused({ analysis: { historyDays: 0 } })).toMatch(/analysis\.historyDays: must be at least 1 days/);
    expect(refused({ analysis: { zThreshold: Infinity } })).toMatch(/analysis\.zThreshold/);
  });

  it('accepts the defaults and values at the edges of the ranges', () => {
    expect(() => parseConfig({})).not.toThrow();
    expect(parseConfig({ simulator: { meters: 10_000, seed: 2 ** 32 - 1 }, utilities: { emissionFactors: { electricity: 100, heating: 0, water: 0.449 } } }).simulator.meters).toBe(10_000);
  });
});
