import * as assert from 'assert';
import { createHash, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'crypto';
import {
  checkSignature,
  describeSignature,
  keyTypeLabel,
  matchPatternList,
  parseAllowedSigners,
  parseSignerTime,
  parseSshPublicKey,
  RECORD_NAMESPACE,
  signatureKey,
  splitSignedTag,
  sshFingerprint,
  toRecordSignature,
  verifySshSignature,
  wildcardMatch,
  type AllowedSigners,
} from '../../src/core/reviews/signatures';

// A real vector: `ssh-keygen -Y sign -n prompt-release -f ed vec.txt` (OpenSSH 9.2), and its key.
const VECTOR_MESSAGE = Buffer.from('prompt-release test vector\n');
const VECTOR_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGAB8cLHvijBJGQxctvP6S8c57GYDvPx5/P9MuyVeT/B alice';
const VECTOR_FINGERPRINT = 'SHA256:GeUlXXuykVi1ZgiyIA3a++jlJrx7BxDlfE2htpKgXwE';
const VECTOR_SIG = `-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgYAHxwse+KMEkZDFy28/pLxznsZ
gO8/Hn8/0y7JV5P8EAAAAOcHJvbXB0LXJlbGVhc2UAAAAAAAAABnNoYTUxMgAAAFMAAAAL
c3NoLWVkMjU1MTkAAABA2Yx6ODYpAYZvprXI0SJ5/FeZWtPhlofQJZuKI1sIg15FR24heC
WoQiWgyOKKMgvvcJ2Lf+1eA6voc93+soyeDg==
-----END SSH SIGNATURE-----
`;

// --- An independent SSHSIG writer (node:crypto keys), to reach cases ssh-keygen never writes. ---

const str = (b: Buffer | string) => {
  const data = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
};
const mpint = (b: Buffer) => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return str(v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

type KeyKind = 'ed25519' | 'p256' | 'p384' | 'p521' | 'rsa';
const CURVE = { p256: ['prime256v1', 'nistp256', 32, 'sha256'], p384: ['secp384r1', 'nistp384', 48, 'sha384'], p521: ['secp521r1', 'nistp521', 66, 'sha512'] } as const;

interface TestKey {
  kind: KeyKind;
  type: string;
  privateKey: KeyObject;
  blob: Buffer;
  line: string;
}

function makeKey(kind: KeyKind, rsaBits = 2048): TestKey {
  if (kind === 'ed25519') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const x = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const blob = Buffer.concat([str('ssh-ed25519'), str(x)]);
    return { kind, type: 'ssh-ed25519', privateKey, blob, line: `ssh-ed25519 ${blob.toString('base64')}` };
  }
  if (kind === 'rsa') {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: rsaBits });
    const jwk = publicKey.export({ format: 'jwk' });
    const blob = Buffer.concat([str('ssh-rsa'), mpint(Buffer.from(jwk.e!, 'base64url')), mpint(Buffer.from(jwk.n!, 'base64url'))]);
    return { kind, type: 'ssh-rsa', privateKey, blob, line: `ssh-rsa ${blob.toString('base64')}` };
  }
  const [curve, name, size] = CURVE[kind];
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const jwk = publicKey.export({ format: 'jwk' });
  const pad = (b: Buffer) => Buffer.concat([Buffer.alloc(size - b.length), b]);
  const q = Buffer.concat([Buffer.from([4]), pad(Buffer.from(jwk.x!, 'base64url')), pad(Buffer.from(jwk.y!, 'base64url'))]);
  const type = `ecdsa-sha2-${name}`;
  const blob = Buffer.concat([str(type), str(name), str(q)]);
  return { kind, type, privateKey, blob, line: `${type} ${blob.toString('base64')}` };
}

function armor(blob: Buffer): string {
  const b64 = blob.toString('base64');
  const lines = b64.match(/.{1,70}/g)!;
  return `-----BEGIN SSH SIGNATURE-----\n${lines.join('\n')}\n-----END SSH SIGNATURE-----\n`;
}

function sshsig(key: TestKey, message: Buffer, namespace: string, opts: { hash?: 'sha256' | 'sha512'; rsaSig?: 'rsa-sha2-256' | 'rsa-sha2-512' | 'ssh-rsa'; version?: number; presentAs?: Buffer } = {}): { armored: string; blob: Buffer } {
  const hash = opts.hash ?? 'sha512';
  const data = Buffer.concat([Buffer.from('SSHSIG'), str(namespace), str(''), str(hash), str(createHash(hash).update(message).digest())]);
  let sig: Buffer;
  if (key.kind === 'ed25519') sig = Buffer.concat([str('ssh-ed25519'), str(cryptoSign(null, data, key.privateKey))]);
  else if (key.kind === 'rsa') {
    const sigType = opts.rsaSig ?? 'rsa-sha2-512';
    const h = sigType === 'rsa-sha2-256' ? 'sha256' : sigType === 'rsa-sha2-512' ? 'sha512' : 'sha1';
    sig = Buffer.concat([str(sigType), str(cryptoSign(h, data, key.privateKey))]);
  } else {
    const [, , size, h] = CURVE[key.kind];
    const rs = cryptoSign(h, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    sig = Buffer.concat([str(key.type), str(Buffer.concat([mpint(rs.subarray(0, size)), mpint(rs.subarray(size))]))]);
  }
  const blob = Buffer.concat([Buffer.from('SSHSIG'), u32(opts.version ?? 1), str(opts.presentAs ?? key.blob), str(namespace), str(''), str(hash), str(sig)]);
  return { armored: armor(blob), blob };
}

const signers = (text: string): AllowedSigners => parseAllowedSigners(text, '.github/allowed_signers');

describe('SSH signatures (SSHSIG, pure Node)', () => {
  it('verifies a signature ssh-keygen made, and names its key as ssh-keygen -l does', () => {
    const result = verifySshSignature(VECTOR_SIG, VECTOR_MESSAGE, 'prompt-release');
    assert.ok(result.ok, JSON.stringify(result));
    assert.strictEqual(result.key.fingerprint, VECTOR_FINGERPRINT);
    assert.strictEqual(result.key.type, 'ssh-ed25519');
    const parsed = parseSshPublicKey(VECTOR_KEY);
    assert.ok(parsed.ok);
    assert.strictEqual(parsed.key.fingerprint, VECTOR_FINGERPRINT);
    assert.strictEqual(parsed.comment, 'alice');
    assert.strictEqual(sshFingerprint(parsed.key.blob), VECTOR_FINGERPRINT);
  });

  it('refuses changed content and another namespace, saying which', () => {
    const tampered = verifySshSignature(VECTOR_SIG, Buffer.from('prompt-release test vector!\n'), 'prompt-release');
    assert.ok(!tampered.ok);
    assert.match(tampered.reason, /does not match the signed content/);
    assert.match(tampered.reason, new RegExp(VECTOR_FINGERPRINT.replace(/[+/]/g, '\\$&')));
    const otherNs = verifySshSignature(VECTOR_SIG, VECTOR_MESSAGE, 'git');
    assert.ok(!otherNs.ok);
    assert.match(otherNs.reason, /namespace "prompt-release", not "git"/);
  });

  for (const kind of ['ed25519', 'p256', 'p384', 'p521', 'rsa'] as KeyKind[]) {
    it(`verifies ${kind} signatures with sha256 and sha512 message hashes`, () => {
      const key = makeKey(kind);
      for (const hash of ['sha256', 'sha512'] as const) {
        const msg = Buffer.from(`content for ${kind} ${hash}`);
        const { armored } = sshsig(key, msg, 'prompt-release', { hash });
        const ok = verifySshSignature(armored, msg, 'prompt-release');
        assert.ok(ok.ok, `${kind}/${hash}: ${JSON.stringify(ok)}`);
        assert.strictEqual(ok.key.fingerprint, sshFingerprint(key.blob));
        assert.strictEqual(ok.key.type, key.type);
        assert.ok(!verifySshSignature(armored, Buffer.from('other'), 'prompt-release').ok);
      }
    });
  }

  it('accepts rsa-sha2-256 and rsa-sha2-512, refuses SHA-1 ssh-rsa signatures and short RSA keys', () => {
    const key = makeKey('rsa');
    const msg = Buffer.from('m');
    assert.ok(verifySshSignature(sshsig(key, msg, 'n', { rsaSig: 'rsa-sha2-256' }).armored, msg, 'n').ok);
    assert.ok(verifySshSignature(sshsig(key, msg, 'n', { rsaSig: 'rsa-sha2-512' }).armored, msg, 'n').ok);
    const sha1 = verifySshSignature(sshsig(key, msg, 'n', { rsaSig: 'ssh-rsa' }).armored, msg, 'n');
    assert.ok(!sha1.ok);
    assert.match(sha1.reason, /SHA-1/);
    const small = makeKey('rsa', 1024);
    const weak = verifySshSignature(sshsig(small, msg, 'n').armored, msg, 'n');
    assert.ok(!weak.ok);
    assert.match(weak.reason, /1024 bits; at least 2048/);
    assert.ok(!parseSshPublicKey(small.line).ok);
  });

  it('rejects malformed armour and blobs with a reason, never throwing', () => {
    const cases: [string, string, RegExp][] = [
      ['truncated', VECTOR_SIG.slice(0, 200), /does not end with/],
      ['no header', VECTOR_SIG.replace('-----BEGIN SSH SIGNATURE-----', ''), /does not start with/],
      ['not base64', VECTOR_SIG.replace('U1NIU0lH', 'U1N!U0lH'), /not valid base64/],
      ['pgp', '-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----', /does not start with/],
      ['empty', '', /does not start with/],
      ['huge', `-----BEGIN SSH SIGNATURE-----\n${'A'.repeat(70000)}\n-----END SSH SIGNATURE-----`, /longer than/],
      ['not text', undefined as unknown as string, /not text/],
    ];
    for (const [name, armored, reason] of cases) {
      const r = verifySshSignature(armored, VECTOR_MESSAGE, 'prompt-release');
      assert.ok(!r.ok, name);
      assert.match(r.reason, reason, name);
    }
    const key = makeKey('ed25519');
    const v2 = verifySshSignature(sshsig(key, Buffer.from('m'), 'n', { version: 2 }).armored, Buffer.from('m'), 'n');
    assert.ok(!v2.ok);
    assert.match(v2.reason, /version 2/);
    const { blob } = sshsig(key, Buffer.from('m'), 'n');
    const trailing = verifySshSignature(armor(Buffer.concat([blob, Buffer.from([0])])), Buffer.from('m'), 'n');
    assert.ok(!trailing.ok);
    assert.match(trailing.reason, /trailing data/);
  });

  it('refuses every single-byte change to a valid signature', () => {
    const key = makeKey('p256');
    const msg = Buffer.from('flip me');
    const { blob } = sshsig(key, msg, 'prompt-release');
    for (let i = 0; i < blob.length; i++) {
      const copy = Buffer.from(blob);
      copy[i] ^= 1 << i % 8;
      const r = verifySshSignature(armor(copy), msg, 'prompt-release');
      assert.ok(!r.ok, `byte ${i} flipped still verifies`);
      assert.ok(r.reason.length > 0);
    }
  });

  it('refuses a signature whose type does not fit its key, and unsupported key types', () => {
    const ed = makeKey('ed25519');
    const p256 = makeKey('p256');
    // An ed25519 signature presented with the p256 key.
    const withP256 = sshsig(ed, Buffer.from('m'), 'n', { presentAs: p256.blob }).blob;
    const r = verifySshSignature(armor(withP256), Buffer.from('m'), 'n');
    assert.ok(!r.ok);
    assert.match(r.reason, /made a "ssh-ed25519" signature/);
    const sk = parseSshPublicKey('sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t');
    assert.ok(!sk.ok);
    assert.match(sk.reason, /security-key/);
    const dss = parseSshPublicKey('ssh-dss AAAAB3NzaC1kc3M=');
    assert.ok(!dss.ok);
    assert.match(dss.reason, /DSA/);
    const mismatch = parseSshPublicKey(`ssh-rsa ${ed.blob.toString('base64')}`);
    assert.ok(!mismatch.ok);
    assert.match(mismatch.reason, /says ssh-rsa but the key inside is ssh-ed25519/);
  });

  it('names the key a signature claims, even when it is bad', () => {
    assert.strictEqual(signatureKey(VECTOR_SIG)?.fingerprint, VECTOR_FINGERPRINT);
    assert.strictEqual(signatureKey('junk'), undefined);
  });
});

describe('allowed signers (ssh-keygen ALLOWED SIGNERS)', () => {
  const key = makeKey('ed25519');
  const other = makeKey('p384');

  it('reads principals, options, key and comment; skips comments and blank lines', () => {
    const text = [
      '# who may sign',
      '',
      `Alice@Example.com,alice@corp.example ${key.line} alice's laptop`,
      `  "*@team.example,!mallory@team.example" namespaces="prompt-release,git",valid-after="20240101",valid-before=20301231235959Z ${other.line}\r`,
    ].join('\n');
    const parsed = signers(text);
    assert.deepStrictEqual(parsed.errors, []);
    assert.strictEqual(parsed.signers.length, 2);
    assert.deepStrictEqual(parsed.signers[0].principals, ['alice@example.com', 'alice@corp.example']);
    assert.strictEqual(parsed.signers[0].line, 3);
    assert.strictEqual(parsed.signers[0].key.fingerprint, sshFingerprint(key.blob));
    assert.strictEqual(parsed.signers[0].namespaces, undefined);
    const second = parsed.signers[1];
    assert.strictEqual(second.line, 4);
    assert.deepStrictEqual(second.principals, ['*@team.example', '!mallory@team.example']);
    assert.deepStrictEqual(second.namespaces, ['prompt-release', 'git']);
    assert.strictEqual(second.validBefore, Date.UTC(2030, 11, 31, 23, 59, 59));
    assert.strictEqual(second.validAfter, new Date(2024, 0, 1).getTime());
  });

  it('reports unusable lines with line, column and why, failing closed', () => {
    const lines = [
      `alice@example.com cert-authority ${key.line}`,
      `bob@example.com no-touch-required ${key.line}`,
      'carol@example.com ssh-ed25519 AAAA!!!',
      `dave@example.com`,
      `erin@example.com valid-before=2024 ${key.line}`,
      `frank@example.com valid-after=20250101,valid-before=20240101 ${key.line}`,
      `"grace@example.com ${key.line}`,
      'heidi@example.com ssh-foo AAAA',
      `ivan@example.com namespaces="" ${key.line}`,
      `judy@example.com valid-before=20240230 ${key.line}`,
      `${key.line} forgot-the-email`,
    ];
    const parsed = signers(lines.join('\n'));
    assert.strictEqual(parsed.signers.length, 0);
    const byLine = new Map(parsed.errors.map((e) => [e.line, e]));
    assert.deepStrictEqual([...byLine.keys()], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.match(byLine.get(1)!.message, /cert-authority is not supported/);
    assert.strictEqual(byLine.get(1)!.col, 19);
    assert.match(byLine.get(2)!.message, /unknown option "no-touch-required"/);
    assert.match(byLine.get(3)!.message, /not valid base64/);
    assert.strictEqual(byLine.get(3)!.col, 31);
    assert.match(byLine.get(4)!.message, /the key is missing/);
    assert.match(byLine.get(5)!.message, /valid-before="2024" is not a time/);
    assert.match(byLine.get(6)!.message, /never valid/);
    assert.match(byLine.get(7)!.message, /quote is not closed/);
    assert.match(byLine.get(8)!.message, /"ssh-foo" is not supported/);
    assert.match(byLine.get(9)!.message, /empty entry/);
    assert.match(byLine.get(10)!.message, /not a time/);
    assert.match(byLine.get(11)!.message, /starts with a key; put the email/);
  });

  it('reads ssh-keygen times: local unless Z, seconds optional, impossible dates refused', () => {
    assert.strictEqual(parseSignerTime('20240102Z'), Date.UTC(2024, 0, 2));
    assert.strictEqual(parseSignerTime('202401021304Z'), Date.UTC(2024, 0, 2, 13, 4));
    assert.strictEqual(parseSignerTime('20240102130405z'), Date.UTC(2024, 0, 2, 13, 4, 5));
    assert.strictEqual(parseSignerTime('20240102'), new Date(2024, 0, 2).getTime());
    for (const bad of ['2024010', '2024010213', '20241301', '20240132', '20240102250000', '20230229Z', 'now', '']) assert.strictEqual(parseSignerTime(bad), undefined, bad);
    assert.strictEqual(parseSignerTime('20240229Z'), Date.UTC(2024, 1, 29));
  });

  it('matches * and ? patterns without backtracking, and ! negations as OpenSSH does', () => {
    assert.ok(wildcardMatch('*@example.com', 'alice@example.com'));
    assert.ok(wildcardMatch('a?ice@*', 'alice@x'));
    assert.ok(wildcardMatch('*', ''));
    assert.ok(wildcardMatch('a*b*c', 'abc'));
    assert.ok(wildcardMatch('a*b*c', 'aXbYbZc'));
    assert.ok(!wildcardMatch('a*b*c', 'acb'));
    assert.ok(!wildcardMatch('alice@example.com', 'alice@example.co'));
    assert.ok(!wildcardMatch('?', ''));
    assert.ok(wildcardMatch('*?', 'x'));
    assert.ok(!wildcardMatch('*a*a', 'a'));
    // The pattern that makes recursive matchers exponential: quick here.
    const started = Date.now();
    assert.ok(!wildcardMatch(`${'*a'.repeat(200)}*b`, 'a'.repeat(20000)));
    assert.ok(Date.now() - started < 2000, 'pathological pattern took too long');
    assert.ok(matchPatternList('bob@team.example', ['*@team.example', '!mallory@team.example']));
    assert.ok(!matchPatternList('mallory@team.example', ['*@team.example', '!mallory@team.example']));
    assert.ok(!matchPatternList('x@y', ['!mallory@team.example']));
  });
});

describe('who signed (checkSignature)', () => {
  const alice = makeKey('ed25519');
  const bob = makeKey('p256');
  const msg = Buffer.from('{"approved":true}');
  const aliceSig = sshsig(alice, msg, 'prompt-release').armored;
  const FILE = '.github/allowed_signers';

  it('accepts a valid signature by a key listed for the person, case-insensitively', () => {
    const list = signers(`alice@example.com ${alice.line}\nbob@example.com ${bob.line}\n`);
    const r = checkSignature(list, 'Alice@Example.COM', aliceSig, msg, 'prompt-release', Date.now());
    assert.ok(r.ok, JSON.stringify(r));
    assert.strictEqual(r.signer.line, 1);
    assert.strictEqual(r.key.fingerprint, sshFingerprint(alice.blob));
  });

  it('says a key that is not listed is not listed, with the line to add', () => {
    const list = signers(`bob@example.com ${bob.line}\n`);
    const r = checkSignature(list, 'alice@example.com', aliceSig, msg, 'prompt-release');
    assert.ok(!r.ok);
    assert.strictEqual(r.key?.fingerprint, sshFingerprint(alice.blob));
    assert.ok(r.reason.includes(`key ${sshFingerprint(alice.blob)} is not listed for alice@example.com in ${FILE}`), r.reason);
    assert.ok(r.reason.includes(`alice@example.com ${alice.line}`), r.reason);
  });

  it('refuses a key listed for someone else (bob signing as alice)', () => {
    const list = signers(`alice@example.com ${alice.line}\nbob@example.com ${bob.line}\n`);
    const bobSig = sshsig(bob, msg, 'prompt-release').armored;
    const r = checkSignature(list, 'alice@example.com', bobSig, msg, 'prompt-release');
    assert.ok(!r.ok);
    assert.match(r.reason, /is listed in \.github\/allowed_signers for bob@example\.com, not for alice@example\.com/);
  });

  it('honours namespaces=, valid-after= and valid-before= at the time asked', () => {
    const gitOnly = signers(`alice@example.com namespaces="git" ${alice.line}\n`);
    const ns = checkSignature(gitOnly, 'alice@example.com', aliceSig, msg, 'prompt-release');
    assert.ok(!ns.ok);
    assert.match(ns.reason, /only for namespaces git, not "prompt-release"/);
    const window = signers(`alice@example.com valid-after=20240101Z,valid-before=20250101Z ${alice.line}\n`);
    assert.ok(checkSignature(window, 'alice@example.com', aliceSig, msg, 'prompt-release', Date.UTC(2024, 5, 1)).ok);
    const before = checkSignature(window, 'alice@example.com', aliceSig, msg, 'prompt-release', Date.UTC(2023, 5, 1));
    assert.ok(!before.ok);
    assert.match(before.reason, /valid only from 2024-01-01 00:00 UTC/);
    const after = checkSignature(window, 'alice@example.com', aliceSig, msg, 'prompt-release', Date.UTC(2026, 0, 1));
    assert.ok(!after.ok);
    assert.match(after.reason, /expired/);
    // A second line for the same key that does allow it wins.
    const two = signers(`alice@example.com namespaces="git" ${alice.line}\nalice@example.com ${alice.line}\n`);
    const ok = checkSignature(two, 'alice@example.com', aliceSig, msg, 'prompt-release');
    assert.ok(ok.ok);
    assert.strictEqual(ok.signer.line, 2);
  });

  it('matches wildcard principals and negations', () => {
    const list = signers(`*@example.com,!mallory@example.com ${alice.line}\n`);
    assert.ok(checkSignature(list, 'carol@example.com', aliceSig, msg, 'prompt-release').ok);
    assert.ok(!checkSignature(list, 'mallory@example.com', aliceSig, msg, 'prompt-release').ok);
    assert.ok(!checkSignature(list, 'carol@example.org', aliceSig, msg, 'prompt-release').ok);
  });

  it('fails closed on a cert-authority line, and says the file had unusable lines', () => {
    const list = signers(`alice@example.com cert-authority ${alice.line}\n`);
    const r = checkSignature(list, 'alice@example.com', aliceSig, msg, 'prompt-release');
    assert.ok(!r.ok);
    assert.match(r.reason, /is not listed/);
    assert.match(r.reason, /line 1: cert-authority is not supported/);
  });

  it('passes the verification failure through (signature copied onto other content)', () => {
    const list = signers(`alice@example.com ${alice.line}\n`);
    const r = checkSignature(list, 'alice@example.com', aliceSig, Buffer.from('{"approved":false}'), 'prompt-release');
    assert.ok(!r.ok);
    assert.match(r.reason, /does not match the signed content/);
    assert.strictEqual(r.key?.fingerprint, sshFingerprint(alice.blob));
  });
});

describe('describeSignature and key labels', () => {
  it('says who signed, unsigned, or why it is bad', () => {
    assert.strictEqual(describeSignature({ status: 'valid', email: 'alice@example.com', keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc' }), 'signed by alice@example.com (ED25519 SHA256:abc)');
    assert.strictEqual(describeSignature({ status: 'unsigned' }), 'unsigned');
    assert.strictEqual(describeSignature({ status: 'invalid', reason: 'the signature is malformed: x' }), 'badly signed: the signature is malformed: x');
    assert.strictEqual(keyTypeLabel('ecdsa-sha2-nistp384'), 'ECDSA');
    const key = makeKey('ed25519');
    const msg = Buffer.from('m');
    const list = signers(`alice@example.com ${key.line}\n`);
    const good = toRecordSignature(checkSignature(list, 'Alice@example.com', sshsig(key, msg, RECORD_NAMESPACE).armored, msg, RECORD_NAMESPACE), 'Alice@example.com');
    assert.deepStrictEqual(good, { status: 'valid', email: 'alice@example.com', keyType: 'ssh-ed25519', fingerprint: sshFingerprint(key.blob) });
    assert.strictEqual(describeSignature(good), `signed by alice@example.com (ED25519 ${sshFingerprint(key.blob)})`);
    const bad = toRecordSignature(checkSignature(list, 'bob@example.com', sshsig(key, msg, RECORD_NAMESPACE).armored, msg, RECORD_NAMESPACE), 'bob@example.com');
    assert.strictEqual(bad.status, 'invalid');
    assert.match(describeSignature(bad), /^badly signed: key SHA256:\S+ is listed in \.github\/allowed_signers for alice@example\.com, not for bob@example\.com/);
    assert.deepStrictEqual(toRecordSignature(checkSignature(list, 'a@b', 'junk', msg, RECORD_NAMESPACE), 'a@b'), { status: 'invalid', reason: 'the signature is malformed: it does not start with "-----BEGIN SSH SIGNATURE-----"' });
    assert.strictEqual(keyTypeLabel('ssh-rsa'), 'RSA');
  });
});

describe('signed annotated tags (splitSignedTag)', () => {
  const head = 'object 0123456789abcdef0123456789abcdef01234567\ntype commit\ntag v1\ntagger A <a@x> 1700000000 +0000\n\nrelease v1\n';

  it('splits the SSH armour off the payload as git does', () => {
    const split = splitSignedTag(Buffer.from(head + VECTOR_SIG));
    assert.strictEqual(split.payload.toString(), head);
    assert.strictEqual(split.signature, VECTOR_SIG);
    assert.strictEqual(split.format, 'ssh');
  });

  it('takes the last signature line, so a message quoting an armour cannot hide the real one', () => {
    const quoted = `${head}-----BEGIN SSH SIGNATURE-----\nquoted\n-----END SSH SIGNATURE-----\nmore text\n`;
    const split = splitSignedTag(Buffer.from(quoted + VECTOR_SIG));
    assert.strictEqual(split.payload.toString(), quoted);
    assert.strictEqual(split.signature, VECTOR_SIG);
  });

  it('reports unsigned and gpg-signed tags as such', () => {
    assert.deepStrictEqual(splitSignedTag(Buffer.from(head)), { payload: Buffer.from(head) });
    const pgp = splitSignedTag(Buffer.from(`${head}-----BEGIN PGP SIGNATURE-----\nx\n-----END PGP SIGNATURE-----\n`));
    assert.strictEqual(pgp.format, 'openpgp');
    assert.strictEqual(pgp.signature, undefined);
    assert.strictEqual(pgp.payload.toString(), head);
    // Not at the start of a line: part of the message, not a signature.
    const inline = `${head}see -----BEGIN SSH SIGNATURE----- above\n`;
    assert.strictEqual(splitSignedTag(Buffer.from(inline)).signature, undefined);
  });
});
