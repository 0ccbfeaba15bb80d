/** Lambda handler for the publish state: build ports from the environment, call the step (it validates its input); its stage is recorded in etl_run_stages. */
import { publish } from '../steps/publish';
import { trackStage } from '../steps/run-stages';
import { portsFromEnv } from './runtime';

const publishTracked = trackStage('publish', (input, ports) => publish(input, ports));

export const handler = async (event: unknown) => publishTracked(event, await portsFromEnv('publish'));
