import * as assert from 'assert';
import { Authorship } from '../../src/core/ownership/authorship';
import { parseConfig } from '../../src/core/policy/config';
import { contentHash } from '../../src/core/prompts/hash';
import type { LogCommit } from '../../src/core/history/history';
import type { Identity } from '../../src/core/ownership/identity';
import { checkTags } from '../../src/core/releases/integrity';
import { RecordLedger } from '../../src/core/reviews/ledger';
import { People } from '../../src/core/ownership/people';
import { serializeRecord, type ReviewRecord } from '../../src/core/reviews/records';
import { trustedPolicy } from '../../src/core/policy/trustedPolicy';
import { verifyModel } from '../../src/core/releases/verify';
import { blobId, SnapshotBuilder } from '../helpers/snapshot';

const alice: Identity = { name: 'Alice', email: 'alice@example.com' };
const bob: Identity = { name: 'Bob', email: 'bob@example.com' };
const carol: Identity = { name: 'Carol', email: 'carol@example.com' };
const dave: Identity = { name: 'Dave', email: 'dave@example.com' };
const P = 'prompts/support.prompt.md';

function commit(id: string, parents: string[], author: Identity, changes: LogCommit['changes'], coAuthors: Identity[] = []): LogCommit {
  return { commit: id, parents, author, coAuthors, time: 0, changes };
}

const add = (path: string, blob: string) => ({ path, status: 'A' as const, blob, mode: '100644', sources: [] });
const edit = (path: string, from: string, blob: string) => ({ path, status: 'M' as const, blob, mode: '100644', sources: [{ path, blob: from }] });

describe('authorship follows content', () => {
  const people = new People({ '@carol': ['carol@example.com', 'carol@home.example.org'] });
  const emails = (a: Authorship, blob: string) => [...a.authorsOf(blob).values()].map((i) => i.email).sort();

  it('keeps both sides of a merge, the merge author for new content, rename sources and co-authors', () => {
    const log = [
      commit('c1', [], carol, [add(P, 'b1')]),
      commit('c2', ['c1'], bob, [edit(P, 'b1', 'b2')], [dave]),
      commit('c3', ['c1'], alice, [edit(P, 'b1', 'b3')]),
      commit('m', ['c2', 'c3'], dave, [{ path: P, status: 'M', blob: 'b4', mode: '100644', sources: [{ path: P, blob: 'b2' }, { path: P, blob: 'b3' }], merge: true }]),
      commit('r', ['m'], alice, [{ path: 'prompts/renamed.md', status: 'R', blob: 'b4', mode: '100644', sources: [{ path: P, blob: 'b4' }] }]),
    ];
    const authorship = new Authorship(log, people);
    assert.deepStrictEqual(emails(authorship, 'b4'), ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com']);
    assert.deepStrictEqual(emails(authorship, 'b2'), ['bob@example.com', 'carol@example.com', 'dave@example.com']);
  });

  it('stops at reviewed, released content', () => {
    const log = [commit('c1', [], carol, [add(P, 'b1')]), commit('c2', ['c1'], bob, [edit(P, 'b1', 'b2')])];
    assert.deepStrictEqual(emails(new Authorship(log, people, (b) => b === 'b1'), 'b2'), ['bob@example.com']);
  });

  it('groups the emails of one person under one key', () => {
    const log = [commit('c1', [], { name: 'C', email: 'carol@home.example.org' }, [add(P, 'b1')])];
    const authors = new Authorship(log, people).authorsOf('b1');
    assert.ok(authors.has(people.personOf('carol@example.com')));
  });
});

describe('the record ledger', () => {
  const people = new People({});
  const review = (by: Identity, verdict: ReviewRecord['verdict'], hash = 'sha256:' + 'a'.repeat(64)): ReviewRecord => ({ format: 1, type: 'review', prompt: P, contentHash: hash, blob: 'b1', verdict, by, time: '2030-01-01T00:00:00Z' });

  it('answers a change request only by the same person in a descendant commit, never by a time in a record', () => {
    const request = serializeRecord(review(bob, 'request-changes'));
    const olderApproval = serializeRecord({ ...review(bob, 'approve'), time: '2099-01-01T00:00:00Z' });
    const laterApproval = serializeRecord(review(bob, 'approve'));
    const texts = new Map([[blobId(request), request], [blobId(olderApproval), olderApproval], [blobId(laterApproval), laterApproval]]);
    const path = (n: number) => `.promptrelease/records/aa/r${n}.json`;
    const base = [
      commit('c1', [], bob, [add(path(1), blobId(request))]),
      commit('side', [], bob, [add(path(2), blobId(olderApproval))]),
      commit('m', ['c1', 'side'], carol, []),
    ];
    let ledger = new RecordLedger(base, texts, people);
    let verdicts = ledger.verdicts(ledger.records as any);
    assert.strictEqual(verdicts.changeRequests.length, 1, 'an approval on an unrelated branch does not answer it');
    ledger = new RecordLedger([...base, commit('c2', ['m'], bob, [add(path(3), blobId(laterApproval))])], texts, people);
    verdicts = ledger.verdicts(ledger.records as any);
    assert.deepStrictEqual([verdicts.approvals.length, verdicts.changeRequests.length], [1, 0]);
  });

  it('keeps deleted records, ignores edits as tampering, and refuses records committed by someone else', () => {
    const mine = serializeRecord(review(bob, 'request-changes'));
    const edited = serializeRecord(review(bob, 'approve'));
    const forged = serializeRecord(review(alice, 'approve'));
    const texts = new Map([[blobId(mine), mine], [blobId(edited), edited], [blobId(forged), forged]]);
    const r = '.promptrelease/records/aa/r.json';
    const ledger = new RecordLedger(
      [
        commit('c1', [], bob, [add(r, blobId(mine))]),
        commit('c2', ['c1'], carol, [edit(r, blobId(mine), blobId(edited))]),
        commit('c3', ['c2'], carol, [{ path: r, status: 'D', blob: '0'.repeat(40), mode: '000000', sources: [{ path: r, blob: blobId(edited) }] }]),
        commit('c4', ['c3'], carol, [add('.promptrelease/records/aa/f.json', blobId(forged))]),
      ],
      texts,
      people,
    );
    assert.deepStrictEqual(ledger.records.map((x) => (x.record as ReviewRecord).verdict), ['request-changes']);
    assert.deepStrictEqual(ledger.problems.map((p) => p.severity), ['error', 'warning', 'error']);
    assert.match(ledger.problems[0].message, /edited after it was recorded.*tampering/);
    assert.match(ledger.problems[1].message, /deleted .* still counts/);
    assert.match(ledger.problems[2].message, /authored by carol@example.com, not by alice@example.com/);
  });
});

describe('the policy in force on the trusted branch', () => {
  const owners = '/.promptrelease.yaml @alice @bob\n/.github/CODEOWNERS @alice @bob\nprompts/** @alice\n';
  const config = (approvals: number) => `environments:\n  staging: { approvals: ${approvals} }\npeople:\n  "@alice": [alice@example.com]\n  "@bob": [bob@example.com]\n`;

  it('takes an owned change only after another owner approves its exact content', () => {
    const b = new SnapshotBuilder(config(2), owners);
    b.commit(carol, { [P]: 'x\n' });
    b.commit(carol, { '.promptrelease.yaml': config(0) });
    let model = b.build();
    assert.strictEqual(model.config.environments[0].approvals, 2);
    assert.match(model.policy.pending[0].message, /needs an approval by an owner \(@alice, @bob\) who did not write it/);
    b.review(carol, '.promptrelease.yaml', 'approve');
    b.review(dave, '.promptrelease.yaml', 'approve');
    assert.strictEqual(b.build().config.environments[0].approvals, 2, 'neither its author nor a non-owner can make it take effect');
    b.review(bob, '.promptrelease.yaml', 'approve');
    model = b.build();
    assert.strictEqual(model.config.environments[0].approvals, 0);
    assert.strictEqual(model.policy.pending.length, 0);
  });

  it('counts a review record without a transition (made before bindings) only for a version never in force before', () => {
    const b = new SnapshotBuilder(config(2), owners);
    b.commit(carol, { '.promptrelease.yaml': config(0) });
    b.review(bob, '.promptrelease.yaml', 'approve');
    assert.strictEqual(b.build().config.environments[0].approvals, 0, 'the first time, the old record counts');
    b.commit(alice, { '.promptrelease.yaml': config(3) });
    b.review(bob, '.promptrelease.yaml', 'approve');
    assert.strictEqual(b.build().config.environments[0].approvals, 3);
    b.commit(carol, { '.promptrelease.yaml': config(0) });
    const model = b.build();
    assert.strictEqual(model.config.environments[0].approvals, 3, 'the old record does not bring a version back');
    assert.deepStrictEqual(model.policy.pending.map((p) => p.file), ['.promptrelease.yaml']);
    assert.deepStrictEqual(model.policy.pending[0].transition.from, model.policy.bindings.get('.promptrelease.yaml')!.from);
  });

  it('counts a bound approval only for the transition it names', () => {
    const b = new SnapshotBuilder(config(2), owners);
    b.commit(carol, { '.promptrelease.yaml': config(0) });
    const binding = b.build().policy.pending[0].transition;
    const text = b.text('.promptrelease.yaml')!;
    const approve = (by: Identity, transition: { from: string; since: string }): ReviewRecord => ({
      format: 1, type: 'review', prompt: '.promptrelease.yaml', contentHash: contentHash(Buffer.from(text)), blob: blobId(text), verdict: 'approve', by, time: '2030-01-01T00:00:00Z', transition,
    });
    b.record(approve(bob, { from: binding.from, since: '1'.repeat(40) }));
    assert.strictEqual(b.build().config.environments[0].approvals, 2, 'another transition: it does not count');
    b.record(approve(alice, binding));
    assert.strictEqual(b.build().config.environments[0].approvals, 0);
  });

  it('reads signers: as a path inside the repository that is no other rules file', () => {
    assert.strictEqual(parseConfig('signers: .github/allowed_signers\n').signers, '.github/allowed_signers');
    for (const bad of ['../keys', '/etc/keys', '.promptrelease.yaml', 'docs/CODEOWNERS', '.promptrelease/records/x', '"a\\nb"', '[a]']) {
      assert.throws(() => parseConfig(`signers: ${bad}\n`), /"signers" must be the path of an allowed-signers file.*|.promptrelease.yaml:1/, bad);
    }
  });

  it('starts reviewing the rules when the repository adopts the tool', () => {
    const b = new SnapshotBuilder('', '* @alice\n');
    b.commit(carol, { '.github/CODEOWNERS': '* @carol\n' });
    assert.deepStrictEqual(b.build().codeowners!.rules[0].owners, ['@carol'], 'before a configuration exists, changes apply as made');
    b.commit(carol, { '.promptrelease.yaml': config(1) });
    b.commit(dave, { '.github/CODEOWNERS': '* @dave\n' });
    const model = b.build();
    assert.deepStrictEqual(model.codeowners!.rules[0].owners, ['@carol'], 'after adoption, an owned change waits for an owner');
    assert.strictEqual(model.policy.pending[0].file, '.github/CODEOWNERS');
  });

  it('takes an unowned change at once, with a warning, and never an invalid one', () => {
    const b = new SnapshotBuilder(config(2));
    b.commit(carol, { '.promptrelease.yaml': config(1) });
    let model = b.build();
    assert.strictEqual(model.config.environments[0].approvals, 1);
    assert.ok(model.problems.some((p) => /no owner in CODEOWNERS, so anyone who can push/.test(p.message)));
    b.commit(carol, { '.promptrelease.yaml': 'environments: [' });
    model = b.build();
    assert.strictEqual(model.config.environments[0].approvals, 1);
    assert.ok(model.problems.some((p) => /not valid YAML.*the version in force since commit [0-9a-f]{10} stays until it is fixed/.test(p.message)));
    b.commit(carol, { '.promptrelease.yaml': config(1) });
    assert.ok(!b.build().problems.some((p) => /not valid YAML/.test(p.message)), 'a later fix clears the error');
  });

  it('judges a change by the owners of the policy in force, not by the aliases the change adds', () => {
    const b = new SnapshotBuilder(config(2), owners);
    b.commit(carol, { '.promptrelease.yaml': config(2).replace('"@alice": [alice@example.com]', '"@alice": [alice@example.com, dave@example.com]') });
    b.review(dave, '.promptrelease.yaml', 'approve');
    const model = b.build();
    assert.strictEqual(model.policy.pending.length, 1, 'Dave is not an owner under the policy in force');
    assert.deepStrictEqual(model.config.people['@alice'], ['alice@example.com']);
    assert.strictEqual(trustedPolicy({ log: [], texts: new Map() }).config.source, 'default', 'no policy history: the defaults');
  });
});

describe('the rules in force over the whole history', () => {
  const owners = '/.promptrelease.yaml @alice @bob\n/.github/CODEOWNERS @alice @bob\n';
  const config = (approvals: number) => `environments:\n  staging: { approvals: ${approvals} }\npeople:\n  "@alice": [alice@example.com]\n  "@bob": [bob@example.com]\n`;
  const texts = new Map([
    ['cA', config(1)],
    ['cB', config(0)],
    ['oA', owners],
    ['oW', '* @carol\n'],
  ]);
  const C = '.promptrelease.yaml';
  const O = '.github/CODEOWNERS';

  it('judges a merge from every parent: a change unapproved on one path does not take effect, whichever parent is first', () => {
    const log = [
      commit('a1', [], alice, [add(C, 'cA'), add(O, 'oA')]),
      commit('b1', ['a1'], carol, [edit(C, 'cA', 'cB')]),
      commit('a2', ['a1'], alice, []),
      commit('m', ['b1', 'a2'], carol, []),
    ];
    const policy = trustedPolicy({ log, texts, mergeTrees: new Map([['m', new Map([[C, 'cB'], [O, 'oA']])]]) });
    assert.strictEqual(policy.config.environments[0].approvals, 1);
    assert.deepStrictEqual(policy.pending.map((p) => p.file), [C]);
  });

  it('cannot establish the rules when unrelated roots with different rules meet in a merge nobody approved', () => {
    const log = [
      commit('a1', [], alice, [add(C, 'cA'), add(O, 'oA')]),
      commit('f1', [], carol, [add(C, 'cB'), add(O, 'oW')]),
      commit('m', ['f1', 'a1'], carol, []),
    ];
    const mergeTrees = new Map([['m', new Map([[C, 'cB'], [O, 'oW']])]]);
    assert.throws(() => trustedPolicy({ log, texts, mergeTrees }), /cannot establish the rules in force on the trusted branch: merge m joins histories with different rules in force \(\.promptrelease\.yaml; \.github\/CODEOWNERS\)/);
    assert.throws(() => trustedPolicy({ log, texts }), /the rules files in merge m were not read/, 'a merge whose tree is unknown is never guessed');
  });
});

describe('verify in the domain', () => {
  const CONFIG = `environments:\n  staging: { approvals: 1 }\n  production: { approvals: 1, requirePrevious: true }\n`;

  it('passes honest releases, fails an open change request on live content, and treats superseded releases as history', () => {
    const b = new SnapshotBuilder(CONFIG);
    b.commit(carol, { [P]: 'v1\n' });
    const approval = b.review(alice, P, 'approve');
    b.release(P, 'staging', 1, dave, [approval]);
    let report = verifyModel(b.build());
    assert.ok(report.ok, JSON.stringify(report));
    assert.deepStrictEqual(report.live.map((l) => [l.environment, l.version, l.ok]), [['staging', 1, true]]);

    b.review(bob, P, 'request-changes', { comment: 'no' });
    report = verifyModel(b.build());
    assert.strictEqual(report.ok, false);
    assert.match(report.live[0].problems[0], /changes requested by Bob/);

    // A newer version goes live: the objection to v1 is history now.
    b.commit(carol, { [P]: 'v2\n' });
    const second = b.review(alice, P, 'approve');
    b.release(P, 'staging', 2, dave, [second]);
    report = verifyModel(b.build());
    assert.ok(report.ok, JSON.stringify(report.live));
  });

  it('fails unapproved content that is live, whatever its tag says', () => {
    const b = new SnapshotBuilder(CONFIG);
    b.commit(carol, { [P]: 'v1\n' });
    b.release(P, 'staging', 1, dave, []);
    const report = verifyModel(b.build());
    assert.ok(report.tags[0].ok, 'the tag itself is whole');
    assert.strictEqual(report.ok, false, 'unapproved content is live');
    assert.match(report.live[0].problems.join('\n'), /needs 1 more approval/);
  });

  it('fails the integrity of a tag that cites a record the ledger does not hold, or names other content', () => {
    const b = new SnapshotBuilder(CONFIG);
    b.commit(carol, { [P]: 'v1\n' });
    const approval = b.review(alice, P, 'approve');
    const tag = b.release(P, 'staging', 1, dave, [approval]);
    const model = b.build();
    const facts = {
      onTrustedBranch: new Set([tag]),
      promptAtCommit: new Map([[tag, { oid: blobId('v1\n'), type: 'blob' }]]),
      modeOf: () => '100644',
      contentHashOf: () => contentHash(Buffer.from('v1\n')),
    };
    const raw = { name: tag, objectType: 'tag', targetType: 'commit', commit: model.tagChecks[0].evidence!.commit, message: '' };
    raw.message = require('../../src/core/releases/releases').formatTagMessage(model.tagChecks[0].evidence!);
    const empty = new RecordLedger([], new Map(), new People({}));
    assert.match(checkTags([raw], facts, empty)[0].problems.join('\n'), /it cites .* is not a record on the trusted branch/);
    const otherContent = { ...facts, promptAtCommit: new Map([[tag, { oid: blobId('v2\n'), type: 'blob' }]]) };
    assert.match(checkTags([raw], otherContent, model.ledger)[0].problems.join('\n'), /is blob .*, not the released/);
    const offBranch = { ...facts, onTrustedBranch: new Set<string>() };
    assert.match(checkTags([raw], offBranch, model.ledger)[0].problems.join('\n'), /not on the trusted branch/);
    assert.deepStrictEqual(checkTags([raw], facts, model.ledger)[0].problems, []);
  });

  it('refuses a shallow history instead of passing it', () => {
    const b = new SnapshotBuilder(CONFIG);
    b.commit(carol, { [P]: 'v1\n' });
    b.shallow = true;
    assert.throws(() => verifyModel(b.build()), /shallow.*nothing was verified/);
  });

  it('hashes content byte for byte', () => {
    assert.notStrictEqual(contentHash(Buffer.from('a\n')), contentHash(Buffer.from('a\r\n')));
  });
});
