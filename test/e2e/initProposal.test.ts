import * as assert from 'assert';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { parseConfig } from '../../src/core/policy/config';
import { ALICE, CAROL, TempRepo } from '../helpers/gitFixture';

const command = (description: string) => `---\ndescription: ${description}\nscripts:\n  sh: scripts/check.sh\n---\n\n# ${description}\n\nUse $ARGUMENTS.\n`;

/** A repository laid out as github/spec-kit and github/awesome-copilot are: command templates outside the built-in formats, agentic workflows, a generated link index. */
function realLayoutRepo(): TempRepo {
  const repo = new TempRepo();
  const instructions: Record<string, string> = {};
  const rows: string[] = [];
  for (let i = 1; i <= 12; i++) {
    instructions[`instructions/lang${i}.instructions.md`] = `---\napplyTo: "**/*.x${i}"\n---\nWrite idiomatic code ${i}.\n`;
    rows.push(`| [Language ${i}](../instructions/lang${i}.instructions.md) | Rules for language ${i} |`);
  }
  repo.commit(CAROL, 'Spec-kit and awesome-copilot layouts', {
    'AGENTS.md': 'Run the tests before you commit.\n',
    'templates/commands/plan.md': command('Plan the implementation'),
    'templates/commands/tasks.md': command('Break the plan into tasks'),
    'templates/plan-template.md': '# Plan template\n',
    'extensions/git/commands/speckit.git.commit.md': command('Auto-commit changes'),
    'extensions/bug/commands/speckit.bug.fix.md': command('Fix a bug'),
    'extensions/bug/README.md': '# Bug extension\n',
    '.github/workflows/triage.md': '---\non:\n  issues:\n    types: [opened]\n---\nTriage the new issue.\n',
    '.github/workflows/RELEASE-PROCESS.md': '# How we release\n',
    '.github/workflows/ci.yml': 'on: push\n',
    '.claude/rules/testing.md': 'Always run the tests.\n',
    '.windsurf/rules/style.md': 'Prefer small functions.\n',
    'samples/prompts/joke.prompt': '---\nmodel: googleai/gemini-2.0-flash\n---\nTell a joke about {{subject}}.\n',
    'samples/prompts/README.md': '# Sample prompts\n\nRun them with genkit.\n',
    ...instructions,
    'docs/README.instructions.md': `# Custom instructions\n\n| Title | Description |\n| --- | --- |\n${rows.join('\n')}\n`,
  });
  return repo;
}

describe('init on real layouts: what counts as a prompt', () => {
  it('proposes command templates, agentic workflows and layouts of other agents with counts per kind, and writes nothing on --dry-run', async () => {
    const repo = realLayoutRepo();
    try {
      const result = await repo.cli(ALICE, 'init', '--dry-run');
      assert.strictEqual(result.code, 0, result.stderr);
      assert.match(result.stdout, /Found 17 prompt files in the built-in formats:/);
      assert.match(result.stdout, /Claude memory, commands and rules +1 +\.claude\/rules\/testing\.md/);
      assert.match(result.stdout, /Windsurf rules +1 +\.windsurf\/rules\/style\.md/);
      assert.match(result.stdout, /Found 5 more files that look like prompts; proposed under "prompts" after the built-in formats:/);
      assert.match(result.stdout, /extensions\/\*\/commands\/\*\.md {2}2 files \(agent command template/);
      assert.match(result.stdout, /templates\/commands\/\*\.md {2}2 files \(agent command template/);
      assert.match(result.stdout, /\.github\/workflows\/\*\.md {2}1 file \(GitHub agentic workflow\): \.github\/workflows\/triage\.md/);
      assert.match(result.stdout, /left out, as they do not look like prompts: \.github\/workflows\/RELEASE-PROCESS\.md/);
      assert.match(result.stdout, /docs\/README\.instructions\.md {2}links to 12 prompts/);
      assert.match(result.stdout, /Nothing was written \(--dry-run\)/);
      assert.ok(!existsSync(path.join(repo.dir, '.promptrelease.yaml')), '--dry-run wrote the configuration');
    } finally {
      repo.dispose();
    }
  });

  it('writes the proposal: the command templates become prompts and the link index is excluded, so instructions are not "used by" it', async () => {
    const repo = realLayoutRepo();
    try {
      const before = JSON.parse((await repo.cli(ALICE, 'status', '--json')).stdout);
      const lang1Before = before.prompts.find((p: any) => p.path === 'instructions/lang1.instructions.md');
      assert.ok(lang1Before.usedBy?.includes('docs/README.instructions.md'), `before init the index "includes" every instruction: ${JSON.stringify(lang1Before)}`);
      assert.ok(!before.prompts.some((p: any) => p.path === 'templates/commands/plan.md'), 'a command template is a prompt by default');

      const written = await repo.cli(ALICE, 'init');
      assert.strictEqual(written.code, 0, written.stderr);
      const text = readFileSync(path.join(repo.dir, '.promptrelease.yaml'), 'utf8');
      const config = parseConfig(text);
      assert.ok(config.prompts.includes('templates/commands/*.md') && config.prompts.includes('extensions/*/commands/*.md'), text);
      assert.ok(config.prompts.includes('!.github/workflows/RELEASE-PROCESS.md'), text);
      assert.deepStrictEqual(config.exclude, ['docs/README.instructions.md']);
      repo.commit(ALICE, 'Adopt prompt releases');

      const after = JSON.parse((await repo.cli(ALICE, 'status', '--json')).stdout);
      const paths = after.prompts.map((p: any) => p.path);
      for (const p of ['templates/commands/plan.md', 'extensions/bug/commands/speckit.bug.fix.md', '.github/workflows/triage.md', '.claude/rules/testing.md']) assert.ok(paths.includes(p), `${p} is not a prompt after init: ${paths}`);
      for (const p of ['docs/README.instructions.md', 'samples/prompts/README.md', '.github/workflows/RELEASE-PROCESS.md', 'templates/plan-template.md', 'extensions/bug/README.md']) assert.ok(!paths.includes(p), `${p} became a prompt`);
      const lang1 = after.prompts.find((p: any) => p.path === 'instructions/lang1.instructions.md');
      assert.ok(!(lang1.usedBy ?? []).length, `the excluded index still counts as using the instruction: ${JSON.stringify(lang1)}`);
    } finally {
      repo.dispose();
    }
  });
});
