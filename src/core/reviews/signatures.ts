/**
 * Signed evidence: SSH signatures (OpenSSH PROTOCOL.sshsig, the `SSHSIG` armour that
 * `ssh-keygen -Y sign` and git's gpg.format=ssh write), verified in pure Node, and git's
 * allowed-signers format for who may sign. No process runs here.
 *
 * Supported keys: ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa (2048 bits or more;
 * signatures rsa-sha2-256/512 only: SHA-1 `ssh-rsa` signatures are refused). Security-key
 * (sk-…) keys and certificates are refused with a reason. Nothing here throws on bad input:
 * every malformed signature, key or signers line comes back as a reason.
 */
import { constants as cryptoConstants, createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'crypto';

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

// ---------------------------------------------------------------------------------------------
// SSH wire format

const ARMOR_BEGIN = '-----BEGIN SSH SIGNATURE-----';
const ARMOR_END = '-----END SSH SIGNATURE-----';
const MAGIC = Buffer.from('SSHSIG', 'ascii');
/** Far above any real signature (an RSA-16384 one is under 5 KB); keeps hostile input cheap. */
const MAX_ARMOR_LENGTH = 64 * 1024;
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 16384;

class Malformed extends Error {}

/** Bounds-checked reader of SSH wire data (RFC 4251 string, uint32, mpint). */
class WireReader {
  private offset = 0;

  constructor(private readonly data: Buffer) {}

  get done(): boolean {
    return this.offset === this.data.length;
  }

  bytes(n: number, what: string): Buffer {
    if (n < 0 || this.offset + n > this.data.length) throw new Malformed(`${what} is cut short`);
    const out = this.data.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  uint32(what: string): number {
    return this.bytes(4, what).readUInt32BE(0);
  }

  string(what: string): Buffer {
    return this.bytes(this.uint32(what), what);
  }

  text(what: string): string {
    const raw = this.string(what);
    const text = raw.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(raw) || /[\0-\x1f\x7f]/.test(text)) throw new Malformed(`${what} is not readable text`);
    return text;
  }

  /** An mpint as an unsigned big-endian magnitude without leading zeros; negative numbers are refused. */
  mpint(what: string): Buffer {
    const raw = this.string(what);
    if (raw.length > 0 && raw[0] & 0x80) throw new Malformed(`${what} is negative`);
    if (raw.length > 1 && raw[0] === 0 && !(raw[1] & 0x80)) throw new Malformed(`${what} has a needless leading zero`);
    let start = 0;
    while (start < raw.length && raw[start] === 0) start++;
    return raw.subarray(start);
  }
}

function wireString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

function base64url(data: Buffer): string {
  return data.toString('base64url');
}

/** `SHA256:` and the unpadded base64 of the key blob's SHA-256, as `ssh-keygen -l` prints it. */
export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

const CURVES: Record<string, { curve: string; jwk: string; size: number; hash: string }> = {
  'ecdsa-sha2-nistp256': { curve: 'nistp256', jwk: 'P-256', size: 32, hash: 'sha256' },
  'ecdsa-sha2-nistp384': { curve: 'nistp384', jwk: 'P-384', size: 48, hash: 'sha384' },
  'ecdsa-sha2-nistp521': { curve: 'nistp521', jwk: 'P-521', size: 66, hash: 'sha512' },
};

/** The key types this module verifies. */
export const SUPPORTED_KEY_TYPES = ['ssh-ed25519', ...Object.keys(CURVES), 'ssh-rsa'];

interface DecodedKey {
  key: SshPublicKey;
  object: KeyObject;
  /** RSA modulus length in bytes (signatures are padded to it). */
  modulusBytes?: number;
}

function unsupportedKeyReason(type: string): string {
  if (type.startsWith('sk-')) return `security-key (${type}) signatures are not supported yet; sign with an ssh-ed25519, ecdsa or rsa key`;
  if (type.includes('-cert-v')) return `certificate keys (${type}) are not supported; list the plain public key instead`;
  if (type === 'ssh-dss') return 'DSA keys (ssh-dss) are refused as too weak; use an ssh-ed25519 key';
  return `key type "${type}" is not supported (supported: ${SUPPORTED_KEY_TYPES.join(', ')})`;
}

/** Decodes a wire-format public key blob into a key Node can verify with; throws Malformed with a reason. */
function decodeKeyBlob(blob: Buffer): DecodedKey {
  const r = new WireReader(blob);
  const type = r.text('the key type');
  let jwk: Record<string, string>;
  let modulusBytes: number | undefined;
  if (type === 'ssh-ed25519') {
    const pk = r.string('the ed25519 key');
    if (pk.length !== 32) throw new Malformed(`the ed25519 key is ${pk.length} bytes, not 32`);
    jwk = { kty: 'OKP', crv: 'Ed25519', x: base64url(pk) };
  } else if (CURVES[type]) {
    const c = CURVES[type];
    const curve = r.text('the curve name');
    if (curve !== c.curve) throw new Malformed(`a ${type} key names curve "${curve}"`);
    const q = r.string('the ecdsa point');
    if (q.length !== 1 + 2 * c.size || q[0] !== 0x04) throw new Malformed('the ecdsa point is not an uncompressed point of its curve');
    jwk = { kty: 'EC', crv: c.jwk, x: base64url(q.subarray(1, 1 + c.size)), y: base64url(q.subarray(1 + c.size)) };
  } else if (type === 'ssh-rsa') {
    const e = r.mpint('the rsa exponent');
    const n = r.mpint('the rsa modulus');
    const bits = n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0]));
    if (bits < MIN_RSA_BITS) throw new Malformed(`the rsa key has ${bits} bits; at least ${MIN_RSA_BITS} are required (use an ssh-ed25519 key)`);
    if (bits > MAX_RSA_BITS) throw new Malformed(`the rsa key has ${bits} bits, more than ${MAX_RSA_BITS}`);
    if (e.length === 0 || e.length > 8 || !(e[e.length - 1] & 1)) throw new Malformed('the rsa exponent is not a usable odd number');
    jwk = { kty: 'RSA', n: base64url(n), e: base64url(e) };
    modulusBytes = n.length;
  } else {
    throw new Malformed(unsupportedKeyReason(type));
  }
  if (!r.done) throw new Malformed('the key has trailing data');
  let object: KeyObject;
  try {
    object = createPublicKey({ key: jwk as any, format: 'jwk' });
  } catch {
    throw new Malformed(`the ${type} key is not a valid key`);
  }
  return { key: { type, blob: Buffer.from(blob), fingerprint: sshFingerprint(blob) }, object, modulusBytes };
}

function reasonOf(err: unknown): string {
  if (err instanceof Malformed) return err.message;
  return `it could not be read (${err instanceof Error ? err.message : String(err)})`;
}

/** A key blob as an SshPublicKey, or why it cannot be used. */
export function decodeSshPublicKey(blob: Buffer): { ok: true; key: SshPublicKey } | { ok: false; reason: string } {
  try {
    return { ok: true, key: decodeKeyBlob(blob).key };
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `keytype base64 [comment]` (an authorized_keys / .pub line, no options) as a key, or why not. */
export function parseSshPublicKey(line: string): { ok: true; key: SshPublicKey; comment?: string } | { ok: false; reason: string } {
  const text = line.trim();
  const m = /^(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(text);
  if (!m) return { ok: false, reason: 'expected "<key type> <base64 key> [comment]"' };
  return keyFromFields(m[1], m[2], m[3]);
}

function keyFromFields(type: string, b64: string, comment?: string): { ok: true; key: SshPublicKey; comment?: string } | { ok: false; reason: string } {
  if (!SUPPORTED_KEY_TYPES.includes(type)) return { ok: false, reason: unsupportedKeyReason(type) };
  if (!BASE64.test(b64)) return { ok: false, reason: `the ${type} key is not valid base64` };
  const decoded = decodeSshPublicKey(Buffer.from(b64, 'base64'));
  if (!decoded.ok) return decoded;
  if (decoded.key.type !== type) return { ok: false, reason: `the line says ${type} but the key inside is ${decoded.key.type}` };
  return { ok: true, key: decoded.key, comment: comment?.trim() || undefined };
}

/** The public key in an unencrypted header of an OpenSSH private key file (`-----BEGIN OPENSSH PRIVATE KEY-----`), even when its private part is encrypted. */
export function publicKeyFromOpenSshPrivateKey(text: string): { ok: true; key: SshPublicKey } | { ok: false; reason: string } {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\sA-Za-z0-9+/=]*)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!m) return { ok: false, reason: 'not an OpenSSH private key file' };
  try {
    const r = new WireReader(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
    const magic = r.bytes(15, 'the private key header');
    if (magic.toString('latin1') !== 'openssh-key-v1\0') throw new Malformed('not an openssh-key-v1 file');
    r.string('the cipher name');
    r.string('the kdf name');
    r.string('the kdf options');
    const count = r.uint32('the key count');
    if (count !== 1) throw new Malformed(`the file holds ${count} keys, not 1`);
    return decodeSshPublicKey(r.string('the public key'));
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  }
}

/** The key line, as it would appear in a signers file: `ssh-ed25519 AAAA…`. */
export function formatSshPublicKey(key: SshPublicKey): string {
  return `${key.type} ${key.blob.toString('base64')}`;
}

// ---------------------------------------------------------------------------------------------
// SSHSIG

interface ParsedSignature {
  key: DecodedKey;
  namespace: string;
  reserved: Buffer;
  hashAlgorithm: 'sha256' | 'sha512';
  sigType: string;
  sigBlob: Buffer;
}

function dearmor(armored: string): Buffer {
  if (typeof armored !== 'string') throw new Malformed('the signature is not text');
  if (armored.length > MAX_ARMOR_LENGTH) throw new Malformed(`the signature is longer than ${MAX_ARMOR_LENGTH} characters`);
  const text = armored.trim();
  if (!text.startsWith(ARMOR_BEGIN)) throw new Malformed(`it does not start with "${ARMOR_BEGIN}"`);
  if (!text.endsWith(ARMOR_END)) throw new Malformed(`it does not end with "${ARMOR_END}" (cut short?)`);
  const body = text.slice(ARMOR_BEGIN.length, text.length - ARMOR_END.length);
  if (!/^\s/.test(body) || !/\s$/.test(body)) throw new Malformed('the armour lines run into the signature');
  const b64 = body.replace(/[ \t\r\n]+/g, '');
  if (!b64 || !BASE64.test(b64)) throw new Malformed('the signature body is not valid base64');
  return Buffer.from(b64, 'base64');
}

function parseSignature(armored: string): ParsedSignature {
  const r = new WireReader(dearmor(armored));
  if (!r.bytes(MAGIC.length, 'the SSHSIG preamble').equals(MAGIC)) throw new Malformed('it is not an SSHSIG signature (no SSHSIG preamble)');
  const version = r.uint32('the version');
  if (version !== 1) throw new Malformed(`it has SSHSIG version ${version}; only version 1 is known`);
  const keyBlob = r.string('the public key');
  const namespace = r.text('the namespace');
  const reserved = r.string('the reserved field');
  const hash = r.text('the hash algorithm');
  if (hash !== 'sha256' && hash !== 'sha512') throw new Malformed(`hash algorithm "${hash}" is not sha256 or sha512`);
  const signature = r.string('the signature');
  if (!r.done) throw new Malformed('it has trailing data after the signature');
  const key = decodeKeyBlob(keyBlob);
  const s = new WireReader(signature);
  const sigType = s.text('the signature type');
  const sigBlob = s.string('the signature value');
  if (!s.done) throw new Malformed('the signature value has trailing data');
  return { key, namespace, reserved, hashAlgorithm: hash, sigType, sigBlob };
}

/** Fixed-length big-endian r||s from an SSH ecdsa signature blob (mpint r, mpint s). */
function ecdsaP1363(blob: Buffer, size: number): Buffer {
  const r = new WireReader(blob);
  const parts = [r.mpint('the ecdsa r'), r.mpint('the ecdsa s')];
  if (!r.done) throw new Malformed('the ecdsa signature has trailing data');
  return Buffer.concat(
    parts.map((p, i) => {
      if (p.length === 0 || p.length > size) throw new Malformed(`the ecdsa ${i ? 's' : 'r'} is out of range`);
      return Buffer.concat([Buffer.alloc(size - p.length), p]);
    }),
  );
}

function cryptoCheck(parsed: ParsedSignature, data: Buffer): boolean {
  const { key, sigType, sigBlob } = parsed;
  const type = key.key.type;
  if (type === 'ssh-ed25519') {
    if (sigType !== 'ssh-ed25519') throw new Malformed(`an ssh-ed25519 key made a "${sigType}" signature`);
    if (sigBlob.length !== 64) throw new Malformed('the ed25519 signature is not 64 bytes');
    return cryptoVerify(null, data, key.object, sigBlob);
  }
  if (CURVES[type]) {
    if (sigType !== type) throw new Malformed(`a ${type} key made a "${sigType}" signature`);
    const c = CURVES[type];
    return cryptoVerify(c.hash, data, { key: key.object, dsaEncoding: 'ieee-p1363' }, ecdsaP1363(sigBlob, c.size));
  }
  if (type === 'ssh-rsa') {
    if (sigType === 'ssh-rsa') throw new Malformed('it is an RSA signature over SHA-1 (ssh-rsa), which is refused; sign again with a current ssh-keygen (rsa-sha2-512)');
    const hash = sigType === 'rsa-sha2-256' ? 'sha256' : sigType === 'rsa-sha2-512' ? 'sha512' : undefined;
    if (!hash) throw new Malformed(`an ssh-rsa key made a "${sigType}" signature`);
    const size = key.modulusBytes ?? 0;
    if (sigBlob.length === 0 || sigBlob.length > size) throw new Malformed('the rsa signature does not fit the key');
    const padded = Buffer.concat([Buffer.alloc(size - sigBlob.length), sigBlob]);
    return cryptoVerify(hash, data, { key: key.object, padding: cryptoConstants.RSA_PKCS1_PADDING }, padded);
  }
  throw new Malformed(unsupportedKeyReason(type));
}

/**
 * Verifies an armoured SSHSIG over `message` in `namespace`: the key that made it when the
 * signature is valid (any key: who it belongs to is `checkSignature`'s question).
 */
export function verifySshSignature(armored: string, message: Buffer, namespace: string): { ok: true; key: SshPublicKey } | { ok: false; reason: string } {
  let parsed: ParsedSignature;
  try {
    parsed = parseSignature(armored);
  } catch (err) {
    return { ok: false, reason: `the signature is malformed: ${reasonOf(err)}` };
  }
  if (parsed.namespace !== namespace) {
    return { ok: false, reason: `the signature was made for namespace "${parsed.namespace}", not "${namespace}" (a signature made for one purpose never counts for another)` };
  }
  const digest = createHash(parsed.hashAlgorithm).update(message).digest();
  const data = Buffer.concat([MAGIC, wireString(parsed.namespace), wireString(parsed.reserved), wireString(parsed.hashAlgorithm), wireString(digest)]);
  let good: boolean;
  try {
    good = cryptoCheck(parsed, data);
  } catch (err) {
    return { ok: false, reason: `the signature is malformed: ${reasonOf(err)}` };
  }
  if (!good) {
    return { ok: false, reason: `the signature by key ${parsed.key.key.fingerprint} does not match the signed content (it was changed after signing, or the signature was copied from something else)` };
  }
  return { ok: true, key: parsed.key.key };
}

/** The key an armoured signature names, without checking it (to say whose key a bad signature claims). */
export function signatureKey(armored: string): SshPublicKey | undefined {
  try {
    return parseSignature(armored).key.key;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Patterns (ssh_config PATTERNS): `*`, `?`, comma lists with `!` negation

const MAX_PATTERN_LENGTH = 1024;

/**
 * Whether `text` matches a `*`/`?` wildcard pattern. Greedy on the pieces between stars, so
 * there is no backtracking: each piece is placed at its first fit, which is optimal because a
 * later star can absorb anything a piece skipped. Work is bounded by len(text) × len(piece).
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  const pieces = pattern.split('*');
  const fits = (piece: string, at: number) => {
    if (at + piece.length > text.length) return false;
    for (let i = 0; i < piece.length; i++) if (piece[i] !== '?' && piece[i] !== text[at + i]) return false;
    return true;
  };
  if (pieces.length === 1) return pattern.length === text.length && fits(pattern, 0);
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (first.length + last.length > text.length) return false;
  if (!fits(first, 0) || !fits(last, text.length - last.length)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let p = 1; p < pieces.length - 1; p++) {
    const piece = pieces[p];
    if (!piece) continue;
    let found = -1;
    for (let i = at; i + piece.length <= end; i++) {
      if (fits(piece, i)) {
        found = i;
        break;
      }
    }
    if (found < 0) return false;
    at = found + piece.length;
  }
  return true;
}

/** OpenSSH's match_pattern_list: some positive pattern matches and no `!negated` one does. */
export function matchPatternList(text: string, patterns: string[]): boolean {
  let positive = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), text)) return false;
    } else if (wildcardMatch(pattern, text)) {
      positive = true;
    }
  }
  return positive;
}

// ---------------------------------------------------------------------------------------------
// Allowed signers

/** Splits a line into fields at whitespace outside double quotes, with their 1-based columns. */
function fields(line: string): { text: string; col: number }[] | string {
  const out: { text: string; col: number }[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= line.length) break;
    const start = i;
    let quoted = false;
    while (i < line.length && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) {
      if (line[i] === '"') quoted = !quoted;
      i++;
    }
    if (quoted) return `col ${start + 1}: a quote is not closed`;
    out.push({ text: line.slice(start, i), col: start + 1 });
  }
  return out;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** `YYYYMMDD[HHMM[SS]][Z]`: local time unless Z, as ssh-keygen reads it. */
export function parseSignerTime(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z)?$/i.exec(value);
  if (!m) return undefined;
  const n = m.slice(1, 7).map((x) => Number(x ?? '0'));
  if (n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 || n[3] > 23 || n[4] > 59 || n[5] > 59) return undefined;
  const ms = m[7] ? Date.UTC(n[0], n[1] - 1, n[2], n[3], n[4], n[5]) : new Date(n[0], n[1] - 1, n[2], n[3], n[4], n[5]).getTime();
  // Reject dates that roll over (Feb 30th).
  const check = m[7] ? new Date(ms).getUTCDate() : new Date(ms).getDate();
  return check === n[2] ? ms : undefined;
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim());
}

/** Parses git's allowed-signers format (`ssh-keygen(1)`, ALLOWED SIGNERS). */
export function parseAllowedSigners(text: string, file: string): AllowedSigners {
  const result: AllowedSigners = { file, signers: [], errors: [] };
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const error = (col: number, message: string) => result.errors.push({ line: lineNo, col, message });
    const parts = fields(line);
    if (typeof parts === 'string') return error(1, parts.replace(/^col \d+: /, ''));
    const [principalField, ...rest] = parts;
    if (SUPPORTED_KEY_TYPES.includes(principalField.text)) return error(principalField.col, 'the line starts with a key; put the email(s) of the person it belongs to first: "alice@example.com ssh-ed25519 AAAA…"');
    if (rest.length < 2) return error(principalField.col, 'expected "<emails> [options] <key type> <base64 key>"; the key is missing');
    const principals = splitList(unquote(principalField.text)).map((p) => p.toLowerCase());
    if (principals.some((p) => !p || p === '!')) return error(principalField.col, `the principals "${principalField.text}" contain an empty entry`);
    if (principals.some((p) => p.length > MAX_PATTERN_LENGTH)) return error(principalField.col, `a principal is longer than ${MAX_PATTERN_LENGTH} characters`);
    const signer: Partial<AllowedSigner> = { principals, line: lineNo };
    let keyAt = 0;
    if (!SUPPORTED_KEY_TYPES.includes(rest[0].text) && !/^(ssh-|ecdsa-|sk-)/.test(rest[0].text)) {
      // Options: comma separated, case-insensitive names.
      const optionField = rest[0];
      keyAt = 1;
      for (const option of splitOptions(optionField.text)) {
        const eq = option.indexOf('=');
        const name = (eq < 0 ? option : option.slice(0, eq)).toLowerCase();
        const value = eq < 0 ? undefined : unquote(option.slice(eq + 1));
        if (name === 'cert-authority') return error(optionField.col, 'cert-authority is not supported: list each person\'s own key instead (the line is ignored)');
        if (value === undefined) return error(optionField.col, `unknown option "${option}" (known: namespaces="…", valid-after=…, valid-before=…)`);
        if (name === 'namespaces') {
          const list = splitList(value);
          if (list.some((n) => !n)) return error(optionField.col, `namespaces="${value}" contains an empty entry`);
          signer.namespaces = list;
        } else if (name === 'valid-after' || name === 'valid-before') {
          const time = parseSignerTime(value);
          if (time === undefined) return error(optionField.col, `${name}="${value}" is not a time of the form YYYYMMDD[HHMM[SS]][Z]`);
          if (name === 'valid-after') signer.validAfter = time;
          else signer.validBefore = time;
        } else {
          return error(optionField.col, `unknown option "${name}" (known: namespaces="…", valid-after=…, valid-before=…)`);
        }
      }
      if (signer.validAfter !== undefined && signer.validBefore !== undefined && signer.validAfter > signer.validBefore) {
        return error(optionField.col, 'valid-after is later than valid-before: the key is never valid');
      }
    }
    const typeField = rest[keyAt];
    const keyField = rest[keyAt + 1];
    if (!typeField || !keyField) return error(typeField?.col ?? principalField.col, 'expected "<key type> <base64 key>" after the options');
    const parsed = keyFromFields(typeField.text, keyField.text);
    if (!parsed.ok) return error(parsed.reason.includes('base64') ? keyField.col : typeField.col, parsed.reason);
    signer.key = parsed.key;
    result.signers.push(signer as AllowedSigner);
  });
  return result;
}

/** Splits an options field at commas outside quotes. */
function splitOptions(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Who signed

function day(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
}

/**
 * Whether `armored` is a valid signature over `message` in `namespace` by a key the signers
 * list for `email` (principal match, namespace and validity window honoured at `when`, ms since
 * the epoch; now when not given).
 */
export function checkSignature(signers: AllowedSigners, email: string, armored: string, message: Buffer, namespace: string, when?: number): SignatureCheck {
  const verified = verifySshSignature(armored, message, namespace);
  if (!verified.ok) return { ok: false, reason: verified.reason, key: signatureKey(armored) };
  const key = verified.key;
  const who = email.trim().toLowerCase();
  const at = when ?? Date.now();
  const sameKey = signers.signers.filter((s) => s.key.blob.equals(key.blob));
  const unreadable = signers.errors.length
    ? ` (${signers.errors.length === 1 ? 'a line' : `${signers.errors.length} lines`} of ${signers.file} could not be used: line ${signers.errors[0].line}: ${signers.errors[0].message})`
    : '';
  if (!sameKey.length) {
    return {
      ok: false,
      key,
      reason: `key ${key.fingerprint} is not listed for ${who} in ${signers.file}; add "${who} ${formatSshPublicKey(key)}" there through an approved change${unreadable}`,
    };
  }
  const forWho = sameKey.filter((s) => matchPatternList(who, s.principals));
  if (!forWho.length) {
    const listed = [...new Set(sameKey.flatMap((s) => s.principals))].join(', ');
    return {
      ok: false,
      key,
      reason: `key ${key.fingerprint} is listed in ${signers.file} for ${listed}, not for ${who}; a record counts only when signed with its own author's key${unreadable}`,
    };
  }
  const problems: string[] = [];
  for (const s of forWho) {
    if (s.namespaces && !matchPatternList(namespace, s.namespaces)) {
      problems.push(`line ${s.line} of ${signers.file} allows key ${key.fingerprint} only for namespaces ${s.namespaces.join(', ')}, not "${namespace}"`);
    } else if (s.validAfter !== undefined && at < s.validAfter) {
      problems.push(`line ${s.line} of ${signers.file} makes key ${key.fingerprint} valid only from ${day(s.validAfter)}, and the signature is from ${day(at)}`);
    } else if (s.validBefore !== undefined && at > s.validBefore) {
      problems.push(`line ${s.line} of ${signers.file} made key ${key.fingerprint} valid only until ${day(s.validBefore)} (expired), and the signature is from ${day(at)}; sign again with a current key`);
    } else {
      return { ok: true, key, signer: s };
    }
  }
  return { ok: false, key, reason: problems.join('; ') };
}

/** What a check proves about a record claimed by `email`, in the form records carry (RecordSignature). */
export function toRecordSignature(check: SignatureCheck, email: string): RecordSignature {
  if (check.ok) return { status: 'valid', email: email.trim().toLowerCase(), keyType: check.key.type, fingerprint: check.key.fingerprint };
  return check.key ? { status: 'invalid', reason: check.reason, keyType: check.key.type, fingerprint: check.key.fingerprint } : { status: 'invalid', reason: check.reason };
}

/** `ED25519`, `ECDSA`, `RSA`, as `ssh-keygen -l` names key types. */
export function keyTypeLabel(type: string): string {
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (type === 'ssh-rsa') return 'RSA';
  if (type.startsWith('sk-ssh-ed25519')) return 'ED25519-SK';
  if (type.startsWith('sk-ecdsa')) return 'ECDSA-SK';
  return type.toUpperCase();
}

/** One line for people: "signed by alice@example.com (ED25519 SHA256:…)", "unsigned", "badly signed: <reason>". */
export function describeSignature(sig: RecordSignature): string {
  if (sig.status === 'valid') return `signed by ${sig.email} (${keyTypeLabel(sig.keyType)} ${sig.fingerprint})`;
  if (sig.status === 'unsigned') return 'unsigned';
  return `badly signed: ${sig.reason}`;
}

// ---------------------------------------------------------------------------------------------
// Signed annotated tags

const SIGNATURE_STARTS: { header: string; format: 'ssh' | 'openpgp' | 'x509' }[] = [
  { header: '-----BEGIN PGP SIGNATURE-----', format: 'openpgp' },
  { header: '-----BEGIN PGP MESSAGE-----', format: 'openpgp' },
  { header: '-----BEGIN SIGNED MESSAGE-----', format: 'x509' },
  { header: ARMOR_BEGIN, format: 'ssh' },
];

/**
 * Splits an annotated tag object as git does (parse_signed_buffer): the signature starts at
 * the LAST line that begins a signature; the payload is everything before it. `signature` is
 * the SSH armour (verify it with namespace 'git'); `format` says which kind was found, so a
 * gpg-signed tag is reported as such, not as unsigned.
 */
export function splitSignedTag(tagObject: Buffer): { payload: Buffer; signature?: string; format?: 'ssh' | 'openpgp' | 'x509' } {
  let match = -1;
  let format: 'ssh' | 'openpgp' | 'x509' | undefined;
  let at = 0;
  while (at < tagObject.length) {
    const found = SIGNATURE_STARTS.find((s) => tagObject.subarray(at, at + s.header.length).toString('latin1') === s.header);
    if (found) {
      match = at;
      format = found.format;
    }
    const eol = tagObject.indexOf(0x0a, at);
    at = eol < 0 ? tagObject.length : eol + 1;
  }
  if (match < 0) return { payload: tagObject };
  const payload = tagObject.subarray(0, match);
  if (format !== 'ssh') return { payload, format };
  return { payload, signature: tagObject.subarray(match).toString('utf8'), format };
}

// ---------------------------------------------------------------------------------------------
// Records

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
