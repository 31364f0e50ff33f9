import { formatIdentity } from '../ownership/identity';
import type { PromptStatus, RepoModel } from '../model/model';
import { recordTime } from './records';
import { formatTime } from '../common/words';

export type AttentionKind = 'disputed' | 'overdue' | 'review-due';

/** Something about a prompt that someone must act on, most urgent kinds first. */
export interface AttentionItem {
  kind: AttentionKind;
  prompt: string;
  environment?: string;
  message: string;
  /** Since when it waits, ms since the epoch. */
  since: number;
  /** Who can resolve it: CODEOWNERS handles or emails. */
  people: string[];
}

const URGENCY: Record<AttentionKind, number> = { disputed: 0, overdue: 1, 'review-due': 2 };

/**
 * What is escalated about one prompt: a change request standing on a version that is live
 * (disputed), a review request unanswered for longer than `escalateAfter` (overdue), and a
 * live version whose latest approval is older than its environment's `reviewEvery` (review due).
 */
export function attentionOf(model: RepoModel, prompt: PromptStatus): AttentionItem[] {
  const items: AttentionItem[] = [];
  for (const env of model.config.environments) {
    const gate = prompt.live[env.name];
    const release = prompt.current[env.name];
    if (!gate || !release) continue;
    for (const cr of gate.changeRequests) {
      items.push({
        kind: 'disputed',
        prompt: prompt.path,
        environment: env.name,
        message: `v${release.evidence.version}, live in ${env.name}, has a change request by ${formatIdentity(cr.record.by)} (${formatTime(cr.record.time)})${cr.record.comment ? `: "${cr.record.comment}"` : ''}`,
        since: recordTime(cr),
        people: [cr.record.by.email, ...prompt.owners],
      });
    }
    for (const w of gate.warnings.filter((w) => w.code === 'review-due')) {
      const latest = gate.approvals.map((a) => recordTime(a.review)).reduce((a, b) => Math.max(a, b), 0);
      items.push({ kind: 'review-due', prompt: prompt.path, environment: env.name, message: `v${release.evidence.version} in ${env.name}: ${w.message.replace(/^review due in [^:]+: /, '')}`, since: latest, people: prompt.owners });
    }
  }
  const limit = model.config.escalateAfter;
  if (limit && prompt.contentHash) {
    for (const request of prompt.currentRequests) {
      const asked = recordTime(request);
      if (model.now - asked < limit.ms) continue;
      const askedEmails = new Set(request.record.reviewers.flatMap((who) => [...model.people.emailsOf(who)]).map((e) => model.people.personOf(e)));
      const answered = prompt.reviews.some(
        (r) => r.record.contentHash === request.record.contentHash && (r.order ?? 0) > (request.order ?? 0) && askedEmails.has(model.people.personOf(r.record.by.email)),
      );
      if (answered) continue;
      const days = Math.floor((model.now - asked) / 86_400_000);
      items.push({
        kind: 'overdue',
        prompt: prompt.path,
        message: `review requested by ${formatIdentity(request.record.by)} from ${request.record.reviewers.join(', ')} ${days} day${days === 1 ? '' : 's'} ago (${formatTime(new Date(asked).toISOString())}) is unanswered (escalateAfter: ${limit.text})`,
        since: asked,
        people: [...request.record.reviewers, ...prompt.owners],
      });
    }
  }
  return items;
}

/** Everything that needs attention in the repository: disputed first, then overdue, then review due; oldest first within each. */
export function attentionList(model: RepoModel): AttentionItem[] {
  return model.prompts.flatMap((p) => attentionOf(model, p)).sort((a, b) => URGENCY[a.kind] - URGENCY[b.kind] || a.since - b.since);
}

export function attentionLabel(kind: AttentionKind): string {
  return kind === 'review-due' ? 'review due' : kind;
}
