import * as assert from 'assert';
import { DEFAULT_CONFIG_TEXT, defaultConfig, parseConfig } from '../../src/core/policy/config';
import { PromptReleaseError } from '../../src/core/common/errors';
import { kindOf, promptMatcher, promptPathspecs } from '../../src/core/prompts/prompts';

function failsAt(text: string, message: RegExp, line: number, col: number) {
  assert.throws(
    () => parseConfig(text),
    (err: unknown) => err instanceof PromptReleaseError && message.test(err.message) && err.location?.line === line && err.location?.col === col,
    `expected ${message} at ${line}:${col}`,
  );
}

describe('.promptrelease.yaml', () => {
  it('parses environments in order with their policies and defaults', () => {
    const config = parseConfig('environments:\n  dev: {}\n  staging: { approvals: 1 }\n  production: { approvals: 2, ownerApproval: true, requirePrevious: false }\n');
    assert.deepStrictEqual(
      config.environments.map((e) => [e.name, e.approvals, e.ownerApproval, e.requirePrevious]),
      [['dev', 1, false, false], ['staging', 1, false, true], ['production', 2, true, false]],
    );
  });

  it('is the documented default when empty, and init writes a file that parses to the defaults', () => {
    assert.deepStrictEqual(parseConfig('').environments, defaultConfig().environments);
    const written = parseConfig(DEFAULT_CONFIG_TEXT);
    assert.deepStrictEqual(written.environments, defaultConfig().environments);
    assert.deepStrictEqual(written.prompts, defaultConfig().prompts);
  });

  it('names file, line and column of every mistake', () => {
    failsAt('environments:\n  production:\n    aprovals: 2\n', /unknown policy key "aprovals"/, 3, 5);
    failsAt('environments:\n  production: { approvals: -1 }\n', /whole number/, 2, 28);
    failsAt('prompts: "*.md"\n', /non-empty list of globs/, 1, 10);
    failsAt('people:\n  alice: [a@example.com]\n', /not a CODEOWNERS handle/, 2, 3);
    failsAt('people:\n  "@alice": [not-an-email]\n', /neither an email nor a @handle/, 2, 14);
    failsAt('environments:\n  "prod env": {}\n', /may use only letters/, 2, 3);
    failsAt('colour: blue\n', /unknown setting "colour"/, 1, 1);
    failsAt('environments: [staging\n', /not valid YAML/, 2, 1);
  });

  it('recognises every prompt format by default and never the records folder', () => {
    const isPrompt = promptMatcher(defaultConfig());
    for (const p of ['.github/prompts/fix.prompt.md', 'a.instructions.md', 'x/y.chatmode.md', 'AGENTS.md', 'svc/AGENTS.md', 'p.prompty', 'q.prompt', 'models/summarize.prompt.yml', 'm.prompt.yaml', 'prompts/system.txt', 'pkg/prompts/deep/t.j2']) {
      assert.ok(isPrompt(p), p);
    }
    for (const p of ['README.md', 'src/prompt.ts', 'agents.md.bak', '.promptrelease/records/ab/x.json']) assert.ok(!isPrompt(p), p);
  });

  it("recognises today's agent and assistant files, and only text templates inside prompts/ folders", () => {
    const isPrompt = promptMatcher(defaultConfig());
    const found = [
      '.github/agents/reviewer.agent.md',
      'skills/pdf/SKILL.md',
      '.github/copilot-instructions.md',
      'CLAUDE.md',
      'web/CLAUDE.md',
      'GEMINI.md',
      '.claude/commands/fix-issue.md',
      '.claude/agents/reviewer.md',
      '.cursor/rules/style.mdc',
      'samples/prompts/summarize.hbs',
      'prompts/system.jinja2',
    ];
    for (const p of found) assert.ok(isPrompt(p), p);
    for (const p of ['samples/prompts/main.go', 'prompts/init.ts', 'prompts/pyproject.toml', 'prompts/logo.png', '.claude/settings.json']) assert.ok(!isPrompt(p), p);
    assert.strictEqual(kindOf('skills/pdf/SKILL.md'), 'Agent skill');
    assert.strictEqual(kindOf('samples/prompts/summarize.hbs'), 'template in a prompts/ folder');
  });

  it('applies "!" exclusions in order, as gitignore does, and an exclude list', () => {
    const config = parseConfig('prompts:\n  - "prompts/**"\n  - "!prompts/drafts/**"\n  - "prompts/drafts/keep.md"\nexclude: ["**/vendor/**"]\n');
    const isPrompt = promptMatcher(config);
    assert.ok(isPrompt('prompts/a.md'));
    assert.ok(!isPrompt('prompts/drafts/wip.md'), 'excluded by the later "!"');
    assert.ok(isPrompt('prompts/drafts/keep.md'), 're-included by a still later glob');
    assert.ok(!isPrompt('prompts/vendor/x.md'), 'exclude wins');
    assert.ok(!isPrompt('LICENSE') && !isPrompt('.promptrelease.yaml'), 'a "!" never turns into "everything else"');
    assert.deepStrictEqual(promptPathspecs(config), [':(glob)prompts/**', ':(glob)prompts/drafts/keep.md']);
    failsAt('prompts:\n  - "!"\n', /excludes nothing/, 2, 5);
    failsAt('prompts:\n  - "!prompts/x/**"\n', /nothing before it to exclude from/, 2, 5);
    failsAt('exclude:\n  - "!x"\n', /exclude takes plain globs/, 2, 5);
  });

  it('limits git history reads to the prompt globs when git can express them', () => {
    assert.deepStrictEqual(promptPathspecs({ prompts: ['prompts/**', '**/*.prompt.md'] }), [':(glob)prompts/**', ':(glob)**/*.prompt.md']);
    assert.strictEqual(promptPathspecs({ prompts: ['{a,b}/*.md'] }), undefined);
  });
});
