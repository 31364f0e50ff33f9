import * as assert from 'assert';
import { existsSync } from 'fs';
import * as path from 'path';
import { PromptRepository } from '../../src/git/repository';
import { changedPaths, type ReadResult } from '../../src/extension/modelChanges';
import { BOB, CAROL, standardRepo, type TempRepo } from '../helpers/gitFixture';

/**
 * What the editor redraws after a read: the prompts whose fields changed, compared field by
 * field with the read before, on real repositories read twice.
 */
describe('the prompts a read changed', function () {
  this.timeout(60_000);
  let repo: TempRepo;

  beforeEach(() => {
    repo = standardRepo();
    repo.commit(CAROL, 'Add a farewell', { 'prompts/farewell.prompt.md': 'Say goodbye.\n' });
  });
  afterEach(() => repo.dispose());

  async function read(): Promise<ReadResult> {
    const opened = await PromptRepository.open(repo.dir);
    return { model: await opened.model(), configWritten: existsSync(path.join(repo.dir, '.promptrelease.yaml')) };
  }

  it('is nothing when nothing changed, even though everything was read again', async () => {
    assert.deepStrictEqual(changedPaths(await read(), await read()), new Set());
  });

  it('is exactly the prompt a sign-off is about, although HEAD moved', async () => {
    const before = await read();
    const signed = await repo.cli(BOB, 'review', 'prompts/greeting.prompt.md', '--approve');
    assert.strictEqual(signed.code, 0, signed.stderr);
    const after = await read();
    assert.notStrictEqual(after.model.head.commit, before.model.head.commit);
    assert.deepStrictEqual(changedPaths(before, after), new Set(['prompts/greeting.prompt.md']));
  });

  it('is exactly the prompt edited in the working tree', async () => {
    const before = await read();
    repo.write('prompts/farewell.prompt.md', 'Say goodbye warmly.\n');
    assert.deepStrictEqual(changedPaths(before, await read()), new Set(['prompts/farewell.prompt.md']));
  });

  it('names a new prompt and a deleted one', async () => {
    const before = await read();
    repo.write('prompts/welcome.prompt.md', 'Welcome.\n');
    repo.git('rm', '-q', 'prompts/farewell.prompt.md');
    assert.deepStrictEqual(changedPaths(before, await read()), new Set(['prompts/welcome.prompt.md', 'prompts/farewell.prompt.md']));
  });

  it('is everything when the policy on the trusted branch changed', async () => {
    const before = await read();
    repo.commit(CAROL, 'Stricter staging', { '.promptrelease.yaml': 'environments:\n  staging: { approvals: 2 }\n  production: { approvals: 2, ownerApproval: true }\npeople:\n  "@alice": [alice@example.com]\n  "@prompt-team": ["@alice", "@bob"]\n' });
    assert.strictEqual(changedPaths(before, await read()), undefined);
  });

  it('is everything on a first read', async () => {
    assert.strictEqual(changedPaths(undefined, await read()), undefined);
  });
});
