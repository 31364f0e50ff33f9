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
