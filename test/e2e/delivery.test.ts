import * as assert from 'assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as engine from '../../src/git/engine';
import { PromptRepository } from '../../src/git/repository';
import { createPromptLoader, PromptIntegrityError } from '../../src/runtime/loader';
import { ALICE, BOB, CAROL, DAVE, standardRepo, type TempRepo } from '../helpers/gitFixture';

const PROMPT = 'prompts/greeting.prompt.md';

/** From an author's commit to an application reading the released prompt, and drift caught on the way. */
describe('shipping released prompts', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let outRoot: string;

  beforeEach(async () => {
    repo = standardRepo();
    outRoot = mkdtempSync(path.join(tmpdir(), 'prc-export-'));
    // Reviews by two people who did not write it (one an owner), a release train to staging, then promotion.
    for (const who of [ALICE, BOB]) assert.strictEqual((await repo.cli(who, 'review', PROMPT, '--approve')).code, 0);
    assert.strictEqual((await repo.cli(DAVE, 'release', '--all', '--env', 'staging')).code, 0);
    assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', 'production')).code, 0);
  });
  afterEach(() => {
    repo.dispose();
    rmSync(outRoot, { recursive: true, force: true });
  });

  const exportTo = (dir: string, ...args: string[]) => repo.cli(DAVE, 'export', '--env', 'production', '--out', dir, ...args);
  const verifyLock = (dir: string) => repo.cli(DAVE, 'verify', '--lock', path.join(dir, 'prompt-release.lock.json'));

  it('shows the live version, exports it with a lock file, and the loader reads it', async () => {
    const shown = await repo.cli(DAVE, 'show', PROMPT, '--env', 'production');
    assert.strictEqual(shown.code, 0, shown.stderr);
    assert.strictEqual(shown.stdout, 'You are a friendly assistant.\nGreet {{name}} warmly.\n');
    const json = JSON.parse((await repo.cli(DAVE, 'show', PROMPT, '--env', 'production', '--json')).stdout);
    assert.strictEqual(json.version, 1);
    assert.strictEqual(json.tag, 'prompt-release/production/prompts/greeting.prompt.md/v1');
    assert.deepStrictEqual(json.approvals.map((a: { by: { email: string } }) => a.by.email).sort(), [ALICE.email, BOB.email]);

    repo.commit(CAROL, 'A prompt nobody released', { 'prompts/new.prompt.md': 'Not yet.\n' });
    const dir = path.join(outRoot, 'production');
    const exported = await exportTo(dir);
    assert.strictEqual(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /Never released to production, so not exported: prompts\/new\.prompt\.md/);
    const lock = JSON.parse(readFileSync(path.join(dir, 'prompt-release.lock.json'), 'utf8'));
    assert.strictEqual(lock.environment, 'production');
    assert.deepStrictEqual(lock.unreleased, ['prompts/new.prompt.md']);
    assert.deepStrictEqual(Object.keys(lock.prompts[0]).sort(), ['approvers', 'commit', 'contentHash', 'path', 'releasedAt', 'releasedBy', 'tag', 'version']);
    assert.ok(!existsSync(path.join(dir, 'prompts/new.prompt.md')));

    const loader = createPromptLoader(dir);
    assert.strictEqual(loader.load(PROMPT), 'You are a friendly assistant.\nGreet {{name}} warmly.\n');
    assert.strictEqual(loader.entry(PROMPT).version, 1);
    assert.throws(() => loader.load('prompts/new.prompt.md'), /not in .*prompt-release\.lock\.json/);
    const verified = await verifyLock(dir);
    assert.strictEqual(verified.code, 0, verified.stdout);
  });

  it('catches a tampered file and a stale lock, in verify --lock and in the loader', async () => {
    const dir = path.join(outRoot, 'deployed');
    assert.strictEqual((await exportTo(dir)).code, 0);

    writeFileSync(path.join(dir, PROMPT), 'You are a pirate.\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'left behind\n');
    const tampered = await verifyLock(dir);
    assert.strictEqual(tampered.code, 1);
    assert.match(tampered.stdout, /prompts\/greeting\.prompt\.md was changed after export/);
    assert.match(tampered.stdout, /notes\.txt is in the directory but not in the lock file/);
    assert.throws(() => createPromptLoader(dir).load(PROMPT), (err: unknown) => err instanceof PromptIntegrityError && /is not the released content: v1/.test(err.message));

    // v2 is released; the deployed copy gets the new file but keeps its old lock file.
    rmSync(path.join(dir, 'notes.txt'));
    repo.commit(CAROL, 'v2', { [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} by name.\n' });
    for (const who of [ALICE, BOB]) assert.strictEqual((await repo.cli(who, 'review', PROMPT, '--approve')).code, 0);
    for (const env of ['staging', 'production']) assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', env)).code, 0);
    const fresh = path.join(outRoot, 'fresh');
    assert.strictEqual((await exportTo(fresh)).code, 0);
    cpSync(path.join(fresh, PROMPT), path.join(dir, PROMPT));
    const stale = await verifyLock(dir);
    assert.strictEqual(stale.code, 1);
    assert.match(stale.stdout, /v1 is no longer current in production; v2 is \(prompt-release\/production\/prompts\/greeting\.prompt\.md\/v2\)/);
    assert.throws(() => createPromptLoader(dir).load(PROMPT), /is not the released content: v1/);
    assert.strictEqual((await verifyLock(fresh)).code, 0, 'the fresh export is current');
  });

  it('exports only verified releases: a hand-made tag claiming a newer version is not shipped (hostile)', async () => {
    repo.commit(CAROL, 'Unreviewed', { [PROMPT]: 'You are a pirate.\n' });
    const forged = repo.git('cat-file', '-p', 'prompt-release/production/prompts/greeting.prompt.md/v1').split('\n\n').slice(1).join('\n\n');
    repo.git('tag', '-a', '-m', forged.replace(/"version": 1/, '"version": 2'), 'prompt-release/production/prompts/greeting.prompt.md/v2', 'HEAD');
    const shown = await repo.cli(DAVE, 'show', PROMPT, '--env', 'production');
    assert.strictEqual(shown.stdout, 'You are a friendly assistant.\nGreet {{name}} warmly.\n', 'show prints the verified release');
    const dir = path.join(outRoot, 'hostile');
    assert.strictEqual((await exportTo(dir)).code, 0);
    assert.strictEqual(createPromptLoader(dir).entry(PROMPT).version, 1);
    assert.strictEqual(readFileSync(path.join(dir, PROMPT), 'utf8'), 'You are a friendly assistant.\nGreet {{name}} warmly.\n');
    assert.strictEqual((await repo.cli(DAVE, 'verify')).code, 1, 'verify still fails on the forged tag');
  });

  it('refuses to export a live version that fails verification, naming it, and never writes over files it did not export', async () => {
    const occupied = path.join(outRoot, 'occupied');
    mkdirSync(occupied);
    writeFileSync(path.join(occupied, 'mine.txt'), 'mine\n');
    const blocked = await repo.cli(DAVE, 'export', '--env', 'staging', '--out', occupied);
    assert.strictEqual(blocked.code, 2);
    assert.match(blocked.stderr, /is not empty and holds no prompt-release\.lock\.json/);
    assert.strictEqual(readFileSync(path.join(occupied, 'mine.txt'), 'utf8'), 'mine\n');
    assert.strictEqual((await repo.cli(BOB, 'review', PROMPT, '--request-changes', '-m', 'Not for production.')).code, 0);
    const dir = path.join(outRoot, 'refused');
    const refused = await exportTo(dir);
    assert.strictEqual(refused.code, 1);
    assert.match(refused.stderr, /nothing was exported: 1 version live in production fails verification: prompts\/greeting\.prompt\.md \(prompt-release\/production\/prompts\/greeting\.prompt\.md\/v1\): .*Not for production/);
    assert.ok(!existsSync(dir), 'nothing was written');

  });
});

describe('release trains', function () {
  this.timeout(120_000);
  let repo: TempRepo;

  beforeEach(async () => {
    repo = standardRepo();
    repo.commit(CAROL, 'More prompts', { 'prompts/farewell.prompt.md': 'Say goodbye.\n', 'prompts/faq.prompt.md': 'Answer from the FAQ.\n', 'prompts/draft.prompt.md': 'Unfinished.\n' });
    for (const p of [PROMPT, 'prompts/farewell.prompt.md']) assert.strictEqual((await repo.cli(ALICE, 'review', p, '--approve')).code, 0);
    assert.strictEqual((await repo.cli(BOB, 'review', 'prompts/faq.prompt.md', '--request-changes', '-m', 'Cite the FAQ entry.')).code, 0);
  });
  afterEach(() => repo.dispose());

  const tags = () => repo.git('tag', '-l', 'prompt-release/*').split('\n').filter(Boolean).sort();

  it('shows the plan first, then creates every allowed tag together, and verify accepts them', async () => {
    const dry = await repo.cli(DAVE, 'release', '--all', '--env', 'staging', '--dry-run');
    assert.strictEqual(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Would release 2 prompts to staging:\n  prompts\/farewell\.prompt\.md  v1 .*\n  prompts\/greeting\.prompt\.md  v1 /);
    assert.match(dry.stdout, /Blocked \(1\):\n  prompts\/faq\.prompt\.md: .*Cite the FAQ entry/);
    assert.match(dry.stdout, /0 already live in staging; 1 not reviewed yet\./);
    assert.deepStrictEqual(tags(), [], 'a dry run tags nothing');

    const train = await repo.cli(DAVE, 'release', '--all', '--env', 'staging');
    assert.strictEqual(train.code, 0, train.stderr);
    assert.deepStrictEqual(tags(), ['prompt-release/staging/prompts/farewell.prompt.md/v1', 'prompt-release/staging/prompts/greeting.prompt.md/v1']);
    assert.strictEqual((await repo.cli(DAVE, 'verify')).code, 0);
    const again = await repo.cli(DAVE, 'release', '--all', '--env', 'staging', '--json');
    assert.strictEqual(JSON.parse(again.stdout).current, 2, 'a second train finds both live');
  });

  it('leaves no partial set of tags when one of them cannot be created', async () => {
    // Someone else's tag already holds one of the names the train needs.
    repo.git('tag', 'prompt-release/staging/prompts/greeting.prompt.md/v1');
    const train = await repo.cli(DAVE, 'release', '--all', '--env', 'staging');
    assert.strictEqual(train.code, 1);
    assert.match(train.stderr, /no tag was created/);
    assert.deepStrictEqual(tags(), ['prompt-release/staging/prompts/greeting.prompt.md/v1'], 'the farewell tag was not created either');
  });

  it('releases nothing from a side branch that lowered the policy (hostile)', async () => {
    repo.git('checkout', '-q', '-b', 'side');
    repo.commit(CAROL, 'No approvals needed', { '.promptrelease.yaml': 'environments:\n  staging: { approvals: 0 }\n  production: { approvals: 0 }\n', 'prompts/draft.prompt.md': 'Ship it unreviewed.\n' });
    const train = await repo.cli(CAROL, 'release', '--all', '--env', 'production');
    assert.strictEqual(train.code, 1);
    assert.match(train.stderr, /HEAD is not on the trusted branch main/);
    assert.deepStrictEqual(tags(), []);
  });

  it('pushes the whole train in one atomic push', async () => {
    const remote = mkdtempSync(path.join(tmpdir(), 'prc-remote-'));
    try {
      repo.git('init', '-q', '--bare', remote);
      repo.git('remote', 'add', 'origin', remote);
      const train = await repo.cli(DAVE, 'release', '--all', '--env', 'staging', '--push');
      assert.strictEqual(train.code, 0, train.stderr);
      assert.match(train.stdout, /Pushed 2 tags to origin in one atomic push/);
      const listed = repo.git('ls-remote', '--tags', remote);
      assert.match(listed, /prompt-release\/staging\/prompts\/farewell\.prompt\.md\/v1/);
      assert.match(listed, /prompt-release\/staging\/prompts\/greeting\.prompt\.md\/v1/);
    } finally {
      rmSync(remote, { recursive: true, force: true });
    }
  });
});

describe('release notes', function () {
  this.timeout(120_000);

  it('describes what changed in an environment since a revision: versions, people and meaning', async () => {
    const repo = standardRepo();
    try {
      for (const who of [ALICE, BOB]) assert.strictEqual((await repo.cli(who, 'review', PROMPT, '--approve')).code, 0);
      assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging')).code, 0);
      repo.git('tag', 'sprint-1');
      repo.commit(CAROL, 'v2', { [PROMPT]: '---\nmodel: gpt-4.1\n---\nYou are a friendly assistant.\nGreet {{customer}} warmly.\n' });
      assert.strictEqual((await repo.cli(ALICE, 'review', PROMPT, '--approve')).code, 0);
      assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging')).code, 0);

      const notes = await repo.cli(DAVE, 'changelog', '--env', 'staging', '--since', 'sprint-1');
      assert.strictEqual(notes.code, 0, notes.stderr);
      assert.match(notes.stdout, /^# Prompt releases to staging since sprint-1\n\n## prompts\/greeting\.prompt\.md: v1 → v2\n\nReleased by Dave Releaser <dave@example\.com> on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(`prompt-release\/staging\/prompts\/greeting\.prompt\.md\/v2`\); approved by Alice Owner <alice@example\.com>\.\n\nChanges: \+4 −1 lines\.\n- model: set to gpt-4\.1\n- template variables: \+ \{\{customer\}\}, − \{\{name\}\}\n/);
      const all = await repo.cli(DAVE, 'changelog', '--env', 'staging', '--json');
      assert.deepStrictEqual(JSON.parse(all.stdout).entries.map((e: { from: number | null; to: number }) => [e.from, e.to]), [[null, 2]]);
      const bad = await repo.cli(DAVE, 'changelog', '--env', 'staging', '--since', 'no-such-tag');
      assert.strictEqual(bad.code, 2);
      assert.match(bad.stderr, /"no-such-tag" is not a commit, branch or tag/);
    } finally {
      repo.dispose();
    }
  });
});

describe('the pre-push guard', function () {
  this.timeout(120_000);

  it('refuses to push a release tag that fails verification, lets a verified one through, and is removed on request', async () => {
    const repo = standardRepo();
    const remote = mkdtempSync(path.join(tmpdir(), 'prc-remote-'));
    try {
      repo.git('init', '-q', '--bare', remote);
      repo.git('remote', 'add', 'origin', remote);
      const installed = await repo.cli(DAVE, 'install-hook');
      assert.strictEqual(installed.code, 0, installed.stderr);
      const hook = path.join(repo.dir, '.git', 'hooks', 'pre-push');
      assert.ok(existsSync(hook));

      // A hand-made tag in the release namespace: verify fails, so the push is refused.
      repo.git('tag', 'prompt-release/production/prompts/greeting.prompt.md/v1');
      assert.throws(() => repo.git('push', '-q', 'origin', 'refs/tags/prompt-release/production/prompts/greeting.prompt.md/v1'), /push was refused/);
      assert.strictEqual(repo.git('ls-remote', '--tags', remote).trim(), '', 'nothing reached the remote');
      repo.git('tag', '-d', 'prompt-release/production/prompts/greeting.prompt.md/v1');

      // A release through the gate passes the guard.
      assert.strictEqual((await repo.cli(ALICE, 'review', PROMPT, '--approve')).code, 0);
      assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging')).code, 0);
      repo.git('push', '-q', 'origin', 'main', 'refs/tags/prompt-release/staging/prompts/greeting.prompt.md/v1');
      assert.match(repo.git('ls-remote', '--tags', remote), /prompt-release\/staging\/prompts\/greeting\.prompt\.md\/v1/);

      assert.strictEqual((await repo.cli(DAVE, 'install-hook', '--remove')).code, 0);
      assert.ok(!existsSync(hook));
      writeFileSync(hook, '#!/bin/sh\necho mine\n', { mode: 0o755 });
      const refused = await repo.cli(DAVE, 'install-hook');
      assert.strictEqual(refused.code, 2);
      assert.match(refused.stderr, /already exists and is not the prompt-release guard; nothing was changed/);
      assert.strictEqual(readFileSync(hook, 'utf8'), '#!/bin/sh\necho mine\n');
    } finally {
      repo.dispose();
      rmSync(remote, { recursive: true, force: true });
    }
  });
});

describe('a release train confirmed on a plan', function () {
  this.timeout(60_000);

  it('tags nothing when a change request arrived after the plan was shown (hostile timing)', async () => {
    const repo = standardRepo();
    try {
      assert.strictEqual((await repo.cli(ALICE, 'review', PROMPT, '--approve')).code, 0);
      const opened = await PromptRepository.open(repo.dir, undefined, { persistentCache: false });
      const held = await opened.model();
      const shown = await engine.releaseTrain(opened, 'staging', true, { known: held });
      assert.deepStrictEqual(shown.go.map((p) => p.evidence.prompt), [PROMPT]);
      // Between the plan and the confirmation, Bob objects on the trusted branch.
      assert.strictEqual((await repo.cli(BOB, 'review', PROMPT, '--request-changes', '-m', 'Wait.')).code, 0);
      await assert.rejects(
        engine.releaseTrain(opened, 'staging', false, { known: held, expected: shown.go.map((p) => p.tag) }),
        /changed while you confirmed \(now: nothing\); nothing was tagged/,
      );
      assert.strictEqual(repo.git('tag', '-l', 'prompt-release/*').trim(), '');
    } finally {
      repo.dispose();
    }
  });
});
