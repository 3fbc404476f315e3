// Builds the web app (client/) into dist/client, which the server serves at `/`.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'client',
  publicDir: false,
  build: { outDir: '../dist/client', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://localhost:8787' } },
});
