import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { ALICE, BOB, CAROL, DAVE, identityEnv, runCli, standardRepo, STANDARD_CONFIG, TempRepo, type Person } from '../helpers/gitFixture';
import { makeKey, SIGNED_CONFIG, SIGNERS_FILE, signedCli, signersText, type Key } from '../helpers/signingKeys';

/**
 * Signed release tags: release signs with the releaser's own git SSH setup, in git's own
 * format (git verify-tag accepts it); verify accepts, where an environment requires
 * signatures, only tags signed by a key the trusted signers file lists for their releaser.
 * Keys are made here by ssh-keygen.
 */

const MALLORY: Person = { name: 'Mallory', email: 'mallory@example.com' };
const PROMPT = 'prompts/greeting.prompt.md';
let keyDir: string;
const keys = new Map<string, Key>();

const key = (name: string) => keys.get(name)!;
const signersTextOf = (...names: string[]) => signersText(...names.map(key));
const cliAs = signedCli;

async function ok(repo: TempRepo, who: Person | undefined, signingKey: Key | undefined, ...args: string[]) {
  const result = await cliAs(repo, who, signingKey, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
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

/** Two signed approvals: the content may go to production once it is in staging. */
async function approveSigned(repo: TempRepo): Promise<void> {
  await ok(repo, ALICE, key('alice'), 'review', PROMPT, '--approve');
  await ok(repo, BOB, key('bob'), 'review', PROMPT, '--approve');
}

const PRODUCTION_TAG = `prompt-release/production/${PROMPT}/v1`;

/** The message of a tag object, without its signature (what anyone can copy). */
function tagMessage(repo: TempRepo, tag: string): string {
  const raw = repo.git('cat-file', 'tag', tag);
  const body = raw.slice(raw.indexOf('\n\n') + 2);
  const sig = body.indexOf('-----BEGIN SSH SIGNATURE-----');
  return sig < 0 ? body : body.slice(0, sig);
}

/**
 * A tag written by hand with plain git (as an attacker would): `tagger` named in it, the
 * message given, signed with `signingKey` over git's payload in namespace git when given.
 */
function forgeTag(repo: TempRepo, name: string, commit: string, tagger: Person, message: string, signingKey?: Key): void {
  const payload = `object ${commit}\ntype commit\ntag ${name}\ntagger ${tagger.name} <${tagger.email}> ${Math.floor(Date.now() / 1000)} +0000\n\n${message}`;
  const signature = signingKey ? execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'git', '-f', signingKey.file], { input: payload }).toString('utf8') : '';
  const object = execFileSync('git', ['mktag'], { cwd: repo.dir, input: payload + signature, encoding: 'utf8' }).trim();
  repo.git('update-ref', `refs/tags/${name}`, object);
}

describe('signed release tags', function () {
  let repo: TempRepo;
  before(() => {
    keyDir = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-tag-keys-')));
    keys.set('alice', makeKey(keyDir, ALICE, 'alice'));
    keys.set('bob', makeKey(keyDir, BOB, 'bob'));
    keys.set('dave', makeKey(keyDir, DAVE, 'dave'));
    keys.set('carol', makeKey(keyDir, CAROL, 'carol'));
    keys.set('mallory', makeKey(keyDir, MALLORY, 'mallory'));
  });
  after(() => rmSync(keyDir, { recursive: true, force: true }));
  beforeEach(() => {
    repo = signedRepo();
  });
  afterEach(() => repo.dispose());

  it('signs the release tag as git tag -s does: git verify-tag and our verify accept it, and verify --json names the signer and key', async () => {
    await approveSigned(repo);
    // A release train signs each of its tags too.
    await ok(repo, DAVE, key('dave'), 'release', '--all', '--env', 'staging');
    const production = await ok(repo, DAVE, key('dave'), 'release', PROMPT, '--env', 'production');
    assert.match(production.stdout, /Released prompts\/greeting\.prompt\.md v1 to production: tag \S+ \(signed with your SSH signing key\)/);

    const raw = repo.git('cat-file', 'tag', PRODUCTION_TAG);
    assert.match(raw, /^object [0-9a-f]{40}\ntype commit\ntag prompt-release\/production\/prompts\/greeting\.prompt\.md\/v1\ntagger Dave Releaser <dave@example\.com> \d+ \+0000\n\n/);
    assert.match(raw, /-----END PROMPT RELEASE EVIDENCE-----\n-----BEGIN SSH SIGNATURE-----\n[\s\S]+-----END SSH SIGNATURE-----\n$/, 'the armour is appended to the message');

    // git's own verification, with ssh-keygen and the allowed-signers file.
    const allowed = path.join(keyDir, 'allowed_signers');
    writeFileSync(allowed, signersTextOf('alice', 'bob', 'dave'));
    const gitVerify = spawnSync('git', ['-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-tag', PRODUCTION_TAG], { cwd: repo.dir, encoding: 'utf8' });
    assert.strictEqual(gitVerify.status, 0, gitVerify.stderr);
    assert.match(gitVerify.stderr, /Good "git" signature for dave@example\.com with ED25519 key SHA256:/);

    const verify = JSON.parse((await ok(repo, undefined, undefined, 'verify', '--json')).stdout);
    assert.strictEqual(verify.ok, true, JSON.stringify(verify));
    const signedByDave = { email: DAVE.email, keyType: 'ssh-ed25519', fingerprint: key('dave').fingerprint };
    assert.deepStrictEqual(verify.tags.map((t: any) => [t.tag, t.signature]).sort(), [
      [PRODUCTION_TAG, signedByDave],
      [`prompt-release/staging/${PROMPT}/v1`, signedByDave],
    ]);
  });

  it('refuses, before tagging, a release to a signatures: required environment without a signing setup or with a key the signers file does not list', async () => {
    await approveSigned(repo);
    const staging = await ok(repo, DAVE, undefined, 'release', PROMPT, '--env', 'staging');
    assert.match(staging.stdout, /unsigned: no SSH signing setup/, 'staging does not require signatures: an unsigned tag is fine there');

    const noSetup = await cliAs(repo, DAVE, undefined, 'release', PROMPT, '--env', 'production');
    assert.strictEqual(noSetup.code, 1, noSetup.stdout + noSetup.stderr);
    assert.match(noSetup.stderr, /production requires signed release tags \(signatures: required\), but you \(dave@example\.com\) have no SSH signing setup in git; nothing was tagged/);
    assert.match(noSetup.stderr, /git config gpg\.format ssh; git config user\.signingKey/);

    const unlisted = await cliAs(repo, CAROL, key('carol'), 'release', PROMPT, '--env', 'production');
    assert.strictEqual(unlisted.code, 1, unlisted.stdout + unlisted.stderr);
    assert.match(unlisted.stderr, new RegExp(`your signing key ${key('carol').fingerprint.replace(/[+/]/g, '\\$&')} is not in the signers file \\.github/allowed_signers`));
    assert.match(unlisted.stderr, /Add the line "carol@example\.com ssh-ed25519 AAAA/);

    // Dave's listed key, but Bob's email: the key is not listed for the person releasing.
    const otherPerson = await cliAs(repo, BOB, key('dave'), 'release', PROMPT, '--env', 'production');
    assert.strictEqual(otherPerson.code, 1, otherPerson.stdout + otherPerson.stderr);
    assert.match(otherPerson.stderr, /your signature would not count/);

    assert.strictEqual(repo.git('tag', '-l', 'prompt-release/production/*').trim(), '', 'nothing was tagged');
    assert.strictEqual(repo.git('for-each-ref', 'refs/tags/prompt-release/production').trim(), '');
  });

  it('hostile: an exact copy of a valid tag\'s message, unsigned or signed by someone else, fails verify with the reason', async () => {
    await approveSigned(repo);
    await ok(repo, DAVE, key('dave'), 'release', PROMPT, '--env', 'staging');
    await ok(repo, DAVE, key('dave'), 'release', PROMPT, '--env', 'production');
    await ok(repo, undefined, undefined, 'verify');
    const message = tagMessage(repo, PRODUCTION_TAG);
    const commit = repo.git('rev-parse', `${PRODUCTION_TAG}^{commit}`).trim();

    const attempts: { what: string; tagger: Person; key?: Key; reason: RegExp }[] = [
      { what: 'unsigned, in Dave\'s name', tagger: DAVE, reason: /it is not signed, and production requires signed release tags \(signatures: required\)/ },
      { what: 'signed by Mallory\'s unlisted key, in Dave\'s name', tagger: DAVE, key: key('mallory'), reason: /its signature does not count, and production requires signed release tags .*not listed/ },
      { what: 'signed by Mallory\'s unlisted key, in her own name', tagger: MALLORY, key: key('mallory'), reason: /its signature does not count, and production requires signed release tags/ },
      { what: 'signed by Bob (a listed signer) in his own name', tagger: BOB, key: key('bob'), reason: /it is signed by bob@example\.com, but its evidence says dave@example\.com released it/ },
    ];
    for (const attempt of attempts) {
      // The attacker's tag arrives instead of Dave's (pushed first under the same name).
      repo.git('tag', '-d', PRODUCTION_TAG);
      forgeTag(repo, PRODUCTION_TAG, commit, attempt.tagger, message, attempt.key);
      const verify = await repo.cli(undefined, 'verify');
      assert.strictEqual(verify.code, 1, `${attempt.what}: ${verify.stdout}`);
      assert.match(verify.stdout, new RegExp(`✗ ${PRODUCTION_TAG.replace(/[./]/g, '\\$&')}\\n\\s+${attempt.reason.source}`), `${attempt.what}: ${verify.stdout}`);
      const json = JSON.parse((await repo.cli(undefined, 'verify', '--json')).stdout);
      const tag = json.tags.find((t: any) => t.tag === PRODUCTION_TAG);
      if (attempt.key) assert.strictEqual(tag.signature.fingerprint, attempt.key.fingerprint, attempt.what);
      else assert.strictEqual(tag.signature, 'unsigned');
    }
    // The same copy in staging, which does not require signatures, is not judged on them.
    const stagingTag = `prompt-release/staging/${PROMPT}/v1`;
    const stagingMessage = tagMessage(repo, stagingTag);
    repo.git('tag', '-d', stagingTag);
    forgeTag(repo, stagingTag, commit, DAVE, stagingMessage);
    const verify = JSON.parse((await repo.cli(undefined, 'verify', '--json')).stdout);
    const staging = verify.tags.find((t: any) => t.tag === stagingTag);
    assert.deepStrictEqual([staging.ok, staging.signature], [true, 'unsigned']);
  });

  it('lists who may sign and which keys were seen signing with the signers command', async () => {
    await approveSigned(repo);
    await ok(repo, DAVE, key('dave'), 'release', PROMPT, '--env', 'staging');
    const text = (await ok(repo, DAVE, undefined, 'signers')).stdout;
    assert.match(text, /^Signers file in force on refs\/heads\/main: \.github\/allowed_signers \(required in production\)/);
    const line = (who: string) => text.split('\n').find((l) => l.includes(`${who}@example.com`)) ?? '';
    assert.match(line('alice'), new RegExp(`ED25519\\s+${key('alice').fingerprint.replace(/[+/]/g, '\\$&')}\\s+line 1\\s+signed 1 record, last at `));
    assert.match(line('dave'), /line 3\s+signed 1 release tag, last at /);
    const json = JSON.parse((await ok(repo, DAVE, undefined, 'signers', '--json')).stdout);
    assert.strictEqual(json.file, SIGNERS_FILE);
    assert.deepStrictEqual(json.required, ['production']);
    assert.deepStrictEqual(
      json.signers.map((s: any) => [s.principals, s.keyType, s.fingerprint, s.line, s.seen.records, s.seen.tags]),
      [
        [[ALICE.email], 'ssh-ed25519', key('alice').fingerprint, 1, 1, 0],
        [[BOB.email], 'ssh-ed25519', key('bob').fingerprint, 2, 1, 0],
        [[DAVE.email], 'ssh-ed25519', key('dave').fingerprint, 3, 0, 1],
      ],
    );
  });

  it('status says per approval who signed it with which key', async () => {
    await approveSigned(repo);
    const status = await ok(repo, DAVE, undefined, 'status', PROMPT);
    assert.match(status.stdout, new RegExp(`approved {4}by Alice Owner <alice@example\\.com> at .*: signed by @alice \\(ED25519 ${key('alice').fingerprint.replace(/[+/]/g, '\\$&')}\\)`));
    assert.match(status.stdout, new RegExp(`approved {4}by Bob Reviewer <bob@example\\.com> at .*: signed by bob@example\\.com \\(ED25519 ${key('bob').fingerprint.replace(/[+/]/g, '\\$&')}\\)`));
    const json = JSON.parse((await ok(repo, DAVE, undefined, 'status', PROMPT, '--json')).stdout);
    assert.deepStrictEqual(json.prompts[0].approvals.map((a: any) => [a.by.email, a.signature.status, a.signature.fingerprint]), [
      [ALICE.email, 'valid', key('alice').fingerprint],
      [BOB.email, 'valid', key('bob').fingerprint],
    ]);
  });
});

describe('signed evidence where nothing is set up', function () {
  it('status shows approvals as unsigned, signers says how to set signing up, and init prints the steps', async () => {
    const repo = standardRepo();
    try {
      assert.strictEqual((await repo.cli(ALICE, 'review', PROMPT, '--approve')).code, 0);
      const status = await repo.cli(DAVE, 'status', PROMPT);
      assert.match(status.stdout, /approved {4}by Alice Owner <alice@example\.com> at .*: unsigned/);
      const signers = await repo.cli(DAVE, 'signers');
      assert.strictEqual(signers.code, 0, signers.stderr);
      assert.match(signers.stdout, /No signers file is configured on refs\/heads\/main: approvals and release tags are unsigned evidence/);
      assert.match(signers.stdout, /git config gpg\.format ssh && git config user\.signingKey ~\/\.ssh\/id_ed25519\.pub/);
      assert.match(signers.stdout, /signatures: required/);
      const json = JSON.parse((await repo.cli(DAVE, 'signers', '--json')).stdout);
      assert.deepStrictEqual([json.file, json.signers], [null, []]);
      const release = await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging', '--json');
      assert.strictEqual(JSON.parse(release.stdout).signed, false);
      const verify = JSON.parse((await repo.cli(undefined, 'verify', '--json')).stdout);
      assert.deepStrictEqual(verify.tags.map((t: any) => [t.ok, t.signature]), [[true, 'unsigned']]);
    } finally {
      repo.dispose();
    }
    const fresh = new TempRepo();
    try {
      fresh.commit(CAROL, 'Prompts', { [PROMPT]: 'Hello.\n' });
      const init = await fresh.cli(CAROL, 'init');
      assert.strictEqual(init.code, 0, init.stderr);
      assert.match(init.stdout, /1\. Configure git signing with your SSH key: git config gpg\.format ssh && git config user\.signingKey ~\/\.ssh\/id_ed25519\.pub/);
      assert.match(init.stdout, /2\. Add your public key to the signers file/);
      assert.match(init.stdout, /3\. Turn on "signatures: required"/);
    } finally {
      fresh.dispose();
    }
  });
});
