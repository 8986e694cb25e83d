import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configurationMarkdown } from './docs';
import { baseEnv, receiverFields, workerFields, workerHttpFields } from './schemas';

test('docs/configuration.md is what the env schemas generate (run npm run docs:config)', () => {
  const committed = readFileSync(path.resolve(__dirname, '../../../docs/configuration.md'), 'utf8');
  expect(committed).toBe(configurationMarkdown());
});

test('every variable is documented with a meaning', () => {
  const md = configurationMarkdown();
  for (const name of [...Object.keys(baseEnv.shape), ...Object.keys(receiverFields), ...Object.keys(workerFields), ...Object.keys(workerHttpFields)]) {
    expect(md).toMatch(new RegExp(`\\| \`${name}\` \\|[^\\n]*\\| [^|\\n]{8,} \\|\\n`));
  }
});
