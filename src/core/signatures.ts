/**
 * Signed evidence: SSH signatures (OpenSSH PROTOCOL.sshsig, the `SSHSIG` armour that
 * `ssh-keygen -Y sign` and git's gpg.format=ssh write), verified in pure Node, and git's
 * allowed-signers format for who may sign. No process runs here.
 *
 * INTERFACE FIRST: the bodies are filled in by the signature work; callers code against these
 * types and functions.
 */

/** The namespace every record signature is made in: a signature made for git (or anything else) never verifies as a record's. */
export const RECORD_NAMESPACE = 'prompt-release';
/** The namespace git uses for commit and tag signatures. */
export const GIT_NAMESPACE = 'git';

export interface SshPublicKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ecdsa-sha2-nistp384`, `ssh-rsa`. */
  type: string;
  /** The key in SSH wire format (what the base64 of an authorized_keys line decodes to). */
  blob: Buffer;
  /** `SHA256:<base64 without padding>`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

export interface AllowedSigner {
  /** Emails (or patterns, as the format allows) this key may sign for, lower-cased. */
  principals: string[];
  key: SshPublicKey;
  /** 1-based line in the signers file. */
  line: number;
  /** `namespaces="…"` when the line restricts them. */
  namespaces?: string[];
  /** `valid-after` / `valid-before`, when given, in ms since the epoch. */
  validAfter?: number;
  validBefore?: number;
}

export interface AllowedSigners {
  file: string;
  signers: AllowedSigner[];
  /** Lines that could not be used, with why (a bad key, an unknown option). */
  errors: { line: number; col: number; message: string }[];
}

/** What a record's signature proves, as the ledger found it. */
export type RecordSignature =
  | { status: 'valid'; email: string; keyType: string; fingerprint: string }
  | { status: 'unsigned' }
  | { status: 'invalid'; reason: string; keyType?: string; fingerprint?: string };

export type SignatureCheck =
  | { ok: true; key: SshPublicKey; signer: AllowedSigner }
  | { ok: false; reason: string; key?: SshPublicKey };

/** Parses git's allowed-signers format (`ssh-keygen(1)`, ALLOWED SIGNERS). */
export function parseAllowedSigners(text: string, file: string): AllowedSigners {
  void text;
  return { file, signers: [], errors: [{ line: 1, col: 1, message: 'not implemented yet' }] };
}

/**
 * Verifies an armoured SSHSIG over `message` in `namespace`: the key that made it when the
 * signature is valid (any key: who it belongs to is `checkSignature`'s question).
 */
export function verifySshSignature(armored: string, message: Buffer, namespace: string): { ok: true; key: SshPublicKey } | { ok: false; reason: string } {
  void armored, message, namespace;
  return { ok: false, reason: 'signature verification is not implemented yet' };
}

/**
 * Whether `armored` is a valid signature over `message` in `namespace` by a key the signers
 * list for `email` (principal match, namespace and validity window honoured at `when`).
 */
export function checkSignature(signers: AllowedSigners, email: string, armored: string, message: Buffer, namespace: string, when?: number): SignatureCheck {
  void signers, email, armored, message, namespace, when;
  return { ok: false, reason: 'signature verification is not implemented yet' };
}

/** The canonical bytes a record's signature covers: the record without its `signature`, keys sorted, no whitespace, UTF-8. */
export function canonicalRecordBytes(record: object): Buffer {
  return Buffer.from(canonicalJson(record, true), 'utf8');
}

function canonicalJson(value: unknown, top = false): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => v !== undefined && !(top && k === 'signature'))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
