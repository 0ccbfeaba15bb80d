/** Lambda handler for the publish state: build ports from the environment, call the step (it validates its input). */
import { publish } from '../steps/publish';
import { portsFromEnv } from './runtime';

export const handler = async (event: unknown) => publish(event, await portsFromEnv('publish'));
