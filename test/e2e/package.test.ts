import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { ALICE, DAVE, TempRepo, standardRepo } from '../helpers/gitFixture';
import { handRecord } from '../helpers/handRecords';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** CI without building the tool: the packed tarball, installed into an empty project, runs as `npx prompt-release`. */
describe('the npm package', function () {
  this.timeout(180_000);

  it('installs from its tarball with no dependencies, runs verify through npx, and offers the loader', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'prc-pack-'));
    const repo = standardRepo();
    try {
      const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
      npm(['pack', '--pack-destination', work], ROOT);
      const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
      const project = path.join(work, 'app');
      execFileSync('mkdir', ['-p', project]);
      writeFileSync(path.join(project, 'package.json'), '{ "name": "app", "version": "1.0.0", "private": true }\n');
      // Offline: a package that needs anything from the registry fails here.
      npm(['install', '--offline', path.join(work, tarball)], project);

      assert.strictEqual((await repo.cli(ALICE, 'review', 'prompts/greeting.prompt.md', '--approve')).code, 0);
      assert.strictEqual((await repo.cli(DAVE, 'release', 'prompts/greeting.prompt.md', '--env', 'staging')).code, 0);
      const verify = npm(['exec', '--offline', '--', 'prompt-release', '-C', repo.dir, 'verify'], project);
      assert.match(verify, /^1 release tag verified\./m);

      const loader = execFileSync(process.execPath, ['-e', "const m = require('prompt-release-control'); console.log(typeof m.createPromptLoader, typeof m.loadPrompt)"], { cwd: project, encoding: 'utf8' });
      assert.strictEqual(loader.trim(), 'function function');
    } finally {
      repo.dispose();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

/** The GitHub Action's entry point, run as the documented workflow runs it: after a full checkout, with INPUT_* variables. */
describe('the GitHub Action', function () {
  this.timeout(120_000);

  it('verifies against refs/remotes/origin/<trusted-branch>, exports when asked, and fails on a hand-made tag', async () => {
    const repo = standardRepo();
    const work = mkdtempSync(path.join(tmpdir(), 'prc-action-'));
    try {
      assert.strictEqual((await repo.cli(ALICE, 'review', 'prompts/greeting.prompt.md', '--approve')).code, 0);
      assert.strictEqual((await repo.cli(DAVE, 'release', 'prompts/greeting.prompt.md', '--env', 'staging')).code, 0);
      const remote = path.join(work, 'remote.git');
      repo.git('init', '-q', '--bare', '-b', 'main', remote);
      repo.git('push', '-q', '--tags', remote, 'main');
      const run = (checkout: string) => {
        // actions/checkout with fetch-depth: 0, then the action's node20 entry point.
        repo.git('clone', '-q', remote, checkout);
        const summary = path.join(work, `${path.basename(checkout)}-summary.md`);
        writeFileSync(summary, '');
        const env = { ...process.env, GITHUB_WORKSPACE: checkout, GITHUB_STEP_SUMMARY: summary, 'INPUT_TRUSTED-BRANCH': 'main', 'INPUT_EXPORT-ENV': 'staging', 'INPUT_EXPORT-DIR': '' };
        try {
          execFileSync(process.execPath, [path.join(ROOT, 'dist', 'action.js')], { cwd: checkout, env, encoding: 'utf8', stdio: 'pipe' });
          return { code: 0, summary: require('fs').readFileSync(summary, 'utf8') as string };
        } catch (err: any) {
          return { code: err.status as number, summary: `${require('fs').readFileSync(summary, 'utf8')}\n${err.stdout}${err.stderr}` };
        }
      };
      const good = run(path.join(work, 'checkout'));
      assert.strictEqual(good.code, 0, good.summary);
      assert.match(good.summary, /✅ Every release tag verified against `refs\/remotes\/origin\/main` at `[0-9a-f]{10}`\./);
      assert.match(good.summary, /📦 Exported the prompts live in staging to `released-prompts\/staging`/);
      assert.ok(require('fs').existsSync(path.join(work, 'checkout', 'released-prompts', 'staging', 'prompt-release.lock.json')));

      repo.git('tag', 'prompt-release/production/prompts/greeting.prompt.md/v1');
      repo.git('push', '-q', remote, 'refs/tags/prompt-release/production/prompts/greeting.prompt.md/v1');
      const bad = run(path.join(work, 'checkout-after-hand-made-tag'));
      assert.strictEqual(bad.code, 1);
      assert.match(bad.summary, /❌ `prompt-release verify` failed against `refs\/remotes\/origin\/main` at `[0-9a-f]{10}` \(exit 1\)/);
    } finally {
      repo.dispose();
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('warns about a review that is due, and fails on it with strict: true', async () => {
    const repo = new TempRepo();
    const work = mkdtempSync(path.join(tmpdir(), 'prc-action-strict-'));
    const prompt = 'prompts/greeting.prompt.md';
    const config = (every: string) => `environments:\n  staging: { approvals: 1, reviewEvery: ${every} }\npeople:\n  "@alice": [alice@example.com]\n`;
    try {
      repo.commit(DAVE, 'Add a prompt', { '.promptrelease.yaml': config('60d'), '.github/CODEOWNERS': 'prompts/** @alice\n', [prompt]: 'Greet {{name}}.\n' });
      const approvedAt = new Date(Date.now() - 45 * 86_400_000);
      handRecord(repo, ALICE, approvedAt, { type: 'review', prompt, verdict: 'approve', by: { name: ALICE.name, email: ALICE.email }, time: approvedAt.toISOString() });
      assert.strictEqual((await repo.cli(DAVE, 'release', prompt, '--env', 'staging')).code, 0);
      // Tightened after the release: the approval it rests on is now older than allowed.
      repo.commit(DAVE, 'Review monthly', { '.promptrelease.yaml': config('30d') });
      const remote = path.join(work, 'remote.git');
      repo.git('init', '-q', '--bare', '-b', 'main', remote);
      repo.git('push', '-q', '--tags', remote, 'main');
      const run = (name: string, strict: string) => {
        const checkout = path.join(work, name);
        repo.git('clone', '-q', remote, checkout);
        const env = { ...process.env, GITHUB_WORKSPACE: checkout, GITHUB_STEP_SUMMARY: '', 'INPUT_TRUSTED-BRANCH': 'main', INPUT_STRICT: strict };
        try {
          return { code: 0, output: execFileSync(process.execPath, [path.join(ROOT, 'dist', 'action.js')], { cwd: checkout, env, encoding: 'utf8', stdio: 'pipe' }) };
        } catch (err: any) {
          return { code: err.status as number, output: `${err.stdout}${err.stderr}` };
        }
      };
      const lenient = run('lenient', '');
      assert.strictEqual(lenient.code, 0, lenient.output);
      assert.match(lenient.output, /review due in staging/);
      const strict = run('strict', 'true');
      assert.strictEqual(strict.code, 1, strict.output);
      assert.match(strict.output, /review due in staging/);
    } finally {
      repo.dispose();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
