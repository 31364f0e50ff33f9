import * as assert from 'assert';
import { ownersOf, parseCodeowners } from '../../src/core/codeowners';

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

  it('skips and reports what GitHub cannot use, naming line and column, and keeps the rest', () => {
    const parsed = parseCodeowners('ok/** @a\n!negated @b\n  \\#hash @c\nprompts/** @ok not-an-owner\n', '.github/CODEOWNERS');
    assert.deepStrictEqual(parsed.rules.map((r) => r.pattern), ['ok/**']);
    assert.deepStrictEqual(
      parsed.errors.map((e) => [e.line, e.col, e.message.replace(/;.*$/, '')]),
      [
        [2, 1, '"!negated": negation (!) does not work in CODEOWNERS'],
        [3, 3, '"\\#hash": an escaped # does not work in CODEOWNERS'],
        [4, 16, '"not-an-owner" is not an owner: use @user, @org/team or an email address'],
      ],
    );
    assert.match(parsed.errors[0].message, /GitHub skips this line, and so does this tool/);
    assert.deepStrictEqual(ownersOf(parsed, 'ok/x.md').owners, ['@a']);
  });
});

/**
 * The conformance table: every example of GitHub's CODEOWNERS documentation, and the
 * gitignore rules GitHub inherits. Each row: pattern, path, owned?
 */
const CONFORMANCE: [string, string, boolean, string][] = [
  ['*', 'README.md', true, 'docs: * is the default owner for everything'],
  ['*', 'prompts/support/greeting.prompt.md', true, 'docs: everything, at any depth'],
  ['*.js', 'app.js', true, 'docs: *.js'],
  ['*.js', 'src/deep/app.js', true, 'docs: *.js at any depth'],
  ['*.js', 'app.jsx', false, 'gitignore: * stops at the end of the pattern'],
  ['*.go', 'cmd/main.go', true, 'docs: email owners use the same patterns'],
  ['/build/logs/', 'build/logs/today.log', true, 'docs: a rooted directory'],
  ['/build/logs/', 'build/logs/2026/today.log', true, 'docs: and its subdirectories'],
  ['/build/logs/', 'src/build/logs/today.log', false, 'gitignore: a leading slash anchors at the root'],
  ['/build/logs/', 'build/logs', false, 'gitignore: a trailing slash matches directories only'],
  ['docs/*', 'docs/getting-started.md', true, 'docs: docs/* owns docs/getting-started.md'],
  ['docs/*', 'docs/build-app/troubleshooting.md', false, 'docs: but not further nested files'],
  ['docs/*', 'src/docs/a.md', false, 'gitignore: a middle slash anchors at the root'],
  ['apps/', 'apps/web/index.js', true, 'docs: an apps directory anywhere'],
  ['apps/', 'services/apps/index.js', true, 'docs: anywhere in the repository'],
  ['/docs/', 'docs/a.md', true, 'docs: the /docs directory at the root'],
  ['/docs/', 'docs/guides/a.md', true, 'docs: and any of its subdirectories'],
  ['/docs/', 'site/docs/a.md', false, 'docs: only at the root'],
  ['/scripts/', 'scripts/release.sh', true, 'docs: /scripts/'],
  ['**/logs', 'build/logs/x.log', true, 'docs: a logs directory such as /build/logs'],
  ['**/logs', 'deeply/nested/logs/x.log', true, 'docs: /deeply/nested/logs'],
  ['**/logs', 'logs/x.log', true, 'gitignore: leading **/ matches zero directories'],
  ['docs/**', 'docs/a/b/c.md', true, 'gitignore: trailing /** is everything inside'],
  ['docs/**', 'docs', false, 'gitignore: but not the directory itself'],
  ['a/**/b.md', 'a/b.md', true, 'gitignore: /**/ matches zero directories'],
  ['a/**/b.md', 'a/x/y/b.md', true, 'gitignore: or several'],
  ['foo/**/', 'foo/x/a.md', true, 'gitignore: foo/**/ is every directory below foo'],
  ['foo/**/', 'foo/a.md', false, 'gitignore: not the files directly in foo'],
  ['/apps/[id]/page.md', 'apps/[id]/page.md', true, 'docs: [ ] ranges do not work, so brackets are literal'],
  ['/apps/[id]/page.md', 'apps/i/page.md', false, 'no character range'],
  ['*.MD', 'README.md', false, 'docs: paths are case sensitive'],
  ['my\\ file.md', 'my file.md', true, 'gitignore: a backslash escapes a space'],
  ['?.md', 'a.md', true, 'gitignore: ? is one character'],
  ['?.md', 'ab.md', false, 'gitignore: exactly one'],
  ['?.md', 'a/b.md', true, 'gitignore: at any depth without a slash'],
];

describe('CODEOWNERS conformance table (GitHub documentation + gitignore)', () => {
  for (const [pattern, path, owned, why] of CONFORMANCE) {
    it(`${pattern} ${owned ? 'owns' : 'does not own'} ${path} (${why})`, () => {
      assert.strictEqual(owners(`${pattern} @o\n`, path).length > 0, owned);
    });
  }

  it('gives /apps/github no owner after /apps/ @octocat, as the documentation shows', () => {
    assert.deepStrictEqual(owners('/apps/ @octocat\n/apps/github\n', 'apps/github/x.md'), []);
    assert.deepStrictEqual(owners('/apps/ @octocat\n/apps/github\n', 'apps/web/x.md'), ['@octocat']);
    assert.deepStrictEqual(owners('/apps/ @octocat\n/apps/github @doctocat\n', 'apps/github/x.md'), ['@doctocat']);
  });
});
