import * as assert from 'assert';
import { DEFAULT_PROMPT_GLOBS } from '../../src/core/prompts/detection';
import { compileGlobNode, node, parsePromptGlob, promptGlobsMatcher } from '../../src/core/prompts/glob';

/**
 * The common glob shapes (`**\/NAME`, `**\/*SUFFIX`, `**\/DIR/…/**\/*SUFFIX`) are tested as
 * strings, the rest by the automaton: both must answer exactly as the automaton alone does.
 */
const automatonOnly = (globs: string[]) => {
  const match = compileGlobNode(node.alt(...globs.map(parsePromptGlob)));
  return (path: string) => !/(^|\/)\.{0,2}(\/|$)/.test(path) && match(path);
};

const GLOBS = [
  ...DEFAULT_PROMPT_GLOBS.filter((g) => !g.startsWith('!')),
  '**/x',
  '**/.x',
  '**/*.md',
  '**/a/b/**/*.md',
  '**/prompts/**/*.txt',
  '**/.claude/commands/**/*.md',
  'prompts/**/*.md',
  '**/*',
  '**/a*/**/*.md',
  // Only the automaton takes these; some have a literal piece that narrows the paths it runs on, some not.
  '**/.roo/rules-*/**/*.md',
  '**/prompts/**/README.md',
  './x',
  'a*b/**/c.md',
  '**/*x*',
  '**/[ab].md',
  '**/{a,b}.md',
  '**/*.{md,txt}',
  'prompts/*',
];

const FOLDERS = ['', 'a/', 'b/', 'a/b/', 'b/a/', 'a/x/b/', 'x/a/b/y/', 'prompts/', 'x/prompts/', 'prompts/y/', 'prompts/prompts/', 'promptsx/', 'xprompts/', '.claude/', '.claude/commands/', 'x/.claude/commands/z/', 'commands/.claude/', '.claude/x/commands/', 'é/', 'a b/', '.roo/rules-x/', '.roo/rules-/', 'x/.roo/rules-y/z/', '.gemini/commands/', 'skills/s-1/', 'axb/', 'a/xb/'];
const NAMES = ['a.md', '.md', 'md', 'SKILL.md', 'skill.md', 'xSKILL.md', 'AGENTS.md', 'AGENTS.override.md', 'x.prompt.md', '.prompt.md', 'prompt.md', 'a.prompt', 'a.prompty', 'a.prompt.yml', 'a.prompt.yaml', '.cursorrules', 'x.cursorrules', '.clinerules', 'copilot-instructions.md', 'xcopilot-instructions.md', 'prompts', 'a.txt', 'README.md', 'a.instructions.md', 'a.agent.md', 'a.chatmode.md', 'a.toml', 'rules-x', 'x', '.x', 'ab.md', 'axb', 'c.md', 'b.txt', 'ü.md', 'a\nb.md', 'CLAUDE.md', 'GEMINI.md', 'a.mdc'];
const PATHS = [...FOLDERS.flatMap((f) => NAMES.map((n) => f + n)), 'a//b.md', './a.md', 'a/./b.md', '../a.md', 'a/../b.md', 'prompts/', '', '/a.md'];

describe('prompt glob shapes tested as strings', () => {
  it('answer exactly as the automaton does, glob by glob and all together', () => {
    let compared = 0;
    for (const globs of [...GLOBS.map((g) => [g]), GLOBS, DEFAULT_PROMPT_GLOBS.filter((g) => !g.startsWith('!'))]) {
      const fast = promptGlobsMatcher(globs);
      const slow = automatonOnly(globs);
      for (const path of PATHS) {
        assert.strictEqual(fast(path), slow(path), `${JSON.stringify(globs.length > 3 ? `${globs.length} globs` : globs)} on ${JSON.stringify(path)}`);
        compared++;
      }
    }
    assert.ok(compared > 10_000, `${compared} comparisons`);
  });

  it('still finds the default prompt kinds (a check that the comparison is not vacuous)', () => {
    const match = promptGlobsMatcher(DEFAULT_PROMPT_GLOBS.filter((g) => !g.startsWith('!')));
    for (const yes of ['x/a.prompt.md', 'AGENTS.md', 'skills/s-1/SKILL.md', '.claude/commands/a.md', 'x/prompts/y/a.txt', '.cursorrules']) assert.ok(match(yes), yes);
    for (const no of ['x/a.md', 'promptsx/a.md', 'skill.md', 'a/../AGENTS.md']) assert.ok(!match(no), no);
  });
});
