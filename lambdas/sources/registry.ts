/**
 * Every source module by name. A new source is one module plus one line here. The market source
 * needs its live HTTP provider injected: `sourceRegistry({ market: { httpProvider } })`.
 */
import type { SourceName } from '../config';
import { createMarketSource, type MarketSourceDeps } from './market/source';
import { meterSimulatorSource } from './meter-simulator';
import { metersSource } from './meters';
import type { SourceModule } from './source';
import { utilitiesSource } from './utilities';

export interface SourceDeps {
  market?: MarketSourceDeps;
}

export class UnknownSourceError extends Error {
  override readonly name = 'UnknownSourceError';
  constructor(name: string, known: readonly string[]) {
    super(`No source module named "${name}" (registered: ${known.join(', ')}): check config.sources or add the module to lambdas/sources/registry.ts.`);
  }
}

export interface SourceRegistry {
  SOURCES: readonly SourceModule[];
  sourceModule(name: SourceName): SourceModule;
}

export function sourceRegistry(deps: SourceDeps = {}): SourceRegistry {
  const SOURCES: readonly SourceModule[] = [metersSource, meterSimulatorSource, utilitiesSource, createMarketSource(deps.market)];
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
export const SOURCES: readonly SourceModule[] = defaults.SOURCES;
export function sourceModule(name: SourceName): SourceModule {
  return defaults.sourceModule(name);
}
