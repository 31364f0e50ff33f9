import { randomBytes } from 'crypto';
import type { IncludedContent } from '../prompts/dependencies';
import { shortHash } from '../prompts/hash';
import type { Identity } from '../ownership/identity';
import { RECORDS_DIR } from '../prompts/prompts';
import type { RecordSignature } from './signatures';

export type Verdict = 'approve' | 'request-changes';

interface RecordBase {
  format: 1;
  /** The prompt's path when the record was made. */
  prompt: string;
  /** The content the record is about: sha256 of the committed blob. */
  contentHash: string;
  /** The git blob id of that content, to show it again later. */
  blob: string;
  /** Who made the record; the commit adding it must be authored by this identity. */
  by: Identity;
  time: string;
  /** SSHSIG armour over canonicalRecordBytes(record), namespace prompt-release (see signatures.ts). */
  signature?: string;
}

export interface ReviewRecord extends RecordBase {
  type: 'review';
  verdict: Verdict;
  comment?: string;
  /** What the prompt included when it was reviewed: the verdict is about those contents too. */
  includes?: IncludedContent[];
  /** Review criteria of the policy the reviewer confirmed, word for word. */
  confirms?: string[];
  /** On a rules file: the transition approved, so the approval never counts for another (a replay). */
  transition?: RulesTransition;
}

/**
 * A change of a rules file (.promptrelease.yaml, CODEOWNERS, the signers file) as an approval
 * names it: from the version in force (its content hash, or "none") and the commit where that
 * version took effect; `deleted` when the change removes the file.
 */
export interface RulesTransition {
  from: string;
  since: string;
  deleted?: boolean;
}

/** The result of an eval run, linter or red-team suite on one content. */
export interface CheckRecord extends RecordBase {
  type: 'check';
  /** The check's name, as the policy's `checks:` lists it. */
  name: string;
  result: 'pass' | 'fail';
  summary?: string;
  /** Longer output (a report file, the end of a command's output). */
  details?: string;
  /** When the tool ran the check: the command and its exit status. */
  command?: string;
  exitCode?: number;
  includes?: IncludedContent[];
}

/** What someone using a version reported about it. */
export interface FeedbackRecord extends RecordBase {
  type: 'feedback';
  /** Short id people answer it by. */
  id: string;
  /** The environment whose version it is about; absent for the committed content. */
  environment?: string;
  version?: number;
  rating?: 'good' | 'bad';
  body: string;
  /** What that version included: a change to an include answers the feedback too. */
  includes?: IncludedContent[];
}

export interface ReviewRequestRecord extends RecordBase {
  type: 'review-request';
  /** Owners or emails asked to review. */
  reviewers: string[];
  comment?: string;
}

export interface CommentRecord extends RecordBase {
  type: 'comment';
  /** All comments of a thread share the id of its first comment's record. */
  thread: string;
  /** 1-based inclusive line range in the content the thread was started on. */
  startLine: number;
  endLine: number;
  body: string;
  /** A comment may resolve or reopen its thread. */
  resolves?: boolean;
  reopens?: boolean;
}

export type PromptRecord = ReviewRecord | ReviewRequestRecord | CommentRecord | CheckRecord | FeedbackRecord;

/** A record as read from the committed tree. */
export interface StoredRecord<T extends PromptRecord = PromptRecord> {
  path: string;
  blob: string;
  record: T;
  /** The trusted commit that added it: who made it and where it stands in commit order. */
  commit?: string;
  /** Its position in the trusted history, parents first. */
  order?: number;
  /** Not on the trusted branch yet (shown, never counted). */
  pending?: boolean;
  /** Author time of that commit, seconds since the epoch. */
  commitTime?: number;
  /** What the record's own signature proves, checked against the trusted signers. */
  signature?: RecordSignature;
}

/**
 * When a record was made, for ages (review expiry, escalation), never for order: the earlier
 * of the time it states and its commit's time, so post-dating one of them gains nothing.
 */
export function recordTime(stored: StoredRecord): number {
  const stated = Date.parse(stored.record.time);
  return stored.commitTime !== undefined ? Math.min(stated, stored.commitTime * 1000) : stated;
}

/** A unique file per record, so sign-offs from different machines never conflict. */
export function newRecordPath(record: PromptRecord, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const hash = shortHash(record.contentHash);
  return `${RECORDS_DIR}/${hash.slice(0, 2)}/${hash}-${stamp}-${record.type}-${randomBytes(4).toString('hex')}.json`;
}

export function serializeRecord(record: PromptRecord): string {
  return JSON.stringify(record, null, 2) + '\n';
}

export function isRecordPath(path: string): boolean {
  return path.startsWith(RECORDS_DIR + '/') && path.endsWith('.json');
}

/** Parses and checks a record file; returns the reason it is unusable instead of throwing. */
export function parseRecord(text: string): PromptRecord | { error: string } {
  let data: any;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { error: `not valid JSON (${(err as Error).message})` };
  }
  if (typeof data !== 'object' || data === null) return { error: 'not a JSON object' };
  const missing = ['prompt', 'contentHash', 'blob', 'time'].filter((k) => typeof data[k] !== 'string');
  if (missing.length) return { error: `missing ${missing.join(', ')}` };
  if (typeof data.by?.email !== 'string') return { error: 'missing the identity ("by.email") of who made it' };
  if (!/^sha256:[0-9a-f]{64}$/.test(data.contentHash)) return { error: `"contentHash" is not a sha256 hash` };
  if (Number.isNaN(Date.parse(data.time))) return { error: `"time" is not a date` };
  switch (data.type) {
    case 'review': {
      if (data.verdict !== 'approve' && data.verdict !== 'request-changes') {
        return { error: `"verdict" must be approve or request-changes` };
      }
      const includes = includesError(data.includes);
      if (includes) return { error: includes };
      if (data.confirms !== undefined && !(Array.isArray(data.confirms) && data.confirms.every((c: unknown) => typeof c === 'string'))) {
        return { error: '"confirms" must be a list of criteria' };
      }
      return data as ReviewRecord;
    }
    case 'check': {
      if (typeof data.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(data.name)) return { error: 'a check needs a "name" of letters, digits, ".", ":", "_" or "-"' };
      if (data.result !== 'pass' && data.result !== 'fail') return { error: '"result" must be pass or fail' };
      const includes = includesError(data.includes);
      if (includes) return { error: includes };
      return data as CheckRecord;
    }
    case 'feedback':
      if (typeof data.id !== 'string' || typeof data.body !== 'string' || !data.body.trim()) return { error: 'feedback needs an "id" and a "body"' };
      if (data.rating !== undefined && data.rating !== 'good' && data.rating !== 'bad') return { error: '"rating" must be good or bad' };
      if (includesError(data.includes)) return { error: includesError(data.includes)! };
      return data as FeedbackRecord;
    case 'review-request':
      if (!Array.isArray(data.reviewers)) return { error: '"reviewers" must be a list' };
      return data as ReviewRequestRecord;
    case 'comment':
      if (typeof data.thread !== 'string' || typeof data.body !== 'string') return { error: 'a comment needs "thread" and "body"' };
      if (!Number.isInteger(data.startLine) || !Number.isInteger(data.endLine)) return { error: 'a comment needs "startLine" and "endLine"' };
      return data as CommentRecord;
    default:
      return { error: `unknown record type "${data.type}"` };
  }
}

function includesError(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const ok = Array.isArray(value) && value.every((i) => typeof i?.path === 'string' && typeof i?.contentHash === 'string' && /^sha256:[0-9a-f]{64}$/.test(i.contentHash));
  return ok ? undefined : '"includes" must list { path, contentHash } of the included files';
}
