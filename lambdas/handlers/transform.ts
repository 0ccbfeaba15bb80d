/** Lambda handler for the TransformBatch state: validate the batch, build ports from the environment, call the step. */
import { parseInput, TransformBatchSchema } from '../contract/manifests';
import { transformBatch } from '../steps/transform';
import { duckdbOptionsFromEnv, portsFromEnv } from './runtime';

export const handler = async (event: unknown) => {
  const ports = await portsFromEnv('transform');
  return transformBatch(parseInput(TransformBatchSchema, event, 'transform'), ports, duckdbOptionsFromEnv(ports.config));
};
