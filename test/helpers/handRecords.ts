import { createHash } from 'crypto';
import { newRecordPath, serializeRecord, type PromptRecord } from '../../src/core/reviews/records';
import type { Person, TempRepo } from './gitFixture';

/** The blob id and sha256 content hash of a committed file (`HEAD:path`). */
export function blobHash(repo: TempRepo, rev: string): { blob: string; contentHash: string } {
  const blob = repo.git('rev-parse', rev).trim();
  const bytes = Buffer.from(repo.git('cat-file', 'blob', blob), 'utf8');
  return { blob, contentHash: 'sha256:' + createHash('sha256').update(bytes).digest('hex') };
}

/**
 * A record written by hand, as the tool writes one (same format, same place), committed by
 * `committer` with author and committer dates `committedAt`: how a test makes a record old.
 */
export function handRecord(repo: TempRepo, committer: Person, committedAt: Date, record: Record<string, unknown> & { type: string; prompt: string; time: string }): string {
  const full = { format: 1, ...blobHash(repo, `HEAD:${record.prompt}`), ...record } as unknown as PromptRecord;
  const path = newRecordPath(full, new Date(record.time));
  repo.commitAt(committer, committedAt, `prompt-release: ${record.type} ${record.prompt}`, { [path]: serializeRecord(full) });
  return path;
}
