import { includedContent, releasedAsIs } from './dependencies';
import type { PromptStatus } from './model';

export type PromptState =
  | { kind: 'draft' }
  | { kind: 'in-review' }
  | { kind: 'changes-requested' }
  | { kind: 'approved'; environment: string }
  | { kind: 'released'; environment: string; version: number }
  | { kind: 'modified'; environment: string; version: number };

/**
 * One word for where a prompt stands, most urgent first: an open change request, then
 * approval beyond where it is released, the release itself, an unreleased edit of a
 * released prompt, a review under way, a draft.
 */
export function stateOf(p: Omit<PromptStatus, 'state'>, environments: string[]): PromptState {
  if (p.workingCopy === 'untracked' || !p.contentHash) return { kind: 'draft' };
  if (p.gates.some((g) => g.changeRequests.length > 0)) return { kind: 'changes-requested' };
  let released = -1;
  let everReleased = -1;
  const includes = includedContent(p.includes ?? []);
  environments.forEach((env, i) => {
    const current = p.current[env];
    if (current) everReleased = i;
    // A changed include is a modification too: what is live there renders differently.
    if (current && releasedAsIs(current.evidence, p.contentHash, includes)) released = i;
  });
  let approved = -1;
  p.gates.forEach((g, i) => {
    if (g.approvalsMet && g.approvalsRequired > 0) approved = i;
  });
  if (approved > released) return { kind: 'approved', environment: environments[approved] };
  if (released >= 0) {
    return { kind: 'released', environment: environments[released], version: p.current[environments[released]]!.evidence.version };
  }
  if (everReleased >= 0) {
    return { kind: 'modified', environment: environments[everReleased], version: p.current[environments[everReleased]]!.evidence.version };
  }
  if (p.currentReviews.length > 0 || p.currentRequests.length > 0) return { kind: 'in-review' };
  return { kind: 'draft' };
}

export function stateLabel(state: PromptState): string {
  switch (state.kind) {
    case 'draft':
      return 'draft';
    case 'in-review':
      return 'in review';
    case 'changes-requested':
      return 'changes requested';
    case 'approved':
      return `approved for ${state.environment}`;
    case 'released':
      return `released to ${state.environment} as v${state.version}`;
    case 'modified':
      return `modified since release (v${state.version} in ${state.environment})`;
  }
}
