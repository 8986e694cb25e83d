import { defineConfig } from 'vite';

/**
 * No @vitejs/plugin-react: esbuild's automatic JSX runtime is all a production build needs
 * (no fast refresh while developing, which this console does without).
 */
export default defineConfig({
  root: __dirname,
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // A small entry (src/main.tsx: first API requests, then React), React and the shell, and one
    // chunk per screen (src/screens/load.ts); docs/console.md has the sizes.
    chunkSizeWarningLimit: 400,
    reportCompressedSize: true,
  },
  server: {
    // `vite` in apps/console while `npm start` runs: the API on port 3000.
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
