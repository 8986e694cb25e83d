import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
// The same file jest.config.ts names for the integration project (testkit exports no setup).
import integrationSetup from '../../../packages/testkit/src/global-setup';
import { CHROMIUM } from './browser';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * The end-to-end project skips nothing silently: Chromium is installed by the project's own
 * script when missing (or the run fails with the script's reason), and the console is built
 * when its sources are newer than apps/console/dist. Then the integration setup (migrated
 * template database) runs as for every other integration test.
 */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    try {
      execFileSync('bash', [path.join(ROOT, 'scripts/setup-chromium.sh')], { stdio: 'inherit' });
    } catch (err) {
      throw new Error(`end-to-end tests need Chromium at ${CHROMIUM}; scripts/setup-chromium.sh failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!existsSync(CHROMIUM)) throw new Error(`scripts/setup-chromium.sh ran but ${CHROMIUM} is still missing`);
  }
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/ensure-console.mjs')], { stdio: 'inherit' });
  // In a full `jest` run this shares the template of whichever project's setup ran first.
  await integrationSetup();
}
