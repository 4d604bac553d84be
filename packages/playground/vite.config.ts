import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// A static site: relative asset URLs (`base: './'`) so the same build works at `/` of the gateway's
// GUI listener, under any path prefix, and from a plain static file server.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': { target: process.env['SWITCHYARD_ADMIN_URL'] ?? 'http://127.0.0.1:8001', rewrite: (path) => path.replace(/^\/api/, '') } },
  },
})
