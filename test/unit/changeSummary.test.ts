import * as assert from 'assert';
import { formatChangeSummary, summarizeChange, templateVariables } from '../../src/core/history/changeSummary';

describe('structured change summary', () => {
  it('names changed model settings in front matter, not only lines', () => {
    const before = '---\nmodel: gpt-4o\ntemperature: 0.2\ntools: [search]\n---\nAnswer {{question}}.\n';
    const after = '---\nmodel: gpt-4.1\ntemperature: 0.7\ntools: [search, fetch]\nmode: agent\n---\nAnswer {{question}}.\n';
    const summary = summarizeChange('prompts/a.prompt.md', before, after);
    assert.deepStrictEqual(formatChangeSummary(summary), ['mode: set to agent', 'model: gpt-4o → gpt-4.1', 'temperature: 0.2 → 0.7', 'tools: search → search, fetch']);
    assert.strictEqual(summary.linesAdded, 4);
  });

  it('reports template variables added and removed across template languages', () => {
    const summary = summarizeChange('prompts/a.prompt.md', 'Hi {{name}}, {{#if vip}}welcome{{/if}} ${city}\n', 'Hi {{ user.name }}, {% for o in orders %}{{ o }}{% endfor %} ${inputs.city}\n');
    assert.deepStrictEqual(summary.variablesAdded, ['o', 'orders', 'user.name']);
    assert.deepStrictEqual(summary.variablesRemoved, ['name', 'vip']);
    assert.deepStrictEqual(formatChangeSummary(summary), ['template variables: + {{o}}, + {{orders}}, + {{user.name}}, − {{name}}, − {{vip}}']);
  });

  it('compares the messages of a GitHub Models .prompt.yml by role and text', () => {
    const before = 'model: openai/gpt-4o\nmodelParameters:\n  temperature: 0.3\nmessages:\n  - role: system\n    content: Be brief.\n  - role: user\n    content: "{{input}}"\n';
    const after = 'model: openai/gpt-4o\nmodelParameters:\n  temperature: 0.3\n  max_tokens: 200\nmessages:\n  - role: system\n    content: Be brief and kind.\n  - role: user\n    content: "{{input}}"\n  - role: assistant\n    content: Sure.\n';
    assert.deepStrictEqual(formatChangeSummary(summarizeChange('eval/summarize.prompt.yml', before, after)), ['modelParameters.max_tokens: set to 200', 'message 1 (system): changed', 'message 3 (assistant): added']);
  });

  it('reads Prompty roles in the body and its model settings', () => {
    const before = '---\nname: Support\nmodel:\n  api: chat\n  parameters:\n    temperature: 0.1\n---\nsystem:\nYou help.\n\nuser:\n{{question}}\n';
    const after = '---\nname: Support\nmodel:\n  api: chat\n  parameters:\n    temperature: 0.5\n---\nuser:\n{{question}}\n';
    assert.deepStrictEqual(formatChangeSummary(summarizeChange('support.prompty', before, after)), ['model.parameters.temperature: 0.1 → 0.5', 'message 1: role system → user', 'message 2 (user): removed']);
  });

  it("reads Dotprompt's role markers and ignores partials and comments", () => {
    const before = '---\nmodel: googleai/gemini-2.0-flash\n---\n{{role "system"}}\nYou are {{persona}}.\n{{role "user"}}\n{{> intro}}{{! note }}{{question}}\n';
    const after = '---\nmodel: googleai/gemini-2.0-flash\n---\n{{role "system"}}\nYou are {{persona}}, briefly.\n{{role "user"}}\n{{> intro}}{{! note }}{{question}}\n';
    const summary = summarizeChange('prompts/ask.prompt', before, after);
    assert.deepStrictEqual(formatChangeSummary(summary), ['message 1 (system): changed']);
    assert.deepStrictEqual([...templateVariables(before)].sort(), ['persona', 'question']);
  });

  it('says when front matter no longer parses, and where', () => {
    const summary = summarizeChange('a.prompt.md', '---\nmodel: a\n---\nx\n', '---\nmodel: [a\n---\nx\n');
    assert.strictEqual(summary.notes.length, 1);
    assert.match(summary.notes[0], /^now: the front matter does not parse \(.*line 1/);
  });

  it('has nothing to say about an unchanged meaning', () => {
    assert.deepStrictEqual(formatChangeSummary(summarizeChange('a.prompt.md', 'Be kind.\n', 'Be kind.\nBe brief.\n')), []);
  });
});

describe('problems grouped by cause', () => {
  it('makes one line of many prompts with one cause, and keeps other problems as they are', () => {
    const { groupProblems } = require('../../src/core/common/problemGroups') as typeof import('../../src/core/common/problemGroups');
    const unowned = (p: string) => ({ severity: 'warning' as const, message: `${p} has no owner in CODEOWNERS`, location: { file: p }, prompt: p, cause: 'prompts have no owner in CODEOWNERS' });
    const groups = groupProblems([unowned('a.prompt.md'), { severity: 'error', message: 'tag x is not trusted' }, unowned('b.prompt.md'), unowned('c.prompt.md'), unowned('d.prompt.md')]);
    assert.deepStrictEqual(groups.map((g) => [g.text, g.problems.length]), [
      ['4 prompts have no owner in CODEOWNERS (a.prompt.md, b.prompt.md, c.prompt.md, d.prompt.md)', 4],
      ['tag x is not trusted', 1],
    ]);
    assert.strictEqual(groups[0].abbreviated, false, 'four names are said in full');
    assert.strictEqual(groupProblems([unowned('a.prompt.md')])[0].text, 'a.prompt.md: a.prompt.md has no owner in CODEOWNERS');
    const many = groupProblems(['a', 'b', 'c', 'd', 'e'].map((n) => unowned(`${n}.prompt.md`)));
    assert.deepStrictEqual([many[0].text, many[0].abbreviated], ['5 prompts have no owner in CODEOWNERS (a.prompt.md, b.prompt.md, c.prompt.md and 2 more)', true]);
  });

  it('names each file once, with how often it repeats, and names a record by its file', () => {
    const { groupProblems } = require('../../src/core/common/problemGroups') as typeof import('../../src/core/common/problemGroups');
    const missing = (prompt: string, line: number) => ({ severity: 'error' as const, message: `${prompt}:${line} includes partial "x"`, location: { file: prompt, line }, prompt, cause: 'includes that cannot be resolved' });
    assert.strictEqual(groupProblems([missing('p.prompt', 1), missing('p.prompt', 3), missing('q.prompt', 1), missing('p.prompt', 4)])[0].text, '4 includes that cannot be resolved (p.prompt ×3, q.prompt)');
    const record = (file: string) => ({ severity: 'error' as const, message: 'review record is unusable: not valid JSON', location: { file }, cause: 'review records are unusable' });
    assert.strictEqual(groupProblems([record('r1.json'), record('r2.json')])[0].text, '2 review records are unusable (r1.json, r2.json)');
  });
});

describe('words', () => {
  it('says a long list briefly, each item once, and counts in the singular or plural', () => {
    const { plural, someOf } = require('../../src/core/common/words') as typeof import('../../src/core/common/words');
    assert.strictEqual(someOf(['a', 'b', 'c', 'd']), 'a, b, c, d');
    assert.strictEqual(someOf(['a', 'b', 'c', 'd', 'e']), 'a, b, c and 2 more');
    assert.strictEqual(someOf(['a', 'a', 'b', 'a']), 'a, b');
    assert.strictEqual(plural(1, 'release tag'), '1 release tag');
    assert.strictEqual(plural(2, 'release tag'), '2 release tags');
    assert.strictEqual(plural(0, 'person', 'people'), '0 people');
  });
});
