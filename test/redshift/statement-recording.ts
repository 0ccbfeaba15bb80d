/**
 * vitest globalSetup: the statement recording (vitest.config.mts names the file) starts empty and
 * is removed when the run ends.
 */
import { rmSync } from 'node:fs';
import { SQL_RECORDING_ENV } from '../../lambdas/ports/statement-recorder';

export default function setup(project: { config: { env?: Record<string, string> } }): () => void {
  const file = project.config.env?.[SQL_RECORDING_ENV];
  if (file) rmSync(file, { force: true });
  return () => {
    if (file) rmSync(file, { force: true });
  };
}
