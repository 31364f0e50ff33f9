import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { identityEnv, runCli, STANDARD_CONFIG, type CliResult, type Person, type TempRepo } from './gitFixture';

/** Where the signed tests keep the allowed-signers file, and a policy that requires signatures in production. */
export const SIGNERS_FILE = '.github/allowed_signers';
export const SIGNED_CONFIG =
  STANDARD_CONFIG.replace('production: { approvals: 2, ownerApproval: true }', 'production: { approvals: 2, ownerApproval: true, signatures: required }') + `signers: ${SIGNERS_FILE}\n`;

/** A key made by ssh-keygen for a test person. */
export interface Key {
  who: Person;
  file: string;
  publicKey: string;
  fingerprint: string;
}

export function makeKey(dir: string, who: Person, name: string): Key {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', who.email, '-f', file]);
  const publicKey = readFileSync(`${file}.pub`, 'utf8').trim();
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1];
  return { who, file, publicKey, fingerprint };
}

/** The allowed-signers lines for these keys. */
export function signersText(...keys: Key[]): string {
  return keys.map((k) => `${k.who.email} ${k.publicKey}`).join('\n') + '\n';
}

/** git's own signing settings (gpg.format=ssh, user.signingKey) through its environment configuration. */
export function signingEnv(key: Key | undefined): Record<string, string> {
  return key ? { GIT_CONFIG_COUNT: '2', GIT_CONFIG_KEY_0: 'gpg.format', GIT_CONFIG_VALUE_0: 'ssh', GIT_CONFIG_KEY_1: 'user.signingKey', GIT_CONFIG_VALUE_1: key.file } : {};
}

/** The real CLI as `who` (or nobody), signing with `key` when given. */
export function signedCli(repo: TempRepo, who: Person | undefined, key: Key | undefined, ...args: string[]): Promise<CliResult> {
  return runCli(repo.dir, args, { ...(who ? identityEnv(who) : {}), ...signingEnv(key) });
}
