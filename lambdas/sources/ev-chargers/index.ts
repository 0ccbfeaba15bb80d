/**
 * The ev-chargers source: EV charging stations, chargers and status snapshots — seed-file imports
 * (`gridlake import chargers`), the simulated fleet (config.evChargers), and the national
 * charger-status API when config.evChargers.api is set (its service key from ports.evApiKey:
 * EV_API_KEY locally, a Secrets Manager secret in the cloud). See docs/EV.md.
 */
import type { Config } from '../../config';
import type { StepPorts } from '../../steps/ports';
import type { SourceModule } from '../source';
import { collectEvChargers, type EvCollectOptions } from './collect';
import { createNationalApiClient } from './national-api-client';

export const evChargersSource: SourceModule<'ev-chargers'> = {
  name: 'ev-chargers',
  description: 'EV charging stations, chargers and status snapshots (Seoul seed files, the national charger-status API, a simulated fleet).',
  // Stations and chargers before the statuses that refer to them.
  datasets: ['charging_stations', 'chargers', 'charger_status'],
  collect: (input, ports) =>
    collectEvChargers(input, ports, {
      source: 'ev-chargers',
      simulator: ports.config.evChargers.simulator ? { seed: ports.config.evChargers.seed, stations: ports.config.evChargers.stations } : null,
      api: nationalApi(ports.config.evChargers.api, ports),
    }),
};

/** The API client of a run, or null when the API is not configured. */
export function nationalApi(api: Config['evChargers']['api'], ports: Pick<StepPorts, 'evApiKey' | 'log'>): EvCollectOptions['api'] {
  if (!api) return null;
  const key = ports.evApiKey?.trim();
  if (!key) {
    throw new Error(
      'config.evChargers.api is set but the EV charger API service key is empty: set EV_API_KEY (locally) or put the key in the EV API secret ' +
        '(a stage with "evApi": true; see docs/EV.md), or remove evChargers.api.',
    );
  }
  const client = createNationalApiClient({
    baseUrl: api.baseUrl,
    operation: api.operation,
    paging: api.paging,
    params: api.params,
    serviceKey: key,
    maxRequestsPerMinute: api.maxRequestsPerMinute,
    log: ports.log,
  });
  return { client, pageSize: api.pageSize, maxPasses: api.maxPasses };
}

export { importChargers } from './import-chargers';
