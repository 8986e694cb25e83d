import { defineConfig } from 'vite';

const SHELL = [
  /\/node_modules\/(react|react-dom|scheduler)\//,
  /\/src\/(start|App|context|hooks)\.tsx?$/,
  /\/src\/(components|charts)\//,
  /\/src\/api\/client\.ts$/,
  /\/src\/screens\/(HistoryDialog|Login)\.tsx$/,
];

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
    rollupOptions: {
      output: {
        // React, the shell and the components the screens share in one chunk with src/start.tsx:
        // split by the bundler's default they were 8 more files of 0.2-11 kB, and a list screen
        // needed 12 requests before its first render (the browser opens 6 connections per host).
        // Only modules the entry does not import may go here, or the entry would wait for React.
        // The entry's own modules are named too (`boot`, fetched beside the entry through the
        // modulepreload Vite writes into index.html): a module the entry shares with the shell
        // would otherwise be pulled into `start`, and the entry would wait for React.
        manualChunks: (id) => {
          const file = id.replaceAll('\\', '/');
          if (file.endsWith('/src/main.tsx') || file.endsWith('.css')) return undefined;
          if (SHELL.some((re) => re.test(file))) return 'start';
          return /\/src\/(api|lib)\/|\/src\/screens\/load\.ts$/.test(file) ? 'boot' : undefined;
        },
      },
    },
  },
  server: {
    // `vite` in apps/console while `npm start` runs: the API on port 3000.
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
