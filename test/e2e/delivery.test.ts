import * as assert from 'assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as engine from '../../src/usecases/engine';
import { PromptRepository } from '../../src/git/repository';
import { createPromptLoader, PromptIntegrityError } from '../../src/runtime/loader';
import { contentHash, shortHash } from '../../src/core/prompts/hash';
import { ALICE, BOB, CAROL, DAVE, standardRepo, TempRepo, type Person } from '../helpers/gitFixture';

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

describe('shipping prompts with what they include', function () {
  this.timeout(120_000);
  const ERIN: Person = { name: 'Erin Editor', email: 'erin@example.com' };
  const TONE = 'prompts/_tone.prompt';
  const SUPPORT = 'prompts/support.prompt';
  const SALES = 'prompts/sales.prompt';
  const TONE_V1 = 'Be warm and brief.\n';
  const TONE_V2 = 'Be warm, brief and never promise refunds.\n';
  const short = (text: string) => shortHash(contentHash(Buffer.from(text)));
  let repo: TempRepo;
  let outRoot: string;

  beforeEach(async () => {
    repo = new TempRepo();
    repo.commit(CAROL, 'Prompts sharing a partial', {
      '.promptrelease.yaml': 'environments:\n  staging: { approvals: 1 }\n',
      [TONE]: TONE_V1,
      [SUPPORT]: '---\nmodel: googleai/gemini-2.0-flash\n---\n{{> tone}}\nHelp the customer with {{question}}.\n',
      [SALES]: '---\nmodel: googleai/gemini-2.0-flash\n---\n{{> tone}}\nSuggest a plan for {{company}}.\n',
    });
    outRoot = mkdtempSync(path.join(tmpdir(), 'prc-export-includes-'));
    for (const p of [SUPPORT, SALES]) await ok(ALICE, 'review', p, '--approve');
    for (const p of [SUPPORT, SALES]) await ok(DAVE, 'release', p, '--env', 'staging');
  });
  afterEach(() => {
    repo.dispose();
    rmSync(outRoot, { recursive: true, force: true });
  });

  async function ok(who: Person, ...args: string[]) {
    const result = await repo.cli(who, ...args);
    assert.strictEqual(result.code, 0, `${args.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`);
    return result;
  }
  const exportTo = (dir: string) => repo.cli(DAVE, 'export', '--env', 'staging', '--out', dir);
  const verifyLock = (dir: string) => repo.cli(DAVE, 'verify', '--lock', path.join(dir, 'prompt-release.lock.json'));
  const lockOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'prompt-release.lock.json'), 'utf8'));

  it('exports the partial its dependents were released with, refuses when they disagree, and ships the re-released set', async () => {
    const dir = path.join(outRoot, 'staging');
    const first = await exportTo(dir);
    assert.strictEqual(first.code, 0, first.stderr);
    assert.match(first.stdout, /Exported 2 prompts live in staging and the file they include to /);
    assert.match(first.stdout, new RegExp(`  prompts/_tone\\.prompt  ${short(TONE_V1)}  \\(included by prompts/sales\\.prompt, prompts/support\\.prompt\\)`));
    assert.match(first.stdout, /\nNever released to staging itself, so exported only as what the prompts above include: prompts\/_tone\.prompt\n$/);
    assert.doesNotMatch(first.stdout, /so not exported/);
    assert.strictEqual(readFileSync(path.join(dir, TONE), 'utf8'), TONE_V1, 'the partial is exported though it was never released itself');
    const tone1 = repo.git('rev-parse', `HEAD:${TONE}`).trim();
    assert.deepStrictEqual(lockOf(dir).includes, [{ path: TONE, contentHash: contentHash(Buffer.from(TONE_V1)), blob: tone1, includedBy: [SALES, SUPPORT] }]);
    assert.deepStrictEqual(lockOf(dir).unreleased, [TONE]);
    const verified = await verifyLock(dir);
    assert.strictEqual(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /All 2 exported prompts are the approved, current staging versions; the file they include is what they were released with\./);
    assert.strictEqual(createPromptLoader(dir).load(TONE), TONE_V1);

    // Erin firms up the tone, and it is released to staging on its own with the new text.
    repo.commit(ERIN, 'Tone: firmer', { [TONE]: TONE_V2 });
    await ok(ALICE, 'review', TONE, '--approve');
    await ok(DAVE, 'release', TONE, '--env', 'staging');
    const refused = await exportTo(path.join(outRoot, 'refused'));
    assert.strictEqual(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /nothing was exported: prompts\/_tone\.prompt is pinned at 2 different contents in staging: /);
    assert.ok(refused.stderr.includes(`${short(TONE_V1)} included by ${SALES} (prompt-release/staging/prompts/sales.prompt/v1), ${SUPPORT} (prompt-release/staging/prompts/support.prompt/v1)`), refused.stderr);
    assert.ok(refused.stderr.includes(`${short(TONE_V2)} released itself as v1 (prompt-release/staging/prompts/_tone.prompt/v1)`), refused.stderr);
    assert.match(refused.stderr, /Review and release prompts\/sales\.prompt, prompts\/support\.prompt to staging again with the prompts\/_tone\.prompt they should share, so that they agree/);
    assert.ok(!existsSync(path.join(outRoot, 'refused')), 'nothing was written');
    const stale = await verifyLock(dir);
    assert.strictEqual(stale.code, 1);
    assert.ok(stale.stdout.includes(`✗ ${TONE}: it is live in staging itself as v1 ${short(TONE_V2)} (prompt-release/staging/prompts/_tone.prompt/v1), not the included ${short(TONE_V1)}`), stale.stdout);

    // Support goes out again with the new tone; sales still pins the old one.
    await ok(ALICE, 'review', SUPPORT, '--approve');
    await ok(DAVE, 'release', SUPPORT, '--env', 'staging');
    const split = await exportTo(dir);
    assert.strictEqual(split.code, 1);
    assert.ok(split.stderr.includes(`${short(TONE_V1)} included by ${SALES} (prompt-release/staging/prompts/sales.prompt/v1)`), split.stderr);
    assert.ok(split.stderr.includes(`${short(TONE_V2)} included by ${SUPPORT} (prompt-release/staging/prompts/support.prompt/v1-2) and released itself as v1`), split.stderr);
    assert.strictEqual(readFileSync(path.join(dir, TONE), 'utf8'), TONE_V1, 'the earlier export is left as it was');

    // Sales too: now every dependent and the partial's own release agree.
    await ok(ALICE, 'review', SALES, '--approve');
    await ok(DAVE, 'release', SALES, '--env', 'staging');
    const agreed = await exportTo(dir);
    assert.strictEqual(agreed.code, 0, agreed.stderr);
    assert.strictEqual(readFileSync(path.join(dir, TONE), 'utf8'), TONE_V2);
    const lock = lockOf(dir);
    assert.deepStrictEqual(lock.prompts.map((e: { path: string; tag: string }) => [e.path, e.tag]), [
      [TONE, 'prompt-release/staging/prompts/_tone.prompt/v1'],
      [SALES, 'prompt-release/staging/prompts/sales.prompt/v1-2'],
      [SUPPORT, 'prompt-release/staging/prompts/support.prompt/v1-2'],
    ]);
    assert.deepStrictEqual(lock.includes, [{ path: TONE, contentHash: contentHash(Buffer.from(TONE_V2)), blob: repo.git('rev-parse', `HEAD:${TONE}`).trim(), includedBy: [SALES, SUPPORT] }]);
    assert.strictEqual((await verifyLock(dir)).code, 0);
    const loader = createPromptLoader(dir);
    assert.deepStrictEqual(loader.includes.map((i) => i.path), [TONE]);
    assert.match(loader.load(SUPPORT), /\{\{> tone\}\}/);
    assert.strictEqual(loader.load(TONE), TONE_V2);
  });

  it('catches a tampered or missing partial, in verify --lock and in the loader', async () => {
    const dir = path.join(outRoot, 'deployed');
    assert.strictEqual((await exportTo(dir)).code, 0);
    writeFileSync(path.join(dir, TONE), 'Be rude.\n');
    const tampered = await verifyLock(dir);
    assert.strictEqual(tampered.code, 1);
    assert.ok(tampered.stdout.includes(`✗ ${TONE} was changed after export: its content is ${short('Be rude.\n')}, the lock says ${short(TONE_V1)} (included by ${SALES}, ${SUPPORT})`), tampered.stdout);
    const loader = createPromptLoader(dir);
    const namesTone = (err: unknown) => err instanceof PromptIntegrityError && err.message.startsWith(`${TONE} in ${dir} is not the released content`);
    assert.throws(() => loader.load(TONE), namesTone);
    assert.throws(() => loader.load(SUPPORT), namesTone, 'loading a prompt checks what it includes');

    rmSync(path.join(dir, TONE));
    const missing = await verifyLock(dir);
    assert.strictEqual(missing.code, 1);
    assert.match(missing.stdout, /✗ prompts\/_tone\.prompt is in the lock file but missing from the directory/);
    assert.throws(() => loader.load(SALES), (err: unknown) => err instanceof PromptIntegrityError && /cannot read .*_tone\.prompt/.test(err.message));

    // The lock itself edited to bless the tampered partial: it no longer matches what the tags pin.
    writeFileSync(path.join(dir, TONE), 'Be rude.\n');
    const lock = lockOf(dir);
    lock.includes[0].contentHash = contentHash(Buffer.from('Be rude.\n'));
    writeFileSync(path.join(dir, 'prompt-release.lock.json'), JSON.stringify(lock, null, 2));
    const forged = await verifyLock(dir);
    assert.strictEqual(forged.code, 1);
    assert.ok(forged.stdout.includes(`✗ ${TONE}: the lock says ${SUPPORT} includes it as ${short('Be rude.\n')}, but its tag prompt-release/staging/prompts/support.prompt/v1 pins ${short(TONE_V1)}`), forged.stdout);
  });

  it('never writes a partial over a file an earlier export did not write', async () => {
    const dir = path.join(outRoot, 'shared');
    assert.strictEqual((await repo.cli(DAVE, 'export', '--env', 'staging', '--out', dir, SUPPORT)).code, 0);
    // Hand-edit the lock as a pre-includes export would have written it, with someone's own copy of the partial beside it.
    const lock = lockOf(dir);
    delete lock.includes;
    writeFileSync(path.join(dir, 'prompt-release.lock.json'), JSON.stringify(lock, null, 2));
    writeFileSync(path.join(dir, TONE), 'mine\n');
    const refused = await exportTo(dir);
    assert.strictEqual(refused.code, 2);
    assert.match(refused.stderr, /already holds prompts\/_tone\.prompt, which no earlier export wrote; nothing was written/);
    assert.strictEqual(readFileSync(path.join(dir, TONE), 'utf8'), 'mine\n');
    assert.ok(!existsSync(path.join(dir, SALES)));
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
    assert.match(train.stderr, /HEAD is not on the trusted branch refs\/heads\/main/);
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
