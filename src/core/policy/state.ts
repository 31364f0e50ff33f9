import { includedContent, releasedAsIs } from '../prompts/dependencies';
import type { PromptStatus } from '../model/model';
import type { GateResult, Requirement } from './policy';
import { plural } from '../common/words';

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

/** A few words for each rule that can keep a gate shut, as an approvals count is followed ("approvals 2/2, none from a code owner yet"). */
const BLOCKED_BY: Partial<Record<Requirement['code'], string>> = {
  approvals: 'more approvals needed',
  'owner-approval': 'none from a code owner yet',
  'no-owner': 'no code owner to approve it',
  'changes-requested': 'changes requested',
  uncommitted: 'uncommitted changes',
  'not-committed': 'not committed',
  'not-on-trusted-branch': 'not on the trusted branch',
  unusable: 'cannot be released',
  'missing-dependency': 'an include cannot be resolved',
  'dependency-changed': 'includes changed since approved',
  criteria: 'criteria not confirmed',
  checks: 'checks not passed',
};

/**
 * What keeps the gate shut when its approval count alone reads as met, in a few words, so a
 * status line never reads as satisfied while a rule is unmet: "none from a code owner yet",
 * "needs staging first". Undefined when the gate is open, when the count itself shows what is
 * missing, or when all that stops a release is that the content is already live there.
 * `except` leaves out rules the caller shows otherwise (checks on the same line).
 */
export function gateNote(gate: GateResult, environments: string[] = [], except: Requirement['code'][] = []): string | undefined {
  if (gate.allowed || gate.approvalsCounted < gate.approvalsRequired) return undefined;
  const blocking = gate.unmet.filter((u) => u.code !== 'already-released' && u.code !== 'approvals' && !except.includes(u.code));
  if (blocking.length === 0) return undefined;
  const first = blocking[0];
  const previous = environments[environments.indexOf(gate.environment) - 1];
  const words = first.code === 'previous-environment' ? `needs ${previous ?? 'the previous environment'} first` : (BLOCKED_BY[first.code] ?? first.brief ?? 'blocked: prompt-release gate says why');
  return blocking.length > 1 ? `${words}; ${plural(blocking.length - 1, 'other rule')} unmet` : words;
}

/** "approvals 2/2" or "approvals 2/2, none from a code owner yet": never reads as met while the gate is shut. */
export function approvalsText(gate: GateResult, environments: string[] = [], except: Requirement['code'][] = []): string {
  const note = gateNote(gate, environments, except);
  return `${gate.approvalsCounted}/${gate.approvalsRequired}${note ? `, ${note}` : ''}`;
}
