import * as assert from 'assert';
import { PromptRepository } from '../../src/git/repository';
import type { RepoModel } from '../../src/core/model/model';
import { ALICE, BOB, CAROL, DAVE, standardRepo, STANDARD_CONFIG, type TempRepo } from '../helpers/gitFixture';

/**
 * The model is memoised per prompt by the ids of its inputs: a refresh re-decides only the
 * prompts whose inputs changed. Counted through `model.decided`, never timed; and every
 * memoised model must say exactly what a model built from scratch says.
 */
describe('work proportional to what changed: decisions are reused by the ids of their inputs', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  let editor: PromptRepository;

  const PROMPTS = ['prompts/greeting.prompt.md', 'prompts/farewell.prompt.md', 'prompts/summary.prompt.md', 'prompts/triage.prompt.md'];

  beforeEach(async () => {
    repo = standardRepo();
    repo.commit(CAROL, 'More prompts', {
      'prompts/farewell.prompt.md': 'Say goodbye to {{name}}.\n',
      'prompts/summary.prompt.md': 'Summarise the ticket in three lines.\n',
      'prompts/triage.prompt.md': 'Classify the ticket as bug, question or request.\n',
    });
    // One object kept across refreshes, as the editor keeps it.
    editor = await PromptRepository.open(repo.dir, undefined, { persistentCache: false });
  });
  afterEach(() => repo.dispose());

  /** The same answers from scratch: the memo never changes a decision. */
  async function assertSameAsFresh(model: RepoModel, what: string): Promise<void> {
    const fresh = await (await PromptRepository.open(repo.dir, undefined, { persistentCache: false })).model();
    const view = (m: RepoModel) =>
      m.prompts.map((p) => ({ path: p.path, state: p.state, gates: p.gates, approvals: p.currentReviews.map((r) => r.record.by.email), authors: p.authors, releases: p.releases.map((r) => r.tag), live: p.live }));
    assert.deepStrictEqual(view(model), view(fresh), `${what}: the memoised model differs from one built from scratch`);
  }

  it('decides every prompt once, then nothing while nothing changed', async () => {
    const first = await editor.model();
    assert.deepStrictEqual([...first.decided].sort(), [...PROMPTS].sort());
    const again = await editor.model();
    assert.deepStrictEqual(again.decided, [], 'a refresh with nothing changed decides nothing');
    await assertSameAsFresh(again, 'nothing changed');
  });

  it('re-decides only the prompt a sign-off is about', async () => {
    await editor.model();
    const signed = await repo.cli(ALICE, 'review', 'prompts/summary.prompt.md', '--approve');
    assert.strictEqual(signed.code, 0, signed.stderr);
    const after = await editor.model();
    assert.deepStrictEqual(after.decided, ['prompts/summary.prompt.md']);
    assert.strictEqual(after.byPath.get('prompts/summary.prompt.md')!.currentReviews.length, 1, 'the approval is in the model');
    await assertSameAsFresh(after, 'after a sign-off');

    const second = await repo.cli(BOB, 'review', 'prompts/summary.prompt.md', '--approve');
    assert.strictEqual(second.code, 0, second.stderr);
    const released = await repo.cli(DAVE, 'release', 'prompts/summary.prompt.md', '--env', 'staging');
    assert.strictEqual(released.code, 0, released.stderr + released.stdout);
    const afterRelease = await editor.model();
    assert.deepStrictEqual(afterRelease.decided, ['prompts/summary.prompt.md'], 'a second sign-off and a release tag touch that prompt only');
    await assertSameAsFresh(afterRelease, 'after a release');
  });

  it('re-decides nothing for an unrelated commit, and the edited prompt alone for an edit', async () => {
    await editor.model();
    repo.commit(CAROL, 'Docs', { 'docs/notes.md': 'Not a prompt.\n' });
    assert.deepStrictEqual((await editor.model()).decided, [], 'an unrelated commit decides nothing');
    repo.write('prompts/triage.prompt.md', 'Classify the ticket.\n');
    const edited = await editor.model();
    assert.deepStrictEqual(edited.decided, ['prompts/triage.prompt.md'], 'a working-copy edit re-decides that prompt');
    await assertSameAsFresh(edited, 'after an edit');
  });

  it('re-decides every prompt when the rules in force change', async () => {
    await editor.model();
    repo.commit(ALICE, 'Stricter staging', { '.promptrelease.yaml': STANDARD_CONFIG.replace('staging: { approvals: 1 }', 'staging: { approvals: 2 }') });
    // The configuration has no owner here, so its change is in force at once.
    const after = await editor.model();
    assert.deepStrictEqual([...after.decided].sort(), [...PROMPTS].sort());
    assert.strictEqual(after.config.environments[0].approvals, 2);
    await assertSameAsFresh(after, 'after a rules change');
  });

  it('a sign-off reads the decision of its prompt alone, the same decision a whole read makes', async () => {
    repo.commit(CAROL, 'A Dotprompt with a partial', {
      'prompts/_tone.prompt': 'Be warm and brief.\n',
      'prompts/support.prompt': '---\nmodel: googleai/gemini-2.0-flash\n---\n{{> tone}}\nHelp the customer with {{question}}.\n',
    });
    assert.strictEqual((await repo.cli(ALICE, 'review', 'prompts/support.prompt', '--approve')).code, 0);
    const whole = await (await PromptRepository.open(repo.dir, undefined, { persistentCache: false })).model();
    for (const path of ['prompts/summary.prompt.md', 'prompts/support.prompt', 'prompts/_tone.prompt']) {
      const focused = await (await PromptRepository.open(repo.dir, undefined, { persistentCache: false })).model({ focus: path });
      assert.deepStrictEqual(focused.decided, [path], `only ${path} is decided`);
      assert.deepStrictEqual(focused.prompts.map((p) => p.path), [path]);
      const { usedBy: _a, ...alone } = focused.byPath.get(path)!;
      const { usedBy: _b, ...inWhole } = whole.byPath.get(path)!;
      assert.deepStrictEqual(alone, inWhole, `${path}: the focused decision differs from the whole read's`);
    }
    assert.ok(whole.byPath.get('prompts/support.prompt')!.includes.some((d) => d.path === 'prompts/_tone.prompt'), 'the partial is part of the decision');
    // The command line's sign-off is such a read: it records on the content the whole read sees.
    const signed = await repo.cli(BOB, 'review', 'prompts/support.prompt', '--approve');
    assert.strictEqual(signed.code, 0, signed.stderr);
    const after = await editor.model();
    assert.deepStrictEqual(after.byPath.get('prompts/support.prompt')!.currentReviews.map((r) => r.record.by.email).sort(), [ALICE.email, BOB.email].sort());

    // The focused read looks at the working copy of its file (and the rules files) only, and sees it as the whole read does.
    repo.write('prompts/support.prompt', 'edited, not committed\n');
    repo.write('prompts/untracked.prompt', 'new, not added\n');
    repo.write('.promptrelease.yaml', STANDARD_CONFIG + '# edited\n');
    const wholeNow = await (await PromptRepository.open(repo.dir, undefined, { persistentCache: false })).model();
    for (const path of ['prompts/support.prompt', 'prompts/untracked.prompt', '.promptrelease.yaml']) {
      const focused = await (await PromptRepository.open(repo.dir, undefined, { persistentCache: false })).model({ focus: path });
      const status = focused.byPath.get(path) ?? focused.policyFiles.get(path);
      assert.strictEqual(status?.workingCopy, (wholeNow.byPath.get(path) ?? wholeNow.policyFiles.get(path))?.workingCopy, `${path}: the working copy as the whole read sees it`);
    }
    assert.strictEqual(wholeNow.byPath.get('prompts/support.prompt')!.workingCopy, 'modified');
    assert.strictEqual(wholeNow.byPath.get('prompts/untracked.prompt')!.workingCopy, 'untracked');
    const refused = await repo.cli(CAROL, 'review', 'prompts/support.prompt', '--approve');
    assert.strictEqual(refused.code, 1);
    assert.match(refused.stderr, /working copy differs/);
  });
});
