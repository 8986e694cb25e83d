import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { configurationMarkdown } from './docs';

const target = path.resolve(__dirname, '../../../docs/configuration.md');
writeFileSync(target, configurationMarkdown());
process.stdout.write(`wrote ${target}\n`);
