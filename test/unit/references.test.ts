import * as assert from 'assert';
import { candidatePaths, formatMissing, includeDifferences, MAX_INCLUDE_DEPTH, referenceKindsOf, resolveIncludes, type FileAt } from '../../src/core/prompts/dependencies';
import { blobFacts } from '../../src/core/prompts/hash';
import { promptMatcher } from '../../src/core/prompts/prompts';
import { defaultConfig } from '../../src/core/policy/config';
import { extractReferences, type Reference } from '../../src/core/prompts/references';
import { blobId } from '../helpers/snapshot';

const refs = (text: string) => extractReferences(text).map((r) => `${r.kind}:${r.target}@${r.line}`);

describe('references a prompt makes, by syntax', () => {
  it('finds Dotprompt partials with their lines, block partials and whitespace control included', () => {
    const text = ['---', 'model: gemini', '---', '{{> header}}', 'Hello {{name}}.', '{{#> layout title="x"}}body{{/layout}}', '{{~> shared/footer tone=tone ~}}', '{{>   spaced }}', '{{> (lookup . "dynamic")}}'].join('\n');
    assert.deepStrictEqual(refs(text), ['partial:header@4', 'partial:layout@6', 'partial:shared/footer@7', 'partial:spaced@8', 'partial:(lookup . "dynamic")@9']);
    assert.match(extractReferences(text)[4].unresolvable ?? '', /dynamic partial/, 'a dynamic partial is reported, as one that cannot be resolved');
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

describe('every spelling of a Handlebars partial (Dotprompt)', () => {
  const one = (text: string) => {
    const found = extractReferences(text);
    assert.strictEqual(found.length, 1, `${JSON.stringify(text)} gave ${JSON.stringify(found)}`);
    return found[0];
  };
  const name = (text: string) => {
    const r = one(text);
    assert.strictEqual(r.unresolvable, undefined, `${JSON.stringify(text)}: ${r.unresolvable}`);
    assert.strictEqual(r.kind, 'partial');
    return r.target;
  };

  it('reads a bare, double-quoted, single-quoted and bracketed name the same way', () => {
    assert.strictEqual(name('{{> tone}}'), 'tone');
    assert.strictEqual(name('{{> "tone"}}'), 'tone');
    assert.strictEqual(name("{{> 'tone'}}"), 'tone');
    assert.strictEqual(name('{{> [tone]}}'), 'tone');
    assert.strictEqual(name('{{>tone}}'), 'tone');
    assert.strictEqual(name('{{>\n  tone\n}}'), 'tone', 'whitespace, line breaks included, may follow ">"');
  });

  it('reads names with spaces, quotes and brackets inside, as Handlebars unescapes them', () => {
    assert.strictEqual(name('{{> [name with spaces]}}'), 'name with spaces');
    assert.strictEqual(name('{{> "with \\"quote\\""}}'), 'with "quote"');
    assert.strictEqual(name("{{> 'it\\'s'}}"), "it's");
    assert.strictEqual(name('{{> [a\\]b]}}'), 'a]b');
    assert.strictEqual(name('{{> "shared/tone"}}'), 'shared/tone');
    assert.strictEqual(name('{{> shared/[my tone]}}'), 'shared/my tone');
    assert.strictEqual(name('{{> shared.tone}}'), 'shared.tone', 'a dotted path is one name, as Handlebars passes it to the resolver');
  });

  it('reads a partial with a context, hash parameters and whitespace control', () => {
    assert.strictEqual(name('{{> tone ctx}}'), 'tone');
    assert.strictEqual(name('{{> tone ctx key=value other="}}"}}'), 'tone', 'a "}}" inside a string parameter does not end it');
    assert.strictEqual(name('{{> "tone" . level=(add 1 2)}}'), 'tone');
    assert.strictEqual(name('{{~> tone ~}}'), 'tone');
    assert.strictEqual(name('{{~> [my tone] key=1~}}'), 'my tone');
  });

  it('reads block partials, with every spelling of their name', () => {
    assert.strictEqual(name('{{#> layout}}fallback{{/layout}}'), 'layout');
    assert.strictEqual(name('{{#> "layout" title="x"}}fallback{{/layout}}'), 'layout');
    assert.strictEqual(name('{{~#> [the layout] ~}}x{{/[the layout]}}'), 'the layout');
  });

  it('fails closed on a dynamic partial: a subexpression or data variable picks it when the prompt runs', () => {
    for (const text of ['{{> (lookup . "x")}}', "{{> (whichPartial) ctx}}", '{{#> (concat "a" b)}}x{{/x}}', '{{> @root.which}}', '{{> 42}}', '{{> true}}', '{{> this}}']) {
      const r = one(text);
      assert.strictEqual(r.kind, 'partial');
      assert.ok(r.unresolvable, `${text} must not resolve to a file`);
    }
  });

  it('does not take the partial block a layout renders ({{> @partial-block}}) for a file', () => {
    assert.deepStrictEqual(extractReferences('before {{> @partial-block }} after'), []);
  });

  it('takes an inline partial for a definition, not a file', () => {
    const found = extractReferences('{{#*inline "intro"}}Hi{{/inline}}\n{{> intro}}\n{{~#*inline \'outro\' ~}}Bye{{/inline}}');
    assert.deepStrictEqual(
      found.map((r) => `${r.target}@${r.line}${r.defines ? ' (defined)' : ''}`),
      ['intro@1 (defined)', 'intro@2', 'outro@3 (defined)'],
    );
  });

  it('ignores escaped mustaches, comments of every form and raw blocks, and keeps a partial after a literal backslash', () => {
    assert.deepStrictEqual(extractReferences('\\{{> escaped}}'), [], 'a backslash makes "{{" text');
    assert.deepStrictEqual(refs('\\\\{{> real}}'), ['partial:real@1'], 'two backslashes are a backslash before a real partial');
    assert.deepStrictEqual(refs('{{~! not {{> a}} }}\n{{~!-- {{> b}} --~}}\n{{{{raw}}}} {{> c}} {{{{/raw}}}}\n{{> d}}'), ['partial:d@4']);
    assert.deepStrictEqual(refs('{{{{raw}}}} {{{{raw}}}} {{> nested}} {{{{/raw}}}} {{> still}} {{{{/raw}}}} {{> after}}'), ['partial:after@1']);
    assert.deepStrictEqual(refs('{{helper "}} {{> not}}"}} {{> yes}}'), ['partial:yes@1'], 'a string inside a mustache is not a partial');
  });

  it('fails closed on what it cannot read, naming the line, instead of skipping the rest', () => {
    for (const text of ['{{!-- never closed {{> hidden}}', '{{> tone', '{{> }}', '{{> "unclosed}}', '{{> [unclosed}}', '{{ > spaced}}', '{{{> triple}}}', '{{{{raw}}}} {{> hidden}}']) {
      const found = extractReferences(`line one\n${text}`);
      assert.ok(found.some((r) => r.unresolvable && r.line === 2), `${JSON.stringify(text)} gave ${JSON.stringify(found)}`);
    }
  });
});

describe('Prompty and template-engine includes', () => {
  it('reads a ${file:} path as Prompty does: up to the next colon, spaces kept', () => {
    assert.deepStrictEqual(refs('a: ${file:my sample.json}\nb: "${file:data.json:ignored}"'), ['file:my sample.json@1', 'file:data.json@2']);
    const [empty, backslash] = extractReferences('a: ${file:}\nb: ${file:..\\secret.json}');
    assert.ok(empty.unresolvable && backslash.unresolvable);
  });

  it('reads a Prompty base: in the front matter as an include, and only there', () => {
    const text = ['---', 'name: x', 'base: ../common/base.prompty  # parent', '---', 'base: not front matter'].join('\n');
    assert.deepStrictEqual(refs(text), ['file:../common/base.prompty@3']);
  });

  it('reports Jinja, Liquid and Go template includes, which only the application can resolve', () => {
    const found = extractReferences('{% include "header.j2" %}\n{%- extends base %}\n{% render "x" %}\n{{ template "y" . }}');
    assert.deepStrictEqual(found.map((r) => `${r.kind}@${r.line}`), ['template@1', 'template@2', 'template@3', 'template@4']);
    assert.ok(found.every((r) => r.unresolvable));
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

  it(`follows a chain exactly ${MAX_INCLUDE_DEPTH} levels deep, and refuses one level more, naming the prompt, the chain and the limit`, () => {
    const chain = (levels: number) => {
      const files: Record<string, string> = { 'p/root.prompt': '{{> l1}}\n' };
      for (let i = 1; i <= levels; i++) files[`p/_l${i}.prompt`] = i < levels ? `level ${i}\n{{> l${i + 1}}}\n` : `level ${i}\n`;
      return tree(files)('p/root.prompt');
    };
    const atLimit = chain(MAX_INCLUDE_DEPTH);
    assert.deepStrictEqual(atLimit.missing, []);
    assert.strictEqual(atLimit.includes.length, MAX_INCLUDE_DEPTH);
    for (const levels of [MAX_INCLUDE_DEPTH + 1, MAX_INCLUDE_DEPTH + 5]) {
      const deeper = chain(levels);
      assert.strictEqual(deeper.includes.length, MAX_INCLUDE_DEPTH, 'nothing past the limit is taken as reviewed');
      assert.strictEqual(deeper.missing.length, 1);
      const message = formatMissing(deeper.missing[0]);
      assert.ok(message.startsWith(`p/_l${MAX_INCLUDE_DEPTH}.prompt:2 includes partial "l${MAX_INCLUDE_DEPTH + 1}", which cannot be used: `), message);
      assert.match(message, new RegExp(`include level ${MAX_INCLUDE_DEPTH + 1} of p/root\\.prompt \\(p/root\\.prompt → p/_l1\\.prompt → .* → p/_l${MAX_INCLUDE_DEPTH + 1}\\.prompt\\)`));
      assert.match(message, /deeper than the 16 levels the tool follows \(MAX_INCLUDE_DEPTH in src\/core\/prompts\/dependencies\.ts\)/);
    }
  });

  it('measures depth by the shortest way to a file, so a long way round to a near file is no refusal', () => {
    const files: Record<string, string> = { 'p/root.prompt': '{{> l1}}\n{{> near}}\n', 'p/_near.prompt': 'near\n' };
    for (let i = 1; i <= MAX_INCLUDE_DEPTH; i++) files[`p/_l${i}.prompt`] = i < MAX_INCLUDE_DEPTH ? `{{> l${i + 1}}}\n` : '{{> near}}\n';
    const r = tree(files)('p/root.prompt');
    assert.deepStrictEqual(r.missing, []);
    assert.ok(r.includes.some((d) => d.path === 'p/_near.prompt'));
  });

  it('refuses an included file larger than maxPromptBytes, naming the setting', () => {
    const r = resolveIncludes('p/a.prompt', blobFacts(Buffer.from('{{> big}}\n')), (p) => (p === 'p/_big.prompt' ? { blob: 'c'.repeat(40), mode: '100644', facts: blobFacts(Buffer.alloc(2048, 65)) } : null), isPrompt, undefined, { maxBytes: 1024 });
    assert.deepStrictEqual(r.includes, []);
    assert.match(formatMissing(r.missing[0]), /^p\/a\.prompt:1 includes partial "big", which cannot be used: p\/_big\.prompt is 2048 bytes, more than maxPromptBytes \(1024/);
  });

  it('resolves every spelling of a partial to the same file', () => {
    const resolve = tree({
      'p/a.prompt': '{{> "quoted"}}\n{{> [my tone]}}\n{{~> trimmed ~}}\n{{> params ctx key=1}}\n{{#> block}}fallback{{/block}}\n',
      'p/_quoted.prompt': 'q\n',
      'p/_my tone.prompt': 't\n',
      'p/_trimmed.prompt': 'w\n',
      'p/_params.prompt': 'p\n',
      'p/_block.prompt': 'b {{> @partial-block}}\n',
    });
    const r = resolve('p/a.prompt');
    assert.deepStrictEqual(r.includes.map((d) => d.path), ['p/_block.prompt', 'p/_my tone.prompt', 'p/_params.prompt', 'p/_quoted.prompt', 'p/_trimmed.prompt']);
    assert.deepStrictEqual(r.missing, []);
  });

  it('fails closed on a dynamic partial and on a form it cannot read, at its line', () => {
    const r = tree({ 'p/a.prompt': 'x\n{{> (lookup . "which")}}\n{{ > spaced}}\n' })('p/a.prompt');
    assert.deepStrictEqual(r.missing.map((m) => `${m.via}:${m.line}`), ['p/a.prompt:2', 'p/a.prompt:3']);
    assert.match(formatMissing(r.missing[0]), /dynamic partial/);
  });

  it('takes an inline partial, here or in a file that includes this one, for no missing file, yet counts a file of that name', () => {
    const r = tree({
      'p/page.prompt': '{{#> layout}}{{#*inline "content"}}Hello{{/inline}}{{/layout}}\n{{#*inline "local"}}x{{/inline}}{{> local}}\n',
      'p/_layout.prompt': 'Header\n{{> content}}\n{{> absent}}\n',
    })('p/page.prompt');
    assert.deepStrictEqual(r.includes.map((d) => d.path), ['p/_layout.prompt']);
    assert.deepStrictEqual(r.missing.map((m) => `${m.via}:${m.line} ${m.target}`), ['p/_layout.prompt:3 absent']);
    const shadowed = tree({ 'p/a.prompt': '{{#*inline "tone"}}x{{/inline}}{{> tone}}\n', 'p/_tone.prompt': 'file\n' })('p/a.prompt');
    assert.deepStrictEqual(shadowed.includes.map((d) => d.path), ['p/_tone.prompt'], 'a file the name could mean is still reviewed');
  });

  it('fails closed on includes a format resolves at run time: Prompty partials and Jinja, plain Handlebars partials', () => {
    const r = tree({
      'flows/a.prompty': '---\nsample: ${file:/etc/passwd}\n---\n{{> header}}\n{% include "x.jinja2" %}\n',
      'prompts/a.hbs': '{{> footer}}\n',
      'prompts/b.j2': '{% extends "base.j2" %}\n',
      'prompts/plain.md': '{{> not-a-partial-in-markdown}}\n',
    });
    assert.deepStrictEqual(r('flows/a.prompty').missing.map((m) => `${m.line}:${m.kind}`), ['2:file', '4:partial', '5:template']);
    assert.match(formatMissing(r('flows/a.prompty').missing[0]), /outside the repository/);
    assert.match(formatMissing(r('flows/a.prompty').missing[1]), /Prompty's mustache renderer/);
    assert.deepStrictEqual(r('prompts/a.hbs').missing.map((m) => m.line), [1]);
    assert.deepStrictEqual(r('prompts/b.j2').missing.map((m) => m.line), [1]);
    assert.deepStrictEqual(r('prompts/plain.md').missing, []);
  });

  it('counts a Prompty base as an include', () => {
    const r = tree({ 'flows/a.prompty': '---\nbase: shared.prompty\n---\nhi\n', 'flows/shared.prompty': '---\nname: s\n---\nbase text\n' })('flows/a.prompty');
    assert.deepStrictEqual(r.includes.map((d) => d.path), ['flows/shared.prompty']);
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

describe('Prompty file references as Prompty resolves them (whole values)', () => {
  it('reads "${file:}" in prose as text (microsoft/prompty describes the syntax in a description), and an empty whole value as unresolvable', () => {
    const prose = extractReferences('---\nname: t\ndescription: Tests ${file:} reference for shared connection config\nmodel:\n  connection: ${file:shared_connection.json}\n---\nsystem:\nHi\n');
    assert.deepStrictEqual(prose.map((r) => [r.kind, r.target, r.line, r.unresolvable]), [['file', 'shared_connection.json', 5, undefined]]);
    const empty = extractReferences('---\nmodel:\n  connection: "${file:}"\n---\n');
    assert.deepStrictEqual(empty.map((r) => [r.target, r.unresolvable]), [['', 'it names no file']]);
    const listed = extractReferences('---\ninputs:\n  - ${file:a.json}\n---\n');
    assert.deepStrictEqual(listed.map((r) => r.target), ['a.json']);
  });
});
