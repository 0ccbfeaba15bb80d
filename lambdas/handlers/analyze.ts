/** Lambda handler for the analyze state: build ports from the environment, call the step (it validates its input). */
import { analyze } from '../steps/analyze/index';
import { portsFromEnv } from './runtime';

export const handler = async (event: unknown) => analyze(event, await portsFromEnv('analyze'));
