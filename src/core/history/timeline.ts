import type { PathEvent } from './history';
import type { Identity } from '../ownership/identity';
import type { PromptStatus } from '../model/model';
import type { Verdict } from '../reviews/records';

export type TimelineEntry =
  | { kind: 'version'; time: string; commit: string; author: Identity; coAuthors?: Identity[]; blob: string; contentHash?: string; version?: number; deleted?: boolean; renamedFrom?: string }
  | { kind: 'review'; time: string; by: Identity; verdict: Verdict; contentHash: string; version?: number; comment?: string; record: string }
  | { kind: 'review-request'; time: string; by: Identity; reviewers: string[]; contentHash: string; record: string }
  | { kind: 'release'; time: string; environment: string; version: number; by: Identity; tag: string; approvals: Identity[] }
  | { kind: 'check'; time: string; by: Identity; name: string; result: 'pass' | 'fail'; summary?: string; contentHash: string; version?: number; record: string }
  | { kind: 'feedback'; time: string; by: Identity; id: string; rating?: 'good' | 'bad'; body: string; environment?: string; version?: number; contentHash: string; record: string };

/** A prompt's life in order: the commits that changed it, reviews, review requests and releases. */
export function promptTimeline(prompt: Pick<PromptStatus, 'reviews' | 'requests' | 'releases'> & Partial<Pick<PromptStatus, 'checks' | 'feedback'>>, events: PathEvent[], hashOfBlob: Map<string, string>): TimelineEntry[] {
  const versionOf = new Map(prompt.releases.map((r) => [r.evidence.contentHash, r.evidence.version]));
  const entries: TimelineEntry[] = [];
  // Oldest first, so commits made in the same second keep their order through the sort by time.
  for (const e of [...events].reverse()) {
    const hash = hashOfBlob.get(e.blob);
    entries.push({
      kind: 'version',
      time: new Date(e.time * 1000).toISOString(),
      commit: e.commit,
      author: e.author,
      ...(e.coAuthors?.length ? { coAuthors: e.coAuthors } : {}),
      blob: e.blob,
      contentHash: hash,
      version: hash ? versionOf.get(hash) : undefined,
      ...(e.status === 'D' ? { deleted: true } : {}),
      ...(e.from ? { renamedFrom: e.from } : {}),
    });
  }
  for (const r of prompt.reviews) {
    entries.push({ kind: 'review', time: r.record.time, by: r.record.by, verdict: r.record.verdict, contentHash: r.record.contentHash, version: versionOf.get(r.record.contentHash), comment: r.record.comment, record: r.path });
  }
  for (const r of prompt.requests) {
    entries.push({ kind: 'review-request', time: r.record.time, by: r.record.by, reviewers: r.record.reviewers, contentHash: r.record.contentHash, record: r.path });
  }
  for (const r of prompt.checks ?? []) {
    const c = r.record;
    entries.push({ kind: 'check', time: c.time, by: c.by, name: c.name, result: c.result, summary: c.summary, contentHash: c.contentHash, version: versionOf.get(c.contentHash), record: r.path });
  }
  for (const r of prompt.feedback ?? []) {
    const f = r.record;
    entries.push({ kind: 'feedback', time: f.time, by: f.by, id: f.id, rating: f.rating, body: f.body, environment: f.environment, version: f.version ?? versionOf.get(f.contentHash), contentHash: f.contentHash, record: r.path });
  }
  for (const r of prompt.releases) {
    const ev = r.evidence;
    entries.push({ kind: 'release', time: ev.releasedAt, environment: ev.environment, version: ev.version, by: ev.releasedBy, tag: r.tag, approvals: ev.approvals.map((a) => a.by) });
  }
  // ISO times: code-unit order is time order, and needs no collator.
  return entries.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}
