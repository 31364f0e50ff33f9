import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { ALICE, BOB, DAVE, runCli, standardRepo, type TempRepo } from '../helpers/gitFixture';

const PROMPT = 'prompts/greeting.prompt.md';

/**
 * A CI job as GitHub's checkout makes it: a fresh full clone of the server's repository with
 * only refs/remotes/origin/main (no local main, no origin/HEAD), HEAD detached, and a HOME
 * without any git identity.
 */
function ciCheckout(remote: string): { dir: string; env: Record<string, string>; dispose(): void } {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-ci-')));
  const home = path.join(root, 'home');
  const dir = path.join(root, 'work');
  mkdirSync(home);
  mkdirSync(dir);
  const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { PATH: process.env.PATH!, ...env }, encoding: 'utf8' });
  git('init', '-q');
  git('remote', 'add', 'origin', remote);
  git('fetch', '-q', '--tags', 'origin', '+refs/heads/main:refs/remotes/origin/main');
  git('checkout', '-q', '--detach', 'refs/remotes/origin/main');
  assert.throws(() => git('config', 'user.email'), 'the CI home has no identity');
  return { dir, env, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

describe('in CI: a fresh checkout with no git identity', () => {
  let repo: TempRepo;
  let remote: string;
  let serverRoot: string;
  before(async () => {
    repo = standardRepo();
    assert.strictEqual((await repo.cli(ALICE, 'review', PROMPT, '--approve')).code, 0);
    assert.strictEqual((await repo.cli(BOB, 'review', PROMPT, '--approve')).code, 0);
    assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging')).code, 0);
    serverRoot = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-server-')));
    remote = path.join(serverRoot, 'server.git');
    repo.git('init', '-q', '--bare', remote);
    repo.git('push', '-q', remote, 'main', '--tags');
  });
  after(() => {
    repo.dispose();
    rmSync(serverRoot, { recursive: true, force: true });
  });

  it('finds the trusted branch as origin has it when there is no local main and no origin/HEAD, and says which', async () => {
    const ci = ciCheckout(remote);
    try {
      const verify = await runCli(ci.dir, ['verify'], ci.env);
      assert.strictEqual(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /Trusted: refs\/remotes\/origin\/main at [0-9a-f]{10}/);
      assert.match(verify.stdout, /(All )?1 release tag verified/);
    } finally {
      ci.dispose();
    }
  });

  it('decides without an identity: gate, the release train dry run and status; only writing a tag asks for one, saying how', async () => {
    const ci = ciCheckout(remote);
    try {
      const gate = await runCli(ci.dir, ['gate', PROMPT, '--env', 'production', '--trusted', 'refs/remotes/origin/main'], ci.env);
      assert.strictEqual(gate.code, 0, gate.stderr);
      assert.doesNotMatch(gate.stderr, /does not know who you are/);
      const train = await runCli(ci.dir, ['release', '--all', '--env', 'production', '--dry-run', '--trusted', 'refs/remotes/origin/main'], ci.env);
      assert.strictEqual(train.code, 0, train.stderr);
      assert.match(train.stdout, /Would release 1 prompt to production/);
      const status = await runCli(ci.dir, ['status', '--trusted', 'refs/remotes/origin/main'], ci.env);
      assert.strictEqual(status.code, 0, status.stderr);
      const release = await runCli(ci.dir, ['release', PROMPT, '--env', 'production', '--trusted', 'refs/remotes/origin/main'], ci.env);
      assert.strictEqual(release.code, 3);
      assert.match(release.stderr, /git does not know who you are/);
      assert.match(release.stderr, /git config user\.name/);
    } finally {
      ci.dispose();
    }
  });
});
