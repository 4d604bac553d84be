import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'

/**
 * Loads the bundle as a classic deferred script. Browsers fetch module scripts (and `crossorigin`
 * stylesheets) with CORS, which a page opened from disk (`file://`, origin "null") never passes, so
 * that page would stay blank. A classic script and a plain stylesheet load from disk and from any server alike.
 */
const classicScript: Plugin = {
  name: 'switchyard-classic-script',
  enforce: 'post',
  transformIndexHtml: {
    order: 'post',
    handler: (html) => html.replace(/<script type="module" crossorigin /g, '<script defer ').replace(/ crossorigin(?=[\s>])/g, ''),
  },
}

// A static site: relative asset URLs (`base: './'`) so the same build works at `/` of the gateway's
// GUI listener, under any path prefix, from a plain static file server, and opened from disk.
export default defineConfig(({ command }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // The dev server serves sources as modules; only the build becomes one classic script.
  plugins: command === 'build' ? [classicScript] : [],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    // One script and one stylesheet: an IIFE cannot load chunks, and CSS split per chunk would be
    // injected by script instead of linked.
    cssCodeSplit: false,
    modulePreload: false,
    rollupOptions: { output: { format: 'iife' } },
  },
  server: {
    proxy: { '/api': { target: process.env['SWITCHYARD_ADMIN_URL'] ?? 'http://127.0.0.1:8001', rewrite: (path) => path.replace(/^\/api/, '') } },
  },
}))
