import * as assert from 'assert';
import type { Identity } from '../../src/core/ownership/identity';
import { defaultEnvironment } from '../../src/core/reviews/operations';
import { planTrain } from '../../src/core/releases/releaseTrain';
import { formatTagMessage } from '../../src/core/releases/releases';
import { stateLabel } from '../../src/core/policy/state';
import { verifyModel } from '../../src/core/releases/verify';
import { DAY, SnapshotBuilder } from '../helpers/snapshot';

const alice: Identity = { name: 'Alice', email: 'alice@example.com' };
const bob: Identity = { name: 'Bob', email: 'bob@example.com' };
const carol: Identity = { name: 'Carol', email: 'carol@example.com' };
const dave: Identity = { name: 'Dave', email: 'dave@example.com' };

const P = 'prompts/support/reply.prompt';
const Q = 'prompts/sales/pitch.prompt';
const H = 'prompts/_header.prompt';
const OWNERS = 'prompts/** @alice\n';
const PEOPLE = 'people:\n  "@alice": [alice@example.com]\n';

const gate = (b: SnapshotBuilder, env: string, path = P) => b.build().byPath.get(path)!.gates.find((g) => g.environment === env)!;
const codes = (b: SnapshotBuilder, env: string, path = P) => gate(b, env, path).unmet.map((u) => u.code);

describe('rule: included content', () => {
  const CONFIG = `environments:\n  staging: { approvals: 1 }\n  production: { approvals: 1 }\n${PEOPLE}`;

  function withPartial() {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(dave, { [H]: 'You work for Acme.\n' });
    b.commit(carol, { [P]: 'Hello.\n{{> header}}\nAnswer: {{question}}\n' });
    return b;
  }

  it('blocks a prompt whose partial is nowhere, naming the file and line, whatever its approvals', () => {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(carol, { [P]: 'Hello.\n{{> header}}\n' });
    b.review(alice, P, 'approve');
    const g = gate(b, 'staging');
    assert.strictEqual(g.allowed, false);
    assert.strictEqual(g.approvalsCounted, 1, 'the approval itself counts; the include is what blocks');
    assert.deepStrictEqual(
      g.unmet.map((u) => u.message),
      [`${P}:2 includes partial "header", which cannot be used: not found (looked for prompts/support/_header.prompt, prompts/_header.prompt, _header.prompt); fix the reference or add the file, then have the prompt reviewed`],
    );
    const problem = b.build().problems.find((p) => p.cause === 'includes that cannot be resolved')!;
    assert.deepStrictEqual([problem.severity, problem.location, problem.prompt], ['error', { file: P, line: 2 }, P]);
  });

  it('blocks a prompt whose partial is dynamic, saying it cannot be released rather than asking for a file', () => {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(carol, { [P]: 'Hello.\n{{> (lookup . "which")}}\n' });
    b.review(alice, P, 'approve');
    const g = gate(b, 'staging');
    assert.strictEqual(g.allowed, false);
    assert.strictEqual(g.unmet.length, 1);
    assert.match(g.unmet[0].message, new RegExp(`^${P.replace(/[.]/g, '\\.')}:2 includes partial .*a dynamic partial.*; ${P.replace(/[.]/g, '\\.')} cannot be released while what it includes cannot be established$`));
  });

  it('treats an approval made while the partial was missing as stale once it appears', () => {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(carol, { [P]: 'Hello.\n{{> header}}\n' });
    b.review(alice, P, 'approve');
    b.commit(carol, { [H]: 'You work for Acme.\n' });
    const g = gate(b, 'staging');
    assert.strictEqual(g.approvalsCounted, 0);
    assert.deepStrictEqual(g.unmet.map((u) => u.code), ['dependency-changed', 'approvals']);
    assert.match(g.unmet[0].message, /prompts\/_header\.prompt was not included then/);
  });

  it('makes an approval stale when a partial changes, saying which one and whose approval', () => {
    const b = withPartial();
    b.review(alice, P, 'approve');
    assert.strictEqual(gate(b, 'staging').allowed, true);
    b.commit(dave, { [H]: 'You work for Acme Corp.\n' });
    const g = gate(b, 'staging');
    assert.strictEqual(g.allowed, false);
    assert.strictEqual(g.approvalsCounted, 0);
    const changed = g.unmet.find((u) => u.code === 'dependency-changed')!;
    assert.strictEqual(
      changed.message,
      `what ${P} includes changed after Alice <alice@example.com> approved it (${H} has changed since); the approval no longer counts: review the prompt again with its new includes`,
    );
    assert.deepStrictEqual(b.build().byPath.get(P)!.currentReviews, [], 'the prompt waits for its reviewers again');
  });

  it('counts an approval recorded with the new includes', () => {
    const b = withPartial();
    b.review(alice, P, 'approve');
    b.commit(dave, { [H]: 'You work for Acme Corp.\n' });
    b.review(alice, P, 'approve');
    const g = gate(b, 'staging');
    assert.strictEqual(g.allowed, true);
    assert.deepStrictEqual(g.approvals[0].review.record.includes?.map((i) => i.path), [H]);
    assert.strictEqual(g.approvals[0].review.record.includes![0].contentHash, b.build().byPath.get(H)!.contentHash);
  });

  it('does not count an approval of the dependent by the author of its partial', () => {
    const b = withPartial();
    b.review(dave, P, 'approve');
    const g = gate(b, 'staging');
    assert.strictEqual(g.approvalsCounted, 0);
    assert.deepStrictEqual(g.ignored.map((i) => i.reason), ['dave@example.com wrote part of this content and cannot approve it']);
    assert.ok(b.build().byPath.get(P)!.authors.some((a) => a.email === dave.email), "the partial's author is one of the prompt's authors");
    b.review(alice, P, 'approve');
    assert.strictEqual(gate(b, 'staging').allowed, true);
  });

  it('lists includes and "used by" across prompts, transitively, and terminates on a cycle of partials', () => {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(carol, {
      [H]: '{{> tone}}\n',
      'prompts/_tone.prompt': 'Be kind. {{> header}}\n',
      [P]: '{{> header}}\n',
      [Q]: '{{> tone}}\n',
    });
    const model = b.build();
    assert.deepStrictEqual(model.byPath.get(P)!.includes.map((d) => d.path), [H, 'prompts/_tone.prompt']);
    assert.deepStrictEqual(model.byPath.get(Q)!.includes.map((d) => d.path), [H, 'prompts/_tone.prompt']);
    assert.deepStrictEqual(model.byPath.get(H)!.usedBy.sort(), ['prompts/_tone.prompt', P, Q].sort());
    assert.deepStrictEqual(model.byPath.get('prompts/_tone.prompt')!.usedBy.sort(), [H, P, Q].sort());
    assert.deepStrictEqual(model.byPath.get(P)!.missingIncludes, []);
  });

  it('releases with the includes in the evidence, and keeps judging the live version by what it included then', () => {
    const b = withPartial();
    b.review(alice, P, 'approve');
    const plan = b.releasePlanned(P, 'staging', carol);
    assert.ok(plan.allowed);
    const header = b.build().byPath.get(H)!;
    assert.deepStrictEqual(plan.evidence.includes, [{ path: H, blob: header.blob, contentHash: header.contentHash }]);
    assert.match(formatTagMessage(plan.evidence), new RegExp(`Includes:\\n  - ${H} ${header.contentHash}`));
    let model = b.build();
    assert.deepStrictEqual(model.tagChecks.map((t) => t.problems), [[]], 'the tag passes the integrity check');
    b.commit(dave, { [H]: 'You work for Acme Corp.\n' });
    model = b.build();
    const live = model.byPath.get(P)!.live.staging!;
    assert.strictEqual(live.allowed, true, 'the released version still has the partial it was approved with');
    assert.deepStrictEqual(verifyModel(model).live.map((l) => [l.ok, l.problems]), [[true, []]]);
    assert.ok(codes(b, 'staging').includes('dependency-changed'), 'HEAD, with the new partial, is not approved');
  });

  it('refuses a tag whose evidence leaves out what the prompt includes at its commit, or names another blob for it', () => {
    const b = withPartial();
    b.review(alice, P, 'approve');
    b.releasePlanned(P, 'staging', carol, { forge: (ev) => ({ ...ev, includes: undefined }) });
    const [check] = b.build().tagChecks;
    assert.deepStrictEqual(check.problems, [`its evidence does not list what ${P} includes at the commit (${H} was not included then)`]);
    assert.deepStrictEqual(b.build().byPath.get(P)!.releases, [], 'such a tag is not a release');

    const other = withPartial();
    other.review(alice, P, 'approve');
    other.releasePlanned(P, 'staging', carol, { forge: (ev) => ({ ...ev, includes: ev.includes!.map((i) => ({ ...i, blob: 'f'.repeat(40) })) }) });
    assert.match(other.build().tagChecks[0].problems.join('\n'), new RegExp(`the included ${H} at the commit is blob [0-9a-f]{10}, not ffffffffff`));
  });
});

describe('releasing a prompt again after a partial changed', () => {
  const CONFIG = `environments:\n  staging: { approvals: 1 }\n  production: { approvals: 1 }\n${PEOPLE}`;

  function releasedThenChanged() {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(dave, { [H]: 'You work for Acme.\n' });
    b.commit(carol, { [P]: 'Hello.\n{{> header}}\n' });
    b.review(alice, P, 'approve');
    assert.ok(b.releasePlanned(P, 'staging', carol).allowed);
    assert.ok(b.releasePlanned(P, 'production', carol).allowed);
    b.commit(dave, { [H]: 'You work for Acme Corp.\n' });
    return b;
  }

  it('shows the prompt as modified since release: what is live renders differently', () => {
    const b = releasedThenChanged();
    assert.strictEqual(stateLabel(b.build().byPath.get(P)!.state), 'modified since release (v1 in production)');
  });

  it('is not "already current" once re-approved with the new partial, and goes out with the new includes', () => {
    const b = releasedThenChanged();
    b.review(alice, P, 'approve');
    const plan = b.releasePlanned(P, 'staging', carol);
    assert.ok(plan.allowed, 'the same prompt text with another partial is not what is live');
    assert.strictEqual(plan.evidence.includes![0].contentHash, b.build().byPath.get(H)!.contentHash);
    assert.strictEqual(plan.tag, `prompt-release/staging/${P}/v1-2`, 'the version number names the prompt text; the tag is a repeat');
    assert.deepStrictEqual(b.build().tagChecks.map((t) => t.problems), [[], [], []]);
    assert.deepStrictEqual(codes(b, 'staging'), ['already-released']);
  });

  it('must go through the previous environment again with the new includes before it is promoted', () => {
    const b = releasedThenChanged();
    b.review(alice, P, 'approve');
    const g = gate(b, 'production');
    assert.deepStrictEqual(
      g.unmet.map((u) => u.message),
      [`must be released to staging first with what it includes now (the release of v1 there had other includes: ${H} has changed since)`],
    );
    assert.strictEqual(defaultEnvironment(b.build(), b.build().byPath.get(P)!), 'staging');
    const train = planTrain(b.build(), 'staging', carol, new Date(b.time));
    assert.deepStrictEqual(train.go.map((p) => p.evidence.prompt), [P], 'a release train takes it');
    assert.ok(b.releasePlanned(P, 'staging', carol).allowed);
    assert.ok(b.releasePlanned(P, 'production', carol).allowed);
    assert.strictEqual(stateLabel(b.build().byPath.get(P)!.state), 'released to production as v1');
  });
});

describe('rule: review criteria', () => {
  const CONFIG = `environments:
  staging: { approvals: 1 }
  production:
    approvals: 1
    requirePrevious: false
    criteria: ["brand voice", "no legal claims"]
${PEOPLE}`;

  function fresh() {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(carol, { [P]: 'Hello.\n' });
    return b;
  }

  it("sets aside an approval that does not confirm an environment's criteria, for that environment only", () => {
    const b = fresh();
    b.review(alice, P, 'approve', { confirms: ['brand voice'] });
    assert.strictEqual(gate(b, 'staging').allowed, true, 'staging has no criteria');
    const g = gate(b, 'production');
    assert.strictEqual(g.allowed, false);
    assert.strictEqual(g.approvalsCounted, 0);
    assert.deepStrictEqual(g.ignored.map((i) => [i.rule, i.reason]), [['review criteria', `alice@example.com did not confirm production's criterion: "no legal claims"`]]);
    assert.deepStrictEqual(g.unmet.map((u) => u.code), ['criteria', 'approvals']);
    assert.match(g.unmet[0].message, /approvals for production must confirm each of its criteria \("brand voice", "no legal claims"\); Alice <alice@example.com> did not confirm all of them: approve prompts\/support\/reply\.prompt again confirming them/);
  });

  it('counts an approval that confirms each criterion word for word; a later approval replaces an earlier one', () => {
    const b = fresh();
    b.review(alice, P, 'approve', { confirms: ['Brand voice', 'no legal claims'] });
    assert.strictEqual(gate(b, 'production').approvalsCounted, 0, 'criteria are compared word for word');
    b.review(alice, P, 'approve', { confirms: ['no legal claims', 'brand voice'] });
    const g = gate(b, 'production');
    assert.strictEqual(g.allowed, true);
    assert.deepStrictEqual(g.ignored, []);
  });

  it('says nothing about criteria when enough other approvals count', () => {
    const b = fresh();
    b.review(bob, P, 'approve');
    b.review(alice, P, 'approve', { confirms: ['brand voice', 'no legal claims'] });
    const g = gate(b, 'production');
    assert.strictEqual(g.allowed, true);
    assert.deepStrictEqual(g.ignored.map((i) => i.review.record.by.email), ['bob@example.com'], 'the unconfirmed approval is still shown as set aside');
  });

  it('writes the confirmed criteria into the release evidence and its message, and the tag checks out', () => {
    const b = fresh();
    b.review(alice, P, 'approve', { confirms: ['brand voice', 'no legal claims'] });
    const plan = b.releasePlanned(P, 'production', carol);
    assert.ok(plan.allowed);
    assert.deepStrictEqual(plan.evidence.approvals.map((a) => [a.by.email, a.confirms]), [['alice@example.com', ['brand voice', 'no legal claims']]]);
    assert.deepStrictEqual(plan.evidence.policy.criteria, ['brand voice', 'no legal claims']);
    assert.match(plan.message, /Criteria confirmed:\n  - Alice: brand voice; no legal claims/);
    const model = b.build();
    assert.deepStrictEqual(model.tagChecks.map((t) => t.problems), [[]]);
    assert.strictEqual(model.byPath.get(P)!.live.production!.allowed, true);
  });

  it('leaves confirms out of the evidence of an environment without criteria', () => {
    const b = fresh();
    b.review(alice, P, 'approve', { confirms: ['brand voice', 'no legal claims'] });
    const plan = b.releasePlanned(P, 'staging', carol);
    assert.ok(plan.allowed);
    assert.strictEqual(plan.evidence.approvals[0].confirms, undefined);
    assert.strictEqual(plan.evidence.policy.criteria, undefined);
  });
});

describe('rule: required checks', () => {
  const CONFIG = `environments:
  staging:
    approvals: 1
    checks: [eval, lint]
${PEOPLE}`;

  function approved() {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(dave, { [H]: 'Acme.\n' });
    b.commit(carol, { [P]: 'Hello. {{> header}}\n' });
    b.review(alice, P, 'approve');
    return b;
  }
  const checkMessages = (b: SnapshotBuilder) => gate(b, 'staging').unmet.filter((u) => u.code === 'checks').map((u) => u.message);

  it('blocks while a required check has no result on the content, naming the command to record one', () => {
    const b = approved();
    assert.deepStrictEqual(checkMessages(b), [
      `needs a passing "eval" check on this content (none recorded); run it: prompt-release check ${P} --name eval --run "<command>"`,
      `needs a passing "lint" check on this content (none recorded); run it: prompt-release check ${P} --name lint --run "<command>"`,
    ]);
  });

  it('blocks on a failed check with its summary, and allows once a later run passes', () => {
    const b = approved();
    b.check(bob, P, 'lint', 'pass');
    b.check(bob, P, 'eval', 'fail', { summary: '3 of 40 cases failed' });
    const [message] = checkMessages(b);
    assert.match(message, /^check "eval" failed on this content \(recorded by Bob <bob@example.com> at .*: 3 of 40 cases failed\); fix the prompt, or record a new passing run$/);
    b.check(bob, P, 'eval', 'pass', { summary: '40 of 40' });
    assert.strictEqual(gate(b, 'staging').allowed, true);
    assert.strictEqual(gate(b, 'staging').checks.get('eval')!.record.summary, '40 of 40');
  });

  it('does not count a pass its author recorded, but does count their failure', () => {
    const b = approved();
    b.check(bob, P, 'lint', 'pass');
    b.check(carol, P, 'eval', 'pass', { summary: 'trust me' });
    const [message] = checkMessages(b);
    assert.match(message, /^needs a passing "eval" check recorded by someone who did not write this content: the pass on record is by Carol <carol@example.com>, who wrote part of it; have CI or a reviewer run it/);
    assert.strictEqual(gate(b, 'staging').allowed, false);
    b.check(bob, P, 'eval', 'pass');
    assert.strictEqual(gate(b, 'staging').allowed, true);
    b.check(carol, P, 'eval', 'fail', { summary: 'found a regression' });
    assert.match(checkMessages(b)[0], /^check "eval" failed on this content \(recorded by Carol/);
  });

  it('takes the latest result in commit order: a pass followed by a fail blocks', () => {
    const b = approved();
    b.check(bob, P, 'lint', 'pass');
    b.check(bob, P, 'eval', 'pass');
    assert.strictEqual(gate(b, 'staging').allowed, true);
    // Stated earlier than the pass, committed later: commit order decides, not the stated time.
    b.check(carol, P, 'eval', 'fail', { time: '2020-01-01T00:00:00.000Z' });
    assert.deepStrictEqual(codes(b, 'staging'), ['checks']);
  });

  it('does not count a pass on other content of the prompt', () => {
    const b = approved();
    b.check(bob, P, 'lint', 'pass');
    b.check(bob, P, 'eval', 'pass');
    b.commit(carol, { [P]: 'Hello! {{> header}}\n' });
    b.review(alice, P, 'approve');
    assert.deepStrictEqual(codes(b, 'staging'), ['checks', 'checks']);
  });

  it('does not count a pass made when what the prompt includes was different', () => {
    const b = approved();
    b.check(bob, P, 'lint', 'pass');
    b.check(bob, P, 'eval', 'pass');
    b.commit(dave, { [H]: 'Acme Corp.\n' });
    b.review(alice, P, 'approve');
    assert.deepStrictEqual(codes(b, 'staging'), ['checks', 'checks']);
    b.check(bob, P, 'eval', 'pass');
    b.check(bob, P, 'lint', 'pass', { includes: [] });
    assert.deepStrictEqual(checkMessages(b).map((m) => /"(\w+)"/.exec(m)![1]), ['lint'], 'a record claiming other includes does not count either');
  });

  it('cites the passing results in the evidence, and the tag checks out', () => {
    const b = approved();
    const lint = b.check(bob, P, 'lint', 'pass');
    const evalRun = b.check(bob, P, 'eval', 'pass');
    const plan = b.releasePlanned(P, 'staging', carol);
    assert.ok(plan.allowed);
    assert.deepStrictEqual(plan.evidence.checks!.map((c) => [c.name, c.record, c.by.email]), [['eval', evalRun, bob.email], ['lint', lint, bob.email]]);
    assert.match(plan.message, /Checks passed:\n  - eval \(recorded by Bob/);
    assert.deepStrictEqual(b.build().tagChecks.map((t) => t.problems), [[]]);
  });

  it('judges live content by its checks: a later failure on the released content fails verify', () => {
    const b = approved();
    b.check(bob, P, 'lint', 'pass');
    b.check(bob, P, 'eval', 'pass');
    assert.ok(b.releasePlanned(P, 'staging', carol).allowed);
    b.check(bob, P, 'eval', 'fail', { summary: 'regressed' });
    const live = verifyModel(b.build()).live[0];
    assert.strictEqual(live.ok, false);
    assert.match(live.problems[0], /check "eval" failed on this content .*regressed/);
  });
});

describe('rule: review expiry', () => {
  const CONFIG = `environments:
  staging: { approvals: 1, reviewEvery: 90d }
  production: { approvals: 1, requirePrevious: false }
${PEOPLE}`;

  function released() {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(carol, { [P]: 'Hello.\n' });
    b.review(alice, P, 'approve');
    assert.ok(b.releasePlanned(P, 'staging', carol).allowed);
    return b;
  }

  it('warns about a live version whose latest approval is older than reviewEvery; verify warns but passes', () => {
    const b = released();
    b.advance(89 * DAY);
    assert.deepStrictEqual(b.build().byPath.get(P)!.live.staging!.warnings, [], 'not yet due');
    b.advance(2 * DAY);
    const model = b.build();
    const live = model.byPath.get(P)!.live.staging!;
    assert.strictEqual(live.allowed, true, 'a warning does not block what is live');
    assert.deepStrictEqual(live.warnings.map((w) => [w.code, w.severity, w.people]), [['review-due', 'warning', ['@alice']]]);
    assert.match(live.warnings[0].message, /^review due in staging: the latest approval \(Alice <alice@example.com> at .*, 91 days ago\) is older than reviewEvery \(90d\); re-approving the same content renews it without a new release$/);
    const report = verifyModel(model);
    assert.deepStrictEqual(report.live.map((l) => [l.ok, l.warnings.length]), [[true, 1]]);
    assert.strictEqual(report.ok, true);
    assert.ok(model.problems.some((p) => p.severity === 'warning' && p.cause === 'live versions due for review'));
    assert.deepStrictEqual(b.build().byPath.get(P)!.live.production, undefined, 'only where it is live');
  });

  it('blocks a new release on an approval older than reviewEvery', () => {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(carol, { [P]: 'Hello.\n' });
    b.review(alice, P, 'approve');
    b.advance(100 * DAY);
    const g = gate(b, 'staging');
    assert.strictEqual(g.allowed, false);
    assert.deepStrictEqual(g.unmet.map((u) => [u.code, u.severity]), [['review-due', undefined]]);
    assert.strictEqual(gate(b, 'production').allowed, true, 'production has no reviewEvery');
  });

  it('is renewed by a new approval of the same content, without a new release', () => {
    const b = released();
    b.advance(120 * DAY);
    assert.strictEqual(b.build().byPath.get(P)!.live.staging!.warnings.length, 1);
    b.review(alice, P, 'approve');
    const model = b.build();
    assert.deepStrictEqual(model.byPath.get(P)!.live.staging!.warnings, []);
    assert.strictEqual(model.releases.length, 1);
  });

  it('measures age from the snapshot time, not the wall clock', () => {
    const b = released();
    b.advance(200 * DAY);
    b.now = Date.parse('2026-11-02T00:00:00Z');
    assert.deepStrictEqual(b.build().byPath.get(P)!.live.staging!.warnings, []);
    b.now = undefined;
    assert.strictEqual(b.build().byPath.get(P)!.live.staging!.warnings.length, 1);
  });

  it('uses the earlier of the stated time and the commit time: post-dating the record gains nothing', () => {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(carol, { [P]: 'Hello.\n' });
    b.review(alice, P, 'approve', { time: '2030-01-01T00:00:00.000Z' });
    b.advance(100 * DAY);
    assert.deepStrictEqual(codes(b, 'staging'), ['review-due']);
  });

  it('does not believe an approval dated in the future: the review is due', () => {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(carol, { [P]: 'Hello.\n' });
    const future = b.time + 365 * DAY;
    b.review(alice, P, 'approve', { time: new Date(future).toISOString(), commitAt: future });
    const g = gate(b, 'staging');
    assert.deepStrictEqual(g.unmet.map((u) => u.code), ['review-due']);
    assert.match(g.unmet[0].message, /dated in the future, so its age cannot be established; re-approve/);
    const slightlyAhead = new SnapshotBuilder(CONFIG, OWNERS);
    slightlyAhead.commit(carol, { [P]: 'Hello.\n' });
    const soon = slightlyAhead.time + 5 * 60_000;
    slightlyAhead.review(alice, P, 'approve', { time: new Date(soon).toISOString(), commitAt: soon });
    slightlyAhead.now = soon - 5 * 60_000;
    assert.strictEqual(gate(slightlyAhead, 'staging').allowed, true, 'a few minutes of clock skew are tolerated');
  });

  it('takes the latest counted approval, not one set aside', () => {
    const b = new SnapshotBuilder(CONFIG, OWNERS);
    b.commit(carol, { [P]: 'Hello.\n' });
    b.review(alice, P, 'approve');
    b.advance(100 * DAY);
    b.review(carol, P, 'approve');
    assert.deepStrictEqual(codes(b, 'staging'), ['review-due'], "the author's own fresh approval does not renew it");
  });
});
