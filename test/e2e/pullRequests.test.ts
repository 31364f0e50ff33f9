import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { newRecordPath, serializeRecord, type PromptRecord } from '../../src/core/reviews/records';
import { canonicalRecordBytes } from '../../src/core/reviews/signatures';
import { ALICE, BOB, CAROL, DAVE, identityEnv, runCli, STANDARD_CONFIG, TempRepo, type Person } from '../helpers/gitFixture';
import { makeKey, signedCli, signersText, type Key } from '../helpers/signingKeys';
import { blobHash } from '../helpers/handRecords';

/**
 * Pull requests through a real remote: a bare repository on disk is the server; the author,
 * the reviewers and CI each work in their own clone, and merge by merge commit, squash or
 * rebase as the hosting service would.
 */

const PROMPT = 'prompts/greeting.prompt.md';
const SIGNERS_FILE = '.github/allowed_signers';
const CODEOWNERS = '# owners\nprompts/** @alice @prompt-team\n/.promptrelease.yaml @alice\n/.github/ @alice\n';
const NEW_TEXT = 'You are a warm, friendly assistant.\nGreet {{name}} by name.\n';

class Team {
  readonly root = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-pr-')));
  readonly server = path.join(this.root, 'server.git');
  private readonly clones: TempRepo[] = [];

  constructor(files: Record<string, string>) {
    const seed = this.track(new TempRepo());
    seed.commit(CAROL, 'Add prompts', { '.github/CODEOWNERS': CODEOWNERS, [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} warmly.\n', ...files });
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', this.server]);
    seed.git('push', '-q', this.server, 'main');
  }

  private track(repo: TempRepo): TempRepo {
    this.clones.push(repo);
    return repo;
  }

  /** A clone as `who` works in it (CI clones as nobody: no identity set). */
  clone(who?: Person): TempRepo {
    const repo = this.track(new TempRepo({ init: false }));
    repo.git('clone', '-q', this.server, '.');
    if (who) {
      repo.git('config', 'user.name', who.name);
      repo.git('config', 'user.email', who.email);
    }
    repo.git('config', 'commit.gpgsign', 'false');
    repo.git('config', 'tag.gpgsign', 'false');
    return repo;
  }

  dispose(): void {
    for (const c of this.clones) c.dispose();
    rmSync(this.root, { recursive: true, force: true });
  }
}

async function ok(repo: TempRepo, who: Person | undefined, ...args: string[]) {
  const result = await repo.cli(who, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
}

/** The CLI as `who`, signing with `key` through git's own setting (gpg.format=ssh, user.signingKey). */
async function signedOk(repo: TempRepo, who: Person, key: Key, ...args: string[]) {
  const result = await signedCli(repo, who, key, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
}

/**
 * An approval written by hand (the CLI refuses an author's approval), signed with `key` when
 * given, committed by `committer`: what a contributor can push whatever the tool says.
 */
function handApproval(repo: TempRepo, committer: Person, by: Person, key?: Key): void {
  const record: Record<string, unknown> = { format: 1, type: 'review', prompt: PROMPT, ...blobHash(repo, `HEAD:${PROMPT}`), by: { name: by.name, email: by.email }, time: new Date().toISOString(), verdict: 'approve' };
  if (key) record.signature = execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'prompt-release', '-f', key.file], { input: canonicalRecordBytes(record) }).toString('utf8');
  const full = record as unknown as PromptRecord;
  repo.commit(committer, `prompt-release: review ${PROMPT}`, { [newRecordPath(full)]: serializeRecord(full) });
}

/** The author opens the pull request: a branch with new words, pushed. */
function openPullRequest(author: TempRepo, who: Person, text = NEW_TEXT): void {
  author.git('switch', '-q', '-c', 'feature');
  author.commit(who, 'Warmer greeting', { [PROMPT]: text });
  author.git('push', '-q', '-u', 'origin', 'feature');
}

/** A reviewer checks the branch out, records a verdict (through `record`) and pushes it. */
async function reviewOnBranch(team: Team, who: Person, record: (clone: TempRepo) => Promise<unknown>): Promise<void> {
  const clone = team.clone(who);
  clone.git('switch', '-q', 'feature');
  await record(clone);
  clone.git('push', '-q', 'origin', 'feature');
}

/** CI: a detached checkout of the pull request's head, as actions/checkout leaves it. */
async function ciReport(team: Team, ...extra: string[]): Promise<{ report: any; stderr: string; stdout: string }> {
  const ci = team.clone();
  ci.git('checkout', '-q', '--detach', 'origin/feature');
  const result = await ok(ci, undefined, 'pr-report', '--base', 'origin/main', ...extra);
  return { report: extra.length ? undefined : JSON.parse((await ok(ci, undefined, 'pr-report', '--base', 'origin/main', '--json')).stdout), stderr: result.stderr, stdout: result.stdout };
}

async function jsonReport(team: Team): Promise<{ report: any; stderr: string }> {
  const ci = team.clone();
  ci.git('checkout', '-q', '--detach', 'origin/feature');
  const result = await ok(ci, undefined, 'pr-report', '--base', 'origin/main', '--json');
  return { report: JSON.parse(result.stdout), stderr: result.stderr };
}

function byEmail(approvals: any[], who: Person): any {
  const found = approvals.find((a) => a.email === who.email);
  assert.ok(found, `an approval by ${who.email} in ${JSON.stringify(approvals)}`);
  return found;
}

/** The releaser pulls main and releases, as CI on the trusted branch would. */
/** Dave releases from a fresh clone of main; with `key`, his git signs the tag with it (needed where signatures are required). */
async function releaseFromMain(team: Team, env: string, key?: Key): Promise<{ code: number; out: string }> {
  const ci = team.clone(DAVE);
  const result = await signedCli(ci, DAVE, key, 'release', PROMPT, '--env', env);
  if (result.code === 0) ci.git('push', '-q', 'origin', '--tags');
  return { code: result.code, out: result.stdout + result.stderr };
}

const ACTION = path.resolve(__dirname, '../../../dist/action.js');

/** The Action as a workflow runs it: event name and payload file, a step summary file, no identity, no token. */
function runAction(team: Team, checkout: TempRepo, name: string, eventName: string, payload: object): { code: number; stdout: string; stderr: string; summary: string } {
  const eventFile = path.join(team.root, `${name}-event.json`);
  const summaryFile = path.join(team.root, `${name}-summary.md`);
  writeFileSync(eventFile, JSON.stringify(payload));
  writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_') && !k.startsWith('GITHUB_') && !k.startsWith('INPUT_')) env[k] = v;
  Object.assign(env, { GIT_CONFIG_NOSYSTEM: '1', GITHUB_WORKSPACE: checkout.dir, GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: eventFile, GITHUB_STEP_SUMMARY: summaryFile });
  const result = require('child_process').spawnSync(process.execPath, [ACTION], { cwd: checkout.dir, env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, summary: readFileSync(summaryFile, 'utf8') };
}

const GITHUB_TRAILERS = (...who: Person[]) => who.map((w) => `Co-authored-by: ${w.name} <${w.email}>`).join('\n');

describe('pull requests through a real remote', function () {
  this.timeout(120000);
  let team: Team;
  afterEach(() => team?.dispose());

  it('merge commit, unsigned: the report before and after the reviews, then the release after the merge', async () => {
    team = new Team({ '.promptrelease.yaml': STANDARD_CONFIG });
    const carol = team.clone(CAROL);
    openPullRequest(carol, CAROL);

    const before = (await jsonReport(team)).report;
    assert.strictEqual(before.mergeMethod, 'merge');
    assert.strictEqual(before.base.ref, 'refs/remotes/origin/main');
    assert.deepStrictEqual(before.prompts.map((p: any) => [p.path, p.change]), [[PROMPT, 'modified']]);
    const p0 = before.prompts[0];
    assert.deepStrictEqual(p0.owners, ['@alice', '@prompt-team']);
    assert.deepStrictEqual(p0.approvals, []);
    assert.strictEqual(p0.ownerMustApprove, true);
    assert.deepStrictEqual(p0.environments.map((e: any) => [e.name, e.allowed]), [['staging', false], ['production', false]]);

    await reviewOnBranch(team, BOB, (c) => ok(c, BOB, 'review', PROMPT, '--approve'));
    await reviewOnBranch(team, ALICE, (c) => ok(c, ALICE, 'review', PROMPT, '--approve'));

    const { report } = await jsonReport(team);
    const p = report.prompts[0];
    for (const who of [ALICE, BOB]) {
      const a = byEmail(p.approvals, who);
      assert.deepStrictEqual([a.onBranch, a.signed, a.survivesMerge, a.counts], [true, false, true, true], JSON.stringify(a));
    }
    assert.deepStrictEqual(byEmail(p.approvals, ALICE).owners, ['@alice', '@prompt-team']);
    assert.strictEqual(p.ownerMustApprove, false);
    assert.strictEqual(p.environments[0].allowed, true, JSON.stringify(p.environments[0]));
    // Production waits only for the staging release, which merging cannot give.
    assert.deepStrictEqual(p.environments[1].blocking.map((b: any) => b.code), ['previous-environment']);
    assert.deepStrictEqual(report.warnings, []);

    // The author's status on the branch: the approvals there are not on main yet, and will count once merged.
    carol.git('pull', '-q', 'origin', 'feature');
    const status = await ok(carol, CAROL, 'status', PROMPT);
    assert.match(status.stdout, /Approvals on this branch \(not on refs\/heads\/main yet; merge method merge\):\n(.*\n)*  prompts\/greeting\.prompt\.md: approved by Bob Reviewer <bob@example\.com>, on this branch, unsigned — counts once merged/);

    const { stdout: text } = await ciReport(team, '--format', 'text');
    assert.match(text, /prompts\/greeting\.prompt\.md — modified/);
    assert.match(text, /approved by Alice Owner <alice@example\.com> \(owner @alice, @prompt-team\), on this branch, unsigned — counts once merged/);
    assert.match(text, /staging: ready once merged/);
    const { stdout: md } = await ciReport(team, '--format', 'markdown');
    assert.match(md, /^## Prompt release report/m);
    assert.match(md, /### `prompts\/greeting\.prompt\.md` — modified/);
    assert.match(md, /\| staging \| 2 of 1 \| ✅ nothing \|/);

    // Before the merge nothing can be released from main: the approvals are on the branch.
    assert.strictEqual((await releaseFromMain(team, 'staging')).code, 1);
    carol.git('switch', '-q', 'main');
    carol.git('pull', '-q', 'origin', 'main');
    carol.git('fetch', '-q', 'origin');
    carol.gitAs(CAROL, 'merge', '-q', '--no-ff', '-m', 'Merge pull request #1 from carol/feature', 'origin/feature');
    carol.git('push', '-q', 'origin', 'main');
    const staging = await releaseFromMain(team, 'staging');
    assert.strictEqual(staging.code, 0, staging.out);
    const production = await releaseFromMain(team, 'production');
    assert.strictEqual(production.code, 0, production.out);
    await ok(team.clone(), undefined, 'verify');
  });

  it('the Action on pull_request and merge_group events: the step summary names the prompt and its approvals, annotations mark what is blocked, exit 0', async () => {
    team = new Team({ '.promptrelease.yaml': STANDARD_CONFIG });
    const carol = team.clone(CAROL);
    openPullRequest(carol, CAROL);
    const ci = team.clone();
    ci.git('checkout', '-q', '--detach', 'origin/feature');
    const mainSha = ci.git('rev-parse', 'origin/main').trim();
    const prEvent = { action: 'synchronize', pull_request: { number: 1, base: { ref: 'main', sha: mainSha }, head: { ref: 'feature', sha: ci.git('rev-parse', 'HEAD').trim() } } };
    const blocked = runAction(team, ci, 'pr-open', 'pull_request', prEvent);
    assert.strictEqual(blocked.code, 0, 'a pull request waiting for approvals is not a failed build: ' + blocked.stdout + blocked.stderr);
    assert.match(blocked.stdout, /^::warning file=prompts\/greeting\.prompt\.md,line=1::prompts\/greeting\.prompt\.md: staging: needs 1 more approval/m);
    assert.match(blocked.summary, /### `prompts\/greeting\.prompt\.md` — modified/);
    assert.match(blocked.summary, /Approvals: none yet/);

    await reviewOnBranch(team, BOB, (c) => ok(c, BOB, 'review', PROMPT, '--approve'));
    await reviewOnBranch(team, ALICE, (c) => ok(c, ALICE, 'review', PROMPT, '--approve'));
    ci.git('fetch', '-q', 'origin');
    ci.git('checkout', '-q', '--detach', 'origin/feature');
    const approved = runAction(team, ci, 'pr-approved', 'pull_request', { ...prEvent, pull_request: { ...prEvent.pull_request, head: { ref: 'feature', sha: ci.git('rev-parse', 'HEAD').trim() } } });
    assert.strictEqual(approved.code, 0, approved.stdout + approved.stderr);
    assert.match(approved.summary, /✅ approved by Alice Owner <alice@example\.com> \(owner @alice, @prompt-team\), on this branch, unsigned — counts once merged/);
    assert.match(approved.summary, /✅ approved by Bob Reviewer <bob@example\.com>/);
    assert.match(approved.summary, /Ready once merged: staging/);
    assert.doesNotMatch(approved.stdout, /staging: needs/);
    assert.match(approved.summary, /Every release tag verified against `refs\/remotes\/origin\/main`/, 'verify of the release tags runs on a pull request as before');

    // The merge queue tests the merge of the pull request into main's tip, on a branch of its own.
    const queue = team.clone(CAROL);
    queue.git('fetch', '-q', 'origin');
    queue.git('switch', '-q', '-c', 'gh-readonly-queue/main/pr-1', 'origin/main');
    queue.gitAs(CAROL, 'merge', '-q', '--no-ff', '-m', 'Merge pull request #1', 'origin/feature');
    queue.git('push', '-q', 'origin', 'gh-readonly-queue/main/pr-1');
    ci.git('fetch', '-q', 'origin');
    ci.git('checkout', '-q', '--detach', 'origin/gh-readonly-queue/main/pr-1');
    const group = runAction(team, ci, 'merge-group', 'merge_group', { action: 'checks_requested', merge_group: { base_ref: 'refs/heads/main', base_sha: mainSha, head_ref: 'refs/heads/gh-readonly-queue/main/pr-1', head_sha: ci.git('rev-parse', 'HEAD').trim() } });
    assert.strictEqual(group.code, 0, group.stdout + group.stderr);
    assert.match(group.summary, new RegExp(`Against \`refs/remotes/origin/main\` at \`${mainSha.slice(0, 10)}\``));
    assert.match(group.summary, /`prompts\/greeting\.prompt\.md`/);
    assert.match(group.summary, /✅ approved by Alice Owner/);
    assert.match(group.summary, /Ready once merged: staging/);

    const broken = runAction(team, ci, 'no-base', 'merge_group', { merge_group: {} });
    assert.strictEqual(broken.code, 3, 'a payload without a base is an error, not a pass');
  });

  it('lists only the branch\'s own changes: a rename, a prompt whose partial changed, a deletion and a rules change, from a local branch too', async () => {
    team = new Team({
      '.promptrelease.yaml': STANDARD_CONFIG,
      'prompts/support.prompt': 'Help the user.\n{{> tone}}\n',
      'prompts/_tone.prompt': 'Be kind.\n',
      'prompts/old.prompt.md': 'Retired words.\n',
    });
    const carol = team.clone(CAROL);
    carol.git('switch', '-q', '-c', 'feature');
    carol.git('mv', PROMPT, 'prompts/welcome.prompt.md');
    carol.gitAs(CAROL, 'commit', '-q', '-m', 'Rename the greeting');
    carol.git('rm', '-q', 'prompts/old.prompt.md');
    carol.commit(CAROL, 'Kinder, and no retired prompt', { 'prompts/_tone.prompt': 'Be kind and brief.\n', '.github/CODEOWNERS': CODEOWNERS + 'docs/** @alice\n' });
    // main moves on with a change of its own, which the report must not list.
    const dave = team.clone(DAVE);
    dave.commit(DAVE, 'Another prompt', { 'prompts/other.prompt.md': 'Something else.\n' });
    dave.git('push', '-q', 'origin', 'main');
    carol.git('fetch', '-q', 'origin');

    const json = await ok(carol, undefined, 'pr-report', '--base', 'origin/main', '--json');
    const report = JSON.parse(json.stdout);
    const changes = Object.fromEntries(report.prompts.map((p: any) => [p.path, p.change]));
    assert.deepStrictEqual(changes, { 'prompts/_tone.prompt': 'modified', 'prompts/support.prompt': 'includes changed', 'prompts/welcome.prompt.md': 'renamed' }, JSON.stringify(report.prompts));
    assert.strictEqual(report.prompts.find((p: any) => p.path === 'prompts/welcome.prompt.md').from, PROMPT);
    assert.deepStrictEqual(report.prompts.find((p: any) => p.path === 'prompts/support.prompt').includesChanged, ['prompts/_tone.prompt']);
    assert.deepStrictEqual(report.deleted, ['prompts/old.prompt.md']);
    assert.deepStrictEqual(report.rules.map((r: any) => [r.path, r.change]), [['.github/CODEOWNERS', 'modified']]);
    assert.match(report.rules[0].message, /waits for approval.*@alice/);

    const text = await ok(carol, undefined, 'pr-report', '--base', 'origin/main');
    assert.match(text.stdout, /prompts\/welcome\.prompt\.md — renamed from prompts\/greeting\.prompt\.md/);
    assert.match(text.stdout, /prompts\/old\.prompt\.md — deleted/);
    assert.match(text.stdout, /Rules changes:\n  \.github\/CODEOWNERS \(modified\): waits for approval/);

    // A shallow checkout cannot say who wrote what: refused, never a report.
    carol.git('push', '-q', 'origin', 'feature');
    const shallow = team.clone();
    rmSync(shallow.dir, { recursive: true, force: true });
    execFileSync('git', ['clone', '-q', '--depth', '1', '--no-single-branch', `file://${team.server}`, shallow.dir]);
    execFileSync('git', ['checkout', '-q', '--detach', 'origin/feature'], { cwd: shallow.dir });
    const refused = await shallow.cli(undefined, 'pr-report', '--base', 'origin/main');
    assert.strictEqual(refused.code, 3, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /this clone is shallow.*no report was made/);

    const unknown = await carol.cli(undefined, 'pr-report', '--base', 'origin/nope');
    assert.strictEqual(unknown.code, 2, 'an unknown base is a usage error: ' + unknown.stderr);
    assert.match(unknown.stderr, /error: base "origin\/nope" does not exist in this clone/);
    const noBase = await carol.cli(undefined, 'pr-report');
    assert.strictEqual(noBase.code, 2, noBase.stderr);
    assert.match(noBase.stderr, /pr-report needs --base/);
  });

  it('squash, unsigned: the report says the approvals will not survive, status warns, and after the squash they do not count', async () => {
    team = new Team({ '.promptrelease.yaml': STANDARD_CONFIG + 'merge: squash\n' });
    const carol = team.clone(CAROL);
    const status = await ok(carol, CAROL, 'status');
    assert.match(status.stderr, /merged by squash/);
    openPullRequest(carol, CAROL);
    await reviewOnBranch(team, BOB, (c) => ok(c, BOB, 'review', PROMPT, '--approve'));
    await reviewOnBranch(team, ALICE, (c) => ok(c, ALICE, 'review', PROMPT, '--approve'));

    const { report, stderr } = await jsonReport(team);
    assert.strictEqual(report.mergeMethod, 'squash');
    assert.strictEqual(report.pullRequestAuthor, 'Carol Author <carol@example.com>');
    const p = report.prompts[0];
    for (const who of [ALICE, BOB]) {
      const a = byEmail(p.approvals, who);
      assert.deepStrictEqual([a.onBranch, a.signed, a.survivesMerge, a.counts], [true, false, false, false], JSON.stringify(a));
      assert.match(a.reason, /unsigned.*squash merge makes the pull request's author the author/);
    }
    assert.strictEqual(p.ownerMustApprove, true);
    assert.strictEqual(p.environments[0].allowed, false);
    assert.match(stderr, /warning: this repository merges by squash/);
    assert.deepStrictEqual(report.squashMessage, { keep: [], drop: ['Bob Reviewer <bob@example.com>', 'Alice Owner <alice@example.com>'] });

    // GitHub's squash: one commit by the pull request's author, every other commit author as a co-author.
    carol.git('switch', '-q', 'main');
    carol.git('fetch', '-q', 'origin');
    carol.gitAs(CAROL, 'merge', '-q', '--squash', 'origin/feature');
    carol.gitAs(CAROL, 'commit', '-q', '-m', `Warmer greeting (#1)\n\n${GITHUB_TRAILERS(BOB, ALICE)}`);
    carol.git('push', '-q', 'origin', 'main');
    const staging = await releaseFromMain(team, 'staging');
    assert.strictEqual(staging.code, 1, staging.out);
    const after = await ok(team.clone(), undefined, 'status', '--json');
    assert.ok(JSON.parse(after.stdout).problems.some((x: any) => /authored by carol@example\.com, not by bob@example\.com/.test(x.message)), 'the unattributable record is reported, not silently dropped');
    assert.match(after.stderr, /squash/);
  });

  it('rebase, unsigned: the approvals keep their authors through the rewritten commits and the prompt releases', async () => {
    team = new Team({ '.promptrelease.yaml': STANDARD_CONFIG + 'merge: rebase\n' });
    const carol = team.clone(CAROL);
    openPullRequest(carol, CAROL);
    await reviewOnBranch(team, BOB, (c) => ok(c, BOB, 'review', PROMPT, '--approve'));
    await reviewOnBranch(team, ALICE, (c) => ok(c, ALICE, 'review', PROMPT, '--approve'));
    // main moves on meanwhile, so the rebase really rewrites the branch's commits.
    const dave = team.clone(DAVE);
    dave.commit(DAVE, 'Notes', { 'NOTES.md': 'notes\n' });
    dave.git('push', '-q', 'origin', 'main');

    const { report, stderr } = await jsonReport(team);
    assert.strictEqual(report.mergeMethod, 'rebase');
    for (const who of [ALICE, BOB]) assert.strictEqual(byEmail(report.prompts[0].approvals, who).counts, true);
    assert.match(stderr, /merges by rebase: a rebase keeps commit authors/);

    carol.git('fetch', '-q', 'origin');
    carol.git('switch', '-q', '-C', 'rebased', 'origin/feature');
    carol.gitAs(CAROL, 'rebase', '-q', 'origin/main');
    carol.git('switch', '-q', 'main');
    carol.git('pull', '-q', 'origin', 'main');
    carol.git('merge', '-q', '--ff-only', 'rebased');
    carol.git('push', '-q', 'origin', 'main');
    assert.notStrictEqual(carol.git('rev-parse', 'main').trim(), carol.git('rev-parse', 'origin/feature').trim(), 'the commits were rewritten');
    const staging = await releaseFromMain(team, 'staging');
    assert.strictEqual(staging.code, 0, staging.out);
    const production = await releaseFromMain(team, 'production');
    assert.strictEqual(production.code, 0, production.out);
  });

  describe('signed records', () => {
    let keys: Record<string, Key>;
    const signedTeam = (method: 'merge' | 'squash' | 'rebase' = 'squash') => {
      const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-keys-')));
      keys = { alice: makeKey(root, ALICE, 'alice'), bob: makeKey(root, BOB, 'bob'), dave: makeKey(root, DAVE, 'dave') };
      const signers = signersText(keys.alice, keys.bob, keys.dave);
      const config =
        STANDARD_CONFIG.replace('staging: { approvals: 1 }', 'staging: { approvals: 1, signatures: required }').replace(
          'production: { approvals: 2, ownerApproval: true }',
          'production: { approvals: 2, ownerApproval: true, signatures: required }',
        ) + `signers: ${SIGNERS_FILE}\nmerge: ${method}\n`;
      const t = new Team({ '.promptrelease.yaml': config, [SIGNERS_FILE]: signers });
      const dispose = t.dispose.bind(t);
      t.dispose = () => {
        dispose();
        rmSync(root, { recursive: true, force: true });
      };
      return t;
    };

    it('squash, signed: the approvals survive; the report says which Co-authored-by trailers to drop, and the release follows the merge', async () => {
      team = signedTeam();
      const carol = team.clone(CAROL);
      assert.doesNotMatch((await ok(carol, CAROL, 'status')).stderr, /squash/, 'no warning where every environment requires signatures');
      openPullRequest(carol, CAROL);
      await reviewOnBranch(team, BOB, (c) => signedOk(c, BOB, keys.bob, 'review', PROMPT, '--approve'));
      await reviewOnBranch(team, ALICE, (c) => signedOk(c, ALICE, keys.alice, 'review', PROMPT, '--approve'));

      const { report, stderr } = await jsonReport(team);
      const p = report.prompts[0];
      for (const who of [ALICE, BOB]) {
        const a = byEmail(p.approvals, who);
        assert.deepStrictEqual([a.onBranch, a.signed, a.survivesMerge, a.counts], [true, true, true, true], JSON.stringify(a));
      }
      assert.strictEqual(p.environments[0].allowed, true, JSON.stringify(p.environments[0]));
      assert.deepStrictEqual(report.squashMessage.drop, ['Bob Reviewer <bob@example.com>', 'Alice Owner <alice@example.com>']);
      assert.match(stderr, /remove those lines from the squash message/);

      carol.git('switch', '-q', 'main');
      carol.git('fetch', '-q', 'origin');
      carol.gitAs(CAROL, 'merge', '-q', '--squash', 'origin/feature');
      // GitHub's default message would make the reviewers co-authors: then their approvals cannot count.
      carol.gitAs(CAROL, 'commit', '-q', '-m', `Warmer greeting (#1)\n\n${GITHUB_TRAILERS(BOB, ALICE)}`);
      const withTrailers = await carol.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
      assert.strictEqual(withTrailers.code, 1, withTrailers.stdout);
      assert.match(withTrailers.stdout, /wrote part of this content/);
      // As the report says: the squash message without the reviewers' trailers.
      carol.git('commit', '-q', '--amend', '-m', 'Warmer greeting (#1)');
      carol.git('push', '-q', 'origin', 'main');
      const staging = await releaseFromMain(team, 'staging', keys.dave);
      assert.strictEqual(staging.code, 0, staging.out);
      const production = await releaseFromMain(team, 'production', keys.dave);
      assert.strictEqual(production.code, 0, production.out);
      await ok(team.clone(), undefined, 'verify');
    });

    /** Bob and Alice approve on the branch, signed; the report says both count once merged. */
    async function signedReviews(method: string): Promise<TempRepo> {
      const carol = team.clone(CAROL);
      openPullRequest(carol, CAROL);
      await reviewOnBranch(team, BOB, (c) => signedOk(c, BOB, keys.bob, 'review', PROMPT, '--approve'));
      await reviewOnBranch(team, ALICE, (c) => signedOk(c, ALICE, keys.alice, 'review', PROMPT, '--approve'));
      const { report, stderr } = await jsonReport(team);
      assert.strictEqual(report.mergeMethod, method);
      const p = report.prompts[0];
      for (const who of [ALICE, BOB]) {
        const a = byEmail(p.approvals, who);
        assert.deepStrictEqual([a.onBranch, a.signed, a.survivesMerge, a.counts], [true, true, true, true], JSON.stringify(a));
      }
      assert.deepStrictEqual(p.environments.map((e: any) => [e.name, e.allowed]), [['staging', true], ['production', false]], JSON.stringify(p.environments));
      assert.deepStrictEqual(p.environments[1].blocking.map((b: any) => b.code), ['previous-environment']);
      assert.strictEqual(report.squashMessage, undefined, 'no squash message advice for a merge that keeps commits');
      assert.doesNotMatch(stderr, /squash|unsigned approvals/, 'no warning about unsigned evidence where every approval is signed');
      const { stdout: text } = await ciReport(team, '--format', 'text');
      assert.match(text, /approved by Bob Reviewer <bob@example\.com>, on this branch, signed — counts once merged/);
      return carol;
    }

    /** Dave releases from main with his signing key through both environments; CI verifies. */
    async function releaseSigned(): Promise<void> {
      const unsignedTag = await releaseFromMain(team, 'staging');
      assert.strictEqual(unsignedTag.code, 1, `an unsigned release tag is refused where signatures are required: ${unsignedTag.out}`);
      const staging = await releaseFromMain(team, 'staging', keys.dave);
      assert.strictEqual(staging.code, 0, staging.out);
      const production = await releaseFromMain(team, 'production', keys.dave);
      assert.strictEqual(production.code, 0, production.out);
      const verify = await ok(team.clone(), undefined, 'verify', '--json');
      assert.match(verify.stdout, /production/, verify.stdout);
    }

    it('merge commit, signed: the report says the signed approvals count once merged, and the signed release follows the merge', async () => {
      team = signedTeam('merge');
      const carol = await signedReviews('merge');
      assert.strictEqual((await releaseFromMain(team, 'staging', keys.dave)).code, 1, 'nothing releases from main before the merge');
      carol.git('switch', '-q', 'main');
      carol.git('pull', '-q', 'origin', 'main');
      carol.git('fetch', '-q', 'origin');
      carol.gitAs(CAROL, 'merge', '-q', '--no-ff', '-m', 'Merge pull request #1 from carol/feature', 'origin/feature');
      carol.git('push', '-q', 'origin', 'main');
      await releaseSigned();
    });

    it('rebase, signed: the signatures prove the reviewers through the rewritten commits, and the signed release follows the merge', async () => {
      team = signedTeam('rebase');
      const carol = await signedReviews('rebase');
      // main moves on meanwhile, so the rebase really rewrites the branch's commits.
      const dave = team.clone(DAVE);
      dave.commit(DAVE, 'Notes', { 'NOTES.md': 'notes\n' });
      dave.git('push', '-q', 'origin', 'main');
      carol.git('fetch', '-q', 'origin');
      carol.git('switch', '-q', '-C', 'rebased', 'origin/feature');
      carol.gitAs(CAROL, 'rebase', '-q', 'origin/main');
      carol.git('switch', '-q', 'main');
      carol.git('pull', '-q', 'origin', 'main');
      carol.git('merge', '-q', '--ff-only', 'rebased');
      carol.git('push', '-q', 'origin', 'main');
      assert.notStrictEqual(carol.git('rev-parse', 'main').trim(), carol.git('rev-parse', 'origin/feature').trim(), 'the commits were rewritten');
      await releaseSigned();
    });

    it('hostile: a co-author of the words who signs an approval is told apart from the reviewers and never counts', async () => {
      team = signedTeam();
      const carol = team.clone(CAROL);
      openPullRequest(carol, CAROL);
      // Dave writes part of the words too, then approves them, signed.
      const dave = team.clone(DAVE);
      dave.git('switch', '-q', 'feature');
      dave.commit(DAVE, 'Sharper greeting', { [PROMPT]: NEW_TEXT + 'Keep it short.\n' });
      handApproval(dave, DAVE, DAVE, keys.dave);
      dave.git('push', '-q', 'origin', 'feature');
      await reviewOnBranch(team, BOB, (c) => signedOk(c, BOB, keys.bob, 'review', PROMPT, '--approve'));

      const { report } = await jsonReport(team);
      const p = report.prompts[0];
      assert.strictEqual(byEmail(p.approvals, DAVE).counts, false);
      assert.match(byEmail(p.approvals, DAVE).reason, /wrote part of this content/);
      assert.strictEqual(byEmail(p.approvals, BOB).counts, true);
      assert.deepStrictEqual(report.squashMessage, { keep: ['Dave Releaser <dave@example.com>'], drop: ['Bob Reviewer <bob@example.com>'] });

      // Merged as the report says: Dave's trailer stays, Bob's goes. Dave's approval does not count.
      carol.git('switch', '-q', 'main');
      carol.git('fetch', '-q', 'origin');
      carol.gitAs(CAROL, 'merge', '-q', '--squash', 'origin/feature');
      carol.gitAs(CAROL, 'commit', '-q', '-m', `Warmer greeting (#1)\n\n${GITHUB_TRAILERS(DAVE)}`);
      carol.git('push', '-q', 'origin', 'main');
      const ci = team.clone();
      const gate = JSON.parse((await ci.cli(undefined, 'gate', PROMPT, '--env', 'production', '--json')).stdout);
      assert.deepStrictEqual(gate.approvedBy.map((a: any) => a.email), [BOB.email], JSON.stringify(gate));
      assert.match(JSON.stringify(gate.ignored), /dave@example\.com wrote part of this content/);
    });
  });

  it('hostile: the pull request author cannot get an approval counted by changing the merge method on the branch', async () => {
    team = new Team({ '.promptrelease.yaml': STANDARD_CONFIG + 'merge: squash\n' });
    const carol = team.clone(CAROL);
    openPullRequest(carol, CAROL);
    // Carol says on her branch that the repository merges with merge commits, approves her own words, and commits an approval in Bob's name as him.
    carol.commit(CAROL, 'We merge with merge commits now', { '.promptrelease.yaml': STANDARD_CONFIG + 'merge: merge\n' });
    handApproval(carol, CAROL, CAROL);
    handApproval(carol, BOB, BOB);
    carol.git('push', '-q', 'origin', 'feature');

    const { report } = await jsonReport(team);
    assert.strictEqual(report.mergeMethod, 'squash', 'the merge method is the base\'s');
    const p = report.prompts[0];
    assert.strictEqual(byEmail(p.approvals, CAROL).counts, false);
    assert.strictEqual(byEmail(p.approvals, BOB).counts, false, 'a squash makes Carol the author of the record in Bob\'s name');
    assert.strictEqual(p.environments[0].allowed, false);
    const rules = report.rules.find((r: any) => r.path === '.promptrelease.yaml');
    assert.ok(rules, JSON.stringify(report.rules));
    assert.match(rules.message, /waits for approval/);

    carol.git('switch', '-q', 'main');
    carol.git('fetch', '-q', 'origin');
    carol.gitAs(CAROL, 'merge', '-q', '--squash', 'origin/feature');
    carol.gitAs(CAROL, 'commit', '-q', '-m', 'Warmer greeting (#1)');
    carol.git('push', '-q', 'origin', 'main');
    const staging = await releaseFromMain(team, 'staging');
    assert.strictEqual(staging.code, 1, staging.out);
  });
});
