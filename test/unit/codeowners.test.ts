import * as assert from 'assert';
import { ownersOf, parseCodeowners } from '../../src/core/ownership/codeowners';
import { globSteps } from '../../src/core/prompts/glob';

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
  ['foo/**/', 'foo/a.md', true, 'GitHub: foo/**/ owns what foo/** owns, files directly in foo too (see the table below)'],
  ['foo/**/', 'foo', false, 'GitHub: not a file named foo'],
  ['/*', 'README.md', true, 'GitHub: /* owns the files at the root'],
  ['/*', 'docs/a.md', false, 'GitHub: and nothing in folders (unlike gitignore, where /* matches folders too)'],
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

/**
 * GitHub's matching, case by case: the table another CODEOWNERS implementation keeps of how
 * GitHub matches each pattern (hmarr/codeowners, testdata/patterns.json, MIT), restated here
 * as our own rows. Row: pattern, what it shows, [path, owned?] pairs. Where it departs from
 * gitignore, GitHub wins: `/*` owns only files at the root; `foo/**\/` owns everything below
 * foo, files directly in it too; `[ ]`, `{ }`, `^` and `:` are literal; `\\` escapes.
 */
const GITHUB_TABLE: [string, string, [string, boolean][]][] = [
  ["foo", "single-segment pattern", [["foo", true], ["foo.txt", false], ["foo/bar", true], ["bar/foo", true], ["bar/foo.txt", false], ["bar/baz", false], ["bar/foo/baz", true]]],
  ["/foo", "single-segment pattern with leading slash", [["foo", true], ["fool.txt", false], ["foo/bar", true], ["bar/foo", false], ["bar/baz", false], ["foo/bar/baz", true], ["bar/foo/baz", false]]],
  ["foo/", "single-segment pattern with trailing slash", [["foo", false], ["foo/bar", true], ["foo/bar/baz", true], ["bar/foo", false], ["bar/baz", false], ["bar/foo/baz", true], ["bar/foo/baz/qux", true]]],
  ["/foo/", "single-segment pattern with leading and trailing slash", [["foo", false], ["foo/bar", true], ["foo/bar/baz", true], ["bar/foo", false], ["bar/baz", false], ["bar/foo/baz", false], ["bar/foo/baz/qux", false]]],
  ["foo/bar", "multi-segment (implicitly left-anchored) pattern", [["foo/bar", true], ["foo/bart", false], ["foo/bar/baz", true], ["baz/foo/bar", false], ["baz/foo/bar/qux", false]]],
  ["/foo/bar", "multi-segment pattern with leading slash", [["foo/bar", true], ["foo/bart", false], ["foo/bar/baz", true], ["baz/foo/bar", false], ["baz/foo/bar/qux", false]]],
  ["foo/bar/", "multi-segment pattern with trailing slash", [["foo/bar", false], ["foo/bart", false], ["foo/bar/baz", true], ["baz/foo/bar", false], ["baz/foo/bar/qux", false]]],
  ["/foo/bar/", "multi-segment pattern with leading and trailing slash", [["foo/bar", false], ["foo/bart", false], ["foo/bar/baz", true], ["foo/bar/baz/qux", true], ["baz/foo/bar", false], ["baz/foo/bar/qux", false]]],
  ["*", "single segment lone wildcard", [["foo", true], ["foo/bar", true], ["bar/foo", true], ["bar/foo/baz", true], ["bar/baz", true], ["xfoo", true]]],
  ["f*", "single segment pattern with wildcard", [["foo", true], ["foo/bar", true], ["foo/bar/baz", true], ["bar/foo", true], ["bar/foo/baz", true], ["bar/baz", false], ["xfoo", false]]],
  ["/*", "single segment pattern with leading slash and lone wildcard", [["foo", true], ["bar", true], ["foo/bar", false], ["foo/bar/baz", false]]],
  ["/f*", "single segment pattern with leading slash and wildcard", [["foo", true], ["foo/bar", true], ["foo/bar/baz", true], ["bar/foo", false], ["bar/foo/baz", false], ["bar/baz", false], ["xfoo", false]]],
  ["f*/", "single segment pattern with trailing slash and wildcard", [["foo", false], ["foo/bar", true], ["bar/foo", false], ["bar/foo/baz", true], ["bar/baz", false], ["xfoo", false]]],
  ["/*/", "single segment pattern with leading and trailing slash and lone wildcard", [["foo", false], ["foo/bar", true], ["bar/foo", true], ["bar/foo/baz", true]]],
  ["/f*/", "single segment pattern with leading and trailing slash and wildcard", [["foo", false], ["foo/bar", true], ["bar/foo", false], ["bar/foo/baz", false], ["bar/baz", false], ["xfoo", false]]],
  ["f\\*o", "single segment pattern with escaped wildcard", [["foo", false], ["f*o", true]]],
  ["foo/*", "pattern with trailing wildcard segment", [["foo", false], ["foo/bar", true], ["foo/bar/baz", false], ["bar/foo", false], ["bar/foo/baz", false], ["bar/baz", false], ["xfoo", false]]],
  ["foo/*.txt", "multi-segment pattern with wildcard", [["foo", false], ["foo/bar.txt", true], ["foo/bar/baz.txt", false], ["qux/foo/bar.txt", false], ["qux/foo/bar/baz.txt", false]]],
  ["foo/*/baz", "multi-segment pattern with lone wildcard", [["foo", false], ["foo/bar", false], ["foo/baz", false], ["foo/bar/baz", true], ["foo/bar/baz/qux", true]]],
  ["f?o", "single segment pattern with single-character wildcard", [["foo", true], ["fo", false], ["fooo", false]]],
  ["f\\?o", "single segment pattern with escaped single-character wildcard", [["foo", false], ["f?o", true]]],
  ["**/foo/bar", "leading double-asterisk wildcard", [["foo/bar", true], ["qux/foo/bar", true], ["qux/foo/bar/baz", true], ["foo/baz/bar", false], ["qux/foo/baz/bar", false]]],
  ["**/*bar*", "leading double-asterisk wildcard with regular wildcard", [["bar", true], ["foo/bar", true], ["foo/rebar", true], ["foo/barrio", true], ["foo/qux/bar", true]]],
  ["foo/bar/**", "trailing double-asterisk wildcard", [["foo/bar", false], ["foo/bar/baz", true], ["foo/bar/baz/qux", true], ["qux/foo/bar", false], ["qux/foo/bar/baz", false]]],
  ["foo/**/bar", "middle double-asterisk wildcard", [["foo/bar", true], ["foo/bar/baz", true], ["foo/qux/bar/baz", true], ["foo/qux/quux/bar/baz", true], ["foo/bar/baz/qux", true], ["qux/foo/bar", false], ["qux/foo/bar/baz", false]]],
  ["foo/**/", "middle double-asterisk wildcard with trailing slash", [["foo", false], ["foo/bar", true], ["foo/bar/", true], ["foo/bar/baz", true]]],
  ["foo/**/bar/b*", "middle double-asterisk wildcard with trailing wildcard", [["foo/bar", false], ["foo/bar/baz", true], ["foo/bar/qux", false], ["foo/qux/bar", false], ["foo/qux/bar/baz", true], ["foo/qux/bar/qux", false]]],
  ["/apps/[param]/file.ts", "pattern with square brackets", [["apps/[param]/file.ts", true], ["apps/other/file.ts", false], ["apps/[other]/file.ts", false], ["apps/param/file.ts", false]]],
  ["services/foo:bar/**/*", "pattern with colon", [["services/foo:bar/baz.json", true], ["services/foo-bar/baz.json", false]]],
  ["vllm/v1/worker/^cpu", "pattern with caret", [["vllm/v1/worker/^cpu", true], ["vllm/v1/worker/cpu", false]]],
];

describe('CODEOWNERS: GitHub\'s matching, the whole published table', () => {
  const total = GITHUB_TABLE.reduce((n, [, , paths]) => n + paths.length, 0);

  it(`has all ${total} cases of the table`, () => {
    assert.strictEqual(GITHUB_TABLE.length, 30);
    assert.strictEqual(total, 153);
  });

  for (const [pattern, name, paths] of GITHUB_TABLE) {
    it(`${name}: ${pattern}`, () => {
      const wrong = paths.filter(([path, owned]) => (owners(`${pattern} @o\n`, path).length > 0) !== owned);
      assert.deepStrictEqual(wrong, [], `${pattern} decides these paths unlike GitHub`);
    });
  }
});

describe('CODEOWNERS: patterns that would make a backtracking matcher hang', () => {
  const flat = 'a'.repeat(10_000);
  const deep = 'a/'.repeat(4_999) + 'ab';

  it('match a 10,000-character path in steps bounded by pattern × path', () => {
    const cases: [string, string, boolean][] = [
      // The regular expression this replaced took minutes on the first (already at 40 characters).
      ['*a*a*a*a*a*a*a*a*a*a*a*a*b', flat, false],
      ['*a*a*a*a*a*a*a*a*a*a*a*a*b', flat + 'b', true],
      ['**/*a*a*a*a*a*a*a*a*a*a*a*a*b', deep, false],
      ['**/**/**/**/**/**/**/**/**/**/**/**/x', deep, false],
      ['**/**/**/**/**/**/**/**/**/**/**/**/ab', deep, true],
      ['a/**/a/**/a/**/a/**/a/**/a/**/a/**/x', deep, false],
      ['/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/', deep, true],
      ['*a*a*a*a*a*a*a*a*a*a*a*a*b/', deep, false],
    ];
    for (const [pattern, path, owned] of cases) {
      const before = globSteps();
      assert.strictEqual(owners(`${pattern} @o\n`, path).length > 0, owned, pattern);
      const steps = globSteps() - before;
      assert.ok(steps <= 20 * pattern.length * path.length, `${pattern}: ${steps} steps`);
    }
  });

  it('still gives the owners of the last matching line', () => {
    const text = '* @everyone\n*a*a*a*a*a*a*a*a*a*a*a*a*b @bees\n';
    assert.deepStrictEqual(owners(text, flat), ['@everyone']);
    assert.deepStrictEqual(owners(text, flat + 'b'), ['@bees']);
  });
});
