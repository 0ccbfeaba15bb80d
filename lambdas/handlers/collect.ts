/** Lambda handler for the collect state: build ports from the environment, call the step (it validates its input). */
import { collect } from '../steps/collect';
import { portsFromEnv } from './runtime';

export const handler = async (event: unknown) => collect(event, await portsFromEnv('collect'));
