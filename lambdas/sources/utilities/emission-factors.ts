/**
 * Where the default emission factors come from. The defaults live in config.ts
 * (`utilities.emissionFactors`) and every one of them is configurable: set the factors your grid,
 * heat supplier and water utility publish for the reporting year. The transform computes
 * emission_kg = amount × factor; this file only documents the defaults, for the README and the
 * dashboard's emissions page.
 */
import type { EnergyType } from './usage';

export interface EmissionFactorSource {
  /** Default factor, kgCO2e per unit. */
  factor: number;
  unit: string;
  /** What the number is and where it comes from, stated as far as it is known. */
  source: string;
  /** How sure we are of the provenance. */
  confidence: 'published' | 'derived' | 'unverified';
}

export const EMISSION_FACTOR_SOURCES: Readonly<Record<EnergyType, EmissionFactorSource>> = {
  electricity: {
    factor: 0.4747,
    unit: 'kgCO2e/kWh',
    source:
      "Korea's national greenhouse-gas emission factor for grid electricity (0.4747 tCO2e/MWh), as used by the " +
      'apartment pipeline this product grew from (a Korean complex). Grid factors are revised as the generation ' +
      'mix changes; the pipeline did not record the edition, so check the current national factor before reporting.',
    confidence: 'published',
  },
  heating: {
    factor: 0.202,
    unit: 'kgCO2e/kWh',
    source:
      'Taken from the apartment pipeline. It equals the IPCC 2006 default CO2 factor for natural gas ' +
      '(56,100 kg CO2/TJ × 0.0036 TJ/MWh ≈ 0.202 kg/kWh of fuel), i.e. gas-fired heat, CO2 only, ' +
      'without boiler losses or district-heating network effects.',
    confidence: 'derived',
  },
  water: {
    factor: 0.449,
    unit: 'kgCO2e/m3',
    source:
      'Taken from the apartment pipeline, which did not cite a source. Its size is plausible for water supply ' +
      'plus wastewater treatment (a few tenths of a kg per m³), but it is unverified: replace it with your ' +
      "water utility's published factor.",
    confidence: 'unverified',
  },
};
