import * as assert from 'assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { checkLayers } from '../lint/layers';

describe('the layering rule (npm run lint)', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  beforeEach(() => {
    root = path.join(mkdtempSync(path.join(tmpdir(), 'prc-layers-')), 'src');
  });
  afterEach(() => rmSync(path.dirname(root), { recursive: true, force: true }));

  it('accepts imports that point extension/cli -> git -> core', () => {
    write('core/a.ts', "import { parse } from 'yaml';\nexport const a = 1;\n");
    write('git/b.ts', "import { a } from '../core/a';\nimport { simpleGit } from 'simple-git';\n");
    write('cli/c.ts', "import { a } from '../core/a';\nimport { b } from '../git/b';\n");
    write('extension/d.ts', "import * as vscode from 'vscode';\nimport { b } from '../git/b';\n");
    assert.deepStrictEqual(checkLayers(root), []);
  });

  it('names the file and line of every import against the direction, and processes outside src/git', () => {
    write('core/a.ts', "export const a = 1;\nimport { b } from '../git/b';\nimport * as vscode from 'vscode';\n");
    write('core/p.ts', "const cp = require('child_process');\n");
    write('git/b.ts', "import { c } from '../cli/c';\n");
    write('cli/c.ts', "import { d } from '../extension/d';\nimport { spawn } from 'node:child_process';\n");
    write('extension/d.ts', "export { run } from '../cli/c';\n");
    const found = checkLayers(root).map((f) => `${f.file}:${f.line}`).sort();
    assert.deepStrictEqual(found, ['src/cli/c.ts:1', 'src/cli/c.ts:2', 'src/core/a.ts:2', 'src/core/a.ts:3', 'src/core/p.ts:1', 'src/extension/d.ts:1', 'src/git/b.ts:1']);
  });

  it('finds nothing in this repository', () => {
    assert.deepStrictEqual(checkLayers(path.resolve(__dirname, '..', '..', '..', 'src')), []);
  });
});
