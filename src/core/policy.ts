import type { Authors } from './authorship';
import type { EnvironmentPolicy } from './config';
import type { RecordLedger } from './ledger';
import type { People } from './people';
import type { ReviewRecord, StoredRecord } from './records';
import type { Release } from './releases';
import { POLICY_RULES } from './rules';

export type WorkingCopyState = 'clean' | 'modified' | 'deleted' | 'untracked';

export interface Requirement {
  code:
    | 'approvals'
    | 'owner-approval'
    | 'no-owner'
    | 'changes-requested'
    | 'previous-environment'
    | 'uncommitted'
    | 'not-committed'
    | 'already-released'
    | 'not-on-trusted-branch'
    | 'unusable';
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

/** The content a decision is about. */
export interface Subject {
  path: string;
  /** The path and its earlier names: records made under an earlier name still count. */
  names: string[];
  blob?: string;
  contentHash?: string;
  owners: string[];
  /** Everyone who wrote part of this content (renames, merges, co-authors and aliases followed). */
  authors: Authors;
  workingCopy: WorkingCopyState;
  /** Why this file cannot be released at all (binary, symlink, not a prompt under the trusted policy, …). */
  unusable?: string;
}

/**
 * What a decision is for: `release` is the gate before a new tag (the working copy, the
 * commit to tag and what is already live matter); `live` asks whether released content meets
 * today's policy (verify, and whether a release can be trusted for promotion).
 */
export type Purpose = 'release' | 'live';

export interface EvaluationContext {
  purpose: Purpose;
  env: EnvironmentPolicy;
  previousEnv?: string;
  people: People;
  ledger: RecordLedger;
  /** The release of this content to an environment that the gate may rely on, if any. */
  trustedRelease(environment: string, path: string, contentHash: string): Release | undefined;
  /** The version now in this environment (release purpose). */
  currentRelease?: Release;
  /** Release purpose: the commit to be tagged, and whether it is on the trusted branch. */
  commitOnTrustedBranch?: boolean;
  trustedRef: string;
}

/** Approvals, change requests and refused approvals of the subject's exact content. */
export interface ReviewTally {
  approvals: CountedApproval[];
  changeRequests: StoredRecord<ReviewRecord>[];
  ignored: GateResult['ignored'];
}

/** One requirement of the release policy: reads its setting from the environment, reports what is unmet. */
export interface PolicyRule {
  readonly name: string;
  readonly purposes: readonly Purpose[];
  check(subject: Subject, context: EvaluationContext, tally: ReviewTally): Requirement[];
}

export function tallyReviews(subject: Subject, context: EvaluationContext): ReviewTally {
  const { people, ledger } = context;
  const reviews = subject.contentHash
    ? ledger.about(subject.names).filter((r): r is StoredRecord<ReviewRecord> => r.record.type === 'review' && r.record.contentHash === subject.contentHash)
    : [];
  const { approvals: approving, changeRequests } = ledger.verdicts(reviews);
  const approvals: CountedApproval[] = [];
  const ignored: ReviewTally['ignored'] = [];
  for (const review of approving) {
    if (subject.authors.has(people.personOf(review.record.by.email))) {
      ignored.push({ review, reason: `${review.record.by.email} wrote part of this content and cannot approve it` });
    } else {
      approvals.push({ review, owners: people.ownersMatching(review.record.by.email, subject.owners) });
    }
  }
  return { approvals, changeRequests, ignored };
}

/** The one evaluator: the gate, the editor and verify all decide here. */
export function evaluate(subject: Subject, context: EvaluationContext, rules: readonly PolicyRule[] = POLICY_RULES, tally = tallyReviews(subject, context)): GateResult {
  const unmet = rules.filter((r) => r.purposes.includes(context.purpose)).flatMap((r) => r.check(subject, context, tally));
  const approvalCodes = new Set<Requirement['code']>(['approvals', 'owner-approval', 'no-owner', 'changes-requested']);
  return {
    environment: context.env.name,
    allowed: unmet.length === 0,
    approvalsCounted: tally.approvals.length,
    approvalsRequired: context.env.approvals,
    approvals: tally.approvals,
    changeRequests: tally.changeRequests,
    ignored: tally.ignored,
    unmet,
    approvalsMet: !unmet.some((u) => approvalCodes.has(u.code)) && !subject.unusable,
  };
}

/** The approvals a release records as its evidence: owners first, then in commit order. */
export function approvalsForEvidence(gate: GateResult): CountedApproval[] {
  return [...gate.approvals].sort((a, b) => Number(b.owners.length > 0) - Number(a.owners.length > 0) || (a.review.order ?? 0) - (b.review.order ?? 0));
}
