/** Lambda handler for the notify-failure state: build ports from the environment, call the step (it validates its input). */
import { notifyFailure } from '../steps/notify-failure';
import { portsFromEnv } from './runtime';

export const handler = async (event: unknown) => notifyFailure(event, await portsFromEnv('notify-failure'));
