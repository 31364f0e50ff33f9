import { randomBytes } from 'crypto';
import { shortHash } from './hash';
import type { Identity } from './identity';
import { RECORDS_DIR } from './prompts';

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
}

export interface ReviewRecord extends RecordBase {
  type: 'review';
  verdict: Verdict;
  comment?: string;
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

export type PromptRecord = ReviewRecord | ReviewRequestRecord | CommentRecord;

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
    case 'review':
      if (data.verdict !== 'approve' && data.verdict !== 'request-changes') {
        return { error: `"verdict" must be approve or request-changes` };
      }
      return data as ReviewRecord;
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
