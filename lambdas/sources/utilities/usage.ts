/**
 * Simulated monthly utility usage of the complex. Amounts stay inside the seasonal ranges of the
 * apartment pipeline this product grew from (PRODUCT.md):
 *
 * | season                     | electricity kWh | heating kWh | water m³ |
 * |----------------------------|-----------------|-------------|----------|
 * | winter (Dec–Feb)           | 200–400         | 700–1,500   | 10–100   |
 * | spring/autumn (Mar–May, Sep–Nov) | 150–400   | 300–900     | 10–100   |
 * | summer (Jun–Aug)           | 400–700         | 100–400     | 10–100   |
 *
 * Heating is in kWh (not MJ): the default heating factor, 0.202 kgCO2e per unit, is a per-kWh
 * factor for gas-fired heat, so kWh keeps amount × factor meaningful.
 *
 * Each household has a persistent level per energy type (a big family stays big) plus a small
 * monthly variation. About 1% of households are heavy users who sit at the top of each range, so a
 * few breach the default alert thresholds (heating ≥ 1,200 in winter); the other 99% stay below
 * 60% of the range. Summer electricity (400–700) crosses 500 for many households by itself.
 * Deterministic per (seed, household, energy type, month).
 */
import { roundTo, seeded } from '../random';
import { complexHouseholds } from './complex';

export const ENERGY_TYPES = ['electricity', 'heating', 'water'] as const;
export type EnergyType = (typeof ENERGY_TYPES)[number];

export const UNITS: Readonly<Record<EnergyType, string>> = { electricity: 'kWh', heating: 'kWh', water: 'm3' };

export type Season = 'winter' | 'shoulder' | 'summer';

export const SEASONAL_RANGES: Readonly<Record<Season, Readonly<Record<EnergyType, readonly [number, number]>>>> = {
  winter: { electricity: [200, 400], heating: [700, 1500], water: [10, 100] },
  shoulder: { electricity: [150, 400], heating: [300, 900], water: [10, 100] },
  summer: { electricity: [400, 700], heating: [100, 400], water: [10, 100] },
};

export interface UtilityUsageRecord {
  household_id: string;
  energy_type: EnergyType;
  /** First day of the month, 'YYYY-MM-01'. */
  month: string;
  amount: number;
  unit: string;
}

export class UtilityInputError extends Error {
  override readonly name = 'UtilityInputError';
}

/** Share of households that are heavy users of an energy type. */
const HEAVY_SHARE = 0.01;
/** Position in the seasonal range (0 = bottom, 1 = top) of normal and heavy households. */
const NORMAL_LEVEL: readonly [number, number] = [0.05, 0.55];
const HEAVY_LEVEL: readonly [number, number] = [0.72, 0.95];
const MONTHLY_VARIATION = 0.05;

export function seasonOf(month: number): Season {
  if (month === 12 || month <= 2) return 'winter';
  if (month >= 6 && month <= 8) return 'summer';
  return 'shoulder';
}

/** 'YYYY-MM', 'YYYY-MM-DD' → 'YYYY-MM-01' (the month containing the date). */
export function monthStart(date: string): string {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(date);
  const month = Number(m?.[2]);
  if (!m || month < 1 || month > 12) {
    throw new UtilityInputError(`month "${date}" is not a month: use YYYY-MM-01 (or any YYYY-MM-DD in the month).`);
  }
  return `${m[1]}-${m[2]}-01`;
}

/** Usage of every household and energy type in the month containing `month`. */
export function simulateUtilityMonth(seed: number, month: string): UtilityUsageRecord[] {
  const first = monthStart(month);
  const ranges = SEASONAL_RANGES[seasonOf(Number(first.slice(5, 7)))];
  const out: UtilityUsageRecord[] = [];
  for (const h of complexHouseholds()) {
    for (const type of ENERGY_TYPES) {
      const persona = seeded(seed, 'utility-level', h.household_id, type);
      const [lo, hi] = persona.chance(HEAVY_SHARE) ? HEAVY_LEVEL : NORMAL_LEVEL;
      const level = persona.uniform(lo, hi);
      const month = seeded(seed, 'utility-month', h.household_id, type, first);
      const q = Math.min(1, Math.max(0, level + month.uniform(-MONTHLY_VARIATION, MONTHLY_VARIATION)));
      const [min, max] = ranges[type];
      out.push({
        household_id: h.household_id,
        energy_type: type,
        month: first,
        amount: roundTo(min + (max - min) * q, type === 'water' ? 2 : 1),
        unit: UNITS[type],
      });
    }
  }
  return out;
}
