import * as assert from 'assert';
import type { LogCommit } from '../../src/core/history/history';
import type { Identity } from '../../src/core/ownership/identity';
import { RecordLedger } from '../../src/core/reviews/ledger';
import { People } from '../../src/core/ownership/people';
import { serializeRecord, type ReviewRecord } from '../../src/core/reviews/records';
import { blobId } from '../helpers/snapshot';

const alice: Identity = { name: 'Alice', email: 'alice@example.com' };
const mallory: Identity = { name: 'Mallory', email: 'mallory@example.com' };
const P = 'prompts/support.prompt.md';

function commit(id: string, parents: string[], author: Identity, changes: LogCommit['changes']): LogCommit {
  return { commit: id, parents, author, coAuthors: [], time: 0, changes };
}
const add = (path: string, blob: string) => ({ path, status: 'A' as const, blob, mode: '100644', sources: [] });
const review = (verdict: ReviewRecord['verdict']): ReviewRecord => ({ format: 1, type: 'review', prompt: P, contentHash: 'sha256:' + 'a'.repeat(64), blob: 'b1', verdict, by: alice, time: '2030-01-01T00:00:00Z' });
const at = (n: string) => `.promptrelease/records/aa/${n}.json`;

describe('the record ledger: a record is its canonical bytes, and a copy never takes its place', () => {
  const people = new People({});
  const approval = serializeRecord(review('approve'));
  const compact = JSON.stringify(JSON.parse(approval)) + '\n';
  const texts = new Map([[blobId(approval), approval], [blobId(compact), compact]]);

  it('counts the first attributable occurrence; an earlier copy by someone else is reported and does not hide it', () => {
    const ledger = new RecordLedger(
      [commit('c1', [], mallory, [add(at('copy'), blobId(approval))]), commit('c2', ['c1'], alice, [add(at('real'), blobId(approval))])],
      texts,
      people,
    );
    assert.deepStrictEqual(ledger.records.map((r) => [r.path, r.commit, r.signature?.status]), [[at('real'), 'c2', 'unsigned']]);
    assert.strictEqual(ledger.problems.length, 1);
    assert.match(ledger.problems[0].message, /authored by mallory@example.com, not by alice@example.com/);
    assert.strictEqual(ledger.findByPath(at('real'))?.commit, 'c2');
    assert.strictEqual(ledger.findByPath(at('copy'))?.path, at('real'), 'a cited copy resolves to the record it copies');
  });

  it('keeps a record where it was first counted: a later copy, even reformatted and by the same person, is the same record', () => {
    const ledger = new RecordLedger(
      [
        commit('c1', [], alice, [add(at('real'), blobId(approval))]),
        commit('c2', ['c1'], alice, [add(at('again'), blobId(compact))]),
        commit('c3', ['c2'], mallory, [add(at('third'), blobId(approval))]),
      ],
      texts,
      people,
    );
    assert.deepStrictEqual(ledger.records.map((r) => r.commit), ['c1']);
    assert.deepStrictEqual(ledger.problems, [], 'a copy of a counted record is a duplicate, not a problem');
    assert.strictEqual(ledger.findByPath(at('again'))?.commit, 'c1');
  });

  it('says a signed record cannot be checked when no signers file is in force, and attributes it by its commit', () => {
    const signed = serializeRecord({ ...review('approve'), signature: '-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n' });
    const ledger = new RecordLedger([commit('c1', [], alice, [add(at('s'), blobId(signed))])], new Map([[blobId(signed), signed]]), people);
    const sig = ledger.records[0].signature;
    assert.ok(sig?.status === 'invalid' && /no signers file is in force/.test(sig.reason), JSON.stringify(sig));
  });
});
