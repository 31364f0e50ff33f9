import * as assert from 'assert';
import { prepareRelease } from '../../src/usecases/engine';
import { PromptRepository } from '../../src/git/repository';
import type { CommentRecord } from '../../src/core/reviews/records';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync, chmodSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { ALICE, BOB, CAROL, DAVE, identityEnv, runCli, standardRepo, TempRepo } from '../helpers/gitFixture';

const PROMPT = 'prompts/greeting.prompt.md';

describe('prompt-release: the user\'s work is never touched', function () {
  let repo: TempRepo;
  beforeEach(() => (repo = standardRepo()));
  afterEach(() => repo.dispose());

  it('records a sign-off as its own commit, authored by the reviewer, leaving staged and unstaged work alone', async () => {
    repo.write('notes/staged.md', 'staged work\n');
    repo.git('add', 'notes/staged.md');
    repo.write('notes/unstaged.md', 'unstaged work\n');
    repo.write('.github/CODEOWNERS', '# owners\nprompts/** @alice @prompt-team\n# edited, not staged\n');
    const before = repo.git('status', '--porcelain');

    const result = await repo.cli(ALICE, 'review', PROMPT, '--approve', '-m', 'reads well');
    assert.strictEqual(result.code, 0, result.stderr);

    const changed = repo.git('show', '--name-only', '--format=%an <%ae>|%cn', 'HEAD').trim().split('\n').filter(Boolean);
    assert.strictEqual(changed[0], `${ALICE.name} <${ALICE.email}>|${ALICE.name}`);
    assert.strictEqual(changed.length, 2, 'the commit contains only the record: ' + changed.join(', '));
    assert.match(changed[1], /^\.promptrelease\/records\/.+\.json$/);
    assert.strictEqual(repo.git('status', '--porcelain'), before, 'status is exactly what it was');
    assert.strictEqual(readFileSync(path.join(repo.dir, 'notes/unstaged.md'), 'utf8'), 'unstaged work\n');
    assert.strictEqual(repo.git('diff', '--cached', '--name-only').trim(), 'notes/staged.md');
    const record = JSON.parse(readFileSync(path.join(repo.dir, changed[1]), 'utf8'));
    assert.strictEqual(record.comment, 'reads well');
    assert.strictEqual(record.verdict, 'approve');
  });

  it('writes a record commit with no ref left behind, at the time git is told, and on top of a commit made meanwhile (which is kept)', async () => {
    const at = '2026-11-02T10:00:00Z';
    const dated = await runCli(repo.dir, ['review', PROMPT, '--approve'], { ...identityEnv(ALICE), GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at });
    assert.strictEqual(dated.code, 0, dated.stderr);
    assert.strictEqual(repo.git('log', '-1', '--format=%aI %cI').trim(), '2026-11-02T10:00:00+00:00 2026-11-02T10:00:00+00:00');
    assert.strictEqual(repo.git('for-each-ref', 'refs/prompt-release/').trim(), '', 'the private ref of the write is gone');

    // A decision made against one tip; someone commits before the record is written.
    const reader = await PromptRepository.open(repo.dir, undefined, { persistentCache: false });
    const model = await reader.model();
    const decidedOn = model.head;
    const theirs = repo.commit(CAROL, 'Meanwhile', { 'notes/meanwhile.md': 'written meanwhile\n' });
    const prompt = model.byPath.get(PROMPT)!;
    const record: CommentRecord = { format: 1, type: 'comment', prompt: PROMPT, contentHash: prompt.contentHash!, blob: prompt.blob!, thread: 'late', startLine: 1, endLine: 1, body: 'late', by: { name: BOB.name, email: BOB.email }, time: new Date().toISOString() };
    const written = await reader.writes.commitRecord(record, { name: BOB.name, email: BOB.email }, 'prompt-release: comment\n', decidedOn);
    assert.strictEqual(repo.git('rev-parse', `${written.commit}^`).trim(), theirs, 'rebuilt on the commit made meanwhile, which stays');
    assert.strictEqual(repo.git('rev-parse', 'HEAD').trim(), written.commit);
    assert.strictEqual(repo.git('status', '--porcelain').trim(), '', 'the record is in the working tree and the index');
    assert.strictEqual(repo.git('for-each-ref', 'refs/prompt-release/').trim(), '');
  });

  it('refuses to sign off when the working copy differs from the commit, and on self-approval', async () => {
    repo.write(PROMPT, 'edited but not committed\n');
    const dirty = await repo.cli(ALICE, 'review', PROMPT, '--approve');
    assert.strictEqual(dirty.code, 1);
    assert.match(dirty.stderr, /working copy differs from the committed content/);

    repo.git('checkout', '--', PROMPT);
    const self = await repo.cli(CAROL, 'review', PROMPT, '--approve');
    assert.strictEqual(self.code, 1);
    assert.match(self.stderr, /self-approval/);
    assert.strictEqual(repo.git('rev-list', '--count', 'HEAD').trim(), '1', 'nothing was recorded');
  });

  it('keeps a change request blocking until the same reviewer approves', async () => {
    await repo.cli(ALICE, 'review', PROMPT, '--approve');
    const cr = await repo.cli(BOB, 'review', PROMPT, '--request-changes', '-m', 'too informal');
    assert.strictEqual(cr.code, 0, cr.stderr);
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(gate.code, 1);
    assert.match(gate.stdout, /changes requested by Bob Reviewer <bob@example.com> .*"too informal"/);
    await repo.cli(BOB, 'review', PROMPT, '--approve');
    assert.strictEqual((await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging')).code, 0);
  });

  it('lets exactly one of two simultaneous releases of the same version succeed', async () => {
    await repo.cli(ALICE, 'review', PROMPT, '--approve');
    // Both releases pass the gate before either tags: the race is decided by git's atomic ref creation alone.
    process.env.GIT_AUTHOR_NAME = DAVE.name;
    process.env.GIT_AUTHOR_EMAIL = DAVE.email;
    try {
      const repository = await PromptRepository.open(repo.dir);
      const plans = [await prepareRelease(repository, PROMPT, 'staging'), await prepareRelease(repository, PROMPT, 'staging')];
      assert.ok(plans.every((p) => p.plan.allowed));
      const [a, b] = plans.map((p) => p.plan as Extract<typeof p.plan, { allowed: true }>);
      assert.strictEqual(a.tag, b.tag);
      const outcomes = await Promise.allSettled([a, b].map((p) => repository.writes.createTag(p.tag, p.evidence.commit, p.message, p.evidence.releasedBy)));
      assert.deepStrictEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      const loser = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
      assert.match(loser.reason.message, /release tag .* already exists: another release of this version happened at the same time/);
      assert.strictEqual(loser.reason.code, 'release-conflict');
    } finally {
      delete process.env.GIT_AUTHOR_NAME;
      delete process.env.GIT_AUTHOR_EMAIL;
    }
    assert.strictEqual(repo.git('tag', '-l', 'prompt-release/*').trim().split('\n').length, 1);

    // A release that starts after the winner is refused by the gate, on stdout, with the reason.
    const late = await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging');
    assert.strictEqual(late.code, 1);
    assert.match(late.stdout, /v1 is already the current version in staging/);
    assert.doesNotMatch(late.stderr, /at .*\.js:\d+/, 'no stack trace');
  });

  it('treats user text as paths and names, never as git options', async () => {
    const result = await repo.cli(ALICE, 'review', '--upload-pack=touch /tmp/pwned', '--approve');
    assert.strictEqual(result.code, 2);
    const weird = await repo.cli(ALICE, 'review', '--', '-rf', '--approve');
    assert.notStrictEqual(weird.code, 0);
    assert.ok(!existsSync('/tmp/pwned'));
  });
});

describe('prompt-release: clear errors, never a stack trace', function () {
  const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/);

  it('explains a folder that is not a git repository', async () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-nogit-')));
    try {
      const result = await runCli(dir, ['status']);
      assert.strictEqual(result.code, 3);
      assert.match(result.stderr, /not inside a git repository/);
      noStack(result.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains a repository without commits', async () => {
    const repo = new TempRepo();
    try {
      const result = await repo.cli(undefined, 'status');
      assert.strictEqual(result.code, 3);
      assert.match(result.stderr, /no commits yet/);
      noStack(result.stderr);
    } finally {
      repo.dispose();
    }
  });

  it('reads on a detached HEAD but refuses to record there', async () => {
    const repo = standardRepo();
    try {
      repo.git('checkout', '-q', '--detach');
      const status = await repo.cli(undefined, 'status');
      assert.strictEqual(status.code, 0, status.stderr);
      assert.match(status.stdout, /HEAD is detached/);
      const review = await repo.cli(ALICE, 'review', PROMPT, '--approve');
      assert.strictEqual(review.code, 1);
      assert.match(review.stderr, /HEAD is detached/);
      assert.match(review.stderr, /git switch/);
    } finally {
      repo.dispose();
    }
  });

  it('names file, line and column of malformed config and CODEOWNERS', async () => {
    const repo = standardRepo();
    try {
      // A broken version on the trusted branch never takes effect: the previous policy stays in force and the error is named.
      repo.commit(CAROL, 'bad config', { '.promptrelease.yaml': 'environments:\n  production:\n    aprovals: 2\n' });
      const badKey = await repo.cli(undefined, 'status', '--json');
      assert.strictEqual(badKey.code, 0);
      const problems = JSON.parse(badKey.stdout).problems.map((p: any) => `${p.location.file}:${p.location.line}:${p.location.col}: ${p.message}`);
      assert.ok(problems.some((p: string) => /^\.promptrelease\.yaml:3:5: unknown policy key "aprovals".*the version in force since commit [0-9a-f]{10} stays until it is fixed/.test(p)), problems.join('\n'));
      const stillStaging = await repo.cli(undefined, 'gate', 'prompts/greeting.prompt.md', '--env', 'staging');
      assert.match(stillStaging.stdout, /needs 1 more approval \(has 0 of 1\)/, 'the previous policy (staging: 1 approval) still applies');
      const plain = await repo.cli(undefined, 'status');
      assert.match(plain.stderr, /error: \.promptrelease\.yaml:3:5: unknown policy key "aprovals"/);

      repo.commit(CAROL, 'bad yaml', { '.promptrelease.yaml': 'environments: [staging\n' });
      const badYaml = await repo.cli(undefined, 'status');
      assert.match(badYaml.stderr, /error: \.promptrelease\.yaml:\d+:\d+: \.promptrelease\.yaml is not valid YAML/);
      noStack(badYaml.stderr);

      repo.commit(CAROL, 'bad owners', { '.promptrelease.yaml': '', '.github/CODEOWNERS': '# ok\n\nprompts/** alice\n' });
      const badOwners = await repo.cli(undefined, 'status');
      assert.match(badOwners.stderr, /error: \.github\/CODEOWNERS:3:12: "alice" is not an owner/);
    } finally {
      repo.dispose();
    }
  });

  it('rejects unknown environments, paths outside the repository, non-prompts and binary prompts', async () => {
    const repo = standardRepo();
    try {
      const env = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'prod');
      assert.strictEqual(env.code, 2);
      assert.match(env.stderr, /unknown environment "prod"/);
      assert.match(env.stderr, /staging, production/);

      const outside = await repo.cli(DAVE, 'gate', '../elsewhere.prompt.md');
      assert.strictEqual(outside.code, 2);
      assert.match(outside.stderr, /outside the repository/);

      repo.commit(CAROL, 'readme', { 'README.md': '# hi\n' });
      const notPrompt = await repo.cli(ALICE, 'review', 'README.md', '--approve');
      assert.strictEqual(notPrompt.code, 2);
      assert.match(notPrompt.stderr, /README.md is not a prompt/);

      repo.commit(CAROL, 'binary', { 'prompts/logo.prompt': Buffer.from([0x89, 0x50, 0x00, 0x01, 0x02]) });
      const binary = await repo.cli(ALICE, 'review', 'prompts/logo.prompt', '--approve');
      assert.strictEqual(binary.code, 1);
      assert.match(binary.stderr, /binary file/);

      const gone = await repo.cli(ALICE, 'review', 'prompts/missing/dir/x.prompt.md', '--approve');
      assert.strictEqual(gone.code, 2);
      assert.match(gone.stderr, /prompts\/missing\/dir\/x.prompt.md does not exist in the repository/);

      const usage = await repo.cli(ALICE, 'review', PROMPT);
      assert.strictEqual(usage.code, 2);
      assert.match(usage.stderr, /exactly one of --approve or --request-changes/);
    } finally {
      repo.dispose();
    }
  });

  it('rejects a review request for an unknown reviewer and reports an oversized prompt', async () => {
    const repo = standardRepo();
    try {
      const unknown = await repo.cli(CAROL, 'request-review', PROMPT, '--reviewer', '@nobody');
      assert.strictEqual(unknown.code, 2);
      assert.match(unknown.stderr, /unknown reviewer "@nobody"/);
      assert.match(unknown.stderr, /Owners of prompts\/greeting.prompt.md: @alice, @prompt-team/);
      assert.strictEqual((await repo.cli(CAROL, 'request-review', PROMPT, '--reviewer', '@prompt-team')).code, 0);

      repo.commit(CAROL, 'small limit', { '.promptrelease.yaml': 'maxPromptBytes: 20\n' });
      const big = await repo.cli(ALICE, 'review', PROMPT, '--approve');
      assert.strictEqual(big.code, 1);
      assert.match(big.stderr, /more than maxPromptBytes \(20\)/);
    } finally {
      repo.dispose();
    }
  });

  it('reports an unknown identity with how to set it', async () => {
    const repo = standardRepo();
    try {
      repo.git('config', '--unset', 'user.email');
      repo.git('config', '--unset', 'user.name');
      const result = await runCli(repo.dir, ['review', PROMPT, '--approve'], { HOME: repo.dir, EMAIL: '' });
      assert.strictEqual(result.code, 3);
      assert.match(result.stderr, /git does not know who you are/);
      assert.match(result.stderr, /git config user.email/);
    } finally {
      repo.dispose();
    }
  });
});
