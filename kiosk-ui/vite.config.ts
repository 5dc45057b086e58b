// Builds the kiosk screen (index.html), the admin pages (admin.html) and the hub's admin page
// (hub-admin.html) into dist/, which the
// server serves offline. Runtime code comes only from this folder and socket.io-client; the
// server's protocol types are `import type` and vanish in the build.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rollupOptions: { input: { index: resolve(root, 'index.html'), admin: resolve(root, 'admin.html'), 'hub-admin': resolve(root, 'hub-admin.html') } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/socket.io': { target: 'http://127.0.0.1:8080', ws: true } } },
});
