import * as assert from 'assert';
import { attentionLabel, attentionList, attentionOf } from '../../src/core/reviews/attention';
import { feedbackOf, feedbackSummary } from '../../src/core/reviews/feedback';
import type { Identity } from '../../src/core/ownership/identity';
import { waitingFor } from '../../src/core/reviews/inbox';
import { planFeedback } from '../../src/core/reviews/operations';
import { promptTimeline } from '../../src/core/history/timeline';
import { DAY, SnapshotBuilder } from '../helpers/snapshot';

const alice: Identity = { name: 'Alice', email: 'alice@example.com' };
const bob: Identity = { name: 'Bob', email: 'bob@example.com' };
const carol: Identity = { name: 'Carol', email: 'carol@example.com' };
const erin: Identity = { name: 'Erin', email: 'erin@example.com' };

const A = 'prompts/a.prompt.md';
const B = 'prompts/b.prompt.md';
const C = 'prompts/c.prompt.md';

const CONFIG = `environments:
  staging: { approvals: 1, reviewEvery: 90d }
escalateAfter: 3d
people:
  "@alice": [alice@example.com]
  "@acme/reviewers": [erin@example.com, bob@example.com]
`;

function repo() {
  const b = new SnapshotBuilder(CONFIG, 'prompts/** @alice\n');
  b.commit(carol, { [A]: 'A\n', [B]: 'B\n', [C]: 'C\n' });
  return b;
}

const items = (b: SnapshotBuilder, path?: string) => {
  const model = b.build();
  return path ? attentionOf(model, model.byPath.get(path)!) : attentionList(model);
};

describe('attention: overdue review requests', () => {
  it('is overdue once unanswered for longer than escalateAfter, naming who asked whom', () => {
    const b = repo();
    b.requestReview(carol, A, ['erin@example.com']);
    b.advance(2 * DAY);
    assert.deepStrictEqual(items(b), [], 'not yet');
    b.advance(2 * DAY);
    const [item] = items(b);
    assert.deepStrictEqual([item.kind, item.prompt, item.environment, item.people], ['overdue', A, undefined, ['erin@example.com', '@alice']]);
    assert.match(item.message, /^review requested by Carol <carol@example.com> from erin@example.com 4 days ago \(.*\) is unanswered \(escalateAfter: 3d\)$/);
  });

  it('is cleared by an answer from the person asked (either verdict), not by anyone else', () => {
    const b = repo();
    b.requestReview(carol, A, ['erin@example.com']);
    b.advance(4 * DAY);
    b.review(bob, A, 'approve');
    assert.strictEqual(items(b, A).length, 1, 'another reviewer does not answer it');
    b.review(erin, A, 'request-changes', { comment: 'needs a greeting' });
    assert.deepStrictEqual(items(b, A), []);
  });

  it('takes an answer from any member of a team that was asked', () => {
    const b = repo();
    b.requestReview(carol, A, ['@acme/reviewers']);
    b.advance(4 * DAY);
    assert.deepStrictEqual(items(b, A)[0].people, ['@acme/reviewers', '@alice']);
    b.review(bob, A, 'approve');
    assert.deepStrictEqual(items(b, A), []);
  });

  it('drops a request about content that has changed since, and says nothing without escalateAfter', () => {
    const b = repo();
    b.requestReview(carol, A, ['erin@example.com']);
    b.advance(4 * DAY);
    b.commit(carol, { [A]: 'A, edited\n' });
    assert.deepStrictEqual(items(b, A), []);
    const quiet = new SnapshotBuilder(CONFIG.replace('escalateAfter: 3d\n', ''), 'prompts/** @alice\n');
    quiet.commit(carol, { [A]: 'A\n' });
    quiet.requestReview(carol, A, ['erin@example.com']);
    quiet.advance(30 * DAY);
    assert.deepStrictEqual(items(quiet), []);
  });
});

describe('attention: disputed live versions', () => {
  it('is a change request standing on content that is live, naming the version, the environment and the objection', () => {
    const b = repo();
    b.review(alice, A, 'approve');
    assert.ok(b.releasePlanned(A, 'staging', carol).allowed);
    b.review(bob, A, 'request-changes', { comment: 'too formal' });
    const [item] = items(b, A);
    assert.deepStrictEqual([item.kind, item.environment, item.people], ['disputed', 'staging', ['bob@example.com', '@alice']]);
    assert.match(item.message, /^v1, live in staging, has a change request by Bob <bob@example.com> \(.*\): "too formal"$/);
    assert.strictEqual(b.build().byPath.get(A)!.live.staging!.allowed, false, 'verify fails it too');
    b.review(bob, A, 'approve');
    assert.deepStrictEqual(items(b, A), [], 'the same reviewer approving settles it');
  });

  it('is not a change request on content that is not live', () => {
    const b = repo();
    b.review(alice, A, 'approve');
    assert.ok(b.releasePlanned(A, 'staging', carol).allowed);
    b.commit(carol, { [A]: 'A2\n' });
    b.review(bob, A, 'request-changes', { comment: 'no' });
    assert.deepStrictEqual(items(b, A), []);
  });
});

describe('attention: the list', () => {
  it('puts disputed first, then overdue, then review due; oldest first within each', () => {
    const b = repo();
    // C: live, approved long ago (review due).
    b.review(alice, C, 'approve');
    assert.ok(b.releasePlanned(C, 'staging', carol).allowed);
    b.advance(100 * DAY);
    // B, then A: review requests, B's older.
    b.requestReview(carol, B, ['erin@example.com']);
    b.advance(1 * DAY);
    b.requestReview(carol, A, ['erin@example.com']);
    b.advance(5 * DAY);
    // C again: disputed, the newest of all.
    b.review(bob, C, 'request-changes', { comment: 'outdated' });
    const list = items(b);
    assert.deepStrictEqual(list.map((i) => `${attentionLabel(i.kind)} ${i.prompt}`), [`disputed ${C}`, `overdue ${B}`, `overdue ${A}`, `review due ${C}`]);
    b.review(bob, C, 'approve');
    assert.deepStrictEqual(items(b).map((i) => `${attentionLabel(i.kind)} ${i.prompt}`), [`overdue ${B}`, `overdue ${A}`], "bob's approval settles the dispute and renews the review");
  });
});

describe('waiting for my review, attention first', () => {
  it('lists escalated prompts first, even ones I already signed off on', () => {
    const b = repo();
    b.review(alice, C, 'approve');
    assert.ok(b.releasePlanned(C, 'staging', carol).allowed);
    b.advance(100 * DAY);
    const list = waitingFor(b.build(), alice);
    assert.deepStrictEqual(list.map((w) => [w.prompt.path, w.attention.map((a) => a.kind)]), [[C, ['review-due']], [A, []], [B, []]]);
  });

  it('shows a requested reviewer the overdue request, and the objector the dispute', () => {
    const b = repo();
    b.requestReview(carol, B, ['erin@example.com']);
    b.advance(4 * DAY);
    assert.deepStrictEqual(waitingFor(b.build(), erin).map((w) => [w.prompt.path, w.reason, w.attention.map((a) => a.kind)]), [[B, 'requested', ['overdue']]]);
    b.review(alice, A, 'approve');
    assert.ok(b.releasePlanned(A, 'staging', carol).allowed);
    b.review(bob, A, 'request-changes', { comment: 'wrong tone' });
    assert.deepStrictEqual(waitingFor(b.build(), bob).map((w) => [w.prompt.path, w.attention.map((a) => a.kind)]), [[A, ['disputed']]]);
    assert.deepStrictEqual(waitingFor(b.build(), carol), [], 'the author is not asked to review');
  });
});

describe('feedback', () => {
  const FEEDBACK_CONFIG = `environments:\n  staging: { approvals: 1 }\n  production: { approvals: 1 }\n`;
  function live() {
    const b = new SnapshotBuilder(FEEDBACK_CONFIG, 'prompts/** @alice\n');
    b.commit(carol, { [A]: 'Answer briefly.\n' });
    b.review(alice, A, 'approve');
    assert.ok(b.releasePlanned(A, 'staging', carol).allowed);
    assert.ok(b.releasePlanned(A, 'production', carol).allowed);
    return b;
  }
  const summary = (b: SnapshotBuilder) => {
    const model = b.build();
    return feedbackSummary(model, model.byPath.get(A)!)?.label;
  };

  it('is open on the version live where it was reported, and summed up for the CodeLens', () => {
    const b = live();
    b.feedback(erin, A, 'Cut off a refund answer', { environment: 'production', version: 1, rating: 'bad' });
    b.feedback(bob, A, 'Fine for orders', { environment: 'production', version: 1, rating: 'good' });
    assert.strictEqual(summary(b), '2 reports on v1 in production (1 bad)');
    const model = b.build();
    assert.deepStrictEqual(feedbackOf(model, model.byPath.get(A)!).map((f) => f.open), [true, true]);
  });

  it('is answered by the next change committed, then by the newer version once it is live', () => {
    const b = live();
    b.feedback(erin, A, 'Too short', { environment: 'production', version: 1, rating: 'bad' });
    b.commit(carol, { [A]: 'Answer briefly, but completely.\n' });
    let model = b.build();
    assert.deepStrictEqual(feedbackOf(model, model.byPath.get(A)!).map((f) => [f.open, f.answeredBy]), [[false, 'a change committed since (not released yet)']]);
    assert.strictEqual(summary(b), undefined);
    b.review(alice, A, 'approve');
    assert.ok(b.releasePlanned(A, 'staging', carol).allowed);
    assert.ok(b.releasePlanned(A, 'production', carol).allowed);
    model = b.build();
    assert.deepStrictEqual(feedbackOf(model, model.byPath.get(A)!).map((f) => f.answeredBy), ['v2, now live in production']);
  });

  it('is answered by a change to what the version includes: a partial edited, then released', () => {
    const H = 'prompts/_tone.prompt';
    const D = 'prompts/reply.prompt';
    const b = new SnapshotBuilder(FEEDBACK_CONFIG, 'prompts/** @alice\n');
    b.commit(carol, { [H]: 'Be brief.\n', [D]: '{{> tone}}\nAnswer.\n' });
    b.review(alice, D, 'approve');
    assert.ok(b.releasePlanned(D, 'staging', carol).allowed);
    assert.ok(b.releasePlanned(D, 'production', carol).allowed);
    let model = b.build();
    const record = planFeedback(model, model.byPath.get(D)!, { body: 'Too curt', environment: 'production' }, erin, new Date(b.time));
    assert.deepStrictEqual(record.includes, [{ path: H, contentHash: model.byPath.get(H)!.contentHash }], 'the feedback names what the live version included');
    b.record(record);
    const answered = () => {
      const m = b.build();
      return feedbackOf(m, m.byPath.get(D)!).map((f) => f.answeredBy ?? 'open');
    };
    assert.deepStrictEqual(answered(), ['open']);
    b.commit(carol, { [H]: 'Be brief, but kind.\n' });
    assert.deepStrictEqual(answered(), ['a change to what it includes committed since (not released yet)']);
    b.review(alice, D, 'approve');
    assert.ok(b.releasePlanned(D, 'staging', carol).allowed);
    assert.ok(b.releasePlanned(D, 'production', carol).allowed);
    assert.deepStrictEqual(answered(), ['v1 with other includes, now live in production']);
  });

  it('says "versions in use" when reports are on different versions, and "the committed version" for unreleased content', () => {
    const b = live();
    b.feedback(erin, A, 'staging looks odd', { environment: 'staging', version: 1 });
    b.feedback(erin, A, 'prod too', { environment: 'production', version: 1 });
    assert.strictEqual(summary(b), '2 reports on versions in use');
    const draft = new SnapshotBuilder(FEEDBACK_CONFIG, 'prompts/** @alice\n');
    draft.commit(carol, { [A]: 'Draft\n' });
    draft.feedback(erin, A, 'Tried it locally');
    assert.strictEqual(summary(draft), '1 report on the committed version');
  });

  it('goes by default to the version in the furthest environment, and shows in the history with its version', () => {
    const b = live();
    b.commit(carol, { [A]: 'Unreleased edit\n' });
    const model = b.build();
    const prompt = model.byPath.get(A)!;
    const record = planFeedback(model, prompt, { body: ' Hallucinated a price ', rating: 'bad' }, erin, new Date(b.time));
    assert.deepStrictEqual([record.environment, record.version, record.contentHash, record.body], ['production', 1, prompt.current.production!.evidence.contentHash, 'Hallucinated a price']);
    b.record(record);
    const after = b.build();
    const p = after.byPath.get(A)!;
    const hashes = new Map(p.releases.map((r) => [r.evidence.blob, r.evidence.contentHash]));
    const entry = promptTimeline(p, after.historyOf(A), hashes).find((e) => e.kind === 'feedback');
    assert.deepStrictEqual(entry && entry.kind === 'feedback' ? [entry.version, entry.environment, entry.rating, entry.body] : entry, [1, 'production', 'bad', 'Hallucinated a price']);
    assert.throws(() => planFeedback(model, prompt, { body: 'x', environment: 'nowhere' }, erin, new Date()), /unknown environment|nowhere/);
  });
});
