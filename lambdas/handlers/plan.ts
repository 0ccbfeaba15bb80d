/** Lambda handler for the plan state: build ports from the environment, call the step (it validates its input). */
import { plan } from '../steps/plan';
import { portsFromEnv } from './runtime';

export const handler = async (event: unknown) => plan(event, await portsFromEnv('plan'));
