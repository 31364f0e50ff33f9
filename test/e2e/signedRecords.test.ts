import * as assert from 'assert';
import { ALICE, BOB, CAROL, DAVE, standardRepo, type Person, type TempRepo } from '../helpers/gitFixture';

/** Signed evidence, and evidence someone else can pre-empt: a copy never takes a record's place. */

const MALLORY: Person = { name: 'Mallory', email: 'mallory@example.com' };
const PROMPT = 'prompts/greeting.prompt.md';

async function ok(repo: TempRepo, who: Person | undefined, ...args: string[]) {
  const result = await repo.cli(who, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
}

/** The record file the last commit added. */
function lastRecord(repo: TempRepo): string {
  return repo.git('log', '-1', '--format=', '--name-only', '--diff-filter=A', '--', '.promptrelease/records').trim();
}

/** Another path a record could have: same folder, another name. */
function otherPath(recordPath: string, tag: string): string {
  return recordPath.replace(/\.json$/, `-${tag}.json`);
}

describe('hostile contributor: a copy of a record never takes its place (unsigned records)', function () {
  let repo: TempRepo;
  beforeEach(() => {
    repo = standardRepo();
  });
  afterEach(() => repo.dispose());

  it('counts the approval when someone else committed a byte-identical copy of it first', async () => {
    // Alice approves on her review branch; Mallory sees the record and lands a copy on main first.
    repo.git('switch', '-q', '-c', 'alice-review');
    await ok(repo, ALICE, 'review', PROMPT, '--approve');
    const real = lastRecord(repo);
    const approvalCommit = repo.git('rev-parse', 'HEAD').trim();
    const bytes = repo.git('show', `HEAD:${real}`);
    repo.git('switch', '-q', 'main');
    repo.commit(MALLORY, 'Tidy records', { [otherPath(real, 'copy')]: bytes });
    // Alice's approval lands after the copy (a cherry-pick keeps her as its author).
    repo.gitAs(ALICE, 'cherry-pick', approvalCommit);
    assert.strictEqual(repo.git('rev-parse', `HEAD:${real}`).trim(), repo.git('rev-parse', `HEAD:${otherPath(real, 'copy')}`).trim(), 'the copy is the same blob');

    const release = await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging');
    assert.strictEqual(release.code, 0, 'the copy did not hide Alice\'s approval: ' + release.stdout + release.stderr);
    const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
    assert.ok(
      status.problems.some((p: any) => p.location?.file === otherPath(real, 'copy') && /does not count: .*authored by mallory@example.com, not by alice@example.com/.test(p.message)),
      'the copy is reported: ' + JSON.stringify(status.problems),
    );
    const tag = repo.git('tag', '-l', 'prompt-release/*').trim();
    assert.match(repo.git('tag', '-l', '--format=%(contents)', tag), new RegExp(real.replace(/[.]/g, '\\.')), 'the release cites the real record');
    await ok(repo, undefined, 'verify');
  });

  it('does not let an old approval, re-committed after a change request by the same person, answer it', async () => {
    await ok(repo, BOB, 'review', PROMPT, '--approve');
    const old = lastRecord(repo);
    await ok(repo, BOB, 'review', PROMPT, '--request-changes', '-m', 'Leaks the internal name');
    // The same record again at a new path, reformatted (another blob, the same record), with Bob as the commit author (as a rebase or cherry-pick keeps him).
    const copy = JSON.stringify(JSON.parse(repo.git('show', `HEAD:${old}`)));
    repo.commit(BOB, 'prompt-release: review', { [otherPath(old, 'again')]: copy + '\n' });
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(gate.code, 1, 'the replay is the old approval, before the change request: ' + gate.stdout);
    assert.match(gate.stdout, /changes requested by Bob Reviewer <bob@example.com>.*Leaks the internal name/);
    // Bob's own new approval answers it.
    await ok(repo, BOB, 'review', PROMPT, '--approve');
    await ok(repo, DAVE, 'gate', PROMPT, '--env', 'staging');
  });
});
