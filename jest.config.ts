/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

const transform: Config['transform'] = {
  '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
};

const shared = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
};

/**
 * Unit tests (`*.test.ts`) touch no I/O. Integration tests (`*.int.test.ts`) run against real
 * Postgres and Redis: the global setup migrates a template database once per run and each test
 * file clones it, so files stay isolated without truncating tables. End-to-end tests
 * (`apps/console/e2e/*.e2e.test.ts`) drive Debian's Chromium through the console against the
 * same kind of pipeline.
 */
const config: Config = {
  testTimeout: 60_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,packages}/*/src/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,packages}/*/src/**/*.int.test.ts'],
      globalSetup: '<rootDir>/packages/testkit/src/global-setup.ts',
      globalTeardown: '<rootDir>/packages/testkit/src/global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/console/e2e/**/*.e2e.test.ts'],
      // Installs Chromium if missing (or fails saying why), builds the console, then the integration setup.
      globalSetup: '<rootDir>/apps/console/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/packages/testkit/src/global-teardown.ts',
    },
  ],
};

export default config;
