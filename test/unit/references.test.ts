import * as assert from 'assert';
import { candidatePaths, formatMissing, includeDifferences, referenceKindsOf, resolveIncludes, type FileAt } from '../../src/core/dependencies';
import { blobFacts } from '../../src/core/hash';
import { promptMatcher } from '../../src/core/prompts';
import { defaultConfig } from '../../src/core/config';
import { extractReferences, type Reference } from '../../src/core/references';
import { blobId } from '../helpers/snapshot';

const refs = (text: string) => extractReferences(text).map((r) => `${r.kind}:${r.target}@${r.line}`);

describe('references a prompt makes, by syntax', () => {
  it('finds Dotprompt partials with their lines, block partials and whitespace control included', () => {
    const text = ['---', 'model: gemini', '---', '{{> header}}', 'Hello {{name}}.', '{{#> layout title="x"}}body{{/layout}}', '{{~> shared/footer tone=tone ~}}', '{{>   spaced }}', '{{> (lookup . "dynamic")}}'].join('\n');
    assert.deepStrictEqual(refs(text), ['partial:header@4', 'partial:layout@6', 'partial:shared/footer@7', 'partial:spaced@8']);
  });

  it('ignores partial syntax inside Handlebars comments, both forms, keeping later lines right', () => {
    const text = ['{{! not {{> commented}} }}', '{{!--', '  {{> alsoCommented}}', '--}}', '{{> real}}'].join('\n');
    assert.deepStrictEqual(refs(text), ['partial:real@5']);
  });

  it('finds Prompty file references', () => {
    const text = ['---', 'sample: ${file:sample.json}', 'other: ${env:OPENAI_KEY}', '---', 'system: ${file:../common/rules.md}'].join('\n');
    assert.deepStrictEqual(refs(text), ['file:sample.json@2', 'file:../common/rules.md@5']);
  });

  it('finds local Markdown links and #file: mentions, without anchors or queries, decoded', () => {
    const text = [
      'Follow [the style](../instructions/style.instructions.md#tone).',
      'See [site](https://example.com/a.md), [mail](mailto:a@b.c), [top](#top) and [proto](//cdn/x.md).',
      'Also [spaced](shared/my%20notes.prompt.md?plain=1 "title") and #file:../other.prompt.md here.',
      '[absolute](/docs/root.instructions.md)',
    ].join('\n');
    assert.deepStrictEqual(refs(text), ['link:../instructions/style.instructions.md@1', 'link:shared/my notes.prompt.md@3', 'link:../other.prompt.md@3', 'link:/docs/root.instructions.md@4']);
  });

  it('ignores links shown in fenced code blocks (``` and ~~~)', () => {
    const text = ['Intro [real](a.prompt.md)', '```markdown', '[example](b.prompt.md)', '#file:c.prompt.md', '```', '~~~', '[tilde](d.prompt.md)', '~~~', 'After [later](e.prompt.md)'].join('\n');
    assert.deepStrictEqual(refs(text), ['link:a.prompt.md@1', 'link:e.prompt.md@9']);
  });

  it('ignores links and #file: mentions shown in inline code, but keeps a link whose text is code', () => {
    // As in awesome-copilot's agents: an example of link syntax, and a skill's table of its references.
    const text = [
      '- Reference other files: `[instruction file](path/to/instructions.md)`',
      '- Mention one with ``#file:x.prompt.md`` in chat',
      'Load [`references/setup.md`](references/setup.md) first; see `a` [b](b.prompt.md) `c`.',
    ].join('\n');
    assert.deepStrictEqual(refs(text), ['link:references/setup.md@3', 'link:b.prompt.md@3']);
  });

  it('reads a #file: mention without sentence punctuation or a line range after it', () => {
    const text = ['Follow #file:style.instructions.md.', 'Use #file:index.prompt.md:94-99 to see where, and #file:./a.agent.md, then #file:b.md:7'].join('\n');
    assert.deepStrictEqual(refs(text), ['link:style.instructions.md@1', 'link:index.prompt.md@2', 'link:./a.agent.md@2', 'link:b.md@2']);
  });

  it('returns nothing for text without any reference syntax', () => {
    assert.deepStrictEqual(extractReferences('Just say hello {{name}}.\n'), []);
    assert.deepStrictEqual(blobFacts(Buffer.from('plain\n')).references, undefined, 'blob facts carry references only when there are some');
    assert.deepStrictEqual(blobFacts(Buffer.from('{{> a}}\n')).references, [{ kind: 'partial', target: 'a', line: 1 }]);
  });

  it('applies each syntax only to its format', () => {
    assert.deepStrictEqual(referenceKindsOf('p/a.prompt'), ['partial']);
    assert.deepStrictEqual(referenceKindsOf('p/a.prompty'), ['file']);
    assert.deepStrictEqual(referenceKindsOf('.github/prompts/a.prompt.md'), ['link']);
    assert.deepStrictEqual(referenceKindsOf('.cursor/rules/a.mdc'), ['link']);
    assert.deepStrictEqual(referenceKindsOf('models/a.prompt.yml'), []);
  });
});

describe('where a reference may point', () => {
  const partial = (target: string): Reference => ({ kind: 'partial', target, line: 1 });
  const link = (target: string): Reference => ({ kind: 'link', target, line: 1 });

  it('looks for a partial as _name.prompt in the prompt folder, then each parent, nearest first', () => {
    assert.deepStrictEqual(candidatePaths('prompts/support/reply.prompt', partial('header')), ['prompts/support/_header.prompt', 'prompts/_header.prompt', '_header.prompt']);
    assert.deepStrictEqual(candidatePaths('reply.prompt', partial('header')), ['_header.prompt']);
  });

  it('maps a partial named a/b to a/_b.prompt under each folder', () => {
    assert.deepStrictEqual(candidatePaths('prompts/x/reply.prompt', partial('shared/tone')), ['prompts/x/shared/_tone.prompt', 'prompts/shared/_tone.prompt', 'shared/_tone.prompt']);
  });

  it('resolves file references and links relative to the file, "/" from the root, never outside it', () => {
    assert.deepStrictEqual(candidatePaths('a/b/c.prompt.md', link('../d.prompt.md')), ['a/d.prompt.md']);
    assert.deepStrictEqual(candidatePaths('a/b/c.prompt.md', link('./e/./f.md')), ['a/b/e/f.md']);
    assert.deepStrictEqual(candidatePaths('a/b/c.prompt.md', link('/g.md')), ['g.md']);
    assert.deepStrictEqual(candidatePaths('a/c.prompt.md', link('../../escape.md')), []);
    assert.deepStrictEqual(candidatePaths('a/c.prompty', { kind: 'file', target: '../../etc/passwd', line: 3 }), []);
    assert.deepStrictEqual(candidatePaths('top.prompt', partial('../up')), [], 'a partial cannot climb out of the repository either');
  });
});

describe('resolving includes', () => {
  const isPrompt = promptMatcher(defaultConfig());
  function tree(files: Record<string, string | { mode: string }>) {
    const lookup = (path: string): FileAt | null => {
      const f = files[path];
      if (f === undefined) return null;
      if (typeof f !== 'string') return { blob: 'b'.repeat(40), mode: f.mode };
      return { blob: blobId(f), mode: '100644', facts: blobFacts(Buffer.from(f)) };
    };
    const partialsNamed = (name: string) => Object.keys(files).filter((p) => p === name || p.endsWith(`/${name}`));
    return (root: string) => resolveIncludes(root, lookup(root)!.facts, lookup, isPrompt, partialsNamed);
  }

  it('finds a partial in a subfolder of the prompts folder by its bare name, as Genkit registers it', () => {
    const resolve = tree({
      'prompts/story.prompt': '{{> header}}\nTell a story about {{subject}}.\n',
      'prompts/partials/_header.prompt': 'You are a storyteller.\n',
      'other/partials/_header.prompt': 'another project\'s header\n',
    });
    const r = resolve('prompts/story.prompt');
    assert.deepStrictEqual(r.includes.map((d) => d.path), ['prompts/partials/_header.prompt']);
    assert.deepStrictEqual(r.missing, []);
  });

  it('prefers the partial beside the file or in a parent folder over one in a subfolder', () => {
    const r = tree({
      'prompts/story.prompt': '{{> header}}\n',
      'prompts/_header.prompt': 'the nearest\n',
      'prompts/partials/_header.prompt': 'in a subfolder\n',
    })('prompts/story.prompt');
    assert.deepStrictEqual(r.includes.map((d) => d.path), ['prompts/_header.prompt']);
  });

  it('refuses a bare partial name two subfolders define, naming both', () => {
    const r = tree({
      'prompts/story.prompt': 'x\n{{> header}}\n',
      'prompts/a/_header.prompt': 'one\n',
      'prompts/b/_header.prompt': 'two\n',
    })('prompts/story.prompt');
    assert.strictEqual(r.includes.length, 0);
    assert.strictEqual(formatMissing(r.missing[0]), 'prompts/story.prompt:2 includes partial "header", which cannot be used: ambiguous: prompts/a/_header.prompt and prompts/b/_header.prompt both define it; rename one');
  });

  it('takes the nearest partial and follows includes transitively, naming where each came from', () => {
    const resolve = tree({
      'prompts/support/reply.prompt': 'Hi\n{{> header}}\n',
      'prompts/support/_header.prompt': '{{> shared/tone}}\n',
      'prompts/_header.prompt': 'the farther one\n',
      'prompts/shared/_tone.prompt': 'Be kind.\n',
    });
    const r = resolve('prompts/support/reply.prompt');
    assert.deepStrictEqual(
      r.includes.map((d) => `${d.path}<-${d.via}:${d.line}`),
      ['prompts/shared/_tone.prompt<-prompts/support/_header.prompt:1', 'prompts/support/_header.prompt<-prompts/support/reply.prompt:2'],
    );
    assert.deepStrictEqual(r.missing, []);
    assert.strictEqual(r.includes[1].contentHash, blobFacts(Buffer.from('{{> shared/tone}}\n')).contentHash);
  });

  it('reports a partial that is nowhere as missing, naming the file, the line and where it looked', () => {
    const r = tree({ 'p/a.prompt': 'one\ntwo {{> nowhere}}\n' })('p/a.prompt');
    assert.strictEqual(r.includes.length, 0);
    assert.deepStrictEqual(r.missing.map(formatMissing), ['p/a.prompt:2 includes partial "nowhere", which cannot be used: not found (looked for p/_nowhere.prompt, _nowhere.prompt)']);
  });

  it('reports a Prompty file that is not there, or outside the repository, as missing', () => {
    const r = tree({ 'flows/chat.prompty': 'sample: ${file:sample.json}\nmore: ${file:../../x.json}\n' })('flows/chat.prompty');
    assert.deepStrictEqual(r.missing.map(formatMissing), [
      'flows/chat.prompty:1 includes file "sample.json", which cannot be used: not found (looked for flows/sample.json)',
      'flows/chat.prompty:2 includes file "../../x.json", which cannot be used: not found (it points outside the repository)',
    ]);
    const found = tree({ 'flows/chat.prompty': 'sample: ${file:sample.json}\n', 'flows/sample.json': '{}\n' })('flows/chat.prompty');
    assert.deepStrictEqual(found.includes.map((d) => [d.path, d.kind]), [['flows/sample.json', 'file']], 'any file a Prompty names counts, prompt or not');
  });

  it('counts a Markdown link only when it leads to another prompt or instruction file, and never reports a link as missing', () => {
    const r = tree({
      '.github/prompts/a.prompt.md': '[style](../instructions/style.instructions.md)\n[readme](../../README.md)\n[gone](gone.prompt.md)\n[up](../../../outside.md)\n',
      '.github/instructions/style.instructions.md': 'Use British English.\n',
      'README.md': '# readme\n',
    })('.github/prompts/a.prompt.md');
    assert.deepStrictEqual(r.includes.map((d) => d.path), ['.github/instructions/style.instructions.md']);
    assert.deepStrictEqual(r.missing, []);
  });

  it('ignores syntax foreign to the format (a link in a .prompt, a partial in Markdown)', () => {
    const r = tree({ 'p/a.prompt': '[x](b.prompt.md)\n', 'p/b.prompt.md': 'B\n', 'p/c.prompt.md': '{{> a}}\n', 'p/_a.prompt': 'A\n' });
    assert.deepStrictEqual(r('p/a.prompt').includes, []);
    assert.deepStrictEqual(r('p/c.prompt.md').includes, []);
  });

  it('terminates on a cycle of partials, listing each file once', () => {
    const resolve = tree({ 'p/a.prompt': '{{> b}}\n', 'p/_b.prompt': '{{> c}}\n', 'p/_c.prompt': '{{> b}}\n{{> self}}\n', 'p/_self.prompt': '{{> self}}\n' });
    assert.deepStrictEqual(resolve('p/a.prompt').includes.map((d) => d.path), ['p/_b.prompt', 'p/_c.prompt', 'p/_self.prompt']);
    assert.deepStrictEqual(resolve('p/_b.prompt').includes.map((d) => d.path), ['p/_c.prompt', 'p/_self.prompt'], 'the root is never its own include');
  });

  it('refuses a symbolic link, a submodule or a binary file as an include: its content cannot be reviewed', () => {
    const r = tree({ 'p/a.prompt': '{{> l}}\n{{> s}}\n{{> bin}}\n', 'p/_l.prompt': { mode: '120000' }, 'p/_s.prompt': { mode: '160000' }, 'p/_bin.prompt': 'a\0b' })('p/a.prompt');
    assert.deepStrictEqual(
      r.missing.map((m) => `${m.line}:${m.reason}`),
      ['1:p/_l.prompt is a symbolic link, so its content cannot be reviewed', '2:p/_s.prompt is a submodule, so its content cannot be reviewed', '3:p/_bin.prompt is a binary file'],
    );
    assert.deepStrictEqual(r.includes, []);
  });

  it('asks for what it has not read yet instead of guessing', () => {
    const lookup = (path: string): FileAt | null | undefined => (path === 'p/_a.prompt' ? { blob: 'a'.repeat(40), mode: '100644' } : path === 'p/_b.prompt' ? undefined : null);
    const r = resolveIncludes('p/x.prompt', blobFacts(Buffer.from('{{> a}}\n{{> b}}\n')), lookup, isPrompt);
    assert.deepStrictEqual(r.unknown.sort(), ['p/_a.prompt', 'p/_b.prompt']);
    assert.deepStrictEqual([r.includes, r.missing], [[], []]);
  });

  it('says what differs between the includes a record was made for and today', () => {
    const h = (c: string) => `sha256:${c.repeat(64)}`;
    assert.deepStrictEqual(includeDifferences(undefined, []), []);
    assert.deepStrictEqual(
      includeDifferences([{ path: 'a', contentHash: h('1') }, { path: 'gone', contentHash: h('2') }], [{ path: 'a', contentHash: h('3') }, { path: 'new', contentHash: h('4') }]),
      ['a has changed since', 'new was not included then', 'gone is no longer included'],
    );
  });
});
