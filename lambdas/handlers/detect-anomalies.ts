/** Lambda handler for the DetectAnomalyPage state (a child of the DetectAnomalies Map): one page of meters examined. */
import { detectAnomalyPage } from '../steps/analyze/anomaly-pages';
import { portsFromEnv } from './runtime';

export const handler = async (event: unknown) => detectAnomalyPage(event, await portsFromEnv('detect-anomalies'));
