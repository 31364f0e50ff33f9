/**
 * Making SSH signatures with the user's own git signing setup (gpg.format=ssh,
 * user.signingKey). Runs `ssh-keygen` from PATH (or talks to ssh-agent), never a program
 * named in any git configuration (gpg.ssh.program and the like are ignored).
 *
 * INTERFACE FIRST: the bodies are filled in by the signature work.
 */

export interface SigningSetup {
  /** user.signingKey as configured: a key file path, or `key::ssh-…`/`ssh-…` public key text. */
  configured: string;
  /** The private key file to sign with, when the setting names one. */
  privateKeyFile?: string;
  /** The public key line (`ssh-ed25519 AAAA… [comment]`). */
  publicKey: string;
  /** `SHA256:…` of that public key. */
  fingerprint: string;
}

/**
 * The signing setup git would use, read from every configuration level git reads (system,
 * global, local, worktree and the GIT_CONFIG_COUNT/KEY/VALUE environment). Undefined when
 * gpg.format is not ssh or user.signingKey is unset.
 */
export async function readSigningSetup(repositoryRoot: string): Promise<SigningSetup | undefined> {
  void repositoryRoot;
  return undefined;
}

/** Signs `message` in `namespace`; the `-----BEGIN SSH SIGNATURE-----` armour. Throws a PromptReleaseError saying what to do when it cannot. */
export async function signBytes(setup: SigningSetup, message: Buffer, namespace: string): Promise<string> {
  void setup, message, namespace;
  throw new Error('signing is not implemented yet');
}
