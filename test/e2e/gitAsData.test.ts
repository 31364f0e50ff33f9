import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { PromptRepository } from '../../src/git/repository';
import { ALICE, DAVE, standardRepo, type TempRepo } from '../helpers/gitFixture';

/**
 * Git is data: no program named in a repository's configuration or attributes runs, in the CLI
 * or in the git layer the editor uses. Each canary first proves that plain git runs it, so a
 * test that passes means the tool switched it off, not that the canary was never reachable.
 */

const PROMPT = 'prompts/greeting.prompt.md';

class Canary {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'prc-canary-'));
  readonly log = path.join(this.dir, 'canary.log');

  /** A program that notes it ran, then behaves as `body` says (default: pass input through). */
  program(name: string, body = 'cat'): string {
    const file = path.join(this.dir, `canary-${name}.sh`);
    writeFileSync(file, `#!/bin/sh\necho ${name} >> ${this.log}\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  ran(): string[] {
    return existsSync(this.log) ? readFileSync(this.log, 'utf8').split('\n').filter(Boolean) : [];
  }

  reset(): void {
    rmSync(this.log, { force: true });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Plain git as a user runs it, with the repository's configuration in force. */
function plainGit(repo: TempRepo, ...args: string[]) {
  return spawnSync('git', args, { cwd: repo.dir, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' }, encoding: 'utf8' });
}

/** Makes git re-read the prompt from disk on the next status (same content, new time). */
function touch(repo: TempRepo, file = PROMPT) {
  const future = new Date(Date.now() + 5000);
  utimesSync(path.join(repo.dir, file), future, future);
}

async function everyCommand(repo: TempRepo) {
  for (const [who, args] of [
    [DAVE, ['status']],
    [ALICE, ['review', PROMPT, '--approve']],
    [DAVE, ['release', PROMPT, '--env', 'staging']],
    [DAVE, ['diff', PROMPT, '--from', 'staging', '--to', 'working']],
    [DAVE, ['history', PROMPT]],
    [DAVE, ['verify']],
  ] as const) {
    const result = await repo.cli(who, ...args);
    assert.strictEqual(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  }
}

describe('git is data: no program from the repository configuration runs', function () {
  let repo: TempRepo;
  let canary: Canary;
  beforeEach(() => {
    repo = standardRepo();
    canary = new Canary();
  });
  afterEach(() => {
    repo.dispose();
    canary.dispose();
  });

  it('runs no clean or smudge filter that a committed .gitattributes selects', async () => {
    repo.git('config', 'filter.evil.clean', canary.program('clean'));
    repo.git('config', 'filter.evil.smudge', canary.program('smudge'));
    repo.commit(DAVE, 'attributes', { '.gitattributes': '*.md filter=evil\n' });
    canary.reset();
    touch(repo);
    plainGit(repo, 'status', '--porcelain');
    assert.deepStrictEqual(canary.ran(), ['clean'], 'plain git status runs the clean filter');
    canary.reset();
    touch(repo);
    await everyCommand(repo);
    assert.deepStrictEqual(canary.ran(), []);
  });

  it('runs no textconv or external diff program', async () => {
    repo.git('config', 'diff.evil.textconv', canary.program('textconv'));
    repo.git('config', 'diff.external', canary.program('external'));
    repo.commit(DAVE, 'attributes', { '.gitattributes': '*.md diff=evil\n' });
    repo.commit(DAVE, 'edit', { [PROMPT]: 'Changed.\n' });
    canary.reset();
    plainGit(repo, 'log', '-p', '-1', '--', PROMPT);
    assert.ok(canary.ran().length > 0, 'plain git log -p runs them');
    canary.reset();
    await everyCommand(repo);
    assert.deepStrictEqual(canary.ran(), []);
  });

  it('runs no signing program, even when the configuration asks to sign tags and commits', async () => {
    repo.git('config', 'gpg.program', canary.program('gpg', 'exit 1'));
    repo.git('config', 'tag.gpgSign', 'true');
    repo.git('config', 'tag.forceSignAnnotated', 'true');
    repo.git('config', 'commit.gpgSign', 'true');
    plainGit(repo, 'tag', '-a', '-m', 'x', 'plain-tag');
    assert.deepStrictEqual(canary.ran(), ['gpg'], 'plain git tag runs the signing program');
    canary.reset();
    await everyCommand(repo);
    assert.deepStrictEqual(canary.ran(), []);
  });

  it('runs no hook, wherever core.hooksPath points', async () => {
    const hooks = path.join(canary.dir, 'hooks');
    mkdirSync(hooks);
    for (const hook of ['reference-transaction', 'post-commit', 'pre-commit', 'post-index-change', 'pre-push']) {
      const program = canary.program(hook, 'exit 0');
      writeFileSync(path.join(hooks, hook), readFileSync(program));
      chmodSync(path.join(hooks, hook), 0o755);
      writeFileSync(path.join(repo.dir, '.git/hooks', hook), readFileSync(program));
      chmodSync(path.join(repo.dir, '.git/hooks', hook), 0o755);
    }
    repo.git('config', 'core.hooksPath', hooks);
    plainGit(repo, 'update-ref', 'refs/heads/probe', 'HEAD');
    assert.ok(canary.ran().includes('reference-transaction'), 'plain git update-ref runs the hook');
    canary.reset();
    await everyCommand(repo);
    assert.deepStrictEqual(canary.ran(), []);
  });

  it('runs no fsmonitor program', async () => {
    repo.git('config', 'core.fsmonitor', canary.program('fsmonitor', 'exit 1'));
    plainGit(repo, 'status', '--porcelain');
    assert.ok(canary.ran().includes('fsmonitor'), 'plain git status runs the fsmonitor');
    canary.reset();
    await everyCommand(repo);
    assert.deepStrictEqual(canary.ran(), []);
  });
});

describe('git is data: pushing a release runs no program the repository configures', function () {
  let repo: TempRepo;
  let canary: Canary;
  let remoteDir: string;
  let tag: string;
  beforeEach(async () => {
    repo = standardRepo();
    canary = new Canary();
    remoteDir = path.join(canary.dir, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', remoteDir]);
    await repo.cli(ALICE, 'review', PROMPT, '--approve');
    tag = JSON.parse((await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging', '--json')).stdout).tag;
  });
  afterEach(() => {
    repo.dispose();
    canary.dispose();
  });

  const pushWithTool = async () => (await PromptRepository.open(repo.dir)).writes.pushTag(tag);

  it("uses git's own receive-pack, not the remote's configured program", async () => {
    repo.git('remote', 'add', 'origin', remoteDir);
    repo.git('config', 'remote.origin.receivepack', canary.program('receivepack', 'exit 1'));
    plainGit(repo, 'push', 'origin', 'HEAD:refs/heads/probe');
    assert.deepStrictEqual(canary.ran(), ['receivepack'], 'plain git push runs it');
    canary.reset();
    assert.strictEqual(await pushWithTool(), 'origin');
    assert.deepStrictEqual(canary.ran(), []);
    assert.match(execFileSync('git', ['-C', remoteDir, 'tag', '-l'], { encoding: 'utf8' }), /prompt-release\/staging/);
  });

  it("falls back to the user's ssh instead of the repository's core.sshCommand", async () => {
    repo.git('remote', 'add', 'origin', 'ssh://127.0.0.1:9/nowhere.git');
    repo.git('config', 'core.sshCommand', canary.program('ssh', 'exit 1'));
    plainGit(repo, 'push', 'origin', 'HEAD:refs/heads/probe');
    assert.deepStrictEqual(canary.ran(), ['ssh'], 'plain git push runs it');
    canary.reset();
    await assert.rejects(pushWithTool(), /pushing .* failed|rejected/);
    assert.deepStrictEqual(canary.ran(), []);
  });

  it('asks no credential helper the repository configures', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      repo.git('remote', 'add', 'origin', `http://127.0.0.1:${port}/repo.git`);
      repo.git('config', 'credential.helper', canary.program('credential', 'exit 0'));
      await new Promise<void>((resolve) => {
        const child = require('child_process').spawn('git', ['push', 'origin', 'HEAD:refs/heads/probe'], { cwd: repo.dir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, stdio: 'ignore' });
        child.on('close', () => resolve());
      });
      assert.ok(canary.ran().includes('credential'), 'plain git push asks the helper');
      canary.reset();
      await assert.rejects(pushWithTool());
      assert.deepStrictEqual(canary.ran(), []);
    } finally {
      server.close();
    }
  });

  it('refuses to push when the configuration names a program it cannot replace', async () => {
    repo.git('remote', 'add', 'origin', remoteDir);
    repo.git('config', 'remote.origin.vcs', 'evil');
    await assert.rejects(pushWithTool(), /configuration names a program \(remote\.origin\.vcs\)/);
    assert.strictEqual(execFileSync('git', ['-C', remoteDir, 'tag', '-l'], { encoding: 'utf8' }), '');
  });
});
