import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CONFIG_FILE } from '../../src/core/policy/config';
import { DEFAULT_PROMPT_GLOBS } from '../../src/core/prompts/detection';

const ROOT = path.join(__dirname, '..', '..', '..');

describe('activation events', () => {
  const events: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).activationEvents;
  const contains = events.filter((e) => e.startsWith('workspaceContains:')).map((e) => e.slice('workspaceContains:'.length));

  it('activates as soon as the extension host runs in a workspace with the policy file or a common prompt kind', () => {
    // Without these the extension waits for onStartupFinished, seconds after the workbench is up.
    assert.ok(contains.includes(CONFIG_FILE), `no workspaceContains:${CONFIG_FILE}`);
    for (const glob of ['**/*.prompt.md', '**/*.instructions.md', '**/*.agent.md', '**/SKILL.md', '**/*.prompty', '**/*.prompt', '**/*.prompt.yml']) {
      assert.ok(contains.includes(glob), `no workspaceContains:${glob}`);
    }
  });

  it('names only files the default detection takes as prompts (or the policy file), so it never activates for unrelated repositories', () => {
    const topLevel = (glob: string) => glob.replace(/^\*\*\//, '');
    for (const pattern of contains) {
      if (pattern === CONFIG_FILE) continue;
      const known = DEFAULT_PROMPT_GLOBS.some((g) => g === pattern || topLevel(g) === pattern || g === `**/${pattern.split('/').pop()}`);
      assert.ok(known, `workspaceContains:${pattern} is not one of the default prompt globs`);
    }
  });

  it('still activates late in any other workspace, where Set Up is offered', () => {
    assert.ok(events.includes('onStartupFinished'));
  });
});
