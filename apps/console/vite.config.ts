import { defineConfig, type Plugin } from 'vite';

/**
 * What the entry (src/main.tsx) does not import, and more than one screen does, goes into the
 * chunk with React and the shell: React, react-dom, the shell, the shared components and the
 * client-history dialog. Each screen's chunk then needs that one chunk and nothing else.
 */
const WITH_REACT = /\/node_modules\/|\/src\/(start|App|context|hooks)\.tsx?$|\/src\/(components|charts)\/|\/src\/api\/client\.ts$|\/src\/screens\/(HistoryDialog|Login)\.tsx$/;

/** What src/main.tsx imports: named, or Rollup would pull it into React's chunk with the shell that also uses it. */
const ENTRY = /\/src\/(main\.tsx|lib\/[a-z-]+\.ts|api\/(early|session|query-string|types)\.ts|screens\/load\.ts)$/;

/**
 * index.html asks for React's chunk beside the entry (a modulepreload), instead of the entry
 * asking for it once it runs: the browser fetches and compiles it while the entry runs.
 */
function preloadReact(): Plugin {
  return {
    name: 'cxfold-preload-react',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const start = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.name === 'start');
        return start ? [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${start.fileName}` }, injectTo: 'head' }] : [];
      },
    },
  };
}

/**
 * No @vitejs/plugin-react: esbuild's automatic JSX runtime is all a production build needs
 * (no fast refresh while developing, which this console does without).
 */
export default defineConfig({
  root: __dirname,
  base: '/',
  esbuild: { jsx: 'automatic' },
  plugins: [preloadReact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // A small entry (src/main.tsx: first API requests, then React), React with the shell and the
    // shared components, and one chunk per screen (src/screens/load.ts); docs/console.md has the
    // sizes. A screen's chunk imports only React's, which the entry asks for at the same moment,
    // so Vite's preload helper (a <link rel=modulepreload> added per dependency at run time:
    // 8-26 ms of the main thread in traces, before React could start) has nothing to add.
    modulePreload: false,
    rollupOptions: {
      output: {
        manualChunks: (id) => (WITH_REACT.test(id) ? 'start' : ENTRY.test(id) ? 'index' : undefined),
      },
    },
    chunkSizeWarningLimit: 400,
    reportCompressedSize: true,
  },
  server: {
    // `vite` in apps/console while `npm start` runs: the API on port 3000.
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
