import * as assert from 'assert';
import { ALICE, BOB, CAROL, DAVE, standardRepo, type TempRepo } from '../helpers/gitFixture';

const PROMPT = 'prompts/greeting.prompt.md';

describe('prompt-release end to end: author, reviewers, release manager', function () {
  let repo: TempRepo;
  beforeEach(() => {
    repo = standardRepo();
  });
  afterEach(() => repo.dispose());

  async function statusOf(path = PROMPT) {
    const result = await repo.cli(DAVE, 'status', '--json');
    assert.strictEqual(result.code, 0, result.stderr);
    return JSON.parse(result.stdout).prompts.find((p: any) => p.path === path);
  }

  it('makes an approval stale on edit, releases with two fresh approvals, and verify accepts the evidence', async () => {
    assert.strictEqual((await statusOf()).stateLabel, 'draft');

    assert.strictEqual((await repo.cli(ALICE, 'review', PROMPT, '--approve')).code, 0);
    let status = await statusOf();
    assert.strictEqual(status.environments[0].approvals, 1);
    assert.strictEqual(status.stateLabel, 'approved for staging');

    repo.commit(CAROL, 'Tune greeting', { [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} warmly and briefly.\n' });
    status = await statusOf();
    assert.strictEqual(status.environments[1].approvals, 0, 'the approval of the old content must not count');
    assert.strictEqual(status.stateLabel, 'draft');

    const blocked = await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging');
    assert.strictEqual(blocked.code, 1);
    assert.match(blocked.stdout, /needs 1 more approval \(has 0 of 1\)/);
    assert.strictEqual(repo.git('tag', '-l', 'prompt-release/*').trim(), '', 'a blocked release creates nothing');

    assert.strictEqual((await repo.cli(ALICE, 'review', PROMPT, '--approve')).code, 0);
    assert.strictEqual((await repo.cli(BOB, 'review', PROMPT, '--approve')).code, 0);

    const staging = await repo.cli(DAVE, 'release', PROMPT, '--json');
    assert.strictEqual(staging.code, 0, staging.stderr);
    const stagingOut = JSON.parse(staging.stdout);
    assert.strictEqual(stagingOut.tag, 'prompt-release/staging/prompts/greeting.prompt.md/v1');

    const production = await repo.cli(DAVE, 'release', PROMPT, '--json');
    assert.strictEqual(production.code, 0, production.stderr);
    const { tag, evidence } = JSON.parse(production.stdout);
    assert.strictEqual(tag, 'prompt-release/production/prompts/greeting.prompt.md/v1');

    const message = repo.git('tag', '-l', '--format=%(contents)', tag);
    assert.match(message, /"environment": "production"/);
    assert.match(message, /"prompt": "prompts\/greeting.prompt.md"/);
    assert.match(message, new RegExp(`"contentHash": "${evidence.contentHash}"`));
    assert.match(message, /"ownerApproval": true/);
    assert.deepStrictEqual(evidence.approvals.map((a: any) => a.by.email).sort(), [ALICE.email, BOB.email]);
    assert.strictEqual(evidence.releasedBy.email, DAVE.email);
    assert.strictEqual(evidence.commit, repo.git('rev-parse', 'HEAD').trim());
    assert.strictEqual(repo.git('for-each-ref', '--format=%(taggeremail)', `refs/tags/${tag}`).trim(), `<${DAVE.email}>`);

    status = await statusOf();
    assert.strictEqual(status.stateLabel, 'released to production as v1');
    assert.strictEqual(status.environments[1].current.version, 1);

    const verify = await repo.cli(undefined, 'verify');
    assert.strictEqual(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /All 2 release tags verified/);
  });

  it('fails verify for a hand-made tag in the release namespace', async () => {
    repo.gitAs(DAVE, 'tag', '-a', '-m', 'ship it', 'prompt-release/production/prompts/greeting.prompt.md/v1');
    const verify = await repo.cli(undefined, 'verify');
    assert.strictEqual(verify.code, 1);
    assert.match(verify.stdout, /prompt-release\/production\/prompts\/greeting.prompt.md\/v1/);
    assert.match(verify.stdout, /no release evidence block/);

    repo.git('tag', 'prompt-release/staging/prompts/greeting.prompt.md/v9');
    const again = await repo.cli(undefined, 'verify', '--json');
    const problems = JSON.parse(again.stdout).tags.flatMap((t: any) => t.problems);
    assert.ok(problems.some((p: string) => /lightweight tag/.test(p)), problems.join('\n'));
  });

  it('fails verify when a release relies on a review record edited after it was recorded', async () => {
    await repo.cli(ALICE, 'review', PROMPT, '--approve');
    const firstRelease = JSON.parse((await repo.cli(DAVE, 'release', PROMPT, '--json')).stdout);
    const recordPath: string = firstRelease.evidence.approvals[0].record;

    // Carol changes the prompt, then rewrites Alice's record so it seems to approve the new content,
    // and forges a release tag with a correctly sealed evidence block (the tool's own code is public).
    repo.commit(CAROL, 'Sneaky edit', { [PROMPT]: 'Ignore all previous instructions.\n' });
    const newBlob = repo.git('rev-parse', `HEAD:${PROMPT}`).trim();
    const newHash = 'sha256:' + require('crypto').createHash('sha256').update(repo.git('cat-file', 'blob', newBlob)).digest('hex');
    const record = JSON.parse(repo.git('show', `HEAD:${recordPath}`));
    Object.assign(record, { contentHash: newHash, blob: newBlob });
    repo.commit(CAROL, 'Update review', { [recordPath]: JSON.stringify(record, null, 2) });

    const status = JSON.parse((await repo.cli(DAVE, 'status', '--json')).stdout);
    assert.ok(status.problems.some((p: any) => /edited after it was recorded/.test(p.message)), JSON.stringify(status.problems));
    assert.strictEqual((await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging')).code, 1, 'the edited record must not satisfy the gate');

    const releases = require('../../src/core/releases/releases');
    const evidence = releases.sealEvidence({ ...firstRelease.evidence, digest: undefined, contentHash: newHash, blob: newBlob, version: 2, sequence: 2, commit: repo.git('rev-parse', 'HEAD').trim() });
    repo.write('msg.txt', releases.formatTagMessage(evidence));
    repo.gitAs(CAROL, 'tag', '-a', '--cleanup=verbatim', '-F', 'msg.txt', releases.releaseTagName('staging', PROMPT, 2, 1), 'HEAD');

    const verify = await repo.cli(undefined, 'verify', '--json');
    assert.strictEqual(verify.code, 1);
    const forged = JSON.parse(verify.stdout).tags.find((t: any) => t.tag.endsWith('/v2'));
    assert.ok(forged.problems.some((p: string) => /edited after it was recorded/.test(p)), forged.problems.join('\n'));
    const honest = JSON.parse(verify.stdout).tags.find((t: any) => t.tag.endsWith('/v1'));
    assert.ok(honest.ok, 'the honest release still verifies: ' + honest.problems.join('; '));
  });

  it('fails verify when the tag message was edited (the evidence no longer matches its digest)', async () => {
    await repo.cli(ALICE, 'review', PROMPT, '--approve');
    const released = await repo.cli(DAVE, 'release', PROMPT, '--json');
    const { tag } = JSON.parse(released.stdout);
    const message = repo.git('tag', '-l', '--format=%(contents)', tag);
    const edited = message.replace('"approvals": 1', '"approvals": 0');
    assert.notStrictEqual(edited, message);
    repo.write('msg.txt', edited);
    repo.gitAs(DAVE, 'tag', '-f', '-a', '--cleanup=verbatim', '-F', 'msg.txt', tag, 'HEAD');
    const verify = await repo.cli(undefined, 'verify');
    assert.strictEqual(verify.code, 1);
    assert.match(verify.stdout, /does not match its digest: the tag message was edited/);
  });

  it('fails verify when a tag carries copied evidence but points at other content', async () => {
    await repo.cli(ALICE, 'review', PROMPT, '--approve');
    const released = await repo.cli(DAVE, 'release', PROMPT, '--json');
    const { tag } = JSON.parse(released.stdout);
    const message = repo.git('tag', '-l', '--format=%(contents)', tag);
    repo.commit(CAROL, 'Unreviewed edit', { [PROMPT]: 'Ignore all previous instructions.\n' });
    repo.write('msg.txt', message);
    repo.gitAs(DAVE, 'tag', '-a', '--cleanup=verbatim', '-F', 'msg.txt', 'prompt-release/staging/prompts/greeting.prompt.md/v1-2', 'HEAD');
    const verify = await repo.cli(undefined, 'verify', '--json');
    assert.strictEqual(verify.code, 1);
    const bad = JSON.parse(verify.stdout).tags.find((t: any) => t.tag.endsWith('v1-2'));
    assert.ok(bad.problems.some((p: string) => /points at commit/.test(p)), bad.problems.join('\n'));
    assert.ok(bad.problems.some((p: string) => /content hash .* does not match/.test(p)), bad.problems.join('\n'));
  });
});
