import * as assert from 'assert';
import { checkDrift, describeConflict, lockedPaths, lockFile, parseLockFile, planExport, safeRelativePath } from '../../src/core/delivery/delivery';
import { contentHash } from '../../src/core/prompts/hash';
import type { Identity } from '../../src/core/ownership/identity';
import { verifyModel } from '../../src/core/releases/verify';
import { SnapshotBuilder } from '../helpers/snapshot';

const alice: Identity = { name: 'Alice', email: 'alice@example.com' };
const carol: Identity = { name: 'Carol', email: 'carol@example.com' };
const dave: Identity = { name: 'Dave', email: 'dave@example.com' };
const erin: Identity = { name: 'Erin', email: 'erin@example.com' };

const TONE = 'prompts/_tone.prompt';
const SUPPORT = 'prompts/support.prompt';
const SALES = 'prompts/sales.prompt';
const TONE_V1 = 'Be warm and brief.\n';
const TONE_V2 = 'Be warm, brief and never promise refunds.\n';
const hashOf = (text: string) => contentHash(Buffer.from(text));
const short = (text: string) => hashOf(text).slice('sha256:'.length, 'sha256:'.length + 12);

/** Two Dotprompt prompts including the partial "tone", both approved and released to staging with tone v1. */
function released(): SnapshotBuilder {
  const b = new SnapshotBuilder('environments:\n  staging: { approvals: 1 }\n');
  b.commit(carol, {
    [TONE]: TONE_V1,
    [SUPPORT]: '{{> tone}}\nHelp with {{question}}.\n',
    [SALES]: '{{> tone}}\nSuggest a plan for {{company}}.\n',
  });
  for (const p of [SUPPORT, SALES]) {
    b.review(alice, p, 'approve');
    assert.ok(b.releasePlanned(p, 'staging', dave).allowed, `${p} is released`);
  }
  return b;
}

/** The partial edited by Erin, and the given prompts approved and released again with it. */
function editTone(b: SnapshotBuilder, rerelease: string[]): void {
  b.commit(erin, { [TONE]: TONE_V2 });
  for (const p of rerelease) {
    b.review(alice, p, 'approve');
    assert.ok(b.releasePlanned(p, 'staging', dave).allowed, `${p} is released again`);
  }
}

function plan(b: SnapshotBuilder, paths?: string[]) {
  const model = b.build();
  const report = verifyModel(model);
  assert.ok(report.ok, report.tags.flatMap((t) => t.problems).join('; '));
  return { model, report, plan: planExport(model, report, 'staging', paths) };
}

describe('export planning: what exported prompts include', () => {
  it('plans each include once, at the content every dependent pins, and the lock lists it', () => {
    const b = released();
    const { model, report, plan: p } = plan(b, [SUPPORT, SALES]);
    assert.deepStrictEqual(p.conflicts, []);
    assert.deepStrictEqual(p.entries.map((e) => e.path), [SALES, SUPPORT]);
    assert.deepStrictEqual(p.includes.map(({ path, contentHash: hash, includedBy }) => ({ path, hash, includedBy })), [{ path: TONE, hash: hashOf(TONE_V1), includedBy: [SALES, SUPPORT] }]);
    const support = model.releases.find((r) => r.evidence.prompt === SUPPORT)!;
    assert.strictEqual(p.includes[0].blob, support.evidence.includes![0].blob, 'the blob the evidence pins');

    const lock = lockFile(model, 'staging', p);
    assert.deepStrictEqual(lock.includes, p.includes);
    const parsed = parseLockFile(JSON.stringify(lock));
    assert.ok(!('error' in parsed));
    assert.deepStrictEqual(lockedPaths(parsed), [SALES, SUPPORT, TONE]);

    const files = new Map([[SUPPORT, hashOf(b.text(SUPPORT)!)], [SALES, hashOf(b.text(SALES)!)], [TONE, hashOf(TONE_V1)]]);
    const clean = checkDrift(lock, files, model, report);
    assert.deepStrictEqual(clean.problems, []);
    assert.deepStrictEqual([clean.checked, clean.includes], [2, 1]);

    const tampered = checkDrift(lock, new Map([...files, [TONE, hashOf('Be rude.\n')]]), model, report);
    assert.deepStrictEqual(tampered.problems, [`${TONE} was changed after export: its content is ${short('Be rude.\n')}, the lock says ${short(TONE_V1)} (included by ${SALES}, ${SUPPORT})`]);
    const missing = checkDrift(lock, new Map([...files].filter(([k]) => k !== TONE)), model, report);
    assert.deepStrictEqual(missing.problems, [`${TONE} is in the lock file but missing from the directory`]);
    // A lock written without includes (or stripped of them): the include is unchecked, so it is a problem.
    const stripped = checkDrift({ ...lock, includes: undefined }, new Map([...files].filter(([k]) => k !== TONE)), model, report);
    assert.deepStrictEqual(stripped.problems, [
      `${SALES} includes ${TONE} (${lock.prompts[0].tag}), which the lock file does not list for it: export again`,
      `${SUPPORT} includes ${TONE} (${lock.prompts[1].tag}), which the lock file does not list for it: export again`,
    ]);
  });

  it('refuses an include two dependents pin at different contents, naming both versions and who pins them', () => {
    const b = released();
    editTone(b, [SUPPORT]);
    const { plan: p } = plan(b, [SUPPORT, SALES]);
    assert.strictEqual(p.conflicts.length, 1);
    assert.deepStrictEqual(p.includes, []);
    const [conflict] = p.conflicts;
    assert.strictEqual(conflict.path, TONE);
    assert.deepStrictEqual(conflict.versions.map((v) => [v.contentHash, v.pinnedBy.map((x) => x.prompt)]).sort(), [[hashOf(TONE_V1), [SALES]], [hashOf(TONE_V2), [SUPPORT]]].sort());
    const message = describeConflict(conflict, 'staging');
    assert.match(message, new RegExp(`^prompts/_tone\\.prompt is pinned at 2 different contents in staging: `));
    assert.ok(message.includes(`${short(TONE_V1)} included by ${SALES} (prompt-release/staging/prompts/sales.prompt/v1)`), message);
    assert.ok(message.includes(`${short(TONE_V2)} included by ${SUPPORT} (prompt-release/staging/prompts/support.prompt/v1-2)`), message);
    assert.match(message, /Review and release prompts\/sales\.prompt, prompts\/support\.prompt to staging again .* so that they agree$/);

    // Each alone is consistent.
    assert.deepStrictEqual(plan(b, [SALES]).plan.conflicts, []);
    assert.deepStrictEqual(plan(b, [SUPPORT]).plan.includes.map((i) => i.contentHash), [hashOf(TONE_V2)]);
  });

  it('refuses an include that is also a prompt live in the environment with other content, even when only the dependent is exported', () => {
    const b = released();
    b.commit(erin, { [TONE]: TONE_V2 });
    b.review(alice, TONE, 'approve');
    assert.ok(b.releasePlanned(TONE, 'staging', dave).allowed);
    for (const paths of [undefined, [SUPPORT]]) {
      const { plan: p } = plan(b, paths);
      assert.deepStrictEqual(p.conflicts.map((c) => c.path), [TONE], `exporting ${paths ?? 'everything'}`);
      const own = p.conflicts[0].versions.find((v) => v.releasedAs);
      assert.deepStrictEqual(own, { contentHash: hashOf(TONE_V2), pinnedBy: [], releasedAs: { version: 1, tag: 'prompt-release/staging/prompts/_tone.prompt/v1' } });
      assert.match(describeConflict(p.conflicts[0], 'staging'), new RegExp(`${short(TONE_V2)} released itself as v1 \\(prompt-release/staging/prompts/_tone\\.prompt/v1\\)`));
    }
    // Once both dependents are released with the new partial, the file is one content: planned once as a prompt and as their include.
    for (const p of [SUPPORT, SALES]) {
      b.review(alice, p, 'approve');
      assert.ok(b.releasePlanned(p, 'staging', dave).allowed);
    }
    const { plan: p } = plan(b);
    assert.deepStrictEqual(p.conflicts, []);
    assert.deepStrictEqual(p.entries.map((e) => [e.path, e.contentHash]), [[TONE, hashOf(TONE_V2)], [SALES, hashOf(b.text(SALES)!)], [SUPPORT, hashOf(b.text(SUPPORT)!)]]);
    assert.deepStrictEqual(p.includes.map((i) => [i.path, i.contentHash, i.includedBy]), [[TONE, hashOf(TONE_V2), [SALES, SUPPORT]]]);
  });

  it('reports a lock whose include no longer matches what the live releases pin', () => {
    const b = released();
    const before = plan(b, [SUPPORT, SALES]);
    const lock = lockFile(before.model, 'staging', before.plan);
    const files = new Map([[SUPPORT, hashOf(b.text(SUPPORT)!)], [SALES, hashOf(b.text(SALES)!)], [TONE, hashOf(TONE_V1)]]);
    editTone(b, [SUPPORT, SALES]);
    const after = plan(b);
    const drift = checkDrift(lock, files, after.model, after.report);
    assert.ok(!drift.ok);
    assert.ok(drift.problems.includes(`${TONE}: ${SUPPORT} live in staging now (prompt-release/staging/prompts/support.prompt/v1-2) includes it as ${short(TONE_V2)}, not ${short(TONE_V1)}`), drift.problems.join('\n'));
    assert.ok(drift.problems.includes(`${SUPPORT}: v1 is no longer current in staging; v1 is (prompt-release/staging/prompts/support.prompt/v1-2)`), drift.problems.join('\n'));
  });

  it('reads lock files with and without includes, and refuses malformed include entries', () => {
    const base = { format: 'prompt-release-lock/1', environment: 'staging', trusted: { ref: 'main', commit: 'x' }, prompts: [], unreleased: [] };
    assert.ok(!('error' in parseLockFile(JSON.stringify(base))), 'a lock from before includes');
    assert.deepStrictEqual(parseLockFile(JSON.stringify({ ...base, includes: {} })), { error: 'its includes are not a list' });
    assert.deepStrictEqual(parseLockFile(JSON.stringify({ ...base, includes: [{ path: TONE, contentHash: 'sha256:1' }] })), { error: 'include 1 lacks path, contentHash or includedBy' });
  });

  it('writes only forward-slash paths inside the export folder', () => {
    for (const ok of [TONE, 'a/b.md', 'AGENTS.md', '.github/prompts/x.prompt.md']) assert.ok(safeRelativePath(ok), ok);
    for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', './a', 'C:/x', 'a\\..\\b', 'prompt-release.lock.json']) assert.ok(!safeRelativePath(bad), bad);
  });
});
