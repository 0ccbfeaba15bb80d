/**
 * The flow-sensors source: smart water flow meters, one reading a minute of flow (L/min) and
 * pressure (bar) — logger exports landed by `gridlake import sensors`, and the simulated devices
 * (config.flowSensors) with labelled faults. See docs/FLOW.md.
 */
import type { SourceModule } from '../source';
import { collectFlowSensors } from './collect';

export const flowSensorsSource: SourceModule<'flow-sensors'> = {
  name: 'flow-sensors',
  description: 'Smart water flow meters: 1-minute flow and pressure (logger imports, simulated devices with labelled faults).',
  datasets: ['sensor_readings'],
  collect: (input, ports) => {
    const c = ports.config.flowSensors;
    return collectFlowSensors(input, ports, { source: 'flow-sensors', simulator: c.simulator ? { devices: c.devices, seed: c.seed, timezone: c.timezone } : null });
  },
};

export { importSensors } from './import-sensors';
