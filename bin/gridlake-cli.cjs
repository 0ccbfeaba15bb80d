#!/usr/bin/env node
// npm "bin" entry: runs the TypeScript CLI through tsx, so `npx gridlake …` works after `npm install`
// without a build step.
require('tsx/cjs');
require('./cli.ts');
