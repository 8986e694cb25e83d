import path from 'node:path';

/**
 * Where `vite build` writes the console (apps/console/dist). The API serves this folder at
 * `/`; it is a build output, never committed (see docs/console.md).
 */
export const CONSOLE_DIST_DIR = path.resolve(__dirname, '..', 'dist');
