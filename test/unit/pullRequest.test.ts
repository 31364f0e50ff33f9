import * as assert from 'assert';
import { ZERO_OID, type LogCommit } from '../../src/core/history/history';
import { afterMerge, squashTrailers } from '../../src/core/model/pullRequest';

const who = (n: string) => ({ name: n, email: `${n.toLowerCase()}@example.com` });
const commit = (id: string, author: string, changes: [string, string, string?][]): LogCommit => ({
  commit: id,
  parents: [],
  author: who(author),
  coAuthors: [],
  time: 1,
  changes: changes.map(([path, blob, source]) => ({ path, blob, status: source ? 'M' : 'A', mode: '100644', sources: source ? [{ path, blob: source }] : [] }) as any),
});

describe('pull requests: what a merge method leaves', () => {
  const log = [
    commit('c1', 'Carol', [['prompts/a.prompt', 'b1', 'b0']]),
    commit('c2', 'Bob', [['.promptrelease/records/x.json', 'r1']]),
    commit('c3', 'Dave', [['prompts/a.prompt', 'b2', 'b1']]),
  ];

  it('keeps the commits as they are for merge and rebase', () => {
    assert.strictEqual(afterMerge(log, log, 'merge', 'base'), log);
    assert.strictEqual(afterMerge(log, log, 'rebase', 'base'), log);
  });

  it('squashes into one commit by the first commit\'s author, with the net change of each file', () => {
    const [squashed, ...rest] = afterMerge(log, log, 'squash', 'base');
    assert.strictEqual(rest.length, 0);
    assert.strictEqual(squashed.author.email, 'carol@example.com');
    assert.deepStrictEqual(squashed.parents, ['base']);
    assert.deepStrictEqual(squashed.coAuthors.map((c) => c.email), ['bob@example.com', 'dave@example.com'], "GitHub's default trailers");
    const prompt = squashed.changes.find((c) => c.path === 'prompts/a.prompt')!;
    assert.deepStrictEqual([prompt.blob, prompt.sources.map((s) => s.blob)], ['b2', ['b0']]);
    const record = squashed.changes.find((c) => c.path === '.promptrelease/records/x.json')!;
    assert.deepStrictEqual([record.status, record.sources], ['A', []]);
  });

  it('drops a file the branch added and deleted again', () => {
    const [squashed] = afterMerge([commit('c1', 'Carol', [['notes.json', 'n1']]), { ...commit('c2', 'Carol', []), changes: [{ path: 'notes.json', blob: ZERO_OID, status: 'D', mode: '100644', sources: [{ path: 'notes.json', blob: 'n1' }] } as any] }], [commit('c1', 'Carol', [])], 'squash', 'base');
    assert.deepStrictEqual(squashed.changes, []);
  });

  it('tells the squash message to keep the trailers of those who wrote content and drop those who only added records', () => {
    const trailers = squashTrailers(log);
    assert.deepStrictEqual(trailers.keep.map((w) => w.email), ['dave@example.com']);
    assert.deepStrictEqual(trailers.drop.map((w) => w.email), ['bob@example.com']);
    // Anything besides a record file, even in the records folder, is writing.
    const sneaky = squashTrailers([log[0], commit('c4', 'Bob', [['.promptrelease/records/notes.prompt', 'p1']])]);
    assert.deepStrictEqual(sneaky.keep.map((w) => w.email), ['bob@example.com']);
  });
});
