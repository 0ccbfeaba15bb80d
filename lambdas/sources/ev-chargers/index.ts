/**
 * The ev-chargers source: EV charging stations, chargers and status snapshots — seed-file imports
 * (`gridlake import chargers`), the simulated fleet (config.evChargers), and the national
 * charger-status API client (national-api-client.ts; not yet configured for runs). See docs/EV.md.
 */
import type { SourceModule } from '../source';
import { collectEvChargers } from './collect';

export const evChargersSource: SourceModule<'ev-chargers'> = {
  name: 'ev-chargers',
  description: 'EV charging stations, chargers and status snapshots (Seoul seed files, a simulated fleet).',
  // Stations and chargers before the statuses that refer to them.
  datasets: ['charging_stations', 'chargers', 'charger_status'],
  collect: (input, ports) =>
    collectEvChargers(input, ports, {
      source: 'ev-chargers',
      simulator: ports.config.evChargers.simulator ? { seed: ports.config.evChargers.seed, stations: ports.config.evChargers.stations } : null,
      api: null,
    }),
};

export { importChargers } from './import-chargers';
