/** Lambda handler for the plan state: build ports from the environment, call the step (it validates its input). */
import { planStep } from '../steps/plan';
import { portsFromEnv } from './runtime';

export const handler = async (event: unknown) => planStep(event, await portsFromEnv('plan'));
