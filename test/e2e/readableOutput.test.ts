import * as assert from 'assert';
import * as path from 'path';
import { ALICE, BOB, CAROL, DAVE, standardRepo, TempRepo } from '../helpers/gitFixture';

/**
 * Output a person can read (issue 18), as a user meets it through the real CLI: many problems of
 * one kind are one line with a count, the first few and how to see all; long lists are said
 * briefly; a status line never reads as met while a rule is unmet; one and many are worded
 * right; --state takes the words status prints.
 */

const PROMPT = 'prompts/greeting.prompt.md';
const longest = (text: string) => Math.max(0, ...text.split('\n').map((l) => l.length));

describe('output a person can read', function () {
  this.timeout(120_000);

  describe('2,000 malformed review records', () => {
    let repo: TempRepo;
    before(() => {
      repo = standardRepo();
      const records: Record<string, string> = {};
      for (let i = 0; i < 2000; i++) records[`.promptrelease/records/zz/broken-${String(i).padStart(4, '0')}.json`] = `{ "not": "a record", "n": ${i}\n`;
      repo.commit(CAROL, 'A flood of broken records', records);
    });
    after(() => repo.dispose());

    it('are one line with a count, the first three and how to see every one, in status and verify', async () => {
      for (const command of ['status', 'verify']) {
        const result = await repo.cli(DAVE, command);
        assert.strictEqual(result.code, 0, result.stderr);
        const lines = result.stderr.trim().split('\n');
        assert.ok(lines.length < 10, `${command} printed ${lines.length} lines on stderr:\n${lines.slice(0, 5).join('\n')}`);
        const grouped = lines.filter((l) => /review records? (is|are) unusable/.test(l));
        assert.deepStrictEqual(grouped.length, 1, result.stderr);
        assert.match(grouped[0], /^(error|warning): 2000 review records are unusable \(\.promptrelease\/records\/zz\/broken-0000\.json, \.promptrelease\/records\/zz\/broken-0001\.json, \.promptrelease\/records\/zz\/broken-0002\.json and 1997 more\)$/);
        assert.match(result.stderr, new RegExp(`^hint: .*prompt-release ${command} --verbose lists every one \\(--json has them all\\)\\.$`, 'm'));
      }
    });

    it('are read to the end every time: git output is never cut short when the process exits first', async () => {
      // Before git's output was read to its close, some of these runs crashed or read a cut log.
      const runs = [];
      for (let round = 0; round < 3; round++) runs.push(...(await Promise.all([1, 2, 3, 4].flatMap(() => [repo.cli(DAVE, 'verify', '--json'), repo.cli(DAVE, 'status', '--json')]))));
      for (const run of runs) {
        assert.strictEqual(run.code, 0, run.stderr);
        const json = JSON.parse(run.stdout);
        const problems: string[] = json.warnings ?? json.problems.map((p: any) => p.message);
        assert.strictEqual(problems.filter((m) => /review record is unusable/.test(m)).length, 2000);
      }
    });

    it('are each listed with --verbose, and all in --json', async () => {
      const verbose = await repo.cli(DAVE, 'verify', '--verbose');
      assert.strictEqual(verbose.stderr.split('\n').filter((l) => /review record is unusable/.test(l)).length, 2000, verbose.stderr.slice(0, 400));
      assert.match(verbose.stderr, /^warning: \.promptrelease\/records\/zz\/broken-1999\.json: review record is unusable: /m);
      const json = JSON.parse((await repo.cli(DAVE, 'status', '--json')).stdout);
      assert.strictEqual(json.problems.filter((p: any) => /review record is unusable/.test(p.message)).length, 2000);
      const verifyJson = JSON.parse((await repo.cli(DAVE, 'verify', '--json')).stdout);
      assert.strictEqual(verifyJson.warnings.filter((w: string) => /review record is unusable/.test(w)).length, 2000);
    });
  });

  describe('long lists', () => {
    let repo: TempRepo;
    before(async () => {
      repo = standardRepo();
      const notes: Record<string, string> = {};
      for (let i = 0; i < 30; i++) notes[`prompts/notes/n${String(i).padStart(2, '0')}.prompt.md`] = `Note ${i}.\n`;
      notes['prompts/index.prompt.md'] = Object.keys(notes).map((p) => `- [${p}](${path.posix.relative('prompts', p)})`).join('\n') + '\n';
      repo.commit(CAROL, 'Thirty notes and an index of them', notes);
      await repo.cli(ALICE, 'review', PROMPT, '--approve');
      await repo.cli(BOB, 'review', PROMPT, '--approve');
      assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging')).code, 0);
      assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', 'production')).code, 0);
    });
    after(() => repo.dispose());

    it('export names the first few prompts it did not export and counts the rest', async () => {
      const result = await repo.cli(DAVE, 'export', '--env', 'production', '--out', path.join(repo.dir, '..', 'out-prod'));
      assert.strictEqual(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Never released to production, so not exported: prompts\/index\.prompt\.md, prompts\/notes\/n00\.prompt\.md, prompts\/notes\/n01\.prompt\.md and 28 more$/m);
      assert.ok(longest(result.stdout) < 200, `longest line: ${longest(result.stdout)} characters`);
    });

    it('status says what a prompt includes and what uses it briefly, and every one with --verbose', async () => {
      const index = await repo.cli(DAVE, 'status', 'prompts/index.prompt.md');
      assert.match(index.stdout, /^ {2}includes {4}30 files: prompts\/notes\/n00\.prompt\.md, prompts\/notes\/n01\.prompt\.md, prompts\/notes\/n02\.prompt\.md and 27 more$/m);
      assert.ok(longest(index.stdout) < 200, `longest line: ${longest(index.stdout)} characters`);
      const verbose = await repo.cli(DAVE, 'status', 'prompts/index.prompt.md', '--verbose');
      assert.match(verbose.stdout, /^ {2}includes {4}30 files: .*prompts\/notes\/n29\.prompt\.md$/m);
    });
  });

  describe('a status line with a rule unmet', () => {
    let repo: TempRepo;
    before(async () => {
      repo = new TempRepo();
      repo.commit(CAROL, 'A prompt owned by Alice alone', {
        '.promptrelease.yaml': 'environments:\n  staging: { approvals: 1 }\n  production: { approvals: 2, ownerApproval: true }\npeople:\n  "@alice": [alice@example.com]\n',
        '.github/CODEOWNERS': '* @alice\n',
        [PROMPT]: 'You are a friendly assistant.\n',
      });
      // Two approvals, neither by the owner.
      await repo.cli(BOB, 'review', PROMPT, '--approve');
      await repo.cli(DAVE, 'review', PROMPT, '--approve');
      assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging')).code, 0);
    });
    after(() => repo.dispose());

    it('names the unmet rule next to approvals that look complete, where the gate refuses', async () => {
      const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'production');
      assert.strictEqual(gate.code, 1, 'the gate refuses: no code owner approved');
      assert.match(gate.stdout, /needs 1 more approval from a code owner \(@alice\)/);
      const status = await repo.cli(DAVE, 'status', PROMPT);
      assert.match(status.stdout, /^ {2}production {2}not released · approvals 2\/2, none from a code owner yet$/m);
      assert.match(status.stdout, /^ {2}staging {5}v1 since .* · approvals 2\/1$/m, 'a gate shut only because the content is already live there reads as it is');
    });

    it('says the same in the one-line-per-prompt table', async () => {
      const more: Record<string, string> = {};
      for (let i = 0; i < 6; i++) more[`other/o${i}.prompt.md`] = `Other ${i}.\n`;
      repo.commit(CAROL, 'More prompts, so status shows a table', more);
      const status = await repo.cli(DAVE, 'status');
      assert.match(status.stdout, /^prompts\/greeting\.prompt\.md .*production - 2\/2, none from a code owner yet/m);
    });
  });

  describe('one and many', () => {
    let repo: TempRepo;
    before(async () => {
      repo = standardRepo();
      await repo.cli(ALICE, 'review', PROMPT, '--approve');
      assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging')).code, 0);
    });
    after(() => repo.dispose());

    it('verify says "1 release tag" and "1 live version", not "All 1 … tags"', async () => {
      const verify = await repo.cli(DAVE, 'verify');
      assert.strictEqual(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /^1 release tag verified\.$/m);
      assert.match(verify.stdout, /^1 live version meets today's policy\.$/m);
      assert.doesNotMatch(verify.stdout, /All 1 /);
    });

    it('release tags that are not trusted are counted past the first ten, and all listed with --verbose', async () => {
      const head = repo.git('rev-parse', 'HEAD').trim();
      for (let i = 2; i <= 13; i++) repo.git('tag', `prompt-release/staging/prompts/greeting.prompt.md/v${i}`, head);
      const verify = await repo.cli(DAVE, 'verify');
      assert.strictEqual(verify.code, 1);
      assert.strictEqual(verify.stdout.split('\n').filter((l) => /^✗ prompt-release\//.test(l)).length, 10);
      assert.match(verify.stdout, /^✗ and 2 more release tags: prompt-release verify --verbose lists every one \(--json has them all\)\.$/m);
      assert.match(verify.stdout, /^12 of 13 release tags failed verification\.$/m);
      const verbose = await repo.cli(DAVE, 'verify', '--verbose');
      assert.strictEqual(verbose.stdout.split('\n').filter((l) => /^✗ prompt-release\//.test(l)).length, 12);
      const status = await repo.cli(DAVE, 'status');
      assert.strictEqual(status.stderr.split('\n').filter((l) => /release tags? .*not trusted/.test(l)).length, 1, status.stderr);
      assert.match(status.stderr, /^error: 12 release tags are not trusted \(prompt-release verify says why\) \(prompt-release\/staging\/prompts\/greeting\.prompt\.md\/v10, .* and 9 more\)$/m);
    });
  });

  it('says each prompt with unresolved includes once, with how many', async () => {
    const repo = new TempRepo();
    try {
      repo.commit(CAROL, 'Partials that are not there', {
        'examples/partials.prompt': '{{> header}}\nHello.\n{{> footer}}\n{{> signature}}\n',
        'examples/other.prompt': '{{> nothere}}\n',
      });
      const status = await repo.cli(DAVE, 'status');
      const line = status.stderr.split('\n').find((l) => /includes that cannot be resolved/.test(l));
      assert.ok(line, status.stderr);
      assert.strictEqual(line, 'error: 4 includes that cannot be resolved (examples/other.prompt, examples/partials.prompt ×3)');
    } finally {
      repo.dispose();
    }
  });

  describe('--state in the words status prints', () => {
    let repo: TempRepo;
    before(async () => {
      repo = standardRepo();
      repo.commit(CAROL, 'A second prompt', { 'prompts/other.prompt.md': 'Another.\n' });
      assert.strictEqual((await repo.cli(CAROL, 'request-review', PROMPT, '--reviewer', '@alice')).code, 0);
      await repo.cli(ALICE, 'review', 'prompts/other.prompt.md', '--approve');
    });
    after(() => repo.dispose());

    const paths = async (state: string) => {
      const result = await repo.cli(DAVE, 'status', '--state', state, '--json');
      assert.strictEqual(result.code, 0, `--state "${state}": ${result.stderr}`);
      return JSON.parse(result.stdout).prompts.map((p: any) => p.path);
    };

    it('accepts "in review", "approved for staging" and the ids, in any case', async () => {
      const status = await repo.cli(DAVE, 'status', PROMPT);
      assert.match(status.stdout, /\[in review\]/);
      assert.deepStrictEqual(await paths('in review'), [PROMPT]);
      assert.deepStrictEqual(await paths('In Review'), [PROMPT]);
      assert.deepStrictEqual(await paths('in-review'), [PROMPT]);
      assert.deepStrictEqual(await paths('approved for staging'), ['prompts/other.prompt.md']);
      assert.deepStrictEqual(await paths('approved'), ['prompts/other.prompt.md']);
      assert.deepStrictEqual(await paths('approved for production'), []);
      assert.deepStrictEqual(await paths('released to staging'), []);
    });

    it('refuses an unknown one, listing the words it accepts', async () => {
      const result = await repo.cli(DAVE, 'status', '--state', 'reviewing');
      assert.strictEqual(result.code, 2);
      assert.match(result.stderr, /unknown state "reviewing"/);
      assert.match(result.stderr, /"in review", "changes requested", "approved", "approved for staging", "approved for production", "released", "released to staging", "released to production", "modified since release"/);
    });
  });
});
