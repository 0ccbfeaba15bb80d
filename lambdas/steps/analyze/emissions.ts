/**
 * Emissions per building, energy type and month (the last 24 months), with the factor of each
 * energy type and where it comes from. emission_kg itself was computed by the transform
 * (amount × factor at load time); the factors shown are the configured ones, with the documented
 * source of the default (lambdas/sources/utilities/emission-factors.ts) — or a note that the
 * configuration overrides it.
 */
import type { EmissionFactor, Emissions } from '../../contract/results';
import { RESULT_FILES } from '../../contract/results';
import { EMISSION_FACTOR_SOURCES } from '../../sources/utilities/emission-factors';
import { sqlFile } from '../../sql/files';
import type { Analysis } from './analysis';

/** Months of emissions published. */
export const EMISSION_MONTHS = 24;

const ENERGY_TYPES = ['electricity', 'heating', 'water'] as const;
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

function monthsBefore(day: string, months: number): string {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

export const emissionsAnalysis: Analysis = {
  name: 'emissions',
  async run(ctx) {
    const configured = ctx.ports.config.utilities.emissionFactors;
    const factors: EmissionFactor[] = ENERGY_TYPES.map((energyType) => {
      const documented = EMISSION_FACTOR_SOURCES[energyType];
      const factor = configured[energyType];
      return {
        energyType,
        factor,
        unit: documented.unit,
        source:
          factor === documented.factor
            ? documented.source
            : `Configured in utilities.emissionFactors.${energyType} (replaces the default ${documented.factor} ${documented.unit}).`,
      };
    });
    const rows = await ctx.ports.warehouse.query({
      name: 'emissions_by_building',
      sql: sqlFile('analysis/emissions_by_building.sql'),
      params: { from_day: monthsBefore(ctx.asOfDay, EMISSION_MONTHS - 1), to_day: ctx.asOfDay },
    });
    const emissions: Emissions = {
      generatedAt: ctx.ports.clock.now().toISOString(),
      factors,
      rows: rows.map((r) => ({
        building: Number(r.building),
        energyType: String(r.energy_type),
        month: String(r.month).slice(0, 7),
        amount: round(Number(r.amount)),
        unit: String(r.unit),
        emissionKg: round(Number(r.emission_kg)),
      })),
    };
    return { files: { [RESULT_FILES.emissions]: emissions }, counts: { rows: emissions.rows.length } };
  },
};
