import type { EnvironmentPolicy } from './config';
import { formatIdentity, normalizeEmail, type Identity } from './identity';
import type { People } from './people';
import type { ReviewRecord, StoredRecord } from './records';
import type { Release } from './releases';

export type WorkingCopyState = 'clean' | 'modified' | 'deleted' | 'untracked';

export interface Requirement {
  code: 'approvals' | 'owner-approval' | 'no-owner' | 'changes-requested' | 'previous-environment' | 'uncommitted' | 'not-committed' | 'already-released';
  message: string;
  /** Who can resolve it: owners for a missing owner approval, the requester of a change request. */
  people?: string[];
}

export interface CountedApproval {
  review: StoredRecord<ReviewRecord>;
  /** The CODEOWNERS owners this approver stands for. */
  owners: string[];
}

export interface GateResult {
  environment: string;
  allowed: boolean;
  approvalsCounted: number;
  approvalsRequired: number;
  approvals: CountedApproval[];
  changeRequests: StoredRecord<ReviewRecord>[];
  /** Approvals that exist but do not count, with the reason. */
  ignored: { review: StoredRecord<ReviewRecord>; reason: string }[];
  unmet: Requirement[];
  /** Met when approvals alone satisfy the policy (ignores promotion order and the working copy). */
  approvalsMet: boolean;
}

export interface GateInput {
  env: EnvironmentPolicy;
  previousEnv?: string;
  path: string;
  contentHash?: string;
  owners: string[];
  people: People;
  authors: Identity[];
  /** Attributed reviews of this prompt's current content, latest per reviewer. */
  latestReviews: StoredRecord<ReviewRecord>[];
  releases: Release[];
  currentRelease?: Release;
  workingCopy: WorkingCopyState;
}

/** The latest verdict of each reviewer, among reviews of one content hash. */
export function latestPerReviewer(reviews: StoredRecord<ReviewRecord>[]): StoredRecord<ReviewRecord>[] {
  const latest = new Map<string, StoredRecord<ReviewRecord>>();
  for (const r of reviews) {
    const key = normalizeEmail(r.record.by.email);
    const seen = latest.get(key);
    if (!seen || seen.record.time < r.record.time || (seen.record.time === r.record.time && seen.path < r.path)) latest.set(key, r);
  }
  return [...latest.values()];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function evaluateGate(input: GateInput): GateResult {
  const { env, people } = input;
  const authorEmails = new Set(input.authors.map((a) => normalizeEmail(a.email)));
  const approvals: CountedApproval[] = [];
  const ignored: GateResult['ignored'] = [];
  const changeRequests: StoredRecord<ReviewRecord>[] = [];
  for (const review of input.latestReviews) {
    if (review.record.verdict === 'request-changes') {
      changeRequests.push(review);
    } else if (authorEmails.has(normalizeEmail(review.record.by.email))) {
      ignored.push({ review, reason: `${review.record.by.email} wrote part of this content and cannot approve it` });
    } else {
      approvals.push({ review, owners: people.ownersMatching(review.record.by.email, input.owners) });
    }
  }

  const unmet: Requirement[] = [];
  if (input.workingCopy === 'untracked') {
    unmet.push({ code: 'not-committed', message: `${input.path} is not committed yet; commit it and have it reviewed` });
  }
  if (input.workingCopy === 'modified' || input.workingCopy === 'deleted') {
    unmet.push({
      code: 'uncommitted',
      message: `the working copy of ${input.path} has uncommitted changes; commit them (they need review) or discard them`,
    });
  }
  if (input.currentRelease && input.currentRelease.evidence.contentHash === input.contentHash) {
    const ev = input.currentRelease.evidence;
    unmet.push({
      code: 'already-released',
      message: `v${ev.version} is already the current version in ${env.name} (released ${ev.releasedAt} by ${formatIdentity(ev.releasedBy)})`,
    });
  }

  const missingCount = Math.max(0, env.approvals - approvals.length);
  const ownerApproved = approvals.some((a) => a.owners.length > 0);
  const ownerMissing = env.ownerApproval && !ownerApproved;
  if (ownerMissing && input.owners.length === 0) {
    unmet.push({ code: 'no-owner', message: `${input.path} has no code owner in CODEOWNERS, so no owner can approve it; add an owner` });
  } else if (ownerMissing) {
    const missing = Math.max(1, missingCount);
    const unresolved = people.unresolved(input.owners);
    const note = unresolved.length ? `; ${unresolved.join(', ')} ${unresolved.length === 1 ? 'has' : 'have'} no email under "people" in .promptrelease.yaml` : '';
    unmet.push({
      code: 'owner-approval',
      message:
        missing === 1
          ? `needs 1 more approval from a code owner (${input.owners.join(', ')})${note}`
          : `needs ${plural(missing, 'more approval')}, at least 1 from a code owner (${input.owners.join(', ')})${note}`,
      people: input.owners,
    });
  } else if (missingCount > 0) {
    unmet.push({
      code: 'approvals',
      message: `needs ${plural(missingCount, 'more approval')} (has ${approvals.length} of ${env.approvals})`,
    });
  }
  for (const cr of changeRequests) {
    const reason = cr.record.comment ? `: "${cr.record.comment}"` : '';
    unmet.push({
      code: 'changes-requested',
      message: `changes requested by ${formatIdentity(cr.record.by)} on ${cr.record.time}${reason}; they must approve a new version or this content`,
      people: [cr.record.by.email],
    });
  }
  if (env.requirePrevious && input.previousEnv) {
    const reached = input.releases.some((r) => r.evidence.environment === input.previousEnv && r.evidence.contentHash === input.contentHash);
    if (!reached) {
      unmet.push({ code: 'previous-environment', message: `must be released to ${input.previousEnv} first (this content has never been released there)` });
    }
  }

  const approvalsMet = missingCount === 0 && !ownerMissing && changeRequests.length === 0;
  return {
    environment: env.name,
    allowed: unmet.length === 0,
    approvalsCounted: approvals.length,
    approvalsRequired: env.approvals,
    approvals,
    changeRequests,
    ignored,
    unmet,
    approvalsMet,
  };
}

/** The approvals a release records as its evidence: owners first, then the earliest, up to what the policy needs. */
export function approvalsForEvidence(gate: GateResult): CountedApproval[] {
  return [...gate.approvals].sort(
    (a, b) => Number(b.owners.length > 0) - Number(a.owners.length > 0) || a.review.record.time.localeCompare(b.review.record.time),
  );
}
