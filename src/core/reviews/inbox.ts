import { attentionOf, type AttentionItem } from './attention';
import { normalizeEmail, type Identity } from '../ownership/identity';
import type { PromptStatus, RepoModel } from '../model/model';

export interface WaitingItem {
  prompt: PromptStatus;
  /** Why it waits for this person: an owner, or asked by name. */
  reason: 'owner' | 'requested';
  /** Escalations (disputed, overdue, review due) this person can act on: such items come first. */
  attention: AttentionItem[];
}

/**
 * Prompts waiting for one person's review: they own it or were asked to review its current
 * content, did not write it, and have not signed off on this content yet. Escalated prompts
 * they own or were asked about come first, even when they already signed off.
 */
export function waitingFor(model: RepoModel, me: Identity): WaitingItem[] {
  const email = normalizeEmail(me.email);
  const isMe = (who: string) => normalizeEmail(who) === email || model.people.emailsOf(who).has(email);
  const items: WaitingItem[] = [];
  for (const prompt of model.prompts) {
    if (!prompt.contentHash || prompt.unusable) continue;
    const owner = model.people.ownersMatching(email, prompt.owners).length > 0;
    const attention = attentionOf(model, prompt).filter((a) => owner || a.people.some(isMe));
    const wrote = prompt.authors.some((a) => normalizeEmail(a.email) === email);
    const signed = prompt.currentReviews.some((r) => normalizeEmail(r.record.by.email) === email);
    const requested = prompt.currentRequests.some((r) => r.record.reviewers.some((who) => model.people.emailsOf(who).has(email)));
    if (attention.length || (!wrote && !signed && (requested || owner))) items.push({ prompt, reason: requested ? 'requested' : 'owner', attention });
  }
  return items.sort((a, b) => Number(b.attention.length > 0) - Number(a.attention.length > 0));
}
