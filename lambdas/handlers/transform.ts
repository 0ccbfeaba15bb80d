/** Lambda handler for the transform state: validate the batch, build ports from the environment, call the step. */
import { BatchSchema, parseInput } from '../contract/manifests';
import { transform } from '../steps/transform';
import { portsFromEnv } from './runtime';

export const handler = async (event: unknown) => transform(parseInput(BatchSchema, event, 'transform'), await portsFromEnv('transform'));
