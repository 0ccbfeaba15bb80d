/** Lambda handler for the PrepareAnomalies state: the fleet's anomaly inputs unloaded per page, the pages listed for the Map. */
import { prepareAnomalyPages } from '../steps/analyze/anomaly-pages';
import { portsFromEnv } from './runtime';

export const handler = async (event: unknown) => prepareAnomalyPages(event, await portsFromEnv('prepare-anomalies'));
