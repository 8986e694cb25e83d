#!/usr/bin/env node
// Builds the console (apps/console/dist) when it is missing or older than its sources, so
// `npm start`, `npm run start:api` and the end-to-end tests always serve the current code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const app = path.join(root, 'apps/console');
const stamp = path.join(app, 'dist/index.html');

function newest(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((f) => newest(path.join(p, f))));
}

const sources = ['src', 'index.html', 'vite.config.ts', 'public'].map((f) => path.join(app, f)).filter(existsSync);
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
if (built >= Math.max(...sources.map(newest))) process.exit(0);
process.stderr.write('building the console (apps/console/dist)\n');
execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', app, '--logLevel', 'warn'], {
  stdio: 'inherit',
  cwd: root,
  // jest sets NODE_ENV=test, which would make vite bundle React's development build.
  env: { ...process.env, NODE_ENV: 'production' },
});
