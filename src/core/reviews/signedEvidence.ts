/**
 * Signed evidence where people look: what a release tag's SSH signature proves, the words for a
 * record's or a tag's signature, and who may sign. Pure: the bytes come from the git layer.
 */
import { normalizeEmail } from '../ownership/identity';
import type { PromptStatus, RepoModel } from '../model/model';
import type { People } from '../ownership/people';
import type { RawTag, ReleaseEvidence } from '../releases/releases';
import { checkSignature, GIT_NAMESPACE, keyTypeLabel, verifySshSignature, type AllowedSigners, type RecordSignature } from './signatures';

export { keyTypeLabel };

/** The steps that make approvals and release tags signed evidence, for people who have none yet. */
export const SIGNING_SETUP_STEPS = [
  '1. Configure git signing with your SSH key: git config gpg.format ssh && git config user.signingKey ~/.ssh/id_ed25519.pub',
  '2. Add your public key to the signers file (git\'s allowed-signers format, e.g. .github/allowed_signers: "alice@example.com ssh-ed25519 AAAA…"), name it under "signers:" in .promptrelease.yaml, and merge both to the trusted branch through review',
  '3. Turn on "signatures: required" for an environment (e.g. production: { approvals: 2, signatures: required }): only signed approvals and signed release tags count there',
];

/** The armour lines git recognises as the start of a signature in a tag or commit object. */
const SIGNATURE_STARTS = ['-----BEGIN PGP SIGNATURE-----', '-----BEGIN PGP MESSAGE-----', '-----BEGIN SIGNED MESSAGE-----', '-----BEGIN SSH SIGNATURE-----'];
const SSH_START = '-----BEGIN SSH SIGNATURE-----';

/**
 * A tag object split as git splits it (parse_signed_buffer): the signature starts at the last
 * line that begins with a signature armour; everything before it is the signed payload.
 */
export function splitTagObject(raw: string): { payload: string; signature?: string } {
  let match = -1;
  let at = 0;
  while (at < raw.length) {
    if (SIGNATURE_STARTS.some((s) => raw.startsWith(s, at))) match = at;
    const eol = raw.indexOf('\n', at);
    at = eol < 0 ? raw.length : eol + 1;
  }
  return match < 0 ? { payload: raw } : { payload: raw.slice(0, match), signature: raw.slice(match) };
}

/** The `@handle` the trusted people map gives an email, else the email itself. */
export function signerName(people: People | undefined, config: { people: Record<string, string[]> }, email: string): string {
  const wanted = normalizeEmail(email);
  for (const handle of Object.keys(config.people)) {
    if (handle.includes('/')) continue;
    if (people ? people.emailsOf(handle).has(wanted) : config.people[handle].some((e) => normalizeEmail(e) === wanted)) return handle;
  }
  return email;
}

/** "signed by @alice (ED25519 SHA256:…)", "unsigned", or why the signature does not count. */
export function signatureText(signature: RecordSignature | undefined, name: (email: string) => string = (e) => e): string {
  if (!signature || signature.status === 'unsigned') return 'unsigned';
  if (signature.status === 'valid') return `signed by ${name(signature.email)} (${keyTypeLabel(signature.keyType)} ${signature.fingerprint})`;
  const key = signature.fingerprint ? ` (${signature.keyType ? keyTypeLabel(signature.keyType) + ' ' : ''}${signature.fingerprint})` : '';
  return `signature not trusted${key}: ${signature.reason}`;
}

/** What a release tag's signature proves: a key the trusted signers list for the tagger, in git's namespace, over the tag's own bytes. */
export function tagSignature(tag: RawTag, signers: AllowedSigners | undefined): RecordSignature {
  if (!tag.signature || tag.payload === undefined) return { status: 'unsigned' };
  if (!tag.signature.startsWith(SSH_START)) {
    return { status: 'invalid', reason: 'it is signed in a format other than SSH (OpenPGP or X.509), which prompt-release does not check' };
  }
  const payload = Buffer.from(tag.payload, 'utf8');
  const made = verifySshSignature(tag.signature, payload, GIT_NAMESPACE);
  if (!made.ok) return { status: 'invalid', reason: `its signature does not verify over the tag (${made.reason})` };
  const key = { keyType: made.key.type, fingerprint: made.key.fingerprint };
  if (!signers) return { status: 'invalid', reason: 'no signers file is in force, so whose key this is cannot be established', ...key };
  const email = tag.tagger?.email;
  if (!email) return { status: 'invalid', reason: 'the tag names no tagger', ...key };
  const check = checkSignature(signers, email, tag.signature, payload, GIT_NAMESPACE, tag.taggerTime !== undefined ? tag.taggerTime * 1000 : undefined);
  if (!check.ok) return { status: 'invalid', reason: check.reason, ...key };
  return { status: 'valid', email: normalizeEmail(email), keyType: check.key.type, fingerprint: check.key.fingerprint };
}

/**
 * Why a release tag does not count in an environment that requires signatures, or undefined
 * when it is signed by a listed signer who is the releaser its evidence names.
 */
export function tagSignatureProblem(signature: RecordSignature, evidence: ReleaseEvidence, signersFile: string | undefined): string | undefined {
  const env = evidence.environment;
  const required = `${env} requires signed release tags (signatures: required)`;
  if (signature.status === 'unsigned') {
    return `it is not signed, and ${required}: only a tag signed by a key the signers file${signersFile ? ` ${signersFile}` : ''} lists for its releaser counts`;
  }
  if (signature.status === 'invalid') return `its signature does not count, and ${required}: ${signature.reason}`;
  if (normalizeEmail(signature.email) !== normalizeEmail(evidence.releasedBy?.email ?? '')) {
    return `it is signed by ${signature.email}, but its evidence says ${evidence.releasedBy?.email ?? 'nobody'} released it`;
  }
  return undefined;
}

export interface SignerRow {
  principals: string[];
  keyType: string;
  fingerprint: string;
  line: number;
  namespaces?: string[];
  /** Where this key was seen signing: records and release tags whose signature it made and that count. */
  seen: { records: number; tags: number; last?: string };
}

/** Who may sign (the signers file in force) and which of their keys signed records and tags that count. */
export function signersReport(model: RepoModel): { file?: string; configured?: string; signers: SignerRow[]; errors: AllowedSigners['errors']; unsigned: { records: number; tags: number } } {
  const signers = model.policy.signers;
  const byFingerprint = new Map<string, { records: number; tags: number; last?: string }>();
  const seen = (fingerprint: string, when: string | undefined, kind: 'records' | 'tags') => {
    const row = byFingerprint.get(fingerprint) ?? { records: 0, tags: 0 };
    row[kind]++;
    if (when && (!row.last || when > row.last)) row.last = when;
    byFingerprint.set(fingerprint, row);
  };
  const unsigned = { records: 0, tags: 0 };
  for (const stored of model.ledger.records) {
    const s = stored.signature;
    if (s?.status === 'valid') seen(s.fingerprint, stored.record.time, 'records');
    else if (!s || s.status === 'unsigned') unsigned.records++;
  }
  for (const check of model.tagChecks) {
    const s = check.signature;
    if (s?.status === 'valid') seen(s.fingerprint, check.evidence?.releasedAt, 'tags');
    else if (!s || s.status === 'unsigned') unsigned.tags++;
  }
  return {
    file: signers?.file,
    configured: model.config.signers,
    signers: (signers?.signers ?? []).map((s) => ({
      principals: s.principals,
      keyType: s.key.type,
      fingerprint: s.key.fingerprint,
      line: s.line,
      ...(s.namespaces ? { namespaces: s.namespaces } : {}),
      seen: byFingerprint.get(s.key.fingerprint) ?? { records: 0, tags: 0 },
    })),
    errors: signers?.errors ?? [],
    unsigned,
  };
}

export interface ApprovalSignature {
  by: { name: string; email: string };
  at: string;
  record: string;
  signature: RecordSignature;
  /** "signed by @alice (ED25519 SHA256:…)" or "unsigned". */
  text: string;
}

/** The standing approvals of a prompt's current content, each with what its signature proves. */
export function approvalSignatures(model: Pick<RepoModel, 'people' | 'config'>, prompt: Pick<PromptStatus, 'currentReviews'>): ApprovalSignature[] {
  const name = (email: string) => signerName(model.people, model.config, email);
  return prompt.currentReviews
    .filter((r) => r.record.verdict === 'approve')
    .map((r) => {
      const signature = r.signature ?? { status: 'unsigned' as const };
      return { by: r.record.by, at: r.record.time, record: r.path, signature, text: signatureText(signature, name) };
    });
}

/** "2 of 3 approvals signed", for a one-line summary; undefined when nothing is approved. */
export function signedSummary(approvals: ApprovalSignature[]): string | undefined {
  if (approvals.length === 0) return undefined;
  const signed = approvals.filter((a) => a.signature.status === 'valid').length;
  if (signed === approvals.length) return approvals.length === 1 ? 'approval signed' : `all ${approvals.length} approvals signed`;
  if (signed === 0) return approvals.length === 1 ? 'approval unsigned' : `${approvals.length} approvals unsigned`;
  return `${signed} of ${approvals.length} approvals signed`;
}

/** Hover lines: "Approved by Bob <bob@example.com>: signed by @bob (ED25519 SHA256:…)". */
export function approvalSignatureLines(model: Pick<RepoModel, 'people' | 'config'>, prompt: Pick<PromptStatus, 'currentReviews'>): string[] {
  return approvalSignatures(model, prompt).map((a) => `Approved by ${a.by.name ? `${a.by.name} <${a.by.email}>` : a.by.email}: ${a.text}`);
}

/**
 * The CodeLens word on signatures ("all 2 approvals signed", "1 approval unsigned"): only where
 * signatures mean something, a signers file in force or an environment that requires them.
 */
export function signatureLensText(model: Pick<RepoModel, 'people' | 'config' | 'policy'>, prompt: Pick<PromptStatus, 'currentReviews'>): string | undefined {
  if (!model.policy.signers && !model.config.environments.some((e) => e.signatures === 'required')) return undefined;
  return signedSummary(approvalSignatures(model, prompt));
}
