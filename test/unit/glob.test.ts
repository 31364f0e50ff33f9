import * as assert from 'assert';
import { parseConfig } from '../../src/core/policy/config';
import { PromptReleaseError } from '../../src/core/common/errors';
import { globSteps, promptGlobProblem, promptGlobsMatcher } from '../../src/core/prompts/glob';
import { promptMatcher } from '../../src/core/prompts/prompts';

const matches = (glob: string, path: string) => promptGlobsMatcher([glob])(path);

/**
 * Prompt globs keep the meaning they had when picomatch matched them (with `dot: true`); each
 * row was checked against picomatch 4.0.7 before it was dropped, except that a line break in
 * a path is an ordinary character here. Row: glob, path, matches?
 */
const PROMPT_GLOBS: [string, string, boolean][] = [
  ['**/*.prompt.md', 'a.prompt.md', true],
  ['**/*.prompt.md', 'deep/er/a.prompt.md', true],
  ['**/*.prompt.md', '.github/prompts/a.prompt.md', true],
  ['**/*.prompt.md', 'a.prompt.md.bak', false],
  ['*.md', 'a.md', true],
  ['*.md', 'x/a.md', false],
  ['*.md', '.hidden.md', true],
  ['prompts/**', 'prompts', true],
  ['prompts/**', 'prompts/a/b.md', true],
  ['prompts/**', 'promptsx/a.md', false],
  ['*/**', 'prompts', false],
  ['*/**', 'prompts/a.md', true],
  ['a/**/b.md', 'a/b.md', true],
  ['a/**/b.md', 'a/x/y/b.md', true],
  ['a/**/**/b.md', 'a/b.md', true],
  ['a/**/b.md', 'ab.md', false],
  ['**', 'any/thing.md', true],
  // Deliberately unlike picomatch, which let a name with a line break slip out of these globs.
  ['**', 'line\nbreak.md', true],
  ['**/*.prompt.md', 'evil\ndir/x.prompt.md', true],
  ['*.md', '\nx.md', true],
  ['?.md', 'a.md', true],
  ['?.md', 'ab.md', false],
  ['[abc].md', 'b.md', true],
  ['[abc].md', '[abc].md', true],
  ['[abc].md', 'd.md', false],
  ['[a-c].md', 'b.md', true],
  ['[a-c].md', '[a-c].md', false],
  ['[^a].md', 'b.md', true],
  ['[^a].md', 'a.md', false],
  ['[[:digit:]]x.md', '7x.md', true],
  ['[[:digit:]]x.md', 'ax.md', false],
  ['{a,b}/*.md', 'b/x.md', true],
  ['{a,b}/*.md', 'c/x.md', false],
  ['{a,b/c}/*.md', 'b/c/x.md', true],
  ['{a,{b,c}}.md', 'c.md', true],
  ['*.{md,txt}', 'x.txt', true],
  ['a{,b}c.md', 'ac.md', true],
  ['@(a|b).md', 'a.md', true],
  ['@(a|b).md', 'ab.md', false],
  ['*(a|b).md', 'abba.md', true],
  ['+(a).md', '.md', false],
  ['?(a).md', '.md', true],
  ['(a|b).md', 'b.md', true],
  ['a\\*b.md', 'a*b.md', true],
  ['a\\*b.md', 'axb.md', false],
  ['./prompts/*.md', 'prompts/a.md', true],
  ['a+b$c^d.md', 'a+b$c^d.md', true],
  ['a]b.md', 'a]b.md', true],
  ['a[b.md', 'a[b.md', true],
];

describe('prompt globs (own matcher, picomatch meaning)', () => {
  for (const [glob, path, expected] of PROMPT_GLOBS) {
    it(`${glob} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(path)}`, () => {
      assert.strictEqual(matches(glob, path), expected);
    });
  }

  it('never matches a path with an empty, "." or ".." segment', () => {
    for (const path of ['a//b.md', './a.md', 'a/../b.md', 'a/.', '']) assert.strictEqual(matches('**', path), false, path);
  });

  it('refuses, with a reason, forms whose old meaning was surprising rather than guessing', () => {
    const refused: [string, RegExp][] = [
      ['!(a).md', /"!\(…\)" is not supported/],
      ['[!a].md', /write \[\^…\]/],
      ['{1..3}.md', /ranges like \{1\.\.3\}/],
      ['a**.md', /"\*\*" stands for whole folders/],
      ['{a,**/b}', /inside \{…\} or \(…\)/],
      ['[a/b].md', /"\/" inside brackets/],
      ['"a".md', /quotes/],
      ['a\\', /end with a backslash/],
      ['{a,b', /never closed/],
      ['{a}.md', /without a comma/],
      ['a}.md', /no opening partner/],
      ['a|b', /no opening partner/],
      ['a//b', /empty path segment/],
      ['[[:punct:]]', /not a supported class/],
      ['[z-a]', /runs backwards/],
    ];
    for (const [glob, reason] of refused) {
      const problem = promptGlobProblem(glob);
      assert.ok(problem && reason.test(problem), `${glob}: ${problem}`);
    }
    assert.strictEqual(promptGlobProblem('**/prompts/**/*.{md,txt}'), undefined);
  });

  it('names the configuration line of a glob it refuses, and what to write instead', () => {
    assert.throws(
      () => parseConfig('prompts:\n  - "**/*.md"\n  - "prompts/{1..3}/*.md"\n'),
      (err: unknown) =>
        err instanceof PromptReleaseError &&
        err.location?.line === 3 &&
        /glob "prompts\/\{1\.\.3\}\/\*\.md" cannot be used: ranges like \{1\.\.3\} are not supported: list the values, \{1,2,3\} \(at character 9\)/.test(err.message),
    );
  });

  it('says which glob an editor setting holds that cannot be used, instead of failing obscurely', () => {
    assert.throws(
      () => promptMatcher({ prompts: ['**/*.md', '[!a]*.md'] }),
      (err: unknown) => err instanceof PromptReleaseError && err.code === 'invalid-config' && /prompt glob "\[!a\]\*\.md" cannot be used: "\[!…\]" is not supported/.test(err.message) && /promptRelease\.prompts setting/.test(err.hint ?? ''),
    );
  });

  it('finishes pathological globs against a 10,000-character path in steps bounded by pattern × path', () => {
    const flat = 'a'.repeat(10_000);
    const deep = 'a/'.repeat(4_999) + 'ab';
    assert.strictEqual(deep.length, 10_000);
    const cases: [string, string, boolean][] = [
      // picomatch's regular expression for these backtracks for minutes (the first at 40 characters already).
      ['**/*a*a*a*a*a*a*a*a*a*a*a*a*b', flat, false],
      ['**/*a*a*a*a*a*a*a*a*a*a*a*a*b', flat + 'b', true],
      ['a/**/a/**/a/**/a/**/a/**/a/**/a/**/x', deep, false],
      ['a/**/a/**/a/**/a/**/a/**/a/**/a/**/ab', deep, true],
      ['**/**/**/**/**/**/**/**/**/**/**/**/x', deep, false],
      ['{*a,*b}{*a,*b}{*a,*b}{*a,*b}{*a,*b}{*a,*b}c', flat, false],
      ['*(a|aa|a*)*(a|aa)b', flat, false],
    ];
    for (const [glob, path, expected] of cases) {
      const before = globSteps();
      assert.strictEqual(matches(glob, path), expected, glob);
      const steps = globSteps() - before;
      assert.ok(steps <= 20 * glob.length * path.length, `${glob}: ${steps} steps`);
    }
  });

  it('stays right when a glob has more state sets than it remembers (the memory starts afresh)', () => {
    // `*a` then 14 single characters: telling paths apart needs 2^15 state sets, over the limit kept.
    const glob = '*a' + '?'.repeat(14);
    const match = promptGlobsMatcher([glob]);
    let seed = 7;
    const letter = () => (((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) % 2 ? 'a' : 'b');
    const path = Array.from({ length: 10_000 }, letter).join('');
    for (let end = 15; end <= path.length; end += 997) {
      const prefix = path.slice(0, end);
      assert.strictEqual(match(prefix), prefix[end - 15] === 'a', `${end} characters`);
    }
  });

  it('answers the prompt question for such globs through the configuration too', () => {
    const isPrompt = promptMatcher({ prompts: ['**/*a*a*a*a*a*a*a*a*a*a*a*a*b'], exclude: ['**/*x*x*x*x*x*x*x*x*x*x*y'] });
    assert.strictEqual(isPrompt('d/' + 'a'.repeat(9_998)), false);
    assert.strictEqual(isPrompt('d/' + 'a'.repeat(9_997) + 'b'), true);
  });
});
