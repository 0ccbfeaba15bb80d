#!/usr/bin/env node
// npm "bin" entry. Runs the compiled CLI (dist/cli/gridlake.cjs, built from bin/cli.ts by esbuild on
// the first call and again whenever a source file changed: see bin/cli-bundle.cjs). Without esbuild
// (an install without devDependencies) it runs the TypeScript through tsx instead, which is slower.
require('./cli-bundle.cjs')
  .ensureBundle()
  .then(
    (bundle) => {
      if (bundle) return require(bundle);
      const { pathToFileURL } = require('node:url');
      require('tsx/cjs');
      return import(pathToFileURL(require.resolve('tsx/esm')).href).then(() => require('./cli.ts'));
    },
    (e) => {
      console.error(`gridlake: the CLI could not be compiled from its TypeScript sources:\n${e.message}`);
      process.exitCode = 1;
    },
  );
