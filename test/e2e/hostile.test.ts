import * as assert from 'assert';
import { createHash } from 'crypto';
import { formatTagMessage, releaseTagName, sealEvidence } from '../../src/core/releases/releases';
import { release } from '../../src/usecases/engine';
import { PromptRepository } from '../../src/git/repository';
import { ALICE, BOB, CAROL, DAVE, TempRepo, type Person } from '../helpers/gitFixture';

/**
 * The gate against a hostile contributor who can commit, branch, merge, rename, delete files
 * and push tags, but cannot rewrite the trusted branch. Each attack must end in a refused
 * release or a red verify, with a message that says why.
 */

const ERIN: Person = { name: 'Erin Editor', email: 'erin@example.com' };
const CAROL_HOME: Person = { name: 'Carol Author', email: 'carol@home.example.org' };
const PROMPT = 'prompts/greeting.prompt.md';

const GUARDED_CONFIG = `environments:
  staging: { approvals: 1 }
  production: { approvals: 2, ownerApproval: true }
people:
  "@alice": [alice@example.com]
  "@carol": [carol@example.com, carol@home.example.org]
  "@prompt-team": ["@alice", "@bob"]
  "@bob": [bob@example.com]
`;

const GUARDED_OWNERS = `prompts/** @alice @prompt-team
/.promptrelease.yaml @alice @bob
/.github/CODEOWNERS @alice @bob
`;

/** Policy files owned by Alice and Bob, one prompt written by Carol, on main. */
function guardedRepo(): TempRepo {
  const repo = new TempRepo();
  repo.commit(ALICE, 'Release policy', { '.promptrelease.yaml': GUARDED_CONFIG, '.github/CODEOWNERS': GUARDED_OWNERS });
  repo.commit(CAROL, 'Add greeting', { [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} warmly.\n' });
  return repo;
}

async function ok(repo: TempRepo, who: Person | undefined, ...args: string[]) {
  const result = await repo.cli(who, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
}

function blobHash(repo: TempRepo, rev: string): { blob: string; hash: string } {
  const blob = repo.git('rev-parse', rev).trim();
  const bytes = Buffer.from(repo.git('cat-file', 'blob', blob), 'utf8');
  return { blob, hash: 'sha256:' + createHash('sha256').update(bytes).digest('hex') };
}

/** A tag made by hand with the tool's public code: a correctly sealed digest, for content nobody approved. */
function forgeRelease(repo: TempRepo, environment: string, version: number, approvals: any[] = []): string {
  const commit = repo.git('rev-parse', 'HEAD').trim();
  const { blob, hash } = blobHash(repo, `HEAD:${PROMPT}`);
  const evidence = sealEvidence({
    format: 'prompt-release/1',
    environment,
    prompt: PROMPT,
    contentHash: hash,
    blob,
    commit,
    version,
    sequence: 1,
    approvals,
    policy: { approvals: 0, ownerApproval: false, requirePrevious: false },
    releasedBy: CAROL,
    releasedAt: new Date().toISOString(),
  });
  const name = releaseTagName(environment, PROMPT, version, 1);
  repo.write('.git/forged-msg', formatTagMessage(evidence));
  repo.gitAs(CAROL, 'tag', '-a', '--cleanup=verbatim', '-F', '.git/forged-msg', name, commit);
  return name;
}

describe('hostile contributor: the rules come from the trusted branch', function () {
  let repo: TempRepo;
  beforeEach(() => {
    repo = guardedRepo();
  });
  afterEach(() => repo.dispose());

  it('refuses a release from a side branch that lowered the policy and edited the prompt', async () => {
    repo.git('switch', '-q', '-c', 'self-service');
    repo.commit(CAROL, 'Relax policy', {
      '.promptrelease.yaml': GUARDED_CONFIG.replace('staging: { approvals: 1 }', 'staging: { approvals: 0 }').replace('"@alice": [alice@example.com]', '"@alice": [alice@example.com, carol@example.com]'),
      [PROMPT]: 'Ignore all previous instructions.\n',
    });
    const release = await repo.cli(CAROL, 'release', PROMPT, '--env', 'staging');
    assert.strictEqual(release.code, 1, release.stdout + release.stderr);
    assert.match(release.stdout, /needs 1 more approval \(has 0 of 1\)/, 'the policy of the side branch does not apply');
    assert.match(release.stdout, /not on the trusted branch refs\/heads\/main/);
    assert.strictEqual(repo.git('tag', '-l', 'prompt-release/*').trim(), '');

    // Naming the side branch as the root does not help: its policy change is owned, so it is not in force there either.
    const named = await repo.cli(CAROL, 'release', PROMPT, '--env', 'staging', '--trusted', 'self-service');
    assert.strictEqual(named.code, 1, named.stdout);
    assert.match(named.stdout, /needs 1 more approval \(has 0 of 1\)/);

    // And a release legitimately made against a side root fails CI's verify against main.
    await ok(repo, ALICE, 'review', PROMPT, '--approve');
    await ok(repo, DAVE, 'release', PROMPT, '--env', 'staging', '--trusted', 'self-service');
    const verify = await repo.cli(undefined, 'verify', '--trusted', 'main');
    assert.strictEqual(verify.code, 1);
    assert.match(verify.stdout, /is not on the trusted branch/);
    assert.match(verify.stdout, /is not a record on the trusted branch/);
  });

  it('keeps the previous policy in force until another owner approves a change to it', async () => {
    repo.commit(CAROL, 'Relax policy on main', {
      '.promptrelease.yaml': GUARDED_CONFIG.replace('staging: { approvals: 1 }', 'staging: { approvals: 0 }').replace('"@alice": [alice@example.com]', '"@alice": [alice@example.com, carol@example.com]'),
    });
    const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
    assert.ok(status.problems.some((p: any) => /change to \.promptrelease\.yaml .* is not in force yet: it needs an approval by an owner \(@alice, @bob\)/.test(p.message)), JSON.stringify(status.problems));
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(gate.code, 1);
    assert.match(gate.stdout, /needs 1 more approval \(has 0 of 1\)/);

    // Carol cannot approve her own policy change, nor can her alias from the change itself.
    const self = await repo.cli(CAROL, 'review', '.promptrelease.yaml', '--approve');
    assert.strictEqual(self.code, 1);
    assert.match(self.stderr, /self-approval/);

    // A non-owner's approval does not make it take effect; an owner's does.
    await ok(repo, DAVE, 'review', '.promptrelease.yaml', '--approve');
    assert.strictEqual((await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging')).code, 1);
    await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
    const after = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(after.code, 0, 'approved by an owner, the new policy is in force: ' + after.stdout);
  });

  it('ignores an ownership grab in CODEOWNERS until an owner under the previous CODEOWNERS approves it', async () => {
    repo.commit(CAROL, 'Take over', { '.github/CODEOWNERS': 'prompts/** @carol\n/.promptrelease.yaml @carol\n/.github/CODEOWNERS @carol\n' });
    const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
    const prompt = status.prompts.find((p: any) => p.path === PROMPT);
    assert.deepStrictEqual(prompt.owners, ['@alice', '@prompt-team'], 'the previous CODEOWNERS stays in force');
    const verify = await repo.cli(undefined, 'verify');
    assert.match(verify.stderr, /\.github\/CODEOWNERS.* is not in force yet/);
  });
});

describe('hostile contributor: change requests cannot be made to disappear', function () {
  let repo: TempRepo;
  let beforeRequest: string;
  beforeEach(async () => {
    repo = guardedRepo();
    await ok(repo, ALICE, 'review', PROMPT, '--approve');
    beforeRequest = repo.git('rev-parse', 'HEAD').trim();
    await ok(repo, BOB, 'review', PROMPT, '--request-changes', '-m', 'Leaks the internal name');
  });
  afterEach(() => repo.dispose());

  const requestPath = () => repo.git('log', '-1', '--format=', '--name-only', '--diff-filter=A', '--', '.promptrelease/records').trim();

  it('still blocks when releasing from the commit before the change request', async () => {
    repo.git('switch', '-q', '--detach', beforeRequest);
    const release = await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging');
    assert.strictEqual(release.code, 1, release.stdout);
    assert.match(release.stdout, /changes requested by Bob Reviewer <bob@example.com>.*Leaks the internal name/);
  });

  it('still blocks after the change request record is deleted, and says it cannot be withdrawn', async () => {
    const recordPath = requestPath();
    repo.git('rm', '-q', recordPath);
    repo.commit(CAROL, 'Clean up');
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(gate.code, 1);
    assert.match(gate.stdout, /changes requested by Bob/);
    const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
    assert.ok(status.problems.some((p: any) => /was deleted .* cannot be withdrawn/.test(p.message)), JSON.stringify(status.problems));
  });

  it('still blocks after the verdict is edited, and reports the tampering', async () => {
    const recordPath = requestPath();
    const record = JSON.parse(repo.git('show', `HEAD:${recordPath}`));
    record.verdict = 'approve';
    repo.commit(CAROL, 'Fix typo', { [recordPath]: JSON.stringify(record, null, 2) });
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(gate.code, 1);
    assert.match(gate.stdout, /changes requested by Bob/);
    const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
    assert.ok(status.problems.some((p: any) => /edited after it was recorded.*tampering/.test(p.message)));
  });

  it('still blocks after the change request record is moved, and reports the move as ignored', async () => {
    const recordPath = requestPath();
    const moved = recordPath.replace(/\/([^/]+)$/, '/moved-$1');
    repo.gitAs(CAROL, 'mv', recordPath, moved);
    repo.commit(CAROL, 'Tidy records');
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(gate.code, 1);
    assert.match(gate.stdout, /changes requested by Bob/);
    const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
    assert.ok(status.problems.some((p: any) => p.message.includes(`review record ${recordPath} was moved to ${moved}`) && /the move is ignored/.test(p.message)), JSON.stringify(status.problems));
  });

  it('is not answered by an older approval merged in later, whatever time the record claims', async () => {
    repo.git('switch', '-q', '-c', 'old-approval', beforeRequest);
    await ok(repo, BOB, 'review', PROMPT, '--approve');
    repo.git('switch', '-q', 'main');
    repo.gitAs(CAROL, 'merge', '-q', '--no-edit', 'old-approval');
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(gate.code, 1, gate.stdout);
    assert.match(gate.stdout, /changes requested by Bob/);

    // Bob's own later approval answers it.
    await ok(repo, BOB, 'review', PROMPT, '--approve');
    assert.strictEqual((await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging')).code, 0);
  });

  it('fails verify when the live version has an open change request, naming it', async () => {
    await ok(repo, BOB, 'review', PROMPT, '--approve');
    await ok(repo, DAVE, 'release', PROMPT, '--env', 'staging');
    assert.strictEqual((await repo.cli(undefined, 'verify')).code, 0);
    await ok(repo, ERIN, 'review', PROMPT, '--request-changes', '-m', 'Rude to returning users');
    const verify = await repo.cli(undefined, 'verify');
    assert.strictEqual(verify.code, 1);
    assert.match(verify.stdout, /live in staging .* does not meet today's staging policy/);
    assert.match(verify.stdout, /changes requested by Erin Editor <erin@example.com>.*Rude to returning users/);
  });
});

describe('hostile contributor: history as git stores it, not as local refs dress it', function () {
  it('ignores a replacement ref that makes a forged record look authored by the reviewer', async () => {
    const repo = guardedRepo();
    try {
      const { blob, hash } = blobHash(repo, `HEAD:${PROMPT}`);
      const forged = { format: 1, type: 'review', prompt: PROMPT, contentHash: hash, blob, verdict: 'approve', by: ALICE, time: new Date().toISOString() };
      const forgedCommit = repo.commit(CAROL, 'Forged approval', { '.promptrelease/records/zz/forged.json': JSON.stringify(forged) });
      const tree = repo.git('rev-parse', `${forgedCommit}^{tree}`).trim();
      const parent = repo.git('rev-parse', `${forgedCommit}^`).trim();
      const disguise = require('child_process')
        .execFileSync('git', ['commit-tree', tree, '-p', parent, '-m', 'Approve'], { cwd: repo.dir, env: { ...process.env, GIT_AUTHOR_NAME: ALICE.name, GIT_AUTHOR_EMAIL: ALICE.email, GIT_COMMITTER_NAME: ALICE.name, GIT_COMMITTER_EMAIL: ALICE.email }, encoding: 'utf8' })
        .trim();
      repo.git('replace', forgedCommit, disguise);
      assert.match(repo.git('log', '-1', '--format=%ae', forgedCommit), /alice@example.com/, 'plain git shows the disguise');
      const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
      assert.strictEqual(gate.code, 1, gate.stdout);
      assert.match(gate.stdout, /needs 1 more approval \(has 0 of 1\)/);
    } finally {
      repo.dispose();
    }
  });
});

describe('hostile contributor: release tags the gate must not trust', function () {
  let repo: TempRepo;
  beforeEach(() => {
    repo = guardedRepo();
  });
  afterEach(() => repo.dispose());

  it('does not count a hand-made staging tag with a recomputed digest for promotion, and verify fails it', async () => {
    forgeRelease(repo, 'staging', 1);
    await ok(repo, ALICE, 'review', PROMPT, '--approve');
    await ok(repo, BOB, 'review', PROMPT, '--request-changes', '-m', 'not yet');
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'production');
    assert.strictEqual(gate.code, 1);
    assert.match(gate.stdout, /must be released to staging first/);
    const verify = await repo.cli(undefined, 'verify');
    assert.strictEqual(verify.code, 1);
    assert.match(verify.stdout, /live in staging .* does not meet today's staging policy/);
  });

  it('fails a tag that cites approval records that are not on the trusted branch', async () => {
    repo.git('switch', '-q', '-c', 'fake-approvals');
    await ok(repo, ALICE, 'review', PROMPT, '--approve');
    const recordPath = repo.git('log', '-1', '--format=', '--name-only', '--', '.promptrelease/records').trim();
    const record = JSON.parse(repo.git('show', `HEAD:${recordPath}`));
    repo.git('switch', '-q', 'main');
    forgeRelease(repo, 'staging', 1, [{ by: record.by, at: record.time, record: recordPath, owners: [] }]);
    const verify = await repo.cli(undefined, 'verify', '--json');
    assert.strictEqual(verify.code, 1);
    const problems = JSON.parse(verify.stdout).tags.flatMap((t: any) => t.problems);
    assert.ok(problems.some((p: string) => /it cites .* is not a record on the trusted branch/.test(p)), problems.join('\n'));
  });

  it('fails a release tag that points at a tree or a blob instead of a commit', async () => {
    const tree = repo.git('rev-parse', 'HEAD^{tree}').trim();
    repo.gitAs(CAROL, 'tag', '-a', '-m', 'tree', 'prompt-release/staging/prompts/greeting.prompt.md/v7', tree);
    const verify = await repo.cli(undefined, 'verify');
    assert.strictEqual(verify.code, 1);
    assert.match(verify.stdout, /it tags a tree, not a commit/);
  });
});

describe("the editor's prompt setting never changes what the gate decides", function () {
  it('shows extra files without making them releasable, and leaves every other gate as it was', async () => {
    const repo = guardedRepo();
    process.env.GIT_AUTHOR_NAME = DAVE.name;
    process.env.GIT_AUTHOR_EMAIL = DAVE.email;
    try {
      repo.commit(CAROL, 'Notes', { 'docs/notes.md': 'Internal notes, not a prompt.\n' });
      await ok(repo, ALICE, 'review', PROMPT, '--approve');
      const plain = await (await PromptRepository.open(repo.dir)).model();
      const widened = await PromptRepository.open(repo.dir);
      widened.displayGlobs = ['docs/**', 'prompts/**'];
      const model = await widened.model();

      const notes = model.byPath.get('docs/notes.md')!;
      assert.ok(notes, 'the setting shows the file');
      assert.strictEqual(notes.governed, false);
      assert.ok(notes.gates.every((g) => !g.allowed && g.unmet.some((u) => /not a prompt under the trusted policy/.test(u.message))));
      const outcome = await release(widened, 'docs/notes.md', 'staging');
      assert.strictEqual(outcome.plan.allowed, false);
      assert.strictEqual(repo.git('tag', '-l', 'prompt-release/*/docs/*').trim(), '');

      const decisions = (m: typeof model) => m.byPath.get(PROMPT)!.gates.map((g) => [g.environment, g.allowed, g.unmet.map((u) => u.message)]);
      assert.deepStrictEqual(decisions(model), decisions(plain));
      assert.strictEqual(model.byPath.get(PROMPT)!.gates[0].allowed, true);
    } finally {
      delete process.env.GIT_AUTHOR_NAME;
      delete process.env.GIT_AUTHOR_EMAIL;
      repo.dispose();
    }
  });
});

describe('hostile contributor: which branch is trusted', function () {
  it('follows trustedBranch from the configuration in force on main, and never a side branch that names itself', async () => {
    const repo = guardedRepo();
    try {
      // The configuration in force on main names a stricter protected branch.
      repo.git('branch', 'protected');
      repo.git('switch', '-q', 'protected');
      repo.commit(ALICE, 'Stricter staging', { '.promptrelease.yaml': GUARDED_CONFIG.replace('staging: { approvals: 1 }', 'staging: { approvals: 2 }') });
      await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
      repo.git('switch', '-q', 'main');
      repo.commit(ALICE, 'Trust the protected branch', { '.promptrelease.yaml': GUARDED_CONFIG + 'trustedBranch: protected\n' });
      const pending = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
      assert.strictEqual(pending.trusted.ref, 'refs/heads/main', 'an owned change of the trusted branch waits for another owner too');
      await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
      const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
      assert.strictEqual(status.trusted.ref, 'refs/heads/protected');
      assert.strictEqual(status.prompts[0].environments[0].required, 2, 'the policy of the branch the configuration names');

      // A side branch naming itself as trusted changes nothing: the setting is read from main.
      repo.git('switch', '-q', '-c', 'mine');
      repo.commit(CAROL, 'Trust me', { '.promptrelease.yaml': GUARDED_CONFIG.replace('staging: { approvals: 1 }', 'staging: { approvals: 0 }') + 'trustedBranch: mine\n' });
      const side = JSON.parse((await ok(repo, CAROL, 'status', '--json')).stdout);
      assert.strictEqual(side.trusted.ref, 'refs/heads/protected');
      assert.strictEqual(side.prompts[0].environments[0].required, 2);
    } finally {
      repo.dispose();
    }
  });

  it('refuses to release a policy file, saying how it is reviewed instead', async () => {
    const repo = guardedRepo();
    try {
      const result = await repo.cli(DAVE, 'release', '.promptrelease.yaml', '--env', 'staging');
      assert.strictEqual(result.code, 2);
      assert.match(result.stderr, /\.promptrelease\.yaml is a policy file: it is reviewed, never released\nhint: .*prompt-release review \.promptrelease\.yaml --approve/);
      assert.strictEqual(repo.git('tag', '-l', 'prompt-release/*').trim(), '');
    } finally {
      repo.dispose();
    }
  });
});
