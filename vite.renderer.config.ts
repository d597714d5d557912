import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Kept outside renderer/: this file runs in Node at build time, and renderer/ holds only what runs in the page.
const renderer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'renderer');

/**
 * Each language but English is a chunk of its own (renderer/src/i18n/loaders.ts), which the first script asks for
 * only once it runs. The configuration's default language, Portuguese (app/config/schema.ts), is the one most
 * stations start in, so index.html names its chunk for the browser to fetch beside the first script: the sign-in
 * screen then does not wait for a second request after the first script's evaluation. A station in another
 * language fetches ~40 kB it does not use at once (not evaluated), and loads its own as before.
 */
function preloadDefaultLocale(language = 'pt'): Plugin {
  const source = path.join(renderer, 'src', 'i18n', 'locales', `${language}.ts`);
  return {
    name: 'balcao:preload-default-locale',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const chunk = Object.values(context.bundle ?? {}).find((item) => item.type === 'chunk' && item.facadeModuleId === source);
        if (chunk === undefined) throw new Error(`vite: no chunk for ${source}; the default locale is no longer loaded on its own`);
        return [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${chunk.fileName}` }, injectTo: 'head' }];
      },
    },
  };
}

export default defineConfig({
  root: renderer,
  // Absolute: the UI's routes are real paths (/audit/), and both shells serve it from the root.
  base: '/',
  plugins: [react(), preloadDefaultLocale()],
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
