import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { newRecordPath, serializeRecord, type PromptRecord } from '../../src/core/reviews/records';
import { canonicalRecordBytes } from '../../src/core/reviews/signatures';
import { ALICE, BOB, CAROL, DAVE, identityEnv, runCli, standardRepo, STANDARD_CONFIG, TempRepo, type Person } from '../helpers/gitFixture';
import { makeKey, SIGNED_CONFIG, SIGNERS_FILE, signedCli, signersText, type Key } from '../helpers/signingKeys';
import { blobHash } from '../helpers/handRecords';

/** Signed evidence, and evidence someone else can pre-empt: a copy never takes a record's place. */

const MALLORY: Person = { name: 'Mallory', email: 'mallory@example.com' };
const PROMPT = 'prompts/greeting.prompt.md';

async function ok(repo: TempRepo, who: Person | undefined, ...args: string[]) {
  const result = await repo.cli(who, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
}

/** The record file the last commit added. */
function lastRecord(repo: TempRepo): string {
  return repo.git('log', '-1', '--format=', '--name-only', '--diff-filter=A', '--', '.promptrelease/records').trim();
}

/** Another path a record could have: same folder, another name. */
function otherPath(recordPath: string, tag: string): string {
  return recordPath.replace(/\.json$/, `-${tag}.json`);
}

describe('hostile contributor: a copy of a record never takes its place (unsigned records)', function () {
  let repo: TempRepo;
  beforeEach(() => {
    repo = standardRepo();
  });
  afterEach(() => repo.dispose());

  it('counts the approval when someone else committed a byte-identical copy of it first', async () => {
    // Alice approves on her review branch; Mallory sees the record and lands a copy on main first.
    repo.git('switch', '-q', '-c', 'alice-review');
    await ok(repo, ALICE, 'review', PROMPT, '--approve');
    const real = lastRecord(repo);
    const approvalCommit = repo.git('rev-parse', 'HEAD').trim();
    const bytes = repo.git('show', `HEAD:${real}`);
    repo.git('switch', '-q', 'main');
    repo.commit(MALLORY, 'Tidy records', { [otherPath(real, 'copy')]: bytes });
    // Alice's approval lands after the copy (a cherry-pick keeps her as its author).
    repo.gitAs(ALICE, 'cherry-pick', approvalCommit);
    assert.strictEqual(repo.git('rev-parse', `HEAD:${real}`).trim(), repo.git('rev-parse', `HEAD:${otherPath(real, 'copy')}`).trim(), 'the copy is the same blob');

    const release = await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging');
    assert.strictEqual(release.code, 0, 'the copy did not hide Alice\'s approval: ' + release.stdout + release.stderr);
    const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
    assert.ok(
      status.problems.some((p: any) => p.location?.file === otherPath(real, 'copy') && /does not count: .*authored by mallory@example.com, not by alice@example.com/.test(p.message)),
      'the copy is reported: ' + JSON.stringify(status.problems),
    );
    const tag = repo.git('tag', '-l', 'prompt-release/*').trim();
    assert.match(repo.git('tag', '-l', '--format=%(contents)', tag), new RegExp(real.replace(/[.]/g, '\\.')), 'the release cites the real record');
    await ok(repo, undefined, 'verify');
  });

  it('does not let an old approval, re-committed after a change request by the same person, answer it', async () => {
    await ok(repo, BOB, 'review', PROMPT, '--approve');
    const old = lastRecord(repo);
    await ok(repo, BOB, 'review', PROMPT, '--request-changes', '-m', 'Leaks the internal name');
    // The same record again at a new path, reformatted (another blob, the same record), with Bob as the commit author (as a rebase or cherry-pick keeps him).
    const copy = JSON.stringify(JSON.parse(repo.git('show', `HEAD:${old}`)));
    repo.commit(BOB, 'prompt-release: review', { [otherPath(old, 'again')]: copy + '\n' });
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(gate.code, 1, 'the replay is the old approval, before the change request: ' + gate.stdout);
    assert.match(gate.stdout, /changes requested by Bob Reviewer <bob@example.com>.*Leaks the internal name/);
    // Bob's own new approval answers it.
    await ok(repo, BOB, 'review', PROMPT, '--approve');
    await ok(repo, DAVE, 'gate', PROMPT, '--env', 'staging');
  });
});

describe('status says once that approvals are unsigned where no environment requires signatures', function () {
  it('prints one line, not one per record, and none where an environment requires signatures', async () => {
    const repo = standardRepo();
    try {
      await ok(repo, ALICE, 'review', PROMPT, '--approve');
      await ok(repo, BOB, 'review', PROMPT, '--approve');
      const status = await ok(repo, DAVE, 'status');
      assert.strictEqual(status.stderr.match(/approvals are unsigned/g)?.length, 1, status.stderr);
      assert.match(status.stderr, /signatures: required/);
    } finally {
      repo.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Signed records: keys made by ssh-keygen here, a signers file on the trusted branch.

let keyDir: string;
const keys = new Map<string, Key>();

function key(name: string): Key {
  return keys.get(name)!;
}

function signersTextOf(...names: string[]): string {
  return signersText(...names.map(key));
}

async function signedOk(repo: TempRepo, who: Person, signingKey: Key | undefined, ...args: string[]) {
  const result = await signedCli(repo, who, signingKey, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
}

/** `ssh-keygen -Y sign` over the record's canonical bytes, as git's signing setup would. */
function sshSign(signingKey: Key, record: object): string {
  return execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'prompt-release', '-f', signingKey.file], { input: canonicalRecordBytes(record) }).toString('utf8');
}

/** A record written by hand about the committed prompt, committed by `committer` (whoever its author field says). */
function commitRecord(repo: TempRepo, committer: Person, record: Record<string, unknown>, file = PROMPT): { path: string; record: PromptRecord } {
  const full = { format: 1, type: 'review', prompt: file, ...blobHash(repo, `HEAD:${file}`), time: new Date().toISOString(), ...record } as unknown as PromptRecord;
  const recordPath = newRecordPath(full);
  repo.commit(committer, `prompt-release: ${full.type} ${file}`, { [recordPath]: serializeRecord(full) });
  return { path: recordPath, record: full };
}

function signedRepo(): TempRepo {
  const repo = new TempRepo();
  repo.commit(CAROL, 'Add prompts and signers', {
    '.promptrelease.yaml': SIGNED_CONFIG,
    '.github/CODEOWNERS': '# owners\nprompts/** @alice @prompt-team\n',
    [SIGNERS_FILE]: signersTextOf('alice', 'bob', 'dave'),
    [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} warmly.\n',
  });
  return repo;
}

async function gateJson(repo: TempRepo, env: string) {
  const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', env, '--json');
  return JSON.parse(gate.stdout);
}

describe('signed records: who approved is proven where the policy asks', function () {
  let repo: TempRepo;
  before(() => {
    keyDir = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-keys-')));
    keys.set('alice', makeKey(keyDir, ALICE, 'alice'));
    keys.set('bob', makeKey(keyDir, BOB, 'bob'));
    keys.set('dave', makeKey(keyDir, DAVE, 'dave'));
    keys.set('alice-new', makeKey(keyDir, ALICE, 'alice-new'));
  });
  after(() => rmSync(keyDir, { recursive: true, force: true }));
  beforeEach(() => {
    repo = signedRepo();
  });
  afterEach(() => repo.dispose());

  it('releases to a signatures: required environment on approvals signed by two people, and verify names each signer and key', async () => {
    await signedOk(repo, ALICE, key('alice'), 'review', PROMPT, '--approve');
    const record = JSON.parse(repo.git('show', `HEAD:${lastRecord(repo)}`));
    assert.match(record.signature, /^-----BEGIN SSH SIGNATURE-----/, 'the record carries its signature');
    await signedOk(repo, BOB, key('bob'), 'review', PROMPT, '--approve');
    await ok(repo, DAVE, 'release', PROMPT, '--env', 'staging');
    await signedOk(repo, DAVE, key('dave'), 'release', PROMPT, '--env', 'production');
    const verify = JSON.parse((await ok(repo, undefined, 'verify', '--json')).stdout);
    const production = verify.tags.find((t: any) => /production/.test(t.tag));
    assert.deepStrictEqual(
      production.records.map((r: any) => [r.kind, r.by, r.signature]).sort(),
      [
        ['approval', ALICE.email, { email: ALICE.email, keyType: 'ssh-ed25519', fingerprint: key('alice').fingerprint }],
        ['approval', BOB.email, { email: BOB.email, keyType: 'ssh-ed25519', fingerprint: key('bob').fingerprint }],
      ].sort(),
    );
    const status = await ok(repo, DAVE, 'status');
    assert.doesNotMatch(status.stderr, /approvals are unsigned/);
    // Feedback is signed too when a signing key is set up, and recorded unsigned without one.
    await signedOk(repo, DAVE, key('dave'), 'feedback', PROMPT, '--env', 'production', '-m', 'Too formal for chat');
    assert.match(JSON.parse(repo.git('show', `HEAD:${lastRecord(repo)}`)).signature, /^-----BEGIN SSH SIGNATURE-----/);
    await signedOk(repo, DAVE, undefined, 'feedback', PROMPT, '--env', 'production', '-m', 'Still too formal');
    assert.strictEqual(JSON.parse(repo.git('show', `HEAD:${lastRecord(repo)}`)).signature, undefined);
  });

  it('refuses to record a review unsigned where signatures are required, saying how to set signing up, and writes nothing', async () => {
    const before = repo.git('rev-parse', 'HEAD').trim();
    const review = await signedCli(repo, ALICE, undefined, 'review', PROMPT, '--approve');
    assert.strictEqual(review.code, 3, review.stdout + review.stderr);
    assert.match(review.stderr, /production requires signed records.*nothing was recorded/);
    assert.match(review.stderr, /gpg\.format ssh/);
    assert.match(review.stderr, /user\.signingKey/);
    assert.strictEqual(repo.git('rev-parse', 'HEAD').trim(), before);
    assert.strictEqual(repo.git('status', '--porcelain').trim(), '');
  });

  it('signs a check result; unsigned, a check is refused before its command runs where signatures are required', async () => {
    repo.commit(CAROL, 'Production runs the eval', { '.promptrelease.yaml': SIGNED_CONFIG.replace('signatures: required }', 'signatures: required, checks: [eval] }') });
    const marker = path.join(keyDir, 'eval-ran');
    const refused = await signedCli(repo, DAVE, undefined, 'check', PROMPT, '--name', 'eval', '--run', `node -e "require('fs').writeFileSync(process.argv[1], 'x')" ${JSON.stringify(marker)}`);
    assert.strictEqual(refused.code, 3, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /requires signed records.*nothing was recorded/);
    assert.throws(() => readFileSync(marker), 'the command did not run');
    await signedOk(repo, DAVE, key('dave'), 'check', PROMPT, '--name', 'eval', '--pass');
    await signedOk(repo, ALICE, key('alice'), 'review', PROMPT, '--approve');
    await signedOk(repo, BOB, key('bob'), 'review', PROMPT, '--approve');
    await ok(repo, DAVE, 'release', PROMPT, '--env', 'staging');
    await signedOk(repo, DAVE, key('dave'), 'release', PROMPT, '--env', 'production');
    const verify = JSON.parse((await ok(repo, undefined, 'verify', '--json')).stdout);
    const check = verify.tags.find((t: any) => /production/.test(t.tag)).records.find((r: any) => r.kind === 'check');
    assert.deepStrictEqual(check.signature, { email: DAVE.email, keyType: 'ssh-ed25519', fingerprint: key('dave').fingerprint });
  });

  it('does not count an unsigned record in an owner\'s name, one signed with another person\'s key, or a signature copied onto other content', async () => {
    await signedOk(repo, BOB, key('bob'), 'review', PROMPT, '--approve');
    await ok(repo, DAVE, 'release', PROMPT, '--env', 'staging');
    const notCounted = async (reason: RegExp) => {
      const gate = await gateJson(repo, 'production');
      assert.strictEqual(gate.allowed, false, JSON.stringify(gate));
      assert.deepStrictEqual(gate.approvedBy.map((a: any) => a.email), [BOB.email]);
      assert.ok(gate.ignored.some((i: any) => i.by.email === ALICE.email && reason.test(i.reason)), JSON.stringify(gate.ignored));
    };

    // Unsigned, in the owner's name, even committed by her: it counts in staging, not in production.
    commitRecord(repo, ALICE, { verdict: 'approve', by: { name: ALICE.name, email: ALICE.email } });
    await notCounted(/is not signed, and production requires signatures/);
    assert.strictEqual((await gateJson(repo, 'staging')).approvedBy.length, 2, 'staging does not ask for signatures');

    // Signed with Bob's own (listed) key, naming Alice.
    const byAlice = { verdict: 'approve', by: { name: ALICE.name, email: ALICE.email }, time: new Date(Date.now() + 1000).toISOString() };
    commitRecord(repo, ALICE, { ...byAlice, signature: sshSign(key('bob'), { format: 1, type: 'review', prompt: PROMPT, ...blobHash(repo, `HEAD:${PROMPT}`), ...byAlice }) });
    await notCounted(/listed in .* for bob@example\.com, not for alice@example\.com/);

    // Alice's real signature, from her approval of another prompt, copied onto an approval of this one.
    repo.commit(CAROL, 'Another prompt', { 'prompts/other.prompt.md': 'Say goodbye.\n' });
    await signedOk(repo, ALICE, key('alice'), 'review', 'prompts/other.prompt.md', '--approve');
    const stolen = JSON.parse(repo.git('show', `HEAD:${lastRecord(repo)}`)).signature;
    commitRecord(repo, ALICE, { verdict: 'approve', by: { name: ALICE.name, email: ALICE.email }, time: new Date(Date.now() + 2000).toISOString(), signature: stolen });
    await notCounted(/has a signature that does not count \(.*does not match the signed content/);

    // Committed by someone else, the badly signed record is reported and attributed to nobody.
    const forged = commitRecord(repo, DAVE, { verdict: 'approve', by: { name: ALICE.name, email: ALICE.email }, time: new Date(Date.now() + 3000).toISOString(), signature: stolen });
    const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
    assert.ok(
      status.problems.some((p: any) => p.location?.file === forged.path && /does not count: its signature does not prove alice@example\.com made it .*authored by dave@example\.com/.test(p.message)),
      JSON.stringify(status.problems),
    );

    // Her own signed approval counts.
    await signedOk(repo, ALICE, key('alice'), 'review', PROMPT, '--approve');
    assert.strictEqual((await gateJson(repo, 'production')).allowed, true);
  });

  it('lets an unsigned change request warn the author but not block where signatures are required', async () => {
    await signedOk(repo, ALICE, key('alice'), 'review', PROMPT, '--approve');
    await signedOk(repo, BOB, key('bob'), 'review', PROMPT, '--approve');
    await ok(repo, DAVE, 'release', PROMPT, '--env', 'staging');
    commitRecord(repo, BOB, { verdict: 'request-changes', comment: 'Too chatty', by: { name: BOB.name, email: BOB.email } });
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'production');
    assert.match(gate.stdout, /warning: changes requested by Bob Reviewer <bob@example\.com>: "Too chatty" do not count and cannot block: .*not signed/);
    const production = await gateJson(repo, 'production');
    assert.deepStrictEqual([production.approvals, production.unmet.filter((u: any) => u.code === 'changes-requested')], [2, []], JSON.stringify(production));
    assert.deepStrictEqual(production.warnings.map((w: any) => [w.code, w.people]), [['changes-requested', [BOB.email]]]);
    // Where signatures are not required, it blocks (and so production's promotion order waits too).
    const staging = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(staging.code, 1, staging.stdout);
    assert.match(staging.stdout, /changes requested by Bob Reviewer/);
  });

  it('counts a signed approval that someone else committed first, copied from the reviewer\'s branch, as the reviewer\'s', async () => {
    repo.git('switch', '-q', '-c', 'alice-review');
    await signedOk(repo, ALICE, key('alice'), 'review', PROMPT, '--approve');
    const real = lastRecord(repo);
    const approvalCommit = repo.git('rev-parse', 'HEAD').trim();
    const bytes = repo.git('show', `HEAD:${real}`);
    repo.git('switch', '-q', 'main');
    repo.commit(DAVE, 'Tidy records', { [otherPath(real, 'copy')]: bytes });
    repo.gitAs(ALICE, 'cherry-pick', approvalCommit);
    await signedOk(repo, BOB, key('bob'), 'review', PROMPT, '--approve');
    await ok(repo, DAVE, 'release', PROMPT, '--env', 'staging');
    await signedOk(repo, DAVE, key('dave'), 'release', PROMPT, '--env', 'production');
    const verify = JSON.parse((await ok(repo, undefined, 'verify', '--json')).stdout);
    const cited = verify.tags.find((t: any) => /production/.test(t.tag)).records.find((r: any) => r.by === ALICE.email);
    assert.deepStrictEqual(cited.signature, { email: ALICE.email, keyType: 'ssh-ed25519', fingerprint: key('alice').fingerprint });
  });

  it('does not let a replayed signed approval answer a later signed change request by the same person', async () => {
    await signedOk(repo, ALICE, key('alice'), 'review', PROMPT, '--approve');
    const old = lastRecord(repo);
    await signedOk(repo, BOB, key('bob'), 'review', PROMPT, '--approve');
    await signedOk(repo, ALICE, key('alice'), 'review', PROMPT, '--request-changes', '-m', 'Wrong tone');
    // Dave re-commits Alice's old signed approval: the same bytes at a new path, and reformatted at another.
    const bytes = repo.git('show', `HEAD:${old}`);
    repo.commit(DAVE, 'Restore approval', { [otherPath(old, 'replay')]: bytes, [otherPath(old, 'compact')]: JSON.stringify(JSON.parse(bytes)) + '\n' });
    for (const env of ['staging', 'production']) {
      const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', env);
      assert.strictEqual(gate.code, 1, `${env}: ${gate.stdout}`);
      assert.match(gate.stdout, /changes requested by Alice Owner <alice@example\.com>.*Wrong tone/);
    }
    await signedOk(repo, ALICE, key('alice'), 'review', PROMPT, '--approve');
    await ok(repo, DAVE, 'gate', PROMPT, '--env', 'staging');
  });

  it('stops counting a record signed with a key once that key is removed from the signers file, and verify fails the release citing it', async () => {
    await signedOk(repo, ALICE, key('alice'), 'review', PROMPT, '--approve');
    await signedOk(repo, BOB, key('bob'), 'review', PROMPT, '--approve');
    await ok(repo, DAVE, 'release', PROMPT, '--env', 'staging');
    await signedOk(repo, DAVE, key('dave'), 'release', PROMPT, '--env', 'production');
    await ok(repo, undefined, 'verify');
    // Alice's old key is retired; she has a new one.
    repo.commit(ALICE, 'Rotate Alice\'s signing key', { [SIGNERS_FILE]: signersTextOf('alice-new', 'bob', 'dave') });
    const verify = await repo.cli(undefined, 'verify');
    assert.strictEqual(verify.code, 1, verify.stdout);
    assert.match(verify.stdout, /the approval by alice@example\.com it cites \(.*\) is not validly signed \(key SHA256:\S+ is not listed for alice@example\.com.*\), and production requires signatures/);
    assert.match(verify.stdout, /live in production .* does not meet today's production policy/);
    const json = JSON.parse((await repo.cli(undefined, 'verify', '--json')).stdout);
    const alice = json.tags.find((t: any) => /production/.test(t.tag)).records.find((r: any) => r.by === ALICE.email);
    assert.match(alice.signature.invalid, /not listed for alice@example\.com/);
    assert.strictEqual(alice.signature.fingerprint, key('alice').fingerprint);
    // Staging does not require signatures: the release there still verifies.
    assert.ok(json.tags.find((t: any) => /staging/.test(t.tag)).ok, JSON.stringify(json.tags));
    // Signed again with her new key, the content meets production's policy again.
    await signedOk(repo, ALICE, key('alice-new'), 'review', PROMPT, '--approve');
    assert.strictEqual((await gateJson(repo, 'production')).approvedBy.length, 2);
  });

  it('keeps the evidence after a squash merge (records committed by the PR author, signed by the reviewers), and verify needs no ssh-keygen', async () => {
    repo.git('switch', '-q', '-c', 'feature');
    repo.commit(CAROL, 'Warmer greeting', { [PROMPT]: 'You are a warm, friendly assistant.\nGreet {{name}} by name.\n' });
    await signedOk(repo, ALICE, key('alice'), 'review', PROMPT, '--approve');
    await signedOk(repo, BOB, key('bob'), 'review', PROMPT, '--approve');
    repo.git('switch', '-q', 'main');
    repo.gitAs(CAROL, 'merge', '-q', '--squash', 'feature');
    repo.gitAs(CAROL, 'commit', '-q', '-m', 'Warmer greeting (#12)');
    assert.deepStrictEqual(
      repo.git('log', '--format=%ae', '--', '.promptrelease/records').trim().split('\n'),
      [CAROL.email],
      'on main the records were committed by the PR author only',
    );
    await ok(repo, DAVE, 'release', PROMPT, '--env', 'staging');
    await signedOk(repo, DAVE, key('dave'), 'release', PROMPT, '--env', 'production');

    // CI: only git and node on PATH.
    const bin = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-bin-')));
    try {
      for (const tool of ['git', 'node']) symlinkSync(execFileSync('which', [tool], { encoding: 'utf8' }).trim(), path.join(bin, tool));
      const verify = await runCli(repo.dir, ['verify', '--json'], { PATH: bin });
      assert.strictEqual(verify.code, 0, verify.stdout + verify.stderr);
      const report = JSON.parse(verify.stdout);
      const production = report.tags.find((t: any) => /production/.test(t.tag));
      assert.deepStrictEqual(production.records.map((r: any) => r.signature.email).sort(), [ALICE.email, BOB.email]);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
