/** Lambda handler for the analyze state: build ports from the environment, call the step (it validates its input); its stage is recorded in etl_run_stages. */
import { analyze } from '../steps/analyze/index';
import { trackStage } from '../steps/run-stages';
import { portsFromEnv } from './runtime';

const analyzeTracked = trackStage('analyze', (input, ports) => analyze(input, ports));

export const handler = async (event: unknown) => analyzeTracked(event, await portsFromEnv('analyze'));
