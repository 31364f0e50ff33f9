/*
 * Writes media/promptrelease.schema.json (package.json's yamlValidation) from the settings
 * the rules declare; `npm run build` runs it after tsc.
 */
import * as fs from 'fs';
import * as path from 'path';
import { configSchema, SCHEMA_FILE } from '../../src/core/policy/schema';

const target = path.join(__dirname, '..', '..', '..', SCHEMA_FILE);
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, JSON.stringify(configSchema(), null, 2) + '\n');
