/**
 * Every source module by name: the one list of sources. A new source is one module plus one line in
 * `modules` below; `SOURCE_NAMES` (config, CLI, step inputs) and the load order derive from it. The
 * market source needs its live HTTP provider injected: `sourceRegistry({ market: { httpProvider } })`.
 */
import { evChargersSource } from './ev-chargers';
import { flowSensorsSource } from './flow-sensors';
import { createMarketSource, type MarketSourceDeps } from './market/source';
import { meterSimulatorSource } from './meter-simulator';
import { metersSource } from './meters';
import type { SourceModule } from './source';
import { utilitiesSource } from './utilities';

export interface SourceDeps {
  market?: MarketSourceDeps;
}

function modules(deps: SourceDeps) {
  return [metersSource, meterSimulatorSource, utilitiesSource, createMarketSource(deps.market), evChargersSource, flowSensorsSource] as const;
}

export type SourceName = ReturnType<typeof modules>[number]['name'];
/** The registered sources' names, in registration order. */
export const SOURCE_NAMES = modules({}).map((s) => s.name) as [SourceName, ...SourceName[]];

export class UnknownSourceError extends Error {
  override readonly name = 'UnknownSourceError';
  constructor(name: string, known: readonly string[]) {
    super(`No source module named "${name}" (registered: ${known.join(', ')}): check config.sources or add the module to lambdas/sources/registry.ts.`);
  }
}

export interface SourceRegistry {
  SOURCES: readonly SourceModule<SourceName>[];
  sourceModule(name: SourceName): SourceModule<SourceName>;
}

export function sourceRegistry(deps: SourceDeps = {}): SourceRegistry {
  const SOURCES: readonly SourceModule<SourceName>[] = modules(deps);
  return {
    SOURCES,
    sourceModule(name) {
      const found = SOURCES.find((s) => s.name === name);
      if (!found) throw new UnknownSourceError(name, SOURCES.map((s) => s.name));
      return found;
    },
  };
}

const defaults = sourceRegistry();
/** The registered sources, market on the offline simulator (use `sourceRegistry` to inject HTTP). */
export const SOURCES: readonly SourceModule<SourceName>[] = defaults.SOURCES;
export function sourceModule(name: SourceName): SourceModule<SourceName> {
  return defaults.sourceModule(name);
}
