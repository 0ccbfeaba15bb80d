import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard is a static site served from any host or sub-path (S3 + CloudFront, `gridlake serve`,
// a plain folder): relative asset URLs, and data read from ./data/ at run time, never bundled.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One small entry chunk: Chart.js is tree-shaken to the pieces registered in src/charts.ts.
    chunkSizeWarningLimit: 400,
  },
  server: { host: '127.0.0.1' },
});
