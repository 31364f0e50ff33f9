import * as assert from 'assert';
import { ownersOf, parseCodeowners } from '../../src/core/codeowners';
import { PromptReleaseError } from '../../src/core/errors';

const owners = (text: string, path: string) => ownersOf(parseCodeowners(text, 'CODEOWNERS'), path).owners;

describe('CODEOWNERS (GitHub semantics)', () => {
  it('lets the last matching line win', () => {
    const text = '*.md @docs\nprompts/** @prompt-team\n';
    assert.deepStrictEqual(owners(text, 'prompts/a.prompt.md'), ['@prompt-team']);
    assert.deepStrictEqual(owners(text, 'README.md'), ['@docs']);
    const reversed = 'prompts/** @prompt-team\n*.md @docs\n';
    assert.deepStrictEqual(owners(reversed, 'prompts/a.prompt.md'), ['@docs']);
  });

  it('un-owns a path with a pattern that has no owners', () => {
    const text = 'prompts/** @prompt-team\nprompts/experimental/\n';
    assert.deepStrictEqual(owners(text, 'prompts/experimental/try.prompt.md'), []);
    assert.deepStrictEqual(owners(text, 'prompts/stable.prompt.md'), ['@prompt-team']);
  });

  it('matches gitignore-style patterns: anchored, unanchored, directories, double stars', () => {
    const text = ['*.prompty @any', '/root.prompt.md @root', 'apps/ @apps', 'docs/* @docs', '**/logs @logs', 'a/**/b.md x@example.com'].join('\n');
    assert.deepStrictEqual(owners(text, 'deep/dir/x.prompty'), ['@any']);
    assert.deepStrictEqual(owners(text, 'root.prompt.md'), ['@root']);
    assert.deepStrictEqual(owners(text, 'sub/root.prompt.md'), []);
    assert.deepStrictEqual(owners(text, 'apps/one/p.md'), ['@apps']);
    assert.deepStrictEqual(owners(text, 'x/apps/p.md'), ['@apps']);
    assert.deepStrictEqual(owners(text, 'docs/p.md'), ['@docs']);
    assert.deepStrictEqual(owners(text, 'docs/nested/p.md'), [], 'docs/* owns only direct children, as GitHub documents');
    assert.deepStrictEqual(owners(text, 'x/logs/today.md'), ['@logs']);
    assert.deepStrictEqual(owners(text, 'a/q/r/b.md'), ['x@example.com']);
  });

  it('is case sensitive and keeps comments and escaped spaces apart', () => {
    const text = '# comment\nPrompts/** @upper # trailing comment\nmy\\ file.md @spaced\n';
    assert.deepStrictEqual(owners(text, 'prompts/a.md'), []);
    assert.deepStrictEqual(owners(text, 'Prompts/a.md'), ['@upper']);
    assert.deepStrictEqual(owners(text, 'my file.md'), ['@spaced']);
  });

  it('rejects what GitHub cannot express, naming line and column', () => {
    const check = (text: string, pattern: RegExp, line: number, col: number) => {
      assert.throws(
        () => parseCodeowners(text, '.github/CODEOWNERS'),
        (err: unknown) => err instanceof PromptReleaseError && pattern.test(err.message) && err.location?.line === line && err.location?.col === col,
      );
    };
    check('ok/** @a\n!negated @b\n', /negated patterns/, 2, 1);
    check('\n  prompts/[ab].md @a\n', /character ranges/, 2, 3);
    check('prompts/** @ok not-an-owner\n', /"not-an-owner" is not an owner/, 1, 16);
  });
});
