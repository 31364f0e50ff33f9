import { includedContent, releasedAsIs } from '../prompts/dependencies';
import type { PromptStatus, RepoModel } from '../model/model';
import type { FeedbackRecord, StoredRecord } from './records';

export interface FeedbackItem {
  stored: StoredRecord<FeedbackRecord>;
  /** Reported on the version that is still in use (live in its environment, or committed). */
  open: boolean;
  /** What answered it: a later version released there, or a change not released yet. */
  answeredBy?: string;
}

/**
 * Feedback is about one version: the prompt and what it included. A change to either answers
 * it: once the committed content differs, it is answered by that change; once a newer version
 * is live where it was reported, by that version. (Feedback recorded without includes is
 * about the prompt's text alone.)
 */
export function feedbackOf(model: RepoModel, prompt: PromptStatus): FeedbackItem[] {
  return prompt.feedback.map((stored) => {
    const f = stored.record;
    const same = (contentHash: string | undefined, includes: { path: string; contentHash: string }[] | undefined) =>
      f.includes ? releasedAsIs({ contentHash: f.contentHash, includes: f.includes }, contentHash, includes ?? []) : contentHash === f.contentHash;
    const live = f.environment ? prompt.current[f.environment] : undefined;
    if (live && !same(live.evidence.contentHash, live.evidence.includes)) {
      const includesOnly = live.evidence.contentHash === f.contentHash;
      return { stored, open: false, answeredBy: `v${live.evidence.version}${includesOnly ? ' with other includes' : ''}, now live in ${f.environment}` };
    }
    if (prompt.contentHash && !same(prompt.contentHash, includedContent(prompt.includes))) {
      const includesOnly = prompt.contentHash === f.contentHash;
      return { stored, open: false, answeredBy: `a change${includesOnly ? ' to what it includes' : ''} committed since (not released yet)` };
    }
    return { stored, open: true };
  });
}

/** "2 reports on v4 in production": open feedback on the furthest version in use. */
export function feedbackSummary(model: RepoModel, prompt: PromptStatus): { open: number; bad: number; label: string } | undefined {
  const open = feedbackOf(model, prompt).filter((f) => f.open);
  if (open.length === 0) return undefined;
  const bad = open.filter((f) => f.stored.record.rating === 'bad').length;
  const first = open[0].stored.record;
  const where = first.environment ? `v${first.version} in ${first.environment}` : 'the committed version';
  const sameTarget = open.every((f) => f.stored.record.environment === first.environment && f.stored.record.contentHash === first.contentHash);
  const label = `${open.length} report${open.length === 1 ? '' : 's'} on ${sameTarget ? where : 'versions in use'}${bad ? ` (${bad} bad)` : ''}`;
  return { open: open.length, bad, label };
}
