import type { PolicyRecord } from '../policy/config';
import { sha256Hex } from '../prompts/hash';
import type { Identity } from '../ownership/identity';
import { formatTime, byCodeUnits } from '../common/words';

/** Every release tag lives under this namespace; verify checks every tag in it. */
export const TAG_NAMESPACE = 'prompt-release';
export const TAG_REF_PREFIX = `refs/tags/${TAG_NAMESPACE}/`;
export const EVIDENCE_FORMAT = 'prompt-release/1';
const BEGIN = '-----BEGIN PROMPT RELEASE EVIDENCE-----';
const END = '-----END PROMPT RELEASE EVIDENCE-----';

export interface ApprovalEvidence {
  by: Identity;
  at: string;
  /** The record file that holds the approval, at the released commit. */
  record: string;
  /** The CODEOWNERS owners this approver stands for, if any. */
  owners: string[];
  /** The environment's review criteria this approver confirmed. */
  confirms?: string[];
}

/** A required check that passed on the released content. */
export interface CheckEvidence {
  name: string;
  by: Identity;
  at: string;
  /** The record file that holds the result, at the released commit. */
  record: string;
}

/** A file the released prompt includes, at the released commit. */
export interface IncludeEvidence {
  path: string;
  blob: string;
  contentHash: string;
}

export interface ReleaseEvidence {
  format: typeof EVIDENCE_FORMAT;
  environment: string;
  prompt: string;
  contentHash: string;
  blob: string;
  commit: string;
  version: number;
  /** 1 for the first release of this prompt to this environment, then 2, 3, … */
  sequence: number;
  approvals: ApprovalEvidence[];
  /** Absent when the prompt includes nothing. */
  includes?: IncludeEvidence[];
  /** The passing results of the environment's required checks; absent when none are required. */
  checks?: CheckEvidence[];
  policy: PolicyRecord;
  releasedBy: Identity;
  releasedAt: string;
  /** sha256 of the canonical JSON of every other field: an edited message no longer matches. */
  digest: string;
}

/** A release tag as listed by the git layer. */
export interface RawTag {
  name: string;
  objectType: string;
  /** The object the tag finally points at (a commit for every release). */
  commit: string;
  /** Its type: a release tag must point at a commit, never a tree or a blob. */
  targetType?: string;
  message: string;
  tagger?: Identity;
  taggerTime?: number;
  /** The armour of the tag object's signature, when it has one (see splitTagObject). */
  signature?: string;
  /** The bytes that signature covers: the tag object up to the signature, as git splits it. */
  payload?: string;
}

export interface Release {
  tag: string;
  evidence: ReleaseEvidence;
}

/**
 * Tag names must be valid refs for any prompt path: every character outside
 * [A-Za-z0-9_-] is percent-encoded, except a "." that cannot form "..", a leading dot
 * or a ".lock" ending. Paths stay readable: prompts/support/greeting.prompt.md.
 */
export function encodeRefPath(path: string): string {
  return path
    .split('/')
    .map((component) => {
      let out = '';
      const bytes = Buffer.from(component, 'utf8');
      for (let i = 0; i < bytes.length; i++) {
        const ch = String.fromCharCode(bytes[i]);
        const safeDot = ch === '.' && i > 0 && bytes[i - 1] !== 0x2e && !component.slice(i).startsWith('.lock');
        if (/[A-Za-z0-9_-]/.test(ch) || safeDot) out += ch;
        else out += '%' + bytes[i].toString(16).toUpperCase().padStart(2, '0');
      }
      return out;
    })
    .join('/');
}

export function decodeRefPath(encoded: string): string {
  return decodeURIComponent(encoded);
}

export function releaseTagName(environment: string, prompt: string, version: number, repeat: number): string {
  const suffix = repeat > 1 ? `v${version}-${repeat}` : `v${version}`;
  return `${TAG_NAMESPACE}/${environment}/${encodeRefPath(prompt)}/${suffix}`;
}

/** environment, prompt path and version named by a tag, or undefined if it is not of our shape. */
export function parseReleaseTagName(name: string): { environment: string; prompt: string; version: number } | undefined {
  const match = /^prompt-release\/([A-Za-z0-9][A-Za-z0-9_-]*)\/(.+)\/v(\d+)(?:-(\d+))?$/.exec(name);
  if (!match) return undefined;
  try {
    return { environment: match[1], prompt: decodeRefPath(match[2]), version: Number(match[3]) };
  } catch {
    return undefined;
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as any)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as any)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function evidenceDigest(evidence: Omit<ReleaseEvidence, 'digest'> | ReleaseEvidence): string {
  const { digest: _ignored, ...rest } = evidence as ReleaseEvidence;
  return 'sha256:' + sha256Hex(canonicalJson(rest));
}

export function sealEvidence(evidence: Omit<ReleaseEvidence, 'digest'>): ReleaseEvidence {
  return { ...evidence, digest: evidenceDigest(evidence) };
}

/** The annotated tag's message: a summary for people, then the machine-readable block. */
export function formatTagMessage(evidence: ReleaseEvidence): string {
  const approvals = evidence.approvals.length
    ? evidence.approvals.map((a) => `  - ${a.by.name} <${a.by.email}> at ${formatTime(a.at)}${a.owners.length ? ` (owner: ${a.owners.join(', ')})` : ''}`).join('\n')
    : '  (none required)';
  return [
    `Release ${evidence.prompt} v${evidence.version} to ${evidence.environment}`,
    '',
    `Content ${evidence.contentHash}`,
    `Released by ${evidence.releasedBy.name} <${evidence.releasedBy.email}> at ${formatTime(evidence.releasedAt)}`,
    'Approved by:',
    approvals,
    ...(evidence.includes?.length ? ['Includes:', ...evidence.includes.map((i) => `  - ${i.path} ${i.contentHash}`)] : []),
    ...(evidence.checks?.length ? ['Checks passed:', ...evidence.checks.map((c) => `  - ${c.name} (recorded by ${c.by.name} <${c.by.email}> at ${formatTime(c.at)})`)] : []),
    ...(evidence.approvals.some((a) => a.confirms?.length) ? ['Criteria confirmed:', ...evidence.approvals.filter((a) => a.confirms?.length).map((a) => `  - ${a.by.name}: ${a.confirms!.join('; ')}`)] : []),
    '',
    BEGIN,
    JSON.stringify(evidence, null, 2),
    END,
    '',
  ].join('\n');
}

export type ParsedTagMessage = { evidence: ReleaseEvidence } | { error: string };

/** Reads the evidence block of a tag message and checks it has not been edited. */
export function parseTagMessage(message: string): ParsedTagMessage {
  const start = message.indexOf(BEGIN);
  const end = message.indexOf(END);
  if (start < 0 || end < start) return { error: 'it has no release evidence block, so prompt-release did not create it' };
  let data: any;
  try {
    data = JSON.parse(message.slice(start + BEGIN.length, end));
  } catch {
    return { error: 'its evidence block is not valid JSON: the tag message was edited' };
  }
  if (data?.format !== EVIDENCE_FORMAT) return { error: `its evidence has an unknown format "${data?.format}"` };
  for (const field of ['environment', 'prompt', 'contentHash', 'blob', 'commit', 'releasedAt', 'digest']) {
    if (typeof data[field] !== 'string') return { error: `its evidence lacks "${field}": the tag message was edited` };
  }
  if (!Number.isInteger(data.version) || !Number.isInteger(data.sequence) || !Array.isArray(data.approvals)) {
    return { error: 'its evidence lacks version, sequence or approvals: the tag message was edited' };
  }
  const badInclude = data.includes !== undefined && !(Array.isArray(data.includes) && data.includes.every((i: any) => typeof i?.path === 'string' && /^[0-9a-f]{40}$/.test(i?.blob) && /^sha256:[0-9a-f]{64}$/.test(i?.contentHash)));
  if (badInclude) return { error: 'its evidence lists includes without a path, a blob id and a content hash each: the tag message was edited' };
  if (evidenceDigest(data) !== data.digest) return { error: 'its evidence does not match its digest: the tag message was edited' };
  return { evidence: data as ReleaseEvidence };
}

/** Releases of one prompt to one environment, oldest first. */
export function orderReleases(releases: Release[]): Release[] {
  return [...releases].sort(
    (a, b) =>
      a.evidence.sequence - b.evidence.sequence ||
      byCodeUnits(a.evidence.releasedAt, b.evidence.releasedAt) ||
      byCodeUnits(a.tag, b.tag),
  );
}

