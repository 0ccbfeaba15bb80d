/**
 * The compiled CLI: bin/cli.ts and everything it imports from this repository, bundled by esbuild
 * into one CommonJS file (dist/cli/gridlake.cjs), so that a call of `gridlake` runs JavaScript
 * instead of compiling TypeScript with tsx on every call (2.5 s → ~0.2 s for --help).
 *
 * Built lazily, here, rather than by an install script: npm 11 does not run every dependency's
 * install scripts, `npm ci` and a fresh clone must work without a build step, and a developer's edit
 * to a .ts file must be picked up on the next call. The bundle is rebuilt when it is missing or older
 * than any file it was built from (their list is kept beside it: ~200 stats, ~2 ms) or than this file.
 *
 * Packages from node_modules stay outside the bundle (require()d at run time), and each module of the
 * repository is evaluated only when first imported: `gridlake --help` or `sql` never load the Step
 * Functions runner, the AWS SDK or the workflow's handlers.
 *
 * Two things a bundle changes are put back: `__dirname` / `import.meta.url` of each module keep
 * meaning that module's own folder (the SQL files, the ASL, the dashboard build are found next to
 * their sources), and the Lambda handlers — which local/workflow.ts loads by a path derived from the
 * ASL — are bundled too and found through a table (local/handler-module.ts) instead of a path.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_OUTFILE = path.join(ROOT, 'dist', 'cli', 'gridlake.cjs');
const metaFileOf = (outfile) => `${outfile}.inputs.json`;

/** True when `outfile` exists and no file it was built from (nor this builder) changed since. */
function isFresh(outfile = DEFAULT_OUTFILE) {
  let built;
  try {
    built = fs.statSync(outfile).mtimeMs;
  } catch {
    return false;
  }
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(metaFileOf(outfile), 'utf8')).inputs;
  } catch {
    return false;
  }
  // The handlers folder too: a new handler file changes the bundle's handler table.
  for (const rel of [...inputs, 'bin/cli-bundle.cjs', 'lambdas/handlers']) {
    try {
      if (fs.statSync(path.join(ROOT, rel)).mtimeMs > built) return false;
    } catch {
      return false; // a source was deleted or moved: rebuild
    }
  }
  return true;
}

/** The entry: the handler table (the workflow's Task states) and then the CLI itself. */
function entrySource() {
  const handlers = fs
    .readdirSync(path.join(ROOT, 'lambdas', 'handlers'))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => `  ${JSON.stringify(`lambdas/handlers/${f}`)}: () => import(${JSON.stringify(`./lambdas/handlers/${f}`)}),`);
  return `globalThis.__gridlakeHandlerModules = {\n${handlers.join('\n')}\n};\nrequire('./bin/cli.ts');\n`;
}

/** Rewrites `__dirname`, `__filename` and `import.meta.url` of a repository module to its own location. */
function keepModuleLocation(outdir) {
  return {
    name: 'keep-module-location',
    setup(build) {
      build.onLoad({ filter: /\.(ts|mts|cts)$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        let text = fs.readFileSync(args.path, 'utf8');
        if (!/__dirname|__filename|import\.meta\.url/.test(text)) return { contents: text, loader: 'ts' };
        const dir = JSON.stringify(path.relative(outdir, path.dirname(args.path)));
        const file = JSON.stringify(path.basename(args.path));
        text = text.replace(/\b__dirname\b/g, '__moduleDir').replace(/\b__filename\b/g, '__moduleFile').replace(/\bimport\.meta\.url\b/g, '__moduleUrl');
        // esbuild renames these per module (scope hoisting), so every module keeps its own.
        const prelude =
          `const __moduleDir = require('node:path').join(__dirname, ${dir});\n` +
          `const __moduleFile = require('node:path').join(__moduleDir, ${file});\n` +
          `const __moduleUrl = require('node:url').pathToFileURL(__moduleFile).href;\n`;
        return { contents: prelude + text, loader: 'ts' };
      });
    },
  };
}

/** Builds the bundle (atomically: a concurrent call sees the old file or the new one). Rejects on a compile error. */
async function build(outfile = DEFAULT_OUTFILE) {
  const esbuild = require('esbuild');
  const started = new Date();
  const outdir = path.dirname(outfile);
  fs.mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    stdin: { contents: entrySource(), resolveDir: ROOT, sourcefile: 'gridlake-cli-entry.cjs', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    outfile,
    write: false,
    metafile: true,
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'silent',
    plugins: [keepModuleLocation(outdir)],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes('node_modules') && !p.startsWith('<') && p !== 'gridlake-cli-entry.cjs')
    .map((p) => path.relative(ROOT, path.resolve(ROOT, p)).split(path.sep).join('/'));
  const tmp = `${outfile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, result.outputFiles[0].contents);
  fs.writeFileSync(`${metaFileOf(outfile)}.${process.pid}.tmp`, JSON.stringify({ inputs }, null, 1));
  fs.renameSync(`${metaFileOf(outfile)}.${process.pid}.tmp`, metaFileOf(outfile));
  // Dated when the build started: a source saved while esbuild ran is newer, so the next call rebuilds.
  fs.utimesSync(tmp, started, started);
  fs.renameSync(tmp, outfile);
  return outfile;
}

/** The path of a fresh bundle, building it if needed; null when it cannot be built (no esbuild: production install). */
async function ensureBundle(outfile = DEFAULT_OUTFILE) {
  if (isFresh(outfile)) return outfile;
  try {
    require.resolve('esbuild');
  } catch {
    return null;
  }
  return build(outfile);
}

module.exports = { DEFAULT_OUTFILE, isFresh, build, ensureBundle };
