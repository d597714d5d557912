import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Kept outside renderer/: this file runs in Node at build time, and renderer/ holds only what runs in the page.
const renderer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'renderer');

export default defineConfig({
  root: renderer,
  // Absolute: the UI's routes are real paths (/audit/), and both shells serve it from the root.
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(renderer, '../dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or eval: the CSP forbids them (script-src 'self').
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // Served from disk or loopback, never over a network: the first script holds everything up to the sign-in and
    // home screens; the other pages are chunks fetched when first visited (renderer/src/routing/router.tsx), because
    // evaluating the whole UI before the sign-in screen cost the cold start (docs/benchmarks.md).
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod's published code has /*#__PURE__*/ comments Rollup cannot place; they only cost a little tree-shaking.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules/zod/')) return;
        warn(warning);
      },
    },
  },
});
