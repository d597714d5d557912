import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  // Absolute: the UI's routes are real paths (/audit/), and both shells serve it from the root.
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or eval: the CSP forbids them (script-src 'self').
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
