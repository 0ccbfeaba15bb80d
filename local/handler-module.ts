/**
 * Loads a Lambda handler module by its repository path (`lambdas/handlers/collect.ts`). In the
 * compiled CLI (bin/cli-bundle.cjs) the handlers are inside the bundle and listed in a table the
 * bundle's entry sets; a .ts path could not be imported there without a TypeScript loader. Run from
 * source (tsx, vitest), the table is absent and the file is imported.
 */
import { join } from 'node:path';

type Loader = () => Promise<unknown>;

export async function importHandlerModule(root: string, handlerFile: string): Promise<unknown> {
  const bundled = (globalThis as { __gridlakeHandlerModules?: Record<string, Loader> }).__gridlakeHandlerModules;
  const load = bundled?.[handlerFile];
  return load ? load() : import(join(root, handlerFile));
}
