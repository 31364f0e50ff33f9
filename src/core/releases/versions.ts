import type { PathEvent } from '../history/history';
import type { Identity } from '../ownership/identity';
import type { PromptStatus } from '../model/model';
import type { ReviewRecord, StoredRecord } from '../reviews/records';
import type { Release } from './releases';

export interface PromptVersion {
  blob: string;
  /** Release number, once the content was released anywhere. */
  version?: number;
  /** The commit that first produced this content, and who made it. */
  commit: string;
  author: Identity;
  time: number;
  releases: Release[];
  reviews: StoredRecord<ReviewRecord>[];
  /** Whether this is the committed content now. */
  current: boolean;
}

/**
 * A prompt's distinct contents, newest first, each with where it was released, when and
 * by whom, and who reviewed it. Built from data already in the model: no extra git reads.
 */
export function versionsOf(prompt: PromptStatus, events: PathEvent[]): PromptVersion[] {
  const byBlob = new Map<string, PromptVersion>();
  // Events are newest first; the last one seen for a blob is the commit that first made it.
  for (const e of events) {
    if (e.status === 'D') continue;
    const existing = byBlob.get(e.blob);
    if (existing) Object.assign(existing, { commit: e.commit, author: e.author, time: e.time });
    else byBlob.set(e.blob, { blob: e.blob, commit: e.commit, author: e.author, time: e.time, releases: [], reviews: [], current: e.blob === prompt.blob });
  }
  for (const r of prompt.releases) {
    const v = byBlob.get(r.evidence.blob);
    if (!v) continue;
    v.version = r.evidence.version;
    v.releases.push(r);
  }
  for (const r of prompt.reviews) byBlob.get(r.record.blob)?.reviews.push(r);
  return [...byBlob.values()].sort((a, b) => b.time - a.time);
}
