import * as assert from 'assert';
import { PromptReleaseError } from '../../src/core/common/errors';
import { PromptRepository } from '../../src/git/repository';
import type { GitCommandEvent } from '../../src/git/runner';
import { CAROL, standardRepo, type TempRepo } from '../helpers/gitFixture';

/**
 * A refresh can be cancelled (the editor drops a stale background read when a sign-off is
 * queued): its git processes stop, the ones not started never start, and the repository
 * object reads normally afterwards.
 */
describe('cancelling a read stops its git processes', function () {
  this.timeout(60_000);
  let repo: TempRepo;

  beforeEach(() => {
    repo = standardRepo();
    for (let i = 0; i < 5; i++) repo.commit(CAROL, `Prompt ${i}`, { [`prompts/p${i}.prompt.md`]: `Prompt ${i}.\n` });
  });
  afterEach(() => repo.dispose());

  async function rejection(work: Promise<unknown>): Promise<PromptReleaseError> {
    try {
      await work;
    } catch (err) {
      return err as PromptReleaseError;
    }
    assert.fail('the read was not cancelled');
  }

  it('starts no git process when cancelled before it begins', async () => {
    const events: GitCommandEvent[] = [];
    const opened = await PromptRepository.open(repo.dir, (e) => events.push(e), { persistentCache: false });
    const before = events.length;
    const err = await rejection(opened.model({ signal: AbortSignal.abort() }));
    assert.strictEqual(err.code, 'cancelled', String(err));
    assert.strictEqual(events.length, before, 'no git process ran');
  });

  it('stops the running processes and starts none after the cancel; the next read is whole', async () => {
    const full: GitCommandEvent[] = [];
    await (await PromptRepository.open(repo.dir, (e) => full.push(e), { persistentCache: false })).model();

    const events: GitCommandEvent[] = [];
    const abort = new AbortController();
    let afterCancel: GitCommandEvent[] | undefined;
    let openCount = Infinity;
    const opened = await PromptRepository.open(
      repo.dir,
      (e) => {
        events.push(e);
        if (afterCancel) afterCancel.push(e);
        // The first process of the refresh to end cancels it.
        else if (events.length > openCount) {
          afterCancel = [];
          abort.abort();
        }
      },
      { persistentCache: false },
    );
    openCount = events.length;
    const err = await rejection(opened.model({ signal: abort.signal }));
    assert.strictEqual(err.code, 'cancelled', String(err));
    assert.ok(afterCancel, 'the refresh ran a git process before it was cancelled');
    for (const e of afterCancel!) assert.ok(e.error, `git ${e.args[0]} ended normally after the cancel: it should have been stopped or never started`);
    assert.ok(events.length - openCount < full.length - 2, `a cancelled refresh ran ${events.length - openCount} git processes, a whole one ${full.length - 2}`);

    const next = await opened.model();
    assert.strictEqual(next.prompts.length, 6, 'the next read sees every prompt');
    assert.deepStrictEqual(next.problems.filter((p) => p.severity === 'error'), []);
  });
});
