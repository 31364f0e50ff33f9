/**
 * Making SSH signatures with the user's own git signing setup (gpg.format=ssh,
 * user.signingKey). Runs `ssh-keygen` from PATH (or talks to ssh-agent through it), never a
 * program named in any git configuration (gpg.ssh.program, gpg.ssh.defaultKeyCommand and the
 * like are ignored), and never waits on a passphrase prompt.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PromptReleaseError } from '../core/common/errors';
import { formatSshPublicKey, parseSshPublicKey, publicKeyFromOpenSshPrivateKey, verifySshSignature, type SshPublicKey } from '../core/reviews/signatures';

export interface SigningSetup {
  /** user.signingKey as configured: a key file path, or `key::ssh-…`/`ssh-…` public key text. */
  configured: string;
  /** The private key file to sign with, when the setting names one. */
  privateKeyFile?: string;
  /** The public key line (`ssh-ed25519 AAAA… [comment]`). */
  publicKey: string;
  /** `SHA256:…` of that public key. */
  fingerprint: string;
  /** The public key file, when the setting names one (its private half is in ssh-agent, or next to it without `.pub`). */
  publicKeyFile?: string;
  /** The setting names the public key itself (`key::ssh-…`): the private half must be in ssh-agent. */
  literal?: boolean;
  /** Where user.signingKey was set (`file:/home/me/.gitconfig`, `command line:`), for messages. */
  origin?: string;
}

/** One value of the configuration as `git config --show-scope --show-origin -z` lists it. */
export interface SigningConfigEntry {
  scope: string;
  origin: string;
  key: string;
  /** Undefined for a bare `key` line (boolean true). */
  value?: string;
}

/** `git config -z --show-scope --show-origin`: scope NUL origin NUL key [LF value] NUL. */
export function parseScopedConfig(output: string): SigningConfigEntry[] {
  const fields = output.split('\0');
  const entries: SigningConfigEntry[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const [scope, origin, keyValue] = [fields[i], fields[i + 1], fields[i + 2]];
    const nl = keyValue.indexOf('\n');
    entries.push({
      scope,
      origin,
      key: (nl < 0 ? keyValue : keyValue.slice(0, nl)).toLowerCase(),
      value: nl < 0 ? undefined : keyValue.slice(nl + 1),
    });
  }
  return entries;
}

export type SigningKeyForm =
  | { kind: 'literal'; publicKey: string }
  | { kind: 'file'; path: string };

/**
 * What git would sign with, from the configuration entries in git's order (the last value
 * wins): undefined when gpg.format is not ssh or user.signingKey is unset (git would then run
 * gpg.ssh.defaultKeyCommand, which we never do). Pure: paths are not resolved here.
 */
export function signingSetupFromEntries(entries: SigningConfigEntry[]): { configured: string; form: SigningKeyForm; origin: string } | undefined {
  const last = (key: string) => [...entries].reverse().find((e) => e.key === key);
  const format = last('gpg.format');
  // git compares the value exactly: `SSH` is not ssh (git refuses it; so do we, by not signing).
  if (!format || format.value !== 'ssh') return undefined;
  const key = last('user.signingkey');
  if (!key || key.value === undefined || !key.value.trim()) return undefined;
  const configured = key.value;
  // git's is_literal_ssh_key: `key::…`, or the deprecated bare `ssh-…` form.
  if (configured.startsWith('key::')) return { configured, form: { kind: 'literal', publicKey: configured.slice('key::'.length).trim() }, origin: key.origin };
  if (configured.startsWith('ssh-')) return { configured, form: { kind: 'literal', publicKey: configured.trim() }, origin: key.origin };
  return { configured, form: { kind: 'file', path: configured }, origin: key.origin };
}

/** The environment for reading configuration: no repository-steering GIT_* variables, but git's own configuration variables (GIT_CONFIG_COUNT/KEY_n/VALUE_n, GIT_CONFIG_PARAMETERS, GIT_CONFIG_GLOBAL…) kept. Bare GIT_CONFIG is dropped: only `git config` honours it, git commit and git tag do not. */
function configEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (k.startsWith('GIT_') && !k.startsWith('GIT_CONFIG_') && k !== 'GIT_CEILING_DIRECTORIES') continue;
    out[k] = v;
  }
  return { ...out, GIT_TERMINAL_PROMPT: '0', GIT_NO_REPLACE_OBJECTS: '1', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
}

interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a program in a new session (no controlling terminal, so nothing can open /dev/tty and
 * prompt), with piped standard input, and kills it after `timeoutMs`.
 */
function runDetached(program: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv; input?: Buffer; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true, windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          // Its own process group (detached): end whatever it started too.
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }
    }, options.timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
    child.stdin.end(options.input ?? Buffer.alloc(0));
  });
}

function expandHome(file: string, home: string): string {
  if (file === '~') return home;
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  return file;
}

function setupError(message: string, hint: string, origin?: string): PromptReleaseError {
  const file = origin?.startsWith('file:') ? origin.slice('file:'.length) : undefined;
  return new PromptReleaseError('invalid-config', message, { hint, location: file ? { file } : undefined });
}

/**
 * Resolves a key form to a setup: reads the public key (`<file>.pub`, the file itself when it
 * is a public key, or the public half an OpenSSH private key file carries in the clear).
 */
export function resolveSigningKey(configured: string, form: SigningKeyForm, options: { cwd: string; home: string; origin?: string }): SigningSetup {
  const where = options.origin ? ` (set in ${options.origin.replace(/^file:/, '')})` : '';
  if (form.kind === 'literal') {
    const key = parseSshPublicKey(form.publicKey);
    if (!key.ok) throw setupError(`user.signingKey${where} is not a usable public key: ${key.reason}`, 'Set it to "key::ssh-ed25519 AAAA…" or to the path of your key file: git config --global user.signingKey ~/.ssh/id_ed25519', options.origin);
    return { configured, publicKey: form.publicKey, fingerprint: key.key.fingerprint, literal: true, origin: options.origin };
  }
  if (/^~[^/]/.test(form.path)) {
    throw setupError(`user.signingKey${where} names "${form.path}"; paths of the form ~user/ are not supported`, 'Write the full path, or ~/ for your own home folder.', options.origin);
  }
  const file = path.resolve(options.cwd, expandHome(form.path, options.home));
  const read = (f: string): string | undefined => {
    try {
      const stat = fs.statSync(f);
      if (!stat.isFile() || stat.size > 256 * 1024) return undefined;
      return fs.readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  };
  const text = read(file);
  if (text === undefined) {
    throw setupError(`user.signingKey${where} names ${file}, which does not exist or cannot be read`, 'Point it at your SSH key: git config --global user.signingKey ~/.ssh/id_ed25519 (create one with ssh-keygen -t ed25519).', options.origin);
  }
  const asPublic = parseSshPublicKey(text.split('\n')[0] ?? '');
  if (asPublic.ok) {
    return { configured, publicKey: text.split('\n')[0].trim(), fingerprint: asPublic.key.fingerprint, publicKeyFile: file, origin: options.origin };
  }
  const pubText = read(`${file}.pub`);
  const fromPrivate = publicKeyFromOpenSshPrivateKey(text);
  let key: SshPublicKey | undefined;
  let publicKey: string | undefined;
  let reason = '';
  if (pubText !== undefined) {
    const line = (pubText.split('\n')[0] ?? '').trim();
    const pub = parseSshPublicKey(line);
    if (pub.ok) {
      // A .pub that does not belong to the key would make us sign with one key and announce another.
      if (fromPrivate.ok && !fromPrivate.key.blob.equals(pub.key.blob)) {
        throw setupError(`${file}.pub does not hold the public half of ${file}`, `Write the right one: ssh-keygen -y -f ${file} > ${file}.pub`, options.origin);
      }
      key = pub.key;
      publicKey = line;
    } else {
      reason = `${file}.pub: ${pub.reason}`;
    }
  }
  if (!key) {
    if (fromPrivate.ok) {
      key = fromPrivate.key;
      publicKey = formatSshPublicKey(key);
    } else {
      reason ||= `${file}: ${fromPrivate.reason}`;
    }
  }
  if (!key || !publicKey) {
    throw setupError(`user.signingKey${where} names ${file}, whose public key cannot be read (${reason})`, `Write its public key next to it: ssh-keygen -y -f ${file} > ${file}.pub`, options.origin);
  }
  return { configured, privateKeyFile: file, publicKey, fingerprint: key.fingerprint, origin: options.origin };
}

/**
 * The signing setup git would use, read from every configuration level git reads (system,
 * global, local, worktree and the GIT_CONFIG_COUNT/KEY/VALUE environment). Undefined when
 * gpg.format is not ssh or user.signingKey is unset.
 */
export async function readSigningSetup(repositoryRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<SigningSetup | undefined> {
  let result: RunResult;
  try {
    result = await runDetached('git', ['config', '-z', '--show-scope', '--show-origin', '--get-regexp', '^(gpg\\.format|user\\.signingkey)$'], {
      cwd: repositoryRoot,
      env: configEnvironment(env),
      timeoutMs: 30_000,
    });
  } catch (err) {
    throw new PromptReleaseError('git-failed', `git could not be started to read the signing setup: ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'Install git and make sure it is on PATH.',
    });
  }
  // 1: none of the keys is set.
  if (result.code === 1 && !result.stdout.length) return undefined;
  if (result.code !== 0) {
    throw new PromptReleaseError('git-failed', `git could not read the signing setup: ${result.stderr.trim() || `exit ${result.code}`}`, {
      hint: 'Check your git configuration files with "git config --list --show-origin".',
    });
  }
  const found = signingSetupFromEntries(parseScopedConfig(result.stdout.toString('utf8')));
  if (!found) return undefined;
  return resolveSigningKey(found.configured, found.form, { cwd: repositoryRoot, home: env.HOME || os.homedir(), origin: found.origin });
}

/** `ssh-keygen` on PATH (never a configured program), or undefined. */
export function findSshKeygen(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = process.platform === 'win32' ? ['ssh-keygen.exe'] : ['ssh-keygen'];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        if (fs.statSync(candidate).isFile()) {
          fs.accessSync(candidate, fs.constants.X_OK);
          return candidate;
        }
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

const SIGN_TIMEOUT_MS = 60_000;

/**
 * Signs `message` in `namespace`; the `-----BEGIN SSH SIGNATURE-----` armour, checked against
 * the setup's key before it is returned. Throws a PromptReleaseError saying what to do when it
 * cannot. `environment` gives PATH (where ssh-keygen is looked for) and SSH_AUTH_SOCK.
 */
export async function signBytes(setup: SigningSetup, message: Buffer, namespace: string, environment: NodeJS.ProcessEnv = process.env): Promise<string> {
  const keygen = findSshKeygen(environment);
  if (!keygen) {
    throw new PromptReleaseError('invalid-config', 'ssh-keygen was not found on PATH, so nothing can be signed', {
      hint: 'Install OpenSSH 8.2 or later (it provides ssh-keygen -Y sign) and make sure ssh-keygen is on PATH.',
    });
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9@._-]*$/.test(namespace)) throw new Error(`invalid signature namespace "${namespace}"`);
  const env: NodeJS.ProcessEnv = { ...environment, SSH_ASKPASS_REQUIRE: 'never', LC_ALL: 'C' };
  delete env.SSH_ASKPASS;
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  let tempDir: string | undefined;
  try {
    let keyFile: string;
    const args = ['-Y', 'sign', '-n', namespace];
    if (setup.literal || (!setup.privateKeyFile && !setup.publicKeyFile)) {
      // The private half is in ssh-agent: hand ssh-keygen the public key in a private folder.
      tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prompt-release-sign-'));
      keyFile = path.join(tempDir, 'signing-key.pub');
      // 'wx': O_CREAT|O_EXCL, never follows a link planted under that name.
      fs.writeFileSync(keyFile, `${setup.publicKey.trim()}\n`, { flag: 'wx', mode: 0o600 });
      args.push('-U');
    } else {
      keyFile = setup.privateKeyFile ?? setup.publicKeyFile!;
    }
    // -P '': a passphrase-protected key that the agent does not hold fails at once instead of
    // prompting (with no terminal ssh-keygen would otherwise read the passphrase from stdin).
    args.push('-f', keyFile, '-P', '');
    let result: RunResult;
    try {
      result = await runDetached(keygen, args, { env, input: message, timeoutMs: SIGN_TIMEOUT_MS });
    } catch (err) {
      throw new PromptReleaseError('invalid-config', `ssh-keygen (${keygen}) could not be started: ${err instanceof Error ? err.message : String(err)}`, {
        hint: 'Check that OpenSSH is installed correctly.',
      });
    }
    if (result.timedOut) {
      throw new PromptReleaseError('invalid-config', `ssh-keygen did not finish signing within ${SIGN_TIMEOUT_MS / 1000} s and was stopped`, {
        hint: 'If your key needs a confirmation or a touch (ssh-add -c, a security key), confirm it when asked; otherwise check that ssh-agent is responding (ssh-add -l).',
      });
    }
    const stderr = result.stderr.trim();
    if (result.code !== 0) throw signingFailure(setup, stderr, keyFile);
    const armored = result.stdout.toString('utf8');
    const check = verifySshSignature(armored, message, namespace);
    if (!check.ok) {
      throw new PromptReleaseError('invalid-config', `ssh-keygen produced a signature that does not verify: ${check.reason}`, {
        hint: 'Update OpenSSH, or report this with the output of "ssh -V".',
      });
    }
    if (check.key.fingerprint !== setup.fingerprint) {
      throw new PromptReleaseError('invalid-config', `ssh-keygen signed with key ${check.key.fingerprint}, not with ${setup.fingerprint} that user.signingKey names`, {
        hint: 'Make sure the .pub file next to your key belongs to it (ssh-keygen -y -f <key> > <key>.pub).',
      });
    }
    return armored;
  } finally {
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

function signingFailure(setup: SigningSetup, stderr: string, keyFile: string): PromptReleaseError {
  const said = stderr.split('\n').filter((l) => l && !/^Signing data on standard input/.test(l)).slice(-3).join(' ');
  const key = `${setup.fingerprint}${setup.privateKeyFile ? ` (${setup.privateKeyFile})` : ''}`;
  if (/incorrect passphrase|passphrase/i.test(stderr)) {
    return new PromptReleaseError('invalid-config', `the signing key ${key} is protected by a passphrase and ssh-agent does not hold it`, {
      hint: `Add it to your agent once: ssh-add ${setup.privateKeyFile ?? keyFile} (prompt-release never asks for passphrases itself), then try again.`,
    });
  }
  if (/Couldn't get agent socket/i.test(stderr)) {
    return new PromptReleaseError('invalid-config', `the signing key ${setup.fingerprint} must come from ssh-agent, and no ssh-agent can be reached (SSH_AUTH_SOCK is unset or stale)`, {
      hint: 'Start ssh-agent and add the private key: eval "$(ssh-agent)" && ssh-add <your private key file>; or set user.signingKey to the private key file.',
    });
  }
  if (/Couldn't find key in agent|No private key found for public key|agent refused/i.test(stderr)) {
    const noFile = setup.publicKeyFile ? ` and there is no private key file next to ${setup.publicKeyFile}` : '';
    return new PromptReleaseError('invalid-config', `ssh-agent does not hold the signing key ${setup.fingerprint} that user.signingKey names${noFile}`, {
      hint: 'Add the private key to your agent: ssh-add <your private key file> (check with ssh-add -l); or set user.signingKey to the private key file.',
    });
  }
  if (/unknown option -- Y|illegal option -- Y|usage: ssh-keygen/i.test(stderr)) {
    return new PromptReleaseError('invalid-config', 'this ssh-keygen cannot make SSH signatures (ssh-keygen -Y sign)', {
      hint: 'Install OpenSSH 8.2 or later.',
    });
  }
  return new PromptReleaseError('invalid-config', `ssh-keygen could not sign with ${key}: ${said || 'it gave no reason'}`, {
    hint: 'Check the key with "ssh-keygen -l -f <key>" and that ssh-agent holds it if it has a passphrase (ssh-add -l).',
  });
}
