import * as assert from 'assert';
import { ALICE, CAROL, TempRepo } from '../helpers/gitFixture';

const VALID = 'environments:\n  staging: { approvals: 1 }\n';
const INVALID = 'environments:\n  staging: { approvals: one }\n';

describe('configuration errors as a user meets them', () => {
  let repo: TempRepo;
  afterEach(() => repo?.dispose());

  it('the only committed .promptrelease.yaml does not parse: status and verify exit 3 with its line, and never speak of a previous version', async () => {
    repo = new TempRepo();
    repo.commit(CAROL, 'Adopt', { '.promptrelease.yaml': INVALID, 'prompts/a.prompt.md': 'Hello.\n' });
    for (const command of ['status', 'verify']) {
      const result = await repo.cli(ALICE, command);
      assert.strictEqual(result.code, 3, `${command}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /\.promptrelease\.yaml:2:25: "approvals" of "staging" must be a whole number/, command);
      assert.match(result.stderr, /no earlier version of it was ever in force, so nothing can be decided until it is fixed/, command);
      assert.doesNotMatch(result.stderr + result.stdout, /previous one stays in force/, command);
      assert.doesNotMatch(result.stdout, /release tags? verified/, command);
    }
  });

  it('an invalid .promptrelease.yaml in the working tree: status shows the error and its line, and exits 3', async () => {
    repo = new TempRepo();
    repo.commit(CAROL, 'Adopt', { '.promptrelease.yaml': VALID, 'prompts/a.prompt.md': 'Hello.\n' });
    repo.write('.promptrelease.yaml', INVALID);
    const result = await repo.cli(ALICE, 'status');
    assert.strictEqual(result.code, 3, result.stdout + result.stderr);
    assert.match(result.stderr, /error: \.promptrelease\.yaml:2:25: "approvals" of "staging" must be a whole number ≥ 0 \(in your working tree/);
    const json = JSON.parse((await repo.cli(ALICE, 'status', '--json')).stdout);
    assert.match(json.workingConfig, /\.promptrelease\.yaml:2:25/);
  });

  it('a committed configuration waiting for approval is not said to "differ" from what is in the working tree', async () => {
    repo = new TempRepo();
    repo.commit(CAROL, 'Adopt', { '.promptrelease.yaml': VALID, '.github/CODEOWNERS': '.promptrelease.yaml @alice\n', 'prompts/a.prompt.md': 'Hello.\n' });
    repo.commit(CAROL, 'Two approvals', { '.promptrelease.yaml': 'environments:\n  staging: { approvals: 2 }\npeople:\n  "@alice": [alice@example.com]\n' });
    const result = await repo.cli(ALICE, 'status');
    assert.strictEqual(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /in your working tree differs/);
    assert.match(result.stderr, /\.promptrelease\.yaml as committed on refs\/heads\/main is not in force yet: it waits for an owner's approval/);
  });
});
