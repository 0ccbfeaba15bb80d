#!/usr/bin/env node
// npm "bin" entry: runs the TypeScript CLI through tsx — its require hook and its ESM loader (the
// CLI loads commands lazily with import()) — so `npx gridlake …` works after `npm install`, no build.
const { pathToFileURL } = require('node:url');
require('tsx/cjs');
import(pathToFileURL(require.resolve('tsx/esm')).href).then(() => require('./cli.ts'));
