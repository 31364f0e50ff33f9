import * as assert from 'assert';
import { applyRenames, renameCandidates, renameIndex, ZERO_OID, type FileChange, type LogCommit } from '../../src/core/history/history';
import { parseLog, type CommitSides } from '../../src/git/parse';

const who = { name: 'Carol Author', email: 'carol@example.com' };
const commit = (id: string, parents: string[], changes: FileChange[]): LogCommit => ({ commit: id, parents, author: who, coAuthors: [], time: 0, changes });

describe('the rename rule (renameCandidates, applyRenames)', () => {
  it('asks about commits that add or delete a followed file, and merges that add one against every parent', () => {
    const log = [
      commit('root', [], [{ path: 'a.md', status: 'A', blob: 'b1', mode: '100644', sources: [] }]),
      commit('edit', ['root'], [{ path: 'a.md', status: 'M', blob: 'b2', mode: '100644', sources: [{ path: 'a.md', blob: 'b1' }] }]),
      commit('move', ['edit'], [
        { path: 'a.md', status: 'D', blob: ZERO_OID, mode: '000000', sources: [{ path: 'a.md', blob: 'b2' }] },
        { path: 'b.md', status: 'A', blob: 'b2', mode: '100644', sources: [] },
      ]),
      // A merge that takes one side's content is not asked about; one that brings a new name is.
      commit('takes', ['move', 'side'], [{ path: 'b.md', status: 'M', blob: 'b3', mode: '100644', sources: [{ path: 'b.md', blob: 'b2' }, { path: 'b.md', blob: 'b4' }], merge: true }]),
      commit('evil', ['takes', 'side2'], [
        { path: 'b.md', status: 'M', blob: ZERO_OID, mode: '000000', sources: [{ path: 'b.md', blob: 'b3' }, { path: 'b.md', blob: 'b5' }], merge: true },
        { path: 'c.md', status: 'M', blob: 'b6', mode: '100644', sources: [{ path: 'c.md', blob: ZERO_OID }, { path: 'c.md', blob: ZERO_OID }], merge: true },
      ]),
    ];
    assert.deepStrictEqual(renameCandidates(log, () => true), [{ commit: 'move', firstParent: 'edit' }, { commit: 'evil', firstParent: 'takes' }]);
    assert.deepStrictEqual(renameCandidates(log, (p) => p === 'c.md'), [{ commit: 'evil', firstParent: 'takes' }]);

    const renames = new Map<string, FileChange[]>([
      ['move', [{ path: 'b.md', status: 'R', blob: 'b2', mode: '100644', sources: [{ path: 'a.md', blob: 'b2' }] }]],
      ['evil', [{ path: 'c.md', status: 'R', blob: 'b6', mode: '100644', sources: [{ path: 'b.md', blob: 'b3' }] }]],
    ]);
    applyRenames(log, renames);
    const once = JSON.stringify(log);
    applyRenames(log, renames);
    assert.strictEqual(JSON.stringify(log), once, 'applying the same renames again changes nothing');
    assert.deepStrictEqual(log[2].changes.map((c) => [c.status, c.path]), [['R', 'b.md']]);
    // In the merge, the renamed file is made from what each side had under the old name.
    assert.deepStrictEqual(log[4].changes, [{ path: 'c.md', status: 'R', blob: 'b6', mode: '100644', sources: [{ path: 'b.md', blob: 'b3' }, { path: 'b.md', blob: 'b5' }], merge: true }]);
    assert.deepStrictEqual(renameIndex(log).get('c.md'), ['b.md', 'a.md']);
  });

  it('in a whole-tree read, skips a commit that added a followed file but deleted nothing at all (or deleted one and added nothing), never a merge', () => {
    const NUL = '\0';
    const entry = (status: string, path: string) => `:100644 100644 ${'1'.repeat(40)} ${'2'.repeat(40)} ${status}${NUL}${path}${NUL}`;
    const header = (id: string, parents: string) => `\x01${id}${NUL}${parents}${NUL}0${NUL}carol@example.com${NUL}Carol${NUL}${NUL}`;
    // Whole-tree raw output: the rename source of "moved" is a file that is not a prompt.
    const output = [
      header('c1', ''), entry('A', 'notes/draft.md'),
      header('only-adds', 'c1'), entry('A', 'prompts/new.prompt.md'), entry('A', 'src/x.ts'),
      header('moved', 'only-adds'), entry('A', 'prompts/draft.prompt.md'), entry('D', 'notes/draft.md'),
      header('only-deletes', 'moved'), entry('D', 'prompts/new.prompt.md'), entry('M', 'src/x.ts'),
      header('merge', 'only-deletes side'), `::100644 100644 100644 ${'0'.repeat(40)} ${'0'.repeat(40)} ${'3'.repeat(40)} AA${NUL}prompts/merged.prompt.md${NUL}`,
    ].join('');
    const isPrompt = (p: string) => p.endsWith('.prompt.md');
    const sides = new Map<string, CommitSides>();
    const log = parseLog(output, isPrompt, sides);
    assert.deepStrictEqual(sides.get('only-adds'), { added: true, deleted: false });
    assert.deepStrictEqual(renameCandidates(log, isPrompt).map((c) => c.commit), ['only-adds', 'moved', 'only-deletes', 'merge'], 'without what the read saw, every such commit is asked about');
    assert.deepStrictEqual(renameCandidates(log, isPrompt, sides).map((c) => c.commit), ['moved', 'merge'], 'a rename needs a deletion and an addition in the same commit');
  });
});
