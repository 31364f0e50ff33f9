import type { Authors } from '../ownership/authorship';
import type { EnvironmentPolicy } from './config';
import type { RecordLedger } from '../reviews/ledger';
import type { People } from '../ownership/people';
import { includeDifferences, includedContent, type Dependency, type IncludedContent, type MissingDependency } from '../prompts/dependencies';
import type { CheckRecord, ReviewRecord, StoredRecord } from '../reviews/records';
import type { Release } from '../releases/releases';
import { POLICY_RULES } from './rules';
import type { AnySetting } from './settings';
import { unsignedReason } from './rules/signatures';

export type WorkingCopyState = 'clean' | 'modified' | 'deleted' | 'untracked';

/**
 * The codes a requirement may carry, as keys. A rule with a code of its own adds it in its
 * file: `declare module '../policy' { interface RequirementCodes { frozen: true } }`.
 */
export interface RequirementCodes {
  approvals: true;
  'owner-approval': true;
  'no-owner': true;
  'changes-requested': true;
  'previous-environment': true;
  uncommitted: true;
  'not-committed': true;
  'already-released': true;
  'not-on-trusted-branch': true;
  unusable: true;
  'missing-dependency': true;
  'dependency-changed': true;
  criteria: true;
  checks: true;
  'review-due': true;
  signatures: true;
}

export interface Requirement {
  code: keyof RequirementCodes;
  message: string;
  /** A few words for a status line ("frozen: incident 42"), from a rule whose code state.ts has no words for. */
  brief?: string;
  /** A warning is shown and reported but does not block (verify --strict fails on it). */
  severity?: 'warning';
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
  ignored: { review: StoredRecord<ReviewRecord>; reason: string; rule?: string }[];
  /** What blocks. */
  unmet: Requirement[];
  /** What does not block but needs attention (a review that is due on a live version). */
  warnings: Requirement[];
  /** The standing result of each check on this exact content, by name. */
  checks: Map<string, StoredRecord<CheckRecord>>;
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
  /** Everything it includes, with exact contents: approvals and checks bind to these too. */
  includes: Dependency[];
  /** Includes that cannot be resolved: the prompt would not render as reviewed. */
  missingIncludes: MissingDependency[];
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
  /** The release of this content (with these includes, when given) to an environment that the gate may rely on, if any. */
  trustedRelease(environment: string, path: string, contentHash: string, includes?: IncludedContent[]): Release | undefined;
  /** The version now in this environment (release purpose). */
  currentRelease?: Release;
  /** Release purpose: the commit to be tagged, and whether it is on the trusted branch. */
  commitOnTrustedBranch?: boolean;
  trustedRef: string;
  /** Milliseconds since the epoch: what "older than reviewEvery" is measured against. */
  now: number;
}

/** Approvals, change requests and refused approvals of the subject's exact content. */
export interface ReviewTally {
  approvals: CountedApproval[];
  changeRequests: StoredRecord<ReviewRecord>[];
  ignored: GateResult['ignored'];
  /** Approvals of this prompt content made when what it includes was different. */
  stale: { review: StoredRecord<ReviewRecord>; changes: string[] }[];
  /** The latest result of each check on this content and its includes, by name. */
  checks: Map<string, StoredRecord<CheckRecord>>;
  /** Passes recorded by someone who wrote part of the content: shown, never counted. */
  selfRecordedChecks: Map<string, StoredRecord<CheckRecord>>;
  /** Reviews and check results set aside because the environment requires signatures and they are not validly signed. */
  unsigned: { record: StoredRecord; reason: string }[];
}

/**
 * One requirement of the release policy: reads its setting from the environment, reports
 * what is unmet. A rule may also say why an approval does not count in an environment
 * (`excludes`); such approvals are left out before any rule counts. A rule is one file in
 * rules/ exporting `const <name> = { … } satisfies PolicyRule`; the list of rules
 * (rules/index.ts) is generated from the folder by `npm run build`.
 */
export interface PolicyRule {
  readonly name: string;
  /** Where its messages come among the others' (lowest first): the order they read best in. */
  readonly order: number;
  readonly purposes: readonly Purpose[];
  /** The environment settings of .promptrelease.yaml this rule reads: parsed, documented and put in the schema from here. */
  readonly settings?: readonly AnySetting[];
  excludes?(approval: CountedApproval, subject: Subject, context: EvaluationContext): string | undefined;
  check(subject: Subject, context: EvaluationContext, tally: ReviewTally): Requirement[];
}

export function tallyReviews(subject: Subject, context: EvaluationContext): ReviewTally {
  const { people, ledger } = context;
  const records = subject.contentHash ? ledger.about(subject.names).filter((r) => r.record.contentHash === subject.contentHash) : [];
  const included = includedContent(subject.includes);
  // A verdict covers the prompt and what it included then: a changed partial is new content.
  const reviews: StoredRecord<ReviewRecord>[] = [];
  const outdated: { review: StoredRecord<ReviewRecord>; changes: string[] }[] = [];
  const checks = new Map<string, StoredRecord<CheckRecord>>();
  const selfRecordedChecks = new Map<string, StoredRecord<CheckRecord>>();
  const unsigned: ReviewTally['unsigned'] = [];
  for (const r of records) {
    if (r.record.type !== 'review' && r.record.type !== 'check') continue;
    // Where signatures are required, an unsigned verdict or result is not evidence: it neither counts nor answers nor blocks.
    const refused = unsignedReason(r, context.env);
    if (refused) {
      unsigned.push({ record: r, reason: refused });
      continue;
    }
    const changes = includeDifferences(r.record.includes, included);
    if (r.record.type === 'check') {
      if (changes.length) continue;
      // A pass is evidence only from someone other than its authors (CI, a reviewer), as an approval is; anyone's failure counts.
      const byAuthor = r.record.result === 'pass' && subject.authors.has(people.personOf(r.record.by.email));
      (byAuthor ? selfRecordedChecks : checks).set(r.record.name, r as StoredRecord<CheckRecord>);
    } else if (changes.length === 0) reviews.push(r as StoredRecord<ReviewRecord>);
    else outdated.push({ review: r as StoredRecord<ReviewRecord>, changes });
  }
  const { approvals: approving, changeRequests } = ledger.verdicts(reviews);
  const current = new Set(reviews.map((r) => people.personOf(r.record.by.email)));
  const stale = outdated.filter((o) => o.review.record.verdict === 'approve' && !current.has(people.personOf(o.review.record.by.email)));
  const approvals: CountedApproval[] = [];
  const ignored: ReviewTally['ignored'] = [];
  for (const review of approving) {
    if (subject.authors.has(people.personOf(review.record.by.email))) {
      ignored.push({ review, reason: `${review.record.by.email} wrote part of this content and cannot approve it` });
    } else {
      approvals.push({ review, owners: people.ownersMatching(review.record.by.email, subject.owners) });
    }
  }
  const unsignedApprovals = new Map<string, GateResult['ignored'][number]>();
  for (const { record, reason } of unsigned) {
    const person = people.personOf(record.record.by.email);
    if (record.record.type === 'review' && record.record.verdict === 'approve' && !current.has(person)) {
      unsignedApprovals.set(person, { review: record as StoredRecord<ReviewRecord>, reason, rule: 'signatures required' });
    }
  }
  ignored.push(...unsignedApprovals.values());
  // Each person's latest stale approval is the one worth naming.
  const latestStale = new Map<string, (typeof stale)[number]>();
  for (const s of stale) latestStale.set(people.personOf(s.review.record.by.email), s);
  return { approvals, changeRequests, ignored, stale: [...latestStale.values()], checks, selfRecordedChecks, unsigned };
}

const APPROVAL_CODES = new Set<Requirement['code']>(['approvals', 'owner-approval', 'no-owner', 'changes-requested', 'dependency-changed', 'criteria', 'signatures']);

/** The rules that apply to a purpose, and those of them that may set approvals aside; worked out once per rule list. */
const rulesByPurpose = new WeakMap<readonly PolicyRule[], Map<Purpose, { active: PolicyRule[]; excluding: PolicyRule[] }>>();
function rulesFor(rules: readonly PolicyRule[], purpose: Purpose): { active: PolicyRule[]; excluding: PolicyRule[] } {
  let byPurpose = rulesByPurpose.get(rules);
  if (!byPurpose) rulesByPurpose.set(rules, (byPurpose = new Map()));
  let found = byPurpose.get(purpose);
  if (!found) {
    const active = rules.filter((r) => r.purposes.includes(purpose));
    byPurpose.set(purpose, (found = { active, excluding: active.filter((r) => r.excludes) }));
  }
  return found;
}

/** The one evaluator: the gate, the editor and verify all decide here. */
export function evaluate(subject: Subject, context: EvaluationContext, rules: readonly PolicyRule[] = POLICY_RULES, baseTally = tallyReviews(subject, context)): GateResult {
  const { active, excluding } = rulesFor(rules, context.purpose);
  // Approvals an environment's own rules do not accept (criteria not confirmed) are set aside first.
  let tally = baseTally;
  if (excluding.length && baseTally.approvals.length) {
    const ignored = [...baseTally.ignored];
    const approvals = baseTally.approvals.filter((approval) => {
      for (const rule of excluding) {
        const reason = rule.excludes!(approval, subject, context);
        if (reason) {
          ignored.push({ review: approval.review, reason, rule: rule.name });
          return false;
        }
      }
      return true;
    });
    if (approvals.length !== baseTally.approvals.length) tally = { ...baseTally, approvals, ignored };
  }
  const unmet: Requirement[] = [];
  const warnings: Requirement[] = [];
  for (const rule of active) for (const found of rule.check(subject, context, tally)) (found.severity === 'warning' ? warnings : unmet).push(found);
  return {
    environment: context.env.name,
    allowed: unmet.length === 0,
    approvalsCounted: tally.approvals.length,
    approvalsRequired: context.env.approvals,
    approvals: tally.approvals,
    changeRequests: tally.changeRequests,
    ignored: tally.ignored,
    unmet,
    warnings,
    checks: tally.checks,
    approvalsMet: !unmet.some((u) => APPROVAL_CODES.has(u.code)) && !subject.unusable,
  };
}

/** The approvals a release records as its evidence: owners first, then in commit order. */
export function approvalsForEvidence(gate: GateResult): CountedApproval[] {
  return [...gate.approvals].sort((a, b) => Number(b.owners.length > 0) - Number(a.owners.length > 0) || (a.review.order ?? 0) - (b.review.order ?? 0));
}
