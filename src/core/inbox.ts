import { normalizeEmail, type Identity } from './identity';
import type { PromptStatus, RepoModel } from './model';

export interface WaitingItem {
  prompt: PromptStatus;
  /** Why it waits for this person: an owner, or asked by name. */
  reason: 'owner' | 'requested';
}

/**
 * Prompts waiting for one person's review: they own it or were asked to review its current
 * content, did not write it, and have not signed off on this content yet.
 */
export function waitingFor(model: RepoModel, me: Identity): WaitingItem[] {
  const email = normalizeEmail(me.email);
  const items: WaitingItem[] = [];
  for (const prompt of model.prompts) {
    if (!prompt.contentHash || prompt.unusable) continue;
    if (prompt.authors.some((a) => normalizeEmail(a.email) === email)) continue;
    if (prompt.currentReviews.some((r) => normalizeEmail(r.record.by.email) === email)) continue;
    const requested = prompt.currentRequests.some((r) => r.record.reviewers.some((who) => model.people.emailsOf(who).has(email)));
    const owner = model.people.ownersMatching(email, prompt.owners).length > 0;
    if (requested || owner) items.push({ prompt, reason: requested ? 'requested' : 'owner' });
  }
  return items;
}
