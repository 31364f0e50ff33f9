import * as assert from 'assert';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { contentHash, shortHash } from '../../src/core/prompts/hash';
import { ALICE, BOB, CAROL, DAVE, standardRepo, TempRepo } from '../helpers/gitFixture';

/**
 * Writing never follows a link. A hostile contributor can commit symbolic links anywhere in
 * the repository (inside an export folder, as the export folder, in the records folder) and
 * anyone can leave a forged lock file in an output folder; every write of the tool must stay
 * where it was meant to go, and a lock file found on disk is never taken as the truth.
 */

const PROMPT = 'prompts/greeting.prompt.md';
const CONTENT = 'You are a friendly assistant.\nGreet {{name}} warmly.\n';
const LIVE_TAG = `prompt-release/production/${PROMPT}/v1`;

/** A lock file as an export writes it, listing what the caller says. */
function lockText(prompts: { path: string; contentHash: string; version?: number; tag?: string }[] = []): string {
  return JSON.stringify({
    format: 'prompt-release-lock/1',
    environment: 'production',
    trusted: { ref: 'refs/heads/main', commit: '0'.repeat(40) },
    prompts: prompts.map((p) => ({ version: 1, tag: LIVE_TAG, commit: '0'.repeat(40), approvers: [], releasedAt: '2026-01-01T00:00:00Z', releasedBy: 'Dave <dave@example.com>', ...p })),
    includes: [],
    unreleased: [],
  }, null, 2) + '\n';
}

/** Every file and link under a folder, to show that nothing appeared there. */
function contentsOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('hostile output folders: export never writes through a link nor trusts a lock it finds', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let outside: string;

  beforeEach(async () => {
    repo = standardRepo();
    outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-outside-')));
    for (const who of [ALICE, BOB]) assert.strictEqual((await repo.cli(who, 'review', PROMPT, '--approve')).code, 0);
    assert.strictEqual((await repo.cli(DAVE, 'release', '--all', '--env', 'staging')).code, 0);
    assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', 'production')).code, 0);
  });
  afterEach(() => {
    repo.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  const exportTo = (dir: string) => repo.cli(DAVE, 'export', '--env', 'production', '--out', dir);

  it('refuses a committed link inside the output folder, naming it, and writes nothing outside (hostile)', async () => {
    // Carol commits an "export folder" whose prompts/ leads out of the repository.
    mkdirSync(path.join(repo.dir, 'released'));
    symlinkSync(outside, path.join(repo.dir, 'released', 'prompts'));
    repo.commit(CAROL, 'Export folder', { 'released/prompt-release.lock.json': lockText() });
    const refused = await exportTo('released');
    assert.strictEqual(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /nothing was exported: .*released\/prompts is a symbolic link \(to .*prc-outside-/);
    assert.match(refused.stderr, /never writes through a link/);
    assert.deepStrictEqual(contentsOf(outside), [], 'nothing was written outside');
    assert.strictEqual(readFileSync(path.join(repo.dir, 'released/prompt-release.lock.json'), 'utf8'), lockText(), 'the folder is as it was');
  });

  it('refuses an output folder that is, or passes through, a committed link (hostile)', async () => {
    symlinkSync(outside, path.join(repo.dir, 'out'));
    repo.commit(CAROL, 'Where the build puts things', {});
    for (const dir of ['out', 'out/production', path.join(repo.dir, 'out/production')]) {
      const refused = await exportTo(dir);
      assert.strictEqual(refused.code, 1, `${dir}: ${refused.stdout}${refused.stderr}`);
      assert.match(refused.stderr, /out is a symbolic link/, dir);
      assert.deepStrictEqual(contentsOf(outside), [], `${dir}: nothing was written outside`);
    }
  });

  it('never follows a link planted at the file or the lock it writes (hostile)', async () => {
    const dir = path.join(outside, 'deploy');
    const target = path.join(outside, 'target');
    mkdirSync(path.join(dir, 'prompts'), { recursive: true });
    mkdirSync(target);
    writeFileSync(path.join(dir, 'prompt-release.lock.json'), lockText());
    // A link that leads nowhere yet: following it would create the file where it points.
    symlinkSync(path.join(target, 'planted.txt'), path.join(dir, PROMPT));
    const refused = await exportTo(dir);
    assert.strictEqual(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /prompts\/greeting\.prompt\.md is a symbolic link \(to .*planted\.txt\)/);
    assert.deepStrictEqual(contentsOf(target), [], 'nothing was written where the link points');
    assert.ok(lstatSync(path.join(dir, PROMPT)).isSymbolicLink(), 'the link is left as it was');

    // The lock file's own name as a link to someone's file that looks like a lock.
    rmSync(path.join(dir, PROMPT));
    rmSync(path.join(dir, 'prompt-release.lock.json'));
    writeFileSync(path.join(target, 'theirs.json'), lockText());
    symlinkSync(path.join(target, 'theirs.json'), path.join(dir, 'prompt-release.lock.json'));
    const lockRefused = await exportTo(dir);
    assert.strictEqual(lockRefused.code, 1, lockRefused.stdout + lockRefused.stderr);
    assert.match(lockRefused.stderr, /prompt-release\.lock\.json is a symbolic link/);
    assert.strictEqual(readFileSync(path.join(target, 'theirs.json'), 'utf8'), lockText(), 'the file behind the link is untouched');
    assert.ok(!existsSync(path.join(dir, PROMPT)), 'nothing was exported');
  });

  it('does not trust a forged lock that claims a file of the user as exported (hostile)', async () => {
    const dir = path.join(outside, 'deploy');
    mkdirSync(path.join(dir, 'prompts'), { recursive: true });
    const mine = 'My own draft, never released.\n';
    writeFileSync(path.join(dir, PROMPT), mine);
    // The lock says the export wrote that file, with the very hash of the user's bytes.
    writeFileSync(path.join(dir, 'prompt-release.lock.json'), lockText([{ path: PROMPT, contentHash: contentHash(Buffer.from(mine)) }]));
    const refused = await exportTo(dir);
    assert.strictEqual(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /already holds prompts\/greeting\.prompt\.md, which no earlier export wrote; nothing was written/);
    assert.match(refused.stderr, /no version released at that path by any release tag in this clone/);
    assert.strictEqual(readFileSync(path.join(dir, PROMPT), 'utf8'), mine, 'the user\'s file is untouched');
  });

  it('does not delete what a forged lock lists through a link or outside the folder, and rewrites the lock from the release tags (hostile)', async () => {
    const dir = path.join(outside, 'deploy');
    const victims = path.join(outside, 'victims');
    mkdirSync(dir);
    mkdirSync(victims);
    writeFileSync(path.join(victims, 'precious.txt'), 'keep me\n');
    writeFileSync(path.join(outside, 'next-door.txt'), 'keep me too\n');
    symlinkSync(victims, path.join(dir, 'shared'));
    writeFileSync(path.join(dir, 'prompt-release.lock.json'), lockText([
      { path: 'shared/precious.txt', contentHash: contentHash(Buffer.from('keep me\n')) },
      { path: '../next-door.txt', contentHash: contentHash(Buffer.from('keep me too\n')) },
    ]));
    const exported = await exportTo(dir);
    assert.strictEqual(exported.code, 0, exported.stdout + exported.stderr);
    assert.strictEqual(readFileSync(path.join(victims, 'precious.txt'), 'utf8'), 'keep me\n', 'nothing is deleted through the link');
    assert.strictEqual(readFileSync(path.join(outside, 'next-door.txt'), 'utf8'), 'keep me too\n', 'nothing outside the folder is deleted');
    assert.match(exported.stdout, /The prompt-release\.lock\.json that was in .* did not match the files there and the release tags, so it was not trusted: it lists shared\/precious\.txt, which is not there; it lists \.\.\/next-door\.txt, which is not a file inside the folder\. It was rewritten from the repository\./);
    assert.match(exported.stdout, /Left alone, as no export wrote it: shared/);
    const lock = JSON.parse(readFileSync(path.join(dir, 'prompt-release.lock.json'), 'utf8'));
    assert.deepStrictEqual(lock.prompts.map((p: { path: string; tag: string }) => [p.path, p.tag]), [[PROMPT, LIVE_TAG]]);
    assert.strictEqual(readFileSync(path.join(dir, PROMPT), 'utf8'), CONTENT);
    assert.ok(lstatSync(path.join(dir, 'shared')).isSymbolicLink(), 'the link itself is left alone');
  });

  it('recognises what an export wrote by its bytes, re-hashed, not by the lock', async () => {
    const dir = path.join(outside, 'deploy');
    assert.strictEqual((await exportTo(dir)).code, 0);
    // The lock is lost; the released file is still there, and recognised by its bytes.
    rmSync(path.join(dir, 'prompt-release.lock.json'));
    const again = await exportTo(dir);
    assert.strictEqual(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /held released files but no prompt-release\.lock\.json; they were checked against the release tags and replaced/);
    assert.strictEqual(readFileSync(path.join(dir, PROMPT), 'utf8'), CONTENT);
    // A copy the user changed is not released content: it is never replaced, lock or no lock.
    writeFileSync(path.join(dir, PROMPT), 'Tuned by hand.\n');
    const changed = await exportTo(dir);
    assert.strictEqual(changed.code, 2, changed.stdout + changed.stderr);
    assert.match(changed.stderr, /already holds prompts\/greeting\.prompt\.md, which no earlier export wrote/);
    assert.strictEqual(readFileSync(path.join(dir, PROMPT), 'utf8'), 'Tuned by hand.\n');
  });
});

describe('hostile records folder: a review is never written through a link', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let outside: string;

  beforeEach(() => {
    repo = standardRepo();
    outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-outside-')));
  });
  afterEach(() => {
    repo.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses to record an approval when the records folder of the branch under review is a link (hostile)', async () => {
    // Carol's branch carries a link exactly where the next approval of her prompt will be written.
    const bucket = shortHash(contentHash(Buffer.from(CONTENT))).slice(0, 2);
    repo.git('checkout', '-q', '-b', 'carol/feature');
    mkdirSync(path.join(repo.dir, '.promptrelease/records'), { recursive: true });
    symlinkSync(outside, path.join(repo.dir, '.promptrelease/records', bucket));
    repo.commit(CAROL, 'Innocent-looking change', {});
    const head = repo.git('rev-parse', 'HEAD').trim();
    const refused = await repo.cli(ALICE, 'review', PROMPT, '--approve');
    assert.strictEqual(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, new RegExp(`\\.promptrelease/records/${bucket} is a symbolic link \\(to .*prc-outside-.*\\); prompt-release never writes through a link`));
    assert.deepStrictEqual(contentsOf(outside), [], 'nothing was written outside');
    assert.strictEqual(repo.git('rev-parse', 'HEAD').trim(), head, 'no record was committed');
  });

  it('refuses to record an approval during a merge that brought a link into the records folder (hostile)', async () => {
    repo.git('checkout', '-q', '-b', 'carol/feature');
    mkdirSync(path.join(repo.dir, '.promptrelease'), { recursive: true });
    symlinkSync(outside, path.join(repo.dir, '.promptrelease/records'));
    repo.commit(CAROL, 'Innocent-looking change', {});
    repo.git('checkout', '-q', 'main');
    // A merge in progress: the link is in the working tree, not yet in HEAD.
    repo.gitAs(ALICE, 'merge', '--no-commit', '--no-ff', '-q', 'carol/feature');
    assert.ok(lstatSync(path.join(repo.dir, '.promptrelease/records')).isSymbolicLink());
    const head = repo.git('rev-parse', 'HEAD').trim();
    const refused = await repo.cli(ALICE, 'review', PROMPT, '--approve');
    assert.strictEqual(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /\.promptrelease\/records is a symbolic link/);
    assert.deepStrictEqual(contentsOf(outside), [], 'nothing was written outside');
    assert.strictEqual(repo.git('rev-parse', 'HEAD').trim(), head, 'no record was committed');
  });
});

describe('other writers never follow a link either', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let outside: string;

  beforeEach(() => {
    repo = standardRepo();
    outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-outside-')));
  });
  afterEach(() => {
    repo.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  it('init --force keeps every earlier backup and refuses a configuration that is a link (hostile)', async () => {
    writeFileSync(path.join(repo.dir, '.promptrelease.yaml.bak'), 'my earlier backup\n');
    const forced = await repo.cli(undefined, 'init', '--force');
    assert.strictEqual(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /Kept the old \.promptrelease\.yaml as \.promptrelease\.yaml\.bak\.2\./);
    assert.strictEqual(readFileSync(path.join(repo.dir, '.promptrelease.yaml.bak'), 'utf8'), 'my earlier backup\n', 'the earlier backup is not replaced');
    assert.match(readFileSync(path.join(repo.dir, '.promptrelease.yaml.bak.2'), 'utf8'), /environments:/);

    rmSync(path.join(repo.dir, '.promptrelease.yaml'));
    symlinkSync(path.join(outside, 'config.yaml'), path.join(repo.dir, '.promptrelease.yaml'));
    repo.commit(CAROL, 'Config lives elsewhere', {});
    const refused = await repo.cli(undefined, 'init', '--force');
    assert.strictEqual(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /\.promptrelease\.yaml is a symbolic link \(to .*config\.yaml\); prompt-release never writes through a link/);
    assert.deepStrictEqual(contentsOf(outside), []);
  });

  it('install-hook does not write through a link committed at the hook of core.hooksPath (hostile)', async () => {
    mkdirSync(path.join(repo.dir, '.githooks'));
    symlinkSync(path.join(outside, 'planted'), path.join(repo.dir, '.githooks/pre-push'));
    repo.commit(CAROL, 'Shared hooks', {});
    repo.git('config', 'core.hooksPath', '.githooks');
    const refused = await repo.cli(undefined, 'install-hook');
    assert.strictEqual(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /\.githooks\/pre-push is a symbolic link \(to .*planted\); prompt-release never writes through a link/);
    assert.deepStrictEqual(contentsOf(outside), []);
  });

  it('keeps no cache rather than write it through a link in the git folder', async () => {
    symlinkSync(outside, path.join(repo.dir, '.git', 'prompt-release'));
    const status = await repo.cli(undefined, 'status');
    assert.strictEqual(status.code, 0, status.stderr);
    assert.deepStrictEqual(contentsOf(outside), []);
  });
});

describe('exporting before anything is live (issue 18)', function () {
  this.timeout(120_000);

  it('creates the missing output folder, says nothing is live yet, and exits 0', async () => {
    const repo = standardRepo();
    try {
      const exported = await repo.cli(DAVE, 'export', '--env', 'production', '--out', 'released-prompts/production');
      assert.strictEqual(exported.code, 0, exported.stdout + exported.stderr);
      assert.match(exported.stdout, /Nothing is live in production yet, so no prompt was exported; created .*released-prompts\/production with a prompt-release\.lock\.json that lists none\./);
      const lock = JSON.parse(readFileSync(path.join(repo.dir, 'released-prompts/production/prompt-release.lock.json'), 'utf8'));
      assert.deepStrictEqual(lock.prompts, []);
      assert.deepStrictEqual(lock.unreleased, [PROMPT]);
      // The Action's export-env runs the same command: a second run finds its own folder.
      const again = await repo.cli(DAVE, 'export', '--env', 'production', '--out', 'released-prompts/production');
      assert.strictEqual(again.code, 0, again.stdout + again.stderr);
      assert.match(again.stdout, /Nothing is live in production yet, so no prompt was exported; wrote a prompt-release\.lock\.json that lists none\./);
    } finally {
      repo.dispose();
    }
  });
});
