/**
 * The studio's build: `npm run build:studio` writes studio/dist, which the local host serves at /
 * and Azure Static Web Apps deploys. JSX needs no plugin: Vite's own transform (oxc) compiles it
 * with React's automatic runtime. `npm run dev:studio` proxies /api to a local host on 7071.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 900,
    // React Query marks modules "use client" for server components; meaningless in a static SPA.
    rolldownOptions: { onwarn: (w, warn) => (w.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : warn(w)) },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:7071' } },
});
