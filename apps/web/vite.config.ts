import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** The server the dev server forwards API and socket traffic to (`npm start` listens on 3000). */
const apiTarget = 'http://localhost:3000';

/**
 * The SDK needs a few constants from `@muster/protocol`, whose modules are otherwise TypeBox schema
 * declarations: top-level `Type.…(…)` calls that are pure, but that a bundler must keep unless told.
 * Marking them `#__PURE__` lets it drop every schema the app does not use, and TypeBox with them.
 */
function pureSchemas(): Plugin {
  return {
    name: 'muster:pure-schemas',
    enforce: 'pre',
    transform(code, id) {
      if (!/packages\/protocol\/src\/[^/]+\.ts$/.test(id)) return null;
      // Comments are left as they are: a `/*#__PURE__*/` inside a doc comment would close it.
      return {
        code: code.replace(
          /\/\*[\s\S]*?\*\/|\/\/[^\n]*|(?<![\w.$])((?:Type\.)?[A-Z][A-Za-z]*\()/g,
          (match, call) => (call ? `/*#__PURE__*/ ${call}` : match),
        ),
        map: null,
      };
    },
  };
}

/**
 * The PWA build. The service worker (`src/sw.ts`, Workbox precaching) is built by Vite itself
 * (`injectManifest`), which keeps the build fast and the worker small; the manifest makes the app
 * installable. `apps/web/dist` is what the server serves at `/`.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    pureSchemas(),
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: {
        name: 'Muster',
        short_name: 'Muster',
        description: 'The events you attend and run, live and offline.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1f3a8a',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: { rollupFormat: 'iife', globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'] },
    }),
  ],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': apiTarget, '/socket.io': { target: apiTarget, ws: true } } },
});
