import * as assert from 'assert';
import { ALICE, BOB, CAROL, DAVE, standardRepo, TempRepo } from '../helpers/gitFixture';

/**
 * A hostile contributor who can commit a .mailmap but cannot rewrite the protected branch:
 * a committed .mailmap must change no verdict: only `people:` in the trusted policy says who is whom.
 */

const PROMPT = 'prompts/greeting.prompt.md';

describe('hostile contributor: a committed .mailmap changes no verdict', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  beforeEach(() => {
    repo = standardRepo();
  });
  afterEach(() => repo.dispose());

  it("does not let Alice's approval answer Bob's change request because a .mailmap joins their emails", async () => {
    repo.commit(CAROL, 'Mailmap', { '.mailmap': 'Alice Owner <alice@example.com> Bob Reviewer <bob@example.com>\n' });
    assert.strictEqual((await repo.cli(BOB, 'review', PROMPT, '--request-changes', '-m', 'No.')).code, 0);
    assert.strictEqual((await repo.cli(ALICE, 'review', PROMPT, '--approve')).code, 0);
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(gate.code, 1, gate.stdout);
    assert.match(gate.stdout, /changes requested by Bob Reviewer <bob@example.com>[^\n]*"No\."/);
    const release = await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging');
    assert.strictEqual(release.code, 1, release.stdout);
    assert.strictEqual(repo.git('tag', '-l', 'prompt-release/*').trim(), '');
  });

  it('counts two approvals by emails a .mailmap joins as two people, as the trusted people: says', async () => {
    repo.commit(CAROL, 'Mailmap', { '.mailmap': 'Alice Owner <alice@example.com> <bob@example.com>\n' });
    assert.strictEqual((await repo.cli(ALICE, 'review', PROMPT, '--approve')).code, 0);
    assert.strictEqual((await repo.cli(BOB, 'review', PROMPT, '--approve')).code, 0);
    const gate = JSON.parse((await repo.cli(DAVE, 'gate', PROMPT, '--env', 'production', '--json')).stdout);
    assert.strictEqual(gate.approvals, 2, JSON.stringify(gate));
    assert.ok(!gate.unmet.some((u: any) => /more approval/.test(u.message)), JSON.stringify(gate.unmet));

    // Only people: joins them: then they are one person, one approval.
    repo.commit(ALICE, 'Alice and Bob are one person', {
      '.promptrelease.yaml': 'environments:\n  staging: { approvals: 1 }\n  production: { approvals: 2, ownerApproval: true }\npeople:\n  "@alice": [alice@example.com, bob@example.com]\n  "@prompt-team": ["@alice"]\n',
    });
    const joined = JSON.parse((await repo.cli(DAVE, 'gate', PROMPT, '--env', 'production', '--json')).stdout);
    assert.strictEqual(joined.approvals, 1, JSON.stringify(joined));
  });

  it("does not make an author's alias named only in a .mailmap one person with the author", async () => {
    const CAROL_HOME = { name: 'Carol (home)', email: 'carol@home.example.org' };
    // The .mailmap joins Carol's address with Dave's: his approval stays his, not hers.
    repo.commit(CAROL, 'Mailmap', { '.mailmap': 'Carol Author <carol@example.com> <dave@example.com>\nCarol Author <carol@example.com> <carol@home.example.org>\n' });
    const dave = await repo.cli(DAVE, 'review', PROMPT, '--approve');
    assert.strictEqual(dave.code, 0, dave.stderr);
    // Listed under people:, an alias is the author: refused as self-approval.
    repo.commit(ALICE, 'Carol has two addresses', { '.promptrelease.yaml': `${'environments:\n  staging: { approvals: 1 }\npeople:\n  "@alice": [alice@example.com]\n  "@carol": [carol@example.com, carol@home.example.org]\n'}` });
    const home = await repo.cli(CAROL_HOME, 'review', PROMPT, '--approve');
    assert.strictEqual(home.code, 1, home.stderr);
    assert.match(home.stderr, /carol@home\.example\.org cannot approve .*self-approval/);
  });
});
