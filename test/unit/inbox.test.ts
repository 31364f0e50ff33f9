import * as assert from 'assert';
import { waitingFor } from '../../src/core/reviews/inbox';
import { contentHash } from '../../src/core/prompts/hash';
import { newRecordPath, serializeRecord } from '../../src/core/reviews/records';
import { SnapshotBuilder, blobId } from '../helpers/snapshot';

const alice = { name: 'Alice', email: 'alice@example.com' };
const bob = { name: 'Bob', email: 'bob@example.com' };
const carol = { name: 'Carol', email: 'carol@example.com' };
const erin = { name: 'Erin', email: 'erin@example.com' };

describe('waiting for my review', () => {
  it('lists prompts I own or was asked to review, until I sign off on the current content', () => {
    const b = new SnapshotBuilder('people:\n  "@alice": [alice@example.com]\n  "@bob": [bob@example.com]\n', 'prompts/a.md @alice\nprompts/b.md @bob\n');
    b.commit(carol, { 'prompts/a.md': 'A\n', 'prompts/b.md': 'B\n', 'prompts/c.md': 'C\n' });
    const request = { format: 1 as const, type: 'review-request' as const, prompt: 'prompts/c.md', contentHash: contentHash(Buffer.from('C\n')), blob: blobId('C\n'), reviewers: ['erin@example.com'], by: carol, time: '2026-11-02T00:00:00Z' };
    b.commit(carol, { [newRecordPath(request)]: serializeRecord(request) });

    const names = (who: typeof alice) => waitingFor(b.build(), who).map((w) => `${w.prompt.path}:${w.reason}`);
    assert.deepStrictEqual(names(alice), ['prompts/a.md:owner']);
    assert.deepStrictEqual(names(bob), ['prompts/b.md:owner']);
    assert.deepStrictEqual(names(erin), ['prompts/c.md:requested']);
    assert.deepStrictEqual(names(carol), [], 'authors never wait for themselves');

    b.review(alice, 'prompts/a.md', 'approve');
    assert.deepStrictEqual(names(alice), []);
    b.commit(carol, { 'prompts/a.md': 'A, edited\n' });
    assert.deepStrictEqual(names(alice), ['prompts/a.md:owner'], 'an edit puts it back in the queue');
    assert.deepStrictEqual(names(erin), ['prompts/c.md:requested']);
  });
});
