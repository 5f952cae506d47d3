/**
 * Builds the web app (Preact + TypeScript) into dist/web, which the node serves (see
 * src/http/routes/web.ts). JSX is compiled by Vite's own transformer with Preact's automatic
 * runtime; no framework plugin is needed.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
    // The node's Content-Security-Policy allows scripts from 'self' only: no inline polyfill.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    // `vite` dev server: the API is the node on :7410.
    proxy: { '/api': 'http://127.0.0.1:7410' },
  },
});
