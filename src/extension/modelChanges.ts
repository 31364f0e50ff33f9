import type { PromptStatus, RepoModel } from '../core/model/model';
import type { GateResult, Requirement } from '../core/policy/policy';
import type { StoredRecord } from '../core/reviews/records';
import type { PullRequestApproval } from '../core/model/pullRequest';
import type { BranchApprovals } from '../usecases/pullRequest';

/** What one read of a folder gave: the model and, off the trusted branch, the approvals recorded on the branch. */
export interface ReadResult {
  model: RepoModel;
  branch?: BranchApprovals;
  /** Whether the configuration file exists in the working tree (the first-run set-up depends on it). */
  configWritten: boolean;
}

/**
 * Which prompts (and policy files) a new read changed, by path, compared field by field with
 * the read before; undefined when something that is not per prompt changed (the branch, the
 * trusted ref, the policy text, problems, the set-up), so every surface redraws everything.
 * A new commit alone (a sign-off) is not such a change: what it changed shows in the prompts'
 * own fields (their records, gates and state).
 */
export function changedPaths(before: ReadResult | undefined, after: ReadResult): Set<string> | undefined {
  if (!before || !sameRepository(before, after)) return undefined;
  const changed = new Set<string>();
  const compare = (a: Map<string, PromptStatus>, b: Map<string, PromptStatus>) => {
    for (const [path, now] of b) {
      const was = a.get(path);
      if (!was || !samePrompt(was, now) || !sameApprovals(before.branch?.byPath.get(path), after.branch?.byPath.get(path))) changed.add(path);
    }
    for (const path of a.keys()) if (!b.has(path)) changed.add(path);
  };
  compare(before.model.byPath, after.model.byPath);
  compare(before.model.policyFiles, after.model.policyFiles);
  return changed;
}

function sameRepository(a: ReadResult, b: ReadResult): boolean {
  const [x, y] = [a.model, b.model];
  return (
    a.configWritten === b.configWritten &&
    x.head.branch === y.head.branch &&
    x.headOnTrusted === y.headOnTrusted &&
    x.shallow === y.shallow &&
    x.trusted.ref === y.trusted.ref &&
    x.policy.configText === y.policy.configText &&
    !!a.branch === !!b.branch &&
    a.branch?.mergeMethod === b.branch?.mergeMethod &&
    sameList(x.problems, y.problems, (p, q) => p.message === q.message && p.severity === q.severity && p.location?.file === q.location?.file && p.location?.line === q.location?.line) &&
    sameList(x.policy.pending, y.policy.pending, (p, q) => p.file === q.file && p.message === q.message) &&
    sameList(x.config.environments, y.config.environments, (p, q) => p.name === q.name)
  );
}

/** Every field a surface shows of a prompt, compared one by one. */
export function samePrompt(a: PromptStatus, b: PromptStatus): boolean {
  return (
    a.path === b.path &&
    a.blob === b.blob &&
    a.contentHash === b.contentHash &&
    a.size === b.size &&
    a.workingCopy === b.workingCopy &&
    a.unusable === b.unusable &&
    a.governed === b.governed &&
    a.version === b.version &&
    a.ownersLine === b.ownersLine &&
    a.state.kind === b.state.kind &&
    ('environment' in a.state ? a.state.environment : undefined) === ('environment' in b.state ? b.state.environment : undefined) &&
    ('version' in a.state ? a.state.version : undefined) === ('version' in b.state ? b.state.version : undefined) &&
    sameList(a.owners, b.owners, eq) &&
    sameList(a.authors, b.authors, (p, q) => p.email === q.email && p.name === q.name) &&
    sameRecords(a.reviews, b.reviews) &&
    sameRecords(a.requests, b.requests) &&
    sameRecords(a.comments, b.comments) &&
    sameRecords(a.checks, b.checks) &&
    sameRecords(a.feedback, b.feedback) &&
    sameRecords(a.currentReviews, b.currentReviews) &&
    sameRecords(a.currentRequests, b.currentRequests) &&
    sameList(a.releases, b.releases, (p, q) => p.tag === q.tag) &&
    sameKeyed(a.current, b.current, (p, q) => p?.tag === q?.tag) &&
    sameList(a.gates, b.gates, sameGate) &&
    sameKeyed(a.live, b.live, (p, q) => (p && q ? sameGate(p, q) : p === q)) &&
    sameList(a.includes, b.includes, (p, q) => p.path === q.path && p.contentHash === q.contentHash && p.via === q.via && p.line === q.line) &&
    sameList(a.missingIncludes, b.missingIncludes, (p, q) => p.target === q.target && p.via === q.via && p.line === q.line && p.reason === q.reason) &&
    sameList(a.usedBy, b.usedBy, eq)
  );
}

function sameGate(a: GateResult, b: GateResult): boolean {
  return (
    a.environment === b.environment &&
    a.allowed === b.allowed &&
    a.approvalsMet === b.approvalsMet &&
    a.approvalsCounted === b.approvalsCounted &&
    a.approvalsRequired === b.approvalsRequired &&
    sameList(a.approvals, b.approvals, (p, q) => sameRecord(p.review, q.review) && sameList(p.owners, q.owners, eq)) &&
    sameRecords(a.changeRequests, b.changeRequests) &&
    sameList(a.ignored, b.ignored, (p, q) => sameRecord(p.review, q.review) && p.reason === q.reason) &&
    sameList(a.unmet, b.unmet, sameRequirement) &&
    sameList(a.warnings, b.warnings, sameRequirement) &&
    sameList([...a.checks], [...b.checks], ([n, p], [m, q]) => n === m && sameRecord(p, q))
  );
}

function sameRequirement(a: Requirement, b: Requirement): boolean {
  return a.code === b.code && a.message === b.message && a.severity === b.severity;
}

function sameApprovals(a: PullRequestApproval[] | undefined, b: PullRequestApproval[] | undefined): boolean {
  return sameList(a ?? [], b ?? [], (p, q) => p.email === q.email && p.counts === q.counts && p.signed === q.signed && p.survivesMerge === q.survivesMerge && p.reason === q.reason);
}

/** Records are append-only and named by their blob and commit: the same names are the same records. */
function sameRecords(a: StoredRecord[], b: StoredRecord[]): boolean {
  return sameList(a, b, sameRecord);
}

function sameRecord(a: StoredRecord, b: StoredRecord): boolean {
  return a.path === b.path && a.blob === b.blob && a.commit === b.commit;
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x, i) => same(x, b[i]));
}

function sameKeyed<T>(a: Record<string, T>, b: Record<string, T>, same: (x: T, y: T) => boolean): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => same(a[k], b[k]));
}

function eq<T>(a: T, b: T): boolean {
  return a === b;
}
