import * as assert from 'assert';
import type { Identity } from '../../src/core/ownership/identity';
import { stateLabel } from '../../src/core/policy/state';
import { SnapshotBuilder } from '../helpers/snapshot';

const alice: Identity = { name: 'Alice', email: 'alice@example.com' };
const bob: Identity = { name: 'Bob', email: 'bob@example.com' };
const carol: Identity = { name: 'Carol', email: 'carol@example.com' };
const erin: Identity = { name: 'Erin', email: 'Erin@Example.com' };
const P = 'prompts/support.prompt.md';

const CONFIG = `environments:
  staging: { approvals: 1 }
  production: { approvals: 2, ownerApproval: true }
people:
  "@alice": [alice@example.com]
  "@prompt-team": ["@alice", "@bob"]
`;

function fresh(owners = 'prompts/** @alice\n') {
  const b = new SnapshotBuilder(CONFIG, owners);
  b.commit(carol, { [P]: 'Answer politely.\n' });
  return b;
}

const gate = (b: SnapshotBuilder, env: string) => b.build().byPath.get(P)!.gates.find((g) => g.environment === env)!;
const unmet = (b: SnapshotBuilder, env: string) => gate(b, env).unmet.map((u) => u.message);

describe('the release policy', () => {
  it('binds approvals to the exact content: an edit makes them stale', () => {
    const b = fresh();
    b.review(alice, P, 'approve');
    assert.strictEqual(gate(b, 'staging').allowed, true);
    b.commit(carol, { [P]: 'Answer politely.\r\n' });
    assert.strictEqual(gate(b, 'staging').approvalsCounted, 0, 'CRLF is a change');
    assert.deepStrictEqual(unmet(b, 'staging'), ['needs 1 more approval (has 0 of 1)']);
    b.commit(carol, { [P]: '\uFEFFAnswer politely.\n' });
    b.review(alice, P, 'approve');
    assert.strictEqual(gate(b, 'staging').allowed, true);
  });

  it('does not count an approval by anyone who wrote part of the content', () => {
    const b = fresh();
    b.commit(bob, { [P]: 'Answer politely and briefly.\n' });
    b.review(bob, P, 'approve');
    b.review(carol, P, 'approve');
    const g = gate(b, 'staging');
    assert.strictEqual(g.approvalsCounted, 0);
    assert.deepStrictEqual(g.ignored.map((i) => i.review.record.by.email).sort(), ['bob@example.com', 'carol@example.com']);
    b.review(erin, P, 'approve');
    assert.strictEqual(gate(b, 'staging').allowed, true, 'a third person may approve');
  });

  it('keeps a change request blocking until that reviewer approves (a later record supersedes)', () => {
    const b = fresh();
    b.review(alice, P, 'approve');
    b.review(bob, P, 'request-changes', { comment: 'too curt' });
    assert.strictEqual(gate(b, 'staging').allowed, false);
    assert.match(unmet(b, 'staging')[0], /changes requested by Bob <bob@example.com> on .*: "too curt"/);
    assert.strictEqual(stateLabel(b.build().byPath.get(P)!.state), 'changes requested');
    b.review(alice, P, 'approve');
    assert.strictEqual(gate(b, 'staging').allowed, false, 'another approval does not lift it');
    b.review(bob, P, 'approve');
    assert.strictEqual(gate(b, 'staging').allowed, true);
    assert.strictEqual(gate(b, 'staging').approvalsCounted, 2, 'one vote per reviewer');
  });

  it('requires an owner among the approvers where the environment says so, naming the owners', () => {
    const b = fresh('prompts/** @alice @prompt-team\n');
    b.review(bob, P, 'approve');
    b.review(erin, P, 'approve');
    assert.deepStrictEqual(unmet(b, 'production').filter((m) => !/staging first/.test(m)), [
      'needs 1 more approval from a code owner (@alice, @prompt-team)',
    ]);
    const withoutTeam = fresh();
    withoutTeam.review(erin, P, 'approve');
    assert.match(unmet(withoutTeam, 'production')[0], /needs 1 more approval from a code owner \(@alice\)/);
    const none = fresh();
    assert.match(unmet(none, 'production')[0], /needs 2 more approvals, at least 1 from a code owner \(@alice\)/);
    const unowned = fresh('prompts/** @alice\nprompts/support.prompt.md\n');
    unowned.review(erin, P, 'approve');
    assert.match(unmet(unowned, 'production')[0], /has no code owner in CODEOWNERS/);
  });

  it('applies each environment its own policy, in order', () => {
    const b = fresh();
    b.review(erin, P, 'approve');
    assert.strictEqual(gate(b, 'staging').allowed, true);
    assert.strictEqual(stateLabel(b.build().byPath.get(P)!.state), 'approved for staging');
    b.review(alice, P, 'approve');
    assert.deepStrictEqual(unmet(b, 'production'), ["must be released to staging first (this content has no verified release there that meets today's staging policy)"]);
    assert.strictEqual(stateLabel(b.build().byPath.get(P)!.state), 'approved for production');
    b.release(P, 'staging', 1, carol);
    assert.strictEqual(gate(b, 'production').allowed, true);
    assert.match(unmet(b, 'staging')[0], /v1 is already the current version in staging/);
  });

  it('counts a record only when its adding commit was authored by the identity it names', () => {
    const b = fresh();
    b.review(alice, P, 'approve', { committedBy: carol });
    const model = b.build();
    assert.strictEqual(model.byPath.get(P)!.gates[0].approvalsCounted, 0);
    assert.ok(model.problems.some((p) => /authored by carol@example.com, not by alice@example.com/.test(p.message)));
  });

  it('blocks a release while the working copy is uncommitted', () => {
    const b = fresh();
    b.review(alice, P, 'approve');
    b.workingChanges.set(P, 'modified');
    assert.match(unmet(b, 'staging')[0], /uncommitted changes/);
  });

  it('names the state of a prompt for each stage of its life', () => {
    const b = fresh();
    const label = () => stateLabel(b.build().byPath.get(P)!.state);
    assert.strictEqual(label(), 'draft');
    b.review(erin, P, 'approve');
    b.review(alice, P, 'approve');
    b.release(P, 'staging', 1, carol);
    b.release(P, 'production', 1, carol);
    assert.strictEqual(label(), 'released to production as v1');
    b.commit(carol, { [P]: 'Answer politely, always.\n' });
    assert.strictEqual(label(), 'modified since release (v1 in production)');
  });
});

describe('versions of a prompt', () => {
  it('lists distinct contents newest first with their releases and reviews', () => {
    const { versionsOf } = require('../../src/core/releases/versions');
    const b = fresh();
    b.review(alice, P, 'approve');
    b.release(P, 'staging', 1, carol);
    b.commit(carol, { [P]: 'Second.\n' });
    b.review(bob, P, 'request-changes', { comment: 'no' });
    const model = b.build();
    const versions = versionsOf(model.byPath.get(P)!, model.history.get(P)!);
    assert.deepStrictEqual(versions.map((v: any) => [v.version, v.current, v.releases.length, v.reviews.map((r: any) => r.record.verdict)]), [
      [undefined, true, 0, ['request-changes']],
      [1, false, 1, ['approve']],
    ]);
  });
});
