import * as assert from 'assert';
import { PromptRepository } from '../../src/git/repository';
import { ALICE, BOB, CAROL, DAVE, TempRepo, type Person } from '../helpers/gitFixture';

/**
 * Which rules are in force, against a hostile contributor who can commit, branch, merge,
 * move and delete files on the trusted branch (but not rewrite it): the rules files
 * (.promptrelease.yaml, the CODEOWNERS GitHub uses, the signers file) change only through a
 * transition an owner under the rules in force approved, on every path to the tip, once.
 */

const PROMPT = 'prompts/greeting.prompt.md';
const SIGNERS = '.github/allowed_signers';

const CONFIG = `environments:
  staging: { approvals: 1 }
  production: { approvals: 2, ownerApproval: true }
signers: ${SIGNERS}
people:
  "@alice": [alice@example.com]
  "@bob": [bob@example.com]
`;

const OWNERS = `prompts/** @alice @bob
/.promptrelease.yaml @alice @bob
/.github/ @alice @bob
/CODEOWNERS @alice @bob
/docs/ @alice @bob
`;

const ALICE_KEY = 'alice@example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA1iY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1\n';
const CAROL_KEY = 'carol@example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNhcm9sY2Fyb2xjYXJvbGNhcm9sY2Fyb2xjYXJvbGM=\n';

function rulesRepo(): TempRepo {
  const repo = new TempRepo();
  repo.commit(ALICE, 'Release policy', { '.promptrelease.yaml': CONFIG, '.github/CODEOWNERS': OWNERS, [SIGNERS]: ALICE_KEY });
  repo.commit(CAROL, 'Add greeting', { [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} warmly.\n' });
  return repo;
}

async function ok(repo: TempRepo, who: Person | undefined, ...args: string[]) {
  const result = await repo.cli(who, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
}

async function policyOf(repo: TempRepo) {
  const opened = await PromptRepository.open(repo.dir, undefined, { persistentCache: false });
  return (await opened.model()).policy;
}

function blobAt(repo: TempRepo, rev: string, path: string): string {
  return repo.git('rev-parse', `${rev}:${path}`).trim();
}

describe('hostile contributor: the signers file is a rules file', function () {
  let repo: TempRepo;
  beforeEach(() => {
    repo = rulesRepo();
  });
  afterEach(() => repo.dispose());

  it('reads the signers file the configuration in force names, as in force', async () => {
    const policy = await policyOf(repo);
    assert.strictEqual(policy.signers?.file, SIGNERS);
    assert.strictEqual(policy.inForce.get(SIGNERS), blobAt(repo, 'HEAD', SIGNERS));
  });

  it('does not count a key an attacker adds until an owner who did not write it approves it', async () => {
    const before = blobAt(repo, 'HEAD', SIGNERS);
    repo.commit(CAROL, 'Add my key', { [SIGNERS]: ALICE_KEY + CAROL_KEY });
    let policy = await policyOf(repo);
    assert.strictEqual(policy.inForce.get(SIGNERS), before, 'the signers file in force is still the approved one');
    assert.ok(policy.pending.some((p) => p.file === SIGNERS && /prompt-release review \.github\/allowed_signers --approve/.test(p.message)), JSON.stringify(policy.pending));

    const self = await repo.cli(CAROL, 'review', SIGNERS, '--approve');
    assert.strictEqual(self.code, 1, 'its author cannot approve it');
    await ok(repo, DAVE, 'review', SIGNERS, '--approve');
    assert.strictEqual((await policyOf(repo)).inForce.get(SIGNERS), before, 'a non-owner approval does not count');

    await ok(repo, BOB, 'review', SIGNERS, '--approve');
    policy = await policyOf(repo);
    assert.strictEqual(policy.inForce.get(SIGNERS), blobAt(repo, 'HEAD', SIGNERS), 'approved by an owner, the key counts');
    assert.ok(!policy.pending.some((p) => p.file === SIGNERS));
  });

  it('keeps a removed key counting until the removal is approved', async () => {
    repo.commit(ALICE, 'Two keys', { [SIGNERS]: ALICE_KEY + CAROL_KEY });
    await ok(repo, BOB, 'review', SIGNERS, '--approve');
    const both = blobAt(repo, 'HEAD', SIGNERS);
    repo.commit(CAROL, 'Drop Alice', { [SIGNERS]: CAROL_KEY });
    assert.strictEqual((await policyOf(repo)).inForce.get(SIGNERS), both);
    await ok(repo, ALICE, 'review', SIGNERS, '--approve');
    assert.strictEqual((await policyOf(repo)).inForce.get(SIGNERS), blobAt(repo, 'HEAD', SIGNERS));
  });
});

/** Owners at the root CODEOWNERS; nothing owns .github/ or docs/, where GitHub also looks. */
const ROOT_OWNERS = `prompts/** @alice @bob
/.promptrelease.yaml @alice @bob
/CODEOWNERS @alice @bob
/${SIGNERS} @alice @bob
`;
const WEAK_CONFIG = CONFIG.replace('staging: { approvals: 1 }', 'staging: { approvals: 0 }');
const GRAB = 'prompts/** @carol\n/.promptrelease.yaml @carol\n';

async function stagingGate(repo: TempRepo) {
  return repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
}

async function ownersOfPrompt(repo: TempRepo): Promise<string[]> {
  const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
  return status.prompts.find((p: any) => p.path === PROMPT).owners;
}

describe('hostile contributor: rules files that move or vanish', function () {
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
    repo.commit(ALICE, 'Release policy', { '.promptrelease.yaml': CONFIG, CODEOWNERS: ROOT_OWNERS, [SIGNERS]: ALICE_KEY });
    repo.commit(CAROL, 'Add greeting', { [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} warmly.\n' });
  });
  afterEach(() => repo.dispose());

  it('keeps the owned CODEOWNERS in force when it is deleted and another one is added under docs/', async () => {
    repo.git('rm', '-q', 'CODEOWNERS');
    repo.commit(CAROL, 'Move owners to docs', { 'docs/CODEOWNERS': GRAB });
    assert.deepStrictEqual(await ownersOfPrompt(repo), ['@alice', '@bob'], 'the owned CODEOWNERS stays in force');
    const policy = await policyOf(repo);
    const pending = policy.pending.find((p) => p.file === 'docs/CODEOWNERS');
    assert.ok(pending, JSON.stringify(policy.pending));
    assert.match(pending!.message, /would replace CODEOWNERS, the CODEOWNERS in force.*owner of CODEOWNERS \(@alice, @bob\).*prompt-release review docs\/CODEOWNERS --approve/);
    // Carol cannot approve her own move.
    assert.strictEqual((await repo.cli(CAROL, 'review', 'docs/CODEOWNERS', '--approve')).code, 1);
    assert.deepStrictEqual(await ownersOfPrompt(repo), ['@alice', '@bob']);
  });

  it('keeps the owned CODEOWNERS in force when a higher-priority .github/CODEOWNERS shadows it', async () => {
    repo.commit(CAROL, 'Shadow the owners', { '.github/CODEOWNERS': GRAB });
    assert.deepStrictEqual(await ownersOfPrompt(repo), ['@alice', '@bob']);
    const verify = await repo.cli(undefined, 'verify');
    assert.match(verify.stderr, /\.github\/CODEOWNERS .* would replace CODEOWNERS.*prompt-release review \.github\/CODEOWNERS --approve/);
  });

  it('takes a CODEOWNERS move once an owner of the one in force approves it at its new place', async () => {
    repo.gitAs(CAROL, 'mv', 'CODEOWNERS', '.github/CODEOWNERS');
    repo.commit(CAROL, 'Owners under .github', { '.github/CODEOWNERS': ROOT_OWNERS.replace('/CODEOWNERS', '/.github/CODEOWNERS') + 'prompts/greeting.prompt.md @bob\n' });
    assert.deepStrictEqual(await ownersOfPrompt(repo), ['@alice', '@bob']);
    await ok(repo, ALICE, 'review', '.github/CODEOWNERS', '--approve');
    assert.deepStrictEqual(await ownersOfPrompt(repo), ['@bob'], 'the moved CODEOWNERS is in force');
    assert.strictEqual((await policyOf(repo)).inForce.get('.github/CODEOWNERS'), blobAt(repo, 'HEAD', '.github/CODEOWNERS'));
  });

  it('keeps .promptrelease.yaml in force when it is deleted, until an owner approves the deletion', async () => {
    repo.git('rm', '-q', '.promptrelease.yaml');
    repo.commit(CAROL, 'Drop the policy');
    const gate = await stagingGate(repo);
    assert.strictEqual(gate.code, 1, 'the deleted configuration still applies: ' + gate.stdout);
    const policy = await policyOf(repo);
    const pending = policy.pending.find((p) => p.file === '.promptrelease.yaml');
    assert.match(pending?.message ?? '', /was deleted in commit .* approves the deletion with: prompt-release review \.promptrelease\.yaml --approve/);
    assert.strictEqual((await repo.cli(CAROL, 'review', '.promptrelease.yaml', '--approve')).code, 1, 'who deleted it cannot approve it');
    await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
    const after = await policyOf(repo);
    assert.strictEqual(after.config.source, 'default', 'the approved deletion takes effect: the defaults apply');
    assert.ok(!after.pending.some((p) => p.file === '.promptrelease.yaml'));
  });

  it('keeps the signers file in force when it is deleted or moved, or signers: points elsewhere', async () => {
    const inForce = blobAt(repo, 'HEAD', SIGNERS);
    repo.git('rm', '-q', SIGNERS);
    repo.commit(CAROL, 'Move the signers', { 'keys/allowed_signers': ALICE_KEY + CAROL_KEY });
    let policy = await policyOf(repo);
    assert.strictEqual(policy.inForce.get(SIGNERS), inForce);
    assert.match(policy.pending.find((p) => p.file === SIGNERS)?.message ?? '', /approves the deletion with: prompt-release review \.github\/allowed_signers --approve/);

    // Pointing signers: at the moved file is a change of the configuration, and an approval of it does not approve other keys.
    repo.commit(CAROL, 'Point at the moved file', { '.promptrelease.yaml': CONFIG.replace(`signers: ${SIGNERS}`, 'signers: keys/allowed_signers') });
    await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
    policy = await policyOf(repo);
    assert.strictEqual(policy.config.signers, 'keys/allowed_signers', 'the approved configuration is in force');
    assert.strictEqual(policy.inForce.get(SIGNERS), inForce, 'the keys in force stay until the new file is approved');
    assert.ok(!policy.inForce.has('keys/allowed_signers'));
    const pending = policy.pending.find((p) => p.file === 'keys/allowed_signers');
    assert.match(pending?.message ?? '', /would replace \.github\/allowed_signers, the signers file in force.*prompt-release review keys\/allowed_signers --approve/);

    await ok(repo, ALICE, 'review', 'keys/allowed_signers', '--approve');
    policy = await policyOf(repo);
    assert.strictEqual(policy.inForce.get('keys/allowed_signers'), blobAt(repo, 'HEAD', 'keys/allowed_signers'), 'approved, the moved file is in force');
    assert.strictEqual(policy.signers?.file, 'keys/allowed_signers');
  });
});

describe('hostile contributor: a replayed policy', function () {
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
    repo.commit(ALICE, 'Release policy', { '.promptrelease.yaml': CONFIG, '.github/CODEOWNERS': OWNERS, [SIGNERS]: ALICE_KEY });
    repo.commit(CAROL, 'Add greeting', { [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} warmly.\n' });
  });
  afterEach(() => repo.dispose());

  it('does not put back an old, weaker configuration approved long ago when its bytes are committed again', async () => {
    repo.commit(CAROL, 'Relax staging', { '.promptrelease.yaml': WEAK_CONFIG });
    await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
    assert.strictEqual((await stagingGate(repo)).code, 0, 'the weak configuration was approved then');
    repo.commit(ALICE, 'Tighten staging again', { '.promptrelease.yaml': CONFIG.replace('staging: { approvals: 1 }', 'staging: { approvals: 2 }') });
    await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
    assert.strictEqual((await stagingGate(repo)).code, 1);

    repo.commit(CAROL, 'Restore the old one', { '.promptrelease.yaml': WEAK_CONFIG });
    const gate = await stagingGate(repo);
    assert.strictEqual(gate.code, 1, 'the old approval does not count for this transition: ' + gate.stdout);
    assert.match(gate.stdout, /needs 2 more approvals|has 0 of 2/);
    assert.ok((await policyOf(repo)).pending.some((p) => p.file === '.promptrelease.yaml'));
  });

  it('does not replay the first approval of A->B when the history goes A->B->A->B', async () => {
    const A = CONFIG;
    const B = WEAK_CONFIG;
    repo.commit(CAROL, 'A->B', { '.promptrelease.yaml': B });
    await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
    repo.commit(CAROL, 'B->A', { '.promptrelease.yaml': A });
    await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
    assert.strictEqual((await stagingGate(repo)).code, 1, 'A is in force');
    repo.commit(CAROL, 'A->B again', { '.promptrelease.yaml': B });
    assert.strictEqual((await stagingGate(repo)).code, 1, 'the first A->B approval does not count again');
    // A fresh approval of this transition does.
    await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
    assert.strictEqual((await stagingGate(repo)).code, 0);
  });
});

describe('hostile contributor: the shape of the history', function () {
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
    repo.commit(ALICE, 'Release policy', { '.promptrelease.yaml': CONFIG, '.github/CODEOWNERS': OWNERS, [SIGNERS]: ALICE_KEY });
    repo.commit(CAROL, 'Add greeting', { [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} warmly.\n' });
  });
  afterEach(() => repo.dispose());

  it('refuses a foreign history merged as first parent and fast-forwarded onto main instead of adopting its rules', async () => {
    repo.gitAs(CAROL, 'checkout', '-q', '--orphan', 'foreign');
    repo.gitAs(CAROL, 'rm', '-rq', '--cached', '.');
    repo.git('clean', '-fdq');
    repo.commit(CAROL, 'Adopt my rules', { '.promptrelease.yaml': WEAK_CONFIG, '.github/CODEOWNERS': GRAB, [SIGNERS]: CAROL_KEY, [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} warmly.\n' });
    repo.gitAs(CAROL, 'merge', '-q', '--allow-unrelated-histories', '-s', 'ours', '-m', 'Adopt main', 'main');
    repo.gitAs(CAROL, 'checkout', '-q', 'main');
    repo.gitAs(CAROL, 'merge', '-q', '--ff-only', 'foreign');
    const gate = await stagingGate(repo);
    assert.notStrictEqual(gate.code, 0, 'the gate does not pass under the foreign rules: ' + gate.stdout + gate.stderr);
    assert.match(gate.stderr, /cannot establish the rules in force on the trusted branch: merge [0-9a-f]{10} joins histories with different rules in force/);
    const verify = await repo.cli(undefined, 'verify');
    assert.notStrictEqual(verify.code, 0);
  });

  it('does not let a merge bring an unapproved rules change from a side branch, whichever parent comes first', async () => {
    repo.gitAs(CAROL, 'checkout', '-q', '-b', 'side');
    repo.commit(CAROL, 'Relax on a side branch', { '.promptrelease.yaml': WEAK_CONFIG });
    repo.gitAs(CAROL, 'merge', '-q', '--no-ff', '-m', 'Merge main into side', 'main');
    repo.gitAs(CAROL, 'checkout', '-q', 'main');
    repo.gitAs(CAROL, 'merge', '-q', '--ff-only', 'side');
    assert.strictEqual((await stagingGate(repo)).code, 1, 'the weak configuration is not in force');
    await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
    assert.strictEqual((await stagingGate(repo)).code, 0, 'approved, it is');
  });

  it('keeps the newer approved rules when an older branch with an unapproved change is merged', async () => {
    repo.gitAs(CAROL, 'checkout', '-q', '-b', 'old');
    repo.commit(CAROL, 'Stricter production', { '.promptrelease.yaml': CONFIG.replace('production: { approvals: 2', 'production: { approvals: 3') });
    repo.gitAs(CAROL, 'checkout', '-q', 'main');
    repo.commit(ALICE, 'Relax staging', { '.promptrelease.yaml': WEAK_CONFIG });
    await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
    repo.gitAs(CAROL, 'merge', '-q', '--no-commit', '-s', 'ours', 'old');
    repo.commit(CAROL, 'Merge old, both changes', { '.promptrelease.yaml': WEAK_CONFIG.replace('production: { approvals: 2', 'production: { approvals: 3') });
    assert.strictEqual((await stagingGate(repo)).code, 0, 'the approved configuration of main stays in force');
    const policy = await policyOf(repo);
    assert.strictEqual(policy.config.environments[1].approvals, 2, 'the merged version waits for its approval');
    assert.ok(policy.pending.some((p) => p.file === '.promptrelease.yaml'));
    await ok(repo, BOB, 'review', '.promptrelease.yaml', '--approve');
    assert.strictEqual((await policyOf(repo)).config.environments[1].approvals, 3, 'approved, the merged version is in force');
  });

  it('does not let a history without rules adopt rules through a merge when main has rules', async () => {
    repo.gitAs(CAROL, 'checkout', '-q', '--orphan', 'bare');
    repo.gitAs(CAROL, 'rm', '-rq', '--cached', '.');
    repo.git('clean', '-fdq');
    repo.commit(CAROL, 'Unrelated root', { 'README.md': 'hi\n' });
    repo.gitAs(CAROL, 'merge', '-q', '--allow-unrelated-histories', '--no-commit', 'main');
    repo.commit(CAROL, 'Merge with a weaker configuration', { '.promptrelease.yaml': WEAK_CONFIG });
    repo.gitAs(CAROL, 'checkout', '-q', 'main');
    repo.gitAs(CAROL, 'merge', '-q', '--ff-only', 'bare');
    assert.strictEqual((await stagingGate(repo)).code, 1, 'judged under main\'s rules, the change needs an approval');
    assert.ok((await policyOf(repo)).pending.some((p) => p.file === '.promptrelease.yaml'));
  });
});
