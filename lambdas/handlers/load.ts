/** Lambda handler for the load state: build ports from the environment, call the step (it validates its input). */
import { load } from '../steps/load';
import { portsFromEnv } from './runtime';

export const handler = async (event: unknown) => load(event, await portsFromEnv('load'));
