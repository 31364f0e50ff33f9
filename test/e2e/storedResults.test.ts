import * as assert from 'assert';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { ALICE, DAVE, standardRepo, STANDARD_CONFIG, type TempRepo } from '../helpers/gitFixture';

/**
 * `status` keeps what it printed, keyed by the ids of everything it read. The probe: the
 * stored bytes are marked after the first run; a second run prints the mark only when it
 * reused them. Nothing the answer rests on may change without the answer being decided again.
 */
describe('status reuses its stored result only while nothing it rests on changed', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  const resultFile = () => path.join(repo.dir, '.git', 'prompt-release', 'result-status.bin');
  const PROMPT = 'prompts/greeting.prompt.md';

  beforeEach(() => {
    repo = standardRepo();
  });
  afterEach(() => repo.dispose());

  /** Runs status, then marks the stored bytes so that a reuse is visible (same length, so the file stays whole). */
  async function statusThenMark(...args: string[]): Promise<string> {
    // The first status in a repository leaves only a marker (see the first test): one more run stores.
    if (!existsSync(resultFile())) assert.strictEqual((await repo.cli(DAVE, 'status', ...args)).code, 0);
    const first = await repo.cli(DAVE, 'status', ...args);
    assert.strictEqual(first.code, 0, first.stderr);
    assert.ok(existsSync(resultFile()), 'status stored its result');
    const bytes = readFileSync(resultFile(), 'latin1');
    assert.ok(bytes.includes('greeting.prompt.md'), 'the stored result names the prompt');
    writeFileSync(resultFile(), bytes.split('greeting.prompt.md').join('greeting.prompt.MD'), 'latin1');
    return first.stdout;
  }

  async function reused(...args: string[]): Promise<boolean> {
    const again = await repo.cli(DAVE, 'status', ...args);
    assert.strictEqual(again.code, 0, again.stderr);
    return again.stdout.includes('greeting.prompt.MD');
  }

  it('the first status decides at once and leaves a marker; the next reads its key first and keeps its answer; the one after reuses it', async () => {
    const first = await repo.cli(DAVE, 'status', '--json');
    assert.strictEqual(first.code, 0, first.stderr);
    const marker = readFileSync(resultFile(), 'latin1');
    assert.ok(!marker.includes('greeting.prompt.md'), 'the first run keeps no answer');
    const second = await repo.cli(DAVE, 'status', '--json');
    assert.strictEqual(second.stdout, first.stdout);
    assert.ok(readFileSync(resultFile(), 'latin1').includes('greeting.prompt.md'), 'the second run keeps its answer');
    writeFileSync(resultFile(), readFileSync(resultFile(), 'latin1').split('greeting.prompt.md').join('greeting.prompt.MD'), 'latin1');
    assert.ok(await reused('--json'), 'the third reuses it');
  });

  it('prints the stored bytes when nothing changed, for the same arguments only', async () => {
    await statusThenMark('--json');
    assert.ok(await reused('--json'), 'a repeat with nothing changed reuses the result');
    assert.ok(!(await reused()), 'other arguments are decided afresh');
  });

  it('decides again after a sign-off, a release tag, a branch move or a fetch', async () => {
    await statusThenMark('--json');
    const approved = await repo.cli(ALICE, 'review', PROMPT, '--approve');
    assert.strictEqual(approved.code, 0, approved.stderr);
    const after = await repo.cli(DAVE, 'status', '--json');
    assert.ok(!after.stdout.includes('greeting.prompt.MD'), 'the sign-off commit is seen');
    assert.strictEqual(JSON.parse(after.stdout).prompts[0].approvals.length, 1);

    await statusThenMark('--json');
    const released = await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging');
    assert.strictEqual(released.code, 0, released.stderr + released.stdout);
    assert.ok(!(await reused('--json')), 'a new release tag is seen');

    await statusThenMark('--json');
    repo.git('update-ref', 'refs/remotes/origin/main', 'HEAD~1');
    assert.ok(!(await reused('--json')), 'a remote branch that moved is seen');
  });

  it('decides again when the working tree changes, including a second edit of a file already modified', async () => {
    await statusThenMark('--json');
    repo.write(PROMPT, 'You are a friendly assistant.\nGreet {{name}} warmly.\nEdited.\n');
    assert.ok(!(await reused('--json')), 'an edited prompt is seen');

    repo.write('.promptrelease.yaml', STANDARD_CONFIG + '# a comment\n');
    await statusThenMark('--json');
    repo.write('.promptrelease.yaml', STANDARD_CONFIG + 'environments: [\n');
    const broken = await repo.cli(DAVE, 'status', '--json');
    assert.ok(!broken.stdout.includes('greeting.prompt.MD'), 'the second edit of the configuration is seen');
    assert.strictEqual(broken.code, 3, 'the configuration error is reported, not an old answer');

    repo.write('.promptrelease.yaml', STANDARD_CONFIG);
    repo.write('prompts/new.prompt.md', 'Untracked.\n');
    await statusThenMark('--json');
    repo.write('prompts/other.prompt.md', 'Another untracked one.\n');
    assert.ok(!(await reused('--json')), 'a new untracked prompt is seen');
  });

  it('never keeps an answer that depends on the clock (review expiry, escalation)', async () => {
    repo.commit(ALICE, 'Reviews expire', { '.promptrelease.yaml': STANDARD_CONFIG.replace('staging: { approvals: 1 }', 'staging: { approvals: 1, reviewEvery: 30d }') });
    for (let run = 0; run < 2; run++) {
      const result = await repo.cli(DAVE, 'status', '--json');
      assert.strictEqual(result.code, 0, result.stderr);
      assert.ok(!existsSync(resultFile()) || !readFileSync(resultFile(), 'latin1').includes('greeting.prompt.md'), `run ${run + 1}: no answer is stored under review expiry`);
    }
  });

  it('never prints a result stored for another repository, or for this one in another state (HOSTILE: a planted result)', async () => {
    // A repository where the prompt is approved: its stored result says so.
    const other = standardRepo();
    try {
      assert.strictEqual((await other.cli(ALICE, 'review', PROMPT, '--approve')).code, 0);
      const approvedThere = await other.cli(DAVE, 'status', '--json');
      assert.strictEqual(JSON.parse(approvedThere.stdout).prompts[0].approvals.length, 1);
      const planted = readFileSync(path.join(other.dir, '.git', 'prompt-release', 'result-status.bin'));
      // Planted here, where nobody approved: the answer is decided from this repository.
      await repo.cli(DAVE, 'status', '--json');
      writeFileSync(resultFile(), planted);
      const here = await repo.cli(DAVE, 'status', '--json');
      assert.strictEqual(here.code, 0, here.stderr);
      assert.strictEqual(JSON.parse(here.stdout).prompts[0].approvals.length, 0, 'the planted approval is not printed');
      assert.notStrictEqual(here.stdout, approvedThere.stdout);
    } finally {
      other.dispose();
    }
  });
});
