import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { PromptReleaseError } from '../../src/core/common/errors';
import { checkSignature, parseAllowedSigners, splitSignedTag, verifySshSignature } from '../../src/core/reviews/signatures';
import { readSigningSetup, signBytes, type SigningSetup } from '../../src/git/signing';
import { ALICE, TempRepo } from '../helpers/gitFixture';

/**
 * Signatures against the real OpenSSH: keys and signatures made by ssh-keygen verify in pure
 * Node, `ssh-keygen -Y verify` and we agree on good and bad cases, and signing goes through
 * the user's own git setup (repository config, GIT_CONFIG_* environment, ssh-agent) without
 * ever running a configured program or waiting on a passphrase prompt.
 */

/** The machine's environment without GIT_* and without an agent, plus `extra`. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_') && !k.startsWith('SSH_')) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', ...extra };
}

class Keys {
  readonly dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-keys-')));

  make(name: string, type: string, passphrase = '', comment = name): string {
    const file = path.join(this.dir, name);
    const bits = type.startsWith('ecdsa-') ? ['-t', 'ecdsa', '-b', type.slice(6)] : type === 'rsa' ? ['-t', 'rsa', '-b', '3072'] : ['-t', type];
    execFileSync('ssh-keygen', ['-q', ...bits, '-N', passphrase, '-C', comment, '-f', file], { env: baseEnv() });
    return file;
  }

  pub(file: string): string {
    return readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  }

  write(name: string, text: string): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `ssh-keygen -Y sign` over stdin: the armour. */
function keygenSign(key: string, message: Buffer, namespace: string, env: NodeJS.ProcessEnv = baseEnv()): string {
  const out = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', namespace, '-f', key], { input: message, env });
  assert.strictEqual(out.status, 0, out.stderr.toString());
  return out.stdout.toString();
}

/** Whether `ssh-keygen -Y verify` accepts it. */
function keygenVerifies(keys: Keys, allowed: string, email: string, namespace: string, armored: string, message: Buffer): boolean {
  const allowedFile = keys.write('allowed_signers_check', allowed);
  const sigFile = keys.write('check.sig', armored);
  const out = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', allowedFile, '-I', email, '-n', namespace, '-s', sigFile], { input: message, env: baseEnv() });
  return out.status === 0;
}

function fingerprintOf(pubFile: string): string {
  return execFileSync('ssh-keygen', ['-l', '-f', pubFile], { encoding: 'utf8' }).split(' ')[1];
}

describe('SSH signatures agree with ssh-keygen', function () {
  this.timeout(120_000);
  let keys: Keys;
  before(() => {
    keys = new Keys();
  });
  after(() => keys.dispose());

  for (const type of ['ed25519', 'ecdsa-256', 'ecdsa-384', 'ecdsa-521', 'rsa']) {
    it(`verifies ${type} signatures made by ssh-keygen -Y sign, as ssh-keygen -Y verify does`, () => {
      const key = keys.make(`k-${type}`, type);
      const message = Buffer.from(`{"prompt":"p.md","verdict":"approve","key":"${type}"}`);
      const armored = keygenSign(key, message, 'prompt-release');
      const result = verifySshSignature(armored, message, 'prompt-release');
      assert.ok(result.ok, JSON.stringify(result));
      assert.strictEqual(result.key.fingerprint, fingerprintOf(`${key}.pub`));
      const allowed = `alice@example.com ${keys.pub(key)}\n`;
      const checked = checkSignature(parseAllowedSigners(allowed, 'allowed_signers'), ALICE.email, armored, message, 'prompt-release');
      assert.ok(checked.ok, JSON.stringify(checked));
      assert.ok(keygenVerifies(keys, allowed, ALICE.email, 'prompt-release', armored, message));
    });
  }

  it('refuses what ssh-keygen -Y verify refuses, with a reason', () => {
    const alice = keys.make('alice', 'ed25519');
    const bob = keys.make('bob', 'ecdsa-256');
    const message = Buffer.from('{"verdict":"approve","content":"sha256:aaa"}');
    const other = Buffer.from('{"verdict":"approve","content":"sha256:bbb"}');
    const aliceSig = keygenSign(alice, message, 'prompt-release');
    const aliceOtherSig = keygenSign(alice, other, 'prompt-release');
    const bobSig = keygenSign(bob, message, 'prompt-release');
    const aliceGitSig = keygenSign(alice, message, 'git');
    const both = `alice@example.com ${keys.pub(alice)}\nbob@example.com ${keys.pub(bob)}\n`;
    type Case = { name: string; allowed: string; email: string; sig: string; message: Buffer; ok: boolean; reason?: RegExp };
    const cases: Case[] = [
      { name: 'good', allowed: both, email: ALICE.email, sig: aliceSig, message, ok: true },
      { name: 'wildcard principal', allowed: `*@example.com ${keys.pub(alice)}\n`, email: ALICE.email, sig: aliceSig, message, ok: true },
      { name: 'tampered message', allowed: both, email: ALICE.email, sig: aliceSig, message: Buffer.from(message.toString().replace('approve', 'approvE')), ok: false, reason: /does not match the signed content/ },
      { name: 'wrong namespace', allowed: both, email: ALICE.email, sig: aliceGitSig, message, ok: false, reason: /namespace "git", not "prompt-release"/ },
      { name: 'signature copied onto other content', allowed: both, email: ALICE.email, sig: aliceOtherSig, message, ok: false, reason: /does not match the signed content/ },
      { name: 'truncated armour', allowed: both, email: ALICE.email, sig: aliceSig.slice(0, aliceSig.length - 40), message, ok: false, reason: /malformed/ },
      { name: 'key not listed', allowed: `bob@example.com ${keys.pub(bob)}\n`, email: ALICE.email, sig: aliceSig, message, ok: false, reason: /is not listed for alice@example\.com in allowed_signers/ },
      { name: 'principal mismatch', allowed: both, email: ALICE.email, sig: bobSig, message, ok: false, reason: /listed in allowed_signers for bob@example\.com, not for alice@example\.com/ },
      { name: 'negated principal', allowed: `*@example.com,!alice@example.com ${keys.pub(alice)}\n`, email: ALICE.email, sig: aliceSig, message, ok: false, reason: /not for alice/ },
      { name: 'expired validity window', allowed: `alice@example.com valid-before="20200101" ${keys.pub(alice)}\n`, email: ALICE.email, sig: aliceSig, message, ok: false, reason: /expired/ },
      { name: 'not yet valid', allowed: `alice@example.com valid-after="20990101" ${keys.pub(alice)}\n`, email: ALICE.email, sig: aliceSig, message, ok: false, reason: /valid only from/ },
      { name: 'namespace not allowed', allowed: `alice@example.com namespaces="git" ${keys.pub(alice)}\n`, email: ALICE.email, sig: aliceSig, message, ok: false, reason: /only for namespaces git/ },
      { name: 'cert-authority line refused', allowed: `alice@example.com cert-authority ${keys.pub(alice)}\n`, email: ALICE.email, sig: aliceSig, message, ok: false, reason: /cert-authority is not supported/ },
    ];
    for (const c of cases) {
      const ours = checkSignature(parseAllowedSigners(c.allowed, 'allowed_signers'), c.email, c.sig, c.message, 'prompt-release');
      const theirs = keygenVerifies(keys, c.allowed, c.email, 'prompt-release', c.sig, c.message);
      assert.strictEqual(theirs, c.ok, `ssh-keygen on "${c.name}"`);
      assert.strictEqual(ours.ok, c.ok, `us on "${c.name}": ${ours.ok ? 'ok' : ours.reason}`);
      if (!ours.ok && c.reason) assert.match(ours.reason, c.reason, c.name);
    }
  });

  it('verifies a tag git signed with an SSH key (namespace git), and refuses it once edited', () => {
    const key = keys.make('tagger', 'ed25519');
    const repo = new TempRepo();
    try {
      repo.commit(ALICE, 'init', { 'a.txt': 'a\n' });
      repo.git('-c', 'gpg.format=ssh', '-c', `user.signingKey=${key}`, 'tag', '-s', 'v1', '-m', 'release v1');
      const object = Buffer.from(repo.git('cat-file', 'tag', 'v1'));
      const split = splitSignedTag(object);
      assert.strictEqual(split.format, 'ssh');
      assert.ok(split.signature);
      const result = verifySshSignature(split.signature, split.payload, 'git');
      assert.ok(result.ok, JSON.stringify(result));
      assert.strictEqual(result.key.fingerprint, fingerprintOf(`${key}.pub`));
      // git agrees with the same signers.
      const allowed = keys.write('tag_signers', `alice@example.com ${keys.pub(key)}\n`);
      const gitVerify = spawnSync('git', ['-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-tag', 'v1'], { cwd: repo.dir, env: baseEnv(), encoding: 'utf8' });
      assert.strictEqual(gitVerify.status, 0, gitVerify.stderr);
      assert.match(gitVerify.stderr, /Good "git" signature for alice@example\.com/);
      const edited = Buffer.from(split.payload.toString().replace('release v1', 'release v2'));
      assert.ok(!verifySshSignature(split.signature, edited, 'git').ok);
      assert.ok(!verifySshSignature(split.signature, split.payload, 'prompt-release').ok);
    } finally {
      repo.dispose();
    }
  });
});

describe("signing with the user's git setup", function () {
  this.timeout(120_000);
  let keys: Keys;
  let home: string;
  let repo: TempRepo;
  const env = (extra: Record<string, string> = {}) => baseEnv({ HOME: home, ...extra });

  beforeEach(() => {
    keys = new Keys();
    home = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-home-')));
    repo = new TempRepo();
    repo.commit(ALICE, 'init', { 'a.txt': 'a\n' });
  });
  afterEach(() => {
    keys.dispose();
    repo.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  async function signsAndVerifies(setup: SigningSetup, extraEnv: NodeJS.ProcessEnv = env()): Promise<void> {
    const message = Buffer.from('{"verdict":"approve"}');
    const armored = await signBytes(setup, message, 'prompt-release', extraEnv);
    const result = verifySshSignature(armored, message, 'prompt-release');
    assert.ok(result.ok, JSON.stringify(result));
    assert.strictEqual(result.key.fingerprint, setup.fingerprint);
    assert.ok(keygenVerifies(keys, `alice@example.com ${setup.publicKey}\n`, ALICE.email, 'prompt-release', armored, message));
  }

  it('reads gpg.format and user.signingKey from the repository config, expanding ~', async () => {
    mkdirSync(path.join(home, '.ssh'));
    const key = keys.make('id_ed25519', 'ed25519');
    copyFileSync(key, path.join(home, '.ssh', 'id_ed25519'));
    copyFileSync(`${key}.pub`, path.join(home, '.ssh', 'id_ed25519.pub'));
    chmodSync(path.join(home, '.ssh', 'id_ed25519'), 0o600);
    assert.strictEqual(await readSigningSetup(repo.dir, env()), undefined, 'nothing configured: no setup');
    repo.git('config', 'user.signingKey', '~/.ssh/id_ed25519');
    assert.strictEqual(await readSigningSetup(repo.dir, env()), undefined, 'gpg.format unset (openpgp): no setup');
    repo.git('config', 'gpg.format', 'ssh');
    const setup = await readSigningSetup(repo.dir, env());
    assert.ok(setup);
    assert.strictEqual(setup.configured, '~/.ssh/id_ed25519');
    assert.strictEqual(setup.privateKeyFile, path.join(home, '.ssh', 'id_ed25519'));
    assert.strictEqual(setup.fingerprint, fingerprintOf(`${key}.pub`));
    assert.strictEqual(setup.origin, 'file:.git/config');
    await signsAndVerifies(setup);
  });

  it('reads GIT_CONFIG_COUNT/KEY/VALUE and GIT_CONFIG_PARAMETERS, which override the files as in git', async () => {
    const fromFile = keys.make('file_key', 'ed25519');
    const fromEnv = keys.make('env_key', 'ecdsa-256');
    const fromParams = keys.make('param_key', 'rsa');
    repo.git('config', 'gpg.format', 'ssh');
    repo.git('config', 'user.signingKey', fromFile);
    const counted = env({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.signingKey', GIT_CONFIG_VALUE_0: fromEnv });
    const setup = await readSigningSetup(repo.dir, counted);
    assert.strictEqual(setup?.privateKeyFile, fromEnv);
    assert.strictEqual(setup.fingerprint, fingerprintOf(`${fromEnv}.pub`));
    await signsAndVerifies(setup);
    const params = env({ GIT_CONFIG_PARAMETERS: `'gpg.format'='ssh' 'user.signingkey'='${fromParams}'` });
    const paramSetup = await readSigningSetup(repo.dir, params);
    assert.strictEqual(paramSetup?.privateKeyFile, fromParams);
    await signsAndVerifies(paramSetup);
    // The environment can also switch signing off again.
    assert.strictEqual(await readSigningSetup(repo.dir, env({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'gpg.format', GIT_CONFIG_VALUE_0: 'openpgp' })), undefined);
  });

  it('never runs gpg.ssh.program or gpg.ssh.defaultKeyCommand, which git itself would run', async () => {
    const key = keys.make('canary_key', 'ed25519');
    const marker = path.join(keys.dir, 'ran.log');
    const program = keys.write('fake-ssh-keygen.sh', `#!/bin/sh\necho program >> ${marker}\nexec ssh-keygen "$@"\n`);
    const keyCommand = keys.write('default-key.sh', `#!/bin/sh\necho keycommand >> ${marker}\necho "key::$(cat ${key}.pub)"\n`);
    chmodSync(program, 0o755);
    chmodSync(keyCommand, 0o755);
    repo.git('config', 'gpg.format', 'ssh');
    repo.git('config', 'gpg.ssh.program', program);
    repo.git('config', 'gpg.ssh.defaultKeyCommand', keyCommand);
    // The canaries are live: git runs each when it signs (with no agent, the literal key from
    // defaultKeyCommand cannot sign, so that tag may fail after the command ran).
    repo.git('-c', `user.signingKey=${key}`, 'tag', '-s', 'canary', '-m', 'canary');
    spawnSync('git', ['tag', '-s', 'canary2', '-m', 'canary'], { cwd: repo.dir, env: baseEnv() });
    assert.deepStrictEqual(readFileSync(marker, 'utf8').trim().split('\n').sort(), ['keycommand', 'program', 'program']);
    rmSync(marker);
    // No user.signingKey: git would ask defaultKeyCommand; we report no setup instead.
    assert.strictEqual(await readSigningSetup(repo.dir, env()), undefined);
    repo.git('config', 'user.signingKey', key);
    const setup = await readSigningSetup(repo.dir, env());
    assert.ok(setup);
    await signsAndVerifies(setup);
    assert.ok(!existsSync(marker), `a configured program ran: ${existsSync(marker) ? readFileSync(marker, 'utf8') : ''}`);
  });

  it('takes a .pub path, a private key without .pub, and refuses a .pub that belongs to another key', async () => {
    const key = keys.make('pair', 'ed25519');
    repo.git('config', 'gpg.format', 'ssh');
    repo.git('config', 'user.signingKey', `${key}.pub`);
    const viaPub = await readSigningSetup(repo.dir, env());
    assert.strictEqual(viaPub?.publicKeyFile, `${key}.pub`);
    assert.strictEqual(viaPub.privateKeyFile, undefined);
    await signsAndVerifies(viaPub);
    const lone = path.join(keys.dir, 'lone');
    copyFileSync(key, lone);
    chmodSync(lone, 0o600);
    repo.git('config', 'user.signingKey', lone);
    const viaPrivate = await readSigningSetup(repo.dir, env());
    assert.strictEqual(viaPrivate?.fingerprint, fingerprintOf(`${key}.pub`));
    await signsAndVerifies(viaPrivate);
    const stranger = keys.make('stranger', 'ed25519');
    copyFileSync(`${stranger}.pub`, `${lone}.pub`);
    await assert.rejects(readSigningSetup(repo.dir, env()), (err: PromptReleaseError) => {
      assert.match(err.message, /lone\.pub does not hold the public half of .*lone/);
      assert.match(err.hint ?? '', /ssh-keygen -y -f/);
      return true;
    });
    repo.git('config', 'user.signingKey', path.join(keys.dir, 'missing'));
    await assert.rejects(readSigningSetup(repo.dir, env()), (err: PromptReleaseError) => {
      assert.strictEqual(err.code, 'invalid-config');
      assert.match(err.message, /user\.signingKey \(set in \.git\/config\) names .*missing, which does not exist/);
      assert.match(err.hint ?? '', /git config --global user\.signingKey/);
      return true;
    });
  });

  it('refuses a passphrase-protected key without an agent at once, with what to do, and never reads the passphrase from the message', async () => {
    // The passphrase is the message's first line: a signer that read it from stdin would succeed.
    const key = keys.make('locked', 'ed25519', 'hunter2hunter2');
    repo.git('config', 'gpg.format', 'ssh');
    repo.git('config', 'user.signingKey', key);
    const setup = await readSigningSetup(repo.dir, env());
    assert.ok(setup);
    const started = Date.now();
    await assert.rejects(signBytes(setup, Buffer.from('hunter2hunter2\n{"verdict":"approve"}'), 'prompt-release', env()), (err: PromptReleaseError) => {
      assert.strictEqual(err.code, 'invalid-config');
      assert.match(err.message, /is protected by a passphrase and ssh-agent does not hold it/);
      assert.match(err.hint ?? '', new RegExp(`ssh-add ${key}`));
      return true;
    });
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
  });

  it('says what is missing when the key must come from ssh-agent', async () => {
    const key = keys.make('agentless', 'ed25519');
    repo.git('config', 'gpg.format', 'ssh');
    repo.git('config', 'user.signingKey', `key::${keys.pub(key)}`);
    const literal = await readSigningSetup(repo.dir, env());
    assert.ok(literal);
    await assert.rejects(signBytes(literal, Buffer.from('m'), 'prompt-release', env()), (err: PromptReleaseError) => {
      assert.match(err.message, /must come from ssh-agent, and no ssh-agent can be reached/);
      assert.match(err.hint ?? '', /eval "\$\(ssh-agent\)" && ssh-add/);
      return true;
    });
    // A public key file whose private half is neither in an agent nor next to it.
    const pubOnly = keys.write('only.pub', `${keys.pub(key)}\n`);
    repo.git('config', 'user.signingKey', pubOnly);
    const setup = await readSigningSetup(repo.dir, env());
    assert.strictEqual(setup?.publicKeyFile, pubOnly);
    await assert.rejects(signBytes(setup, Buffer.from('m'), 'prompt-release', env()), (err: PromptReleaseError) => {
      assert.match(err.message, /ssh-agent does not hold the signing key SHA256:\S+ that user.signingKey names and there is no private key file next to .*only\.pub/);
      return true;
    });
  });

  it('says so when ssh-keygen is not on PATH', async () => {
    const key = keys.make('any', 'ed25519');
    repo.git('config', 'gpg.format', 'ssh');
    repo.git('config', 'user.signingKey', key);
    const setup = await readSigningSetup(repo.dir, env());
    assert.ok(setup);
    await assert.rejects(signBytes(setup, Buffer.from('m'), 'prompt-release', env({ PATH: path.join(keys.dir, 'empty-bin') })), (err: PromptReleaseError) => {
      assert.match(err.message, /ssh-keygen was not found on PATH/);
      assert.match(err.hint ?? '', /OpenSSH/);
      return true;
    });
  });

  describe('with ssh-agent', () => {
    let agentPid: number | undefined;
    let socket: string;

    beforeEach(() => {
      socket = path.join(keys.dir, 'agent.sock');
      const out = execFileSync('ssh-agent', ['-s', '-a', socket], { encoding: 'utf8', env: baseEnv() });
      agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(out)?.[1]);
      assert.ok(agentPid > 0, out);
    });
    afterEach(() => {
      if (agentPid) process.kill(agentPid, 'SIGTERM');
      agentPid = undefined;
    });

    function sshAdd(key: string, passphrase: string): void {
      const askpass = keys.write('askpass.sh', `#!/bin/sh\necho '${passphrase}'\n`);
      chmodSync(askpass, 0o755);
      execFileSync('ssh-add', [key], { env: baseEnv({ SSH_AUTH_SOCK: socket, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' }), stdio: ['ignore', 'pipe', 'pipe'] });
    }

    it('signs with a passphrase-protected key the agent holds', async () => {
      const key = keys.make('agent_locked', 'ed25519', 'correct horse');
      sshAdd(key, 'correct horse');
      repo.git('config', 'gpg.format', 'ssh');
      repo.git('config', 'user.signingKey', key);
      const setup = await readSigningSetup(repo.dir, env());
      assert.ok(setup);
      await signsAndVerifies(setup, env({ SSH_AUTH_SOCK: socket }));
    });

    it('signs with a literal key:: public key whose private half is in the agent, and says when the agent lacks it', async () => {
      const held = keys.make('held', 'ecdsa-384');
      const notHeld = keys.make('not_held', 'ed25519');
      sshAdd(held, '');
      repo.git('config', 'gpg.format', 'ssh');
      repo.git('config', 'user.signingKey', `key::${keys.pub(held)}`);
      const setup = await readSigningSetup(repo.dir, env());
      assert.ok(setup?.literal);
      assert.strictEqual(setup.privateKeyFile, undefined);
      await signsAndVerifies(setup, env({ SSH_AUTH_SOCK: socket }));
      // The deprecated bare form git also accepts.
      repo.git('config', 'user.signingKey', keys.pub(notHeld));
      const missing = await readSigningSetup(repo.dir, env());
      assert.ok(missing?.literal);
      await assert.rejects(signBytes(missing, Buffer.from('m'), 'prompt-release', env({ SSH_AUTH_SOCK: socket })), (err: PromptReleaseError) => {
        assert.match(err.message, /ssh-agent does not hold the signing key SHA256:/);
        assert.match(err.hint ?? '', /ssh-add/);
        return true;
      });
    });

    it('refuses a passphrase key the running agent does not hold, quickly', async () => {
      const key = keys.make('locked2', 'ed25519', 'secret');
      repo.git('config', 'gpg.format', 'ssh');
      repo.git('config', 'user.signingKey', key);
      const setup = await readSigningSetup(repo.dir, env());
      assert.ok(setup);
      const started = Date.now();
      await assert.rejects(signBytes(setup, Buffer.from('m'), 'prompt-release', env({ SSH_AUTH_SOCK: socket })), /protected by a passphrase/);
      assert.ok(Date.now() - started < 15_000);
    });
  });
});
