import * as assert from 'assert';
import { applyRenames, renameCandidates, renameIndex, ZERO_OID, type FileChange, type LogCommit } from '../../src/core/history/history';

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
});
