import { ownersOf } from '../ownership/codeowners';
import { CONFIG_FILE, type MergeMethod } from '../policy/config';
import { ZERO_OID, type FileChange, type LogCommit } from '../history/history';
import type { Identity } from '../ownership/identity';
import type { PromptStatus, RepoModel, TrustedRef } from './model';
import type { Requirement } from '../policy/policy';
import { CODEOWNERS_LOCATIONS } from '../ownership/codeowners';
import { promptMatcher } from '../prompts/prompts';
import { isRecordPath, type ReviewRecord, type StoredRecord } from '../reviews/records';

/** A file the branch changed since its merge base with the base (git diff --name-status -M). */
export interface BranchChange {
  status: string;
  path: string;
  from?: string;
}

/**
 * The branch's commits as the trusted branch will have them after the merge. A merge commit
 * and a rebase keep each commit's author (a rebase rewrites the commits, not who wrote them);
 * a squash makes one commit authored by the pull request's author (taken to be the author of
 * its first commit) with GitHub's default `Co-authored-by` trailer for every other commit
 * author (or the trailers given), holding the net change of each file. `log` is the part of
 * the branch's history to rewrite (records, or prompt files), parents first.
 */
export function afterMerge(log: LogCommit[], commits: LogCommit[], method: MergeMethod, baseTip: string, coAuthors?: Identity[]): LogCommit[] {
  if (method !== 'squash' || log.length === 0) return log;
  const author = pullRequestAuthor(commits) ?? log[0].author;
  const first = new Map<string, FileChange>();
  const last = new Map<string, FileChange>();
  for (const c of log) {
    for (const ch of c.changes) {
      if (!first.has(ch.path)) first.set(ch.path, ch);
      last.set(ch.path, ch);
    }
  }
  const changes: FileChange[] = [];
  for (const [path, end] of last) {
    const start = first.get(path)!;
    const addedHere = start.status === 'A' || (start.sources.length > 0 && start.sources.every((s) => s.blob === ZERO_OID));
    if (end.status === 'D' || end.blob === ZERO_OID) {
      if (!addedHere) changes.push({ ...end, sources: start.sources });
      continue;
    }
    changes.push({ ...end, status: addedHere ? 'A' : start.status === 'R' ? 'R' : end.status, sources: addedHere ? [] : start.sources });
  }
  const tip = commits[commits.length - 1]?.commit ?? log[log.length - 1].commit;
  return [{ commit: `squash-of-${tip}`, parents: [baseTip], author, coAuthors: coAuthors ?? squashCoAuthors(commits, author), time: log[log.length - 1].time, changes }];
}

/**
 * What GitHub's default squash message would say about the branch's commit authors: each
 * other author gets a `Co-authored-by` trailer, which makes them an author of the squashed
 * content. Those whose commits changed only records (reviewers who pushed their approvals)
 * did not write it: their trailer should be removed from the squash message. Those who
 * changed anything else wrote part of it: their trailer must stay.
 */
export function squashTrailers(commits: LogCommit[]): { keep: Identity[]; drop: Identity[] } {
  const author = pullRequestAuthor(commits);
  if (!author) return { keep: [], drop: [] };
  const wrote = new Set<string>();
  for (const c of commits) {
    if (c.changes.some((ch) => !isRecordPath(ch.path))) for (const who of [c.author, ...c.coAuthors]) wrote.add(who.email.toLowerCase());
  }
  const all = squashCoAuthors(commits, author);
  return { keep: all.filter((w) => wrote.has(w.email.toLowerCase())), drop: all.filter((w) => !wrote.has(w.email.toLowerCase())) };
}

/** Who opened the pull request, as far as git can tell: the author of its first commit. */
export function pullRequestAuthor(commits: LogCommit[]): Identity | undefined {
  return commits[0]?.author;
}

/** GitHub's default squash message names every commit author but the pull request's as a co-author. */
export function squashCoAuthors(commits: LogCommit[], author: Identity): Identity[] {
  const seen = new Set([author.email.toLowerCase()]);
  const result: Identity[] = [];
  for (const c of commits) {
    for (const who of [c.author, ...c.coAuthors]) {
      const key = who.email.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      result.push(who);
    }
  }
  return result;
}

export interface PullRequestApproval {
  /** Name, handle or email. */
  by: string;
  email: string;
  /** The CODEOWNERS owners this approver stands for. */
  owners: string[];
  signed: boolean;
  /** Recorded by a commit of this branch (not yet on the base). */
  onBranch: boolean;
  /** Still attributed to its approver after the configured merge method. */
  survivesMerge: boolean;
  /** Counts toward the gate once merged (attributable, not an author, signed where required). */
  counts: boolean;
  /** Why it will not count, when it will not. */
  reason?: string;
}

export interface PullRequestEnvironment {
  name: string;
  /** Whether the gate would allow a release once merged with these approvals. */
  allowed: boolean;
  approvalsCounted: number;
  approvalsRequired: number;
  ownerApproval: boolean;
  /** What still blocks, in the gate's words. */
  blocking: { code: Requirement['code']; message: string; people?: string[] }[];
}

export interface PullRequestPrompt {
  path: string;
  change: 'added' | 'modified' | 'renamed' | 'includes changed';
  from?: string;
  /** Which of its includes the branch changed. */
  includesChanged?: string[];
  owners: string[];
  authors: string[];
  approvals: PullRequestApproval[];
  changeRequests: { by: string; comment?: string }[];
  /** Whether an owner must still approve (in some environment). */
  ownerMustApprove: boolean;
  environments: PullRequestEnvironment[];
  unusable?: string;
}

export interface PullRequestRulesChange {
  path: string;
  change: 'added' | 'modified' | 'renamed' | 'deleted';
  owners: string[];
  approvals: PullRequestApproval[];
  message: string;
}

export interface PullRequestReport {
  base: TrustedRef;
  head: string;
  mergeBase: string;
  mergeMethod: MergeMethod;
  /** The author a squash merge would give every record (the first commit's author). */
  pullRequestAuthor?: string;
  prompts: PullRequestPrompt[];
  rules: PullRequestRulesChange[];
  /** Prompts the branch deleted. */
  deleted: string[];
  /** With squash: the Co-authored-by trailers the squash message must keep (they wrote content) and should drop (they only added records). */
  squashMessage?: { keep: string[]; drop: string[] };
  warnings: string[];
}

/**
 * One approval in words, the same in the CLI's status and report and in the editor:
 * "approved by Bob Reviewer <bob@example.com>, on this branch, unsigned — counts once merged".
 */
export function approvalLine(a: PullRequestApproval): string {
  const who = `${a.by}${a.owners.length ? ` (owner ${a.owners.join(', ')})` : ''}`;
  const where = a.onBranch ? 'on this branch' : 'on the base';
  const how = a.signed ? 'signed' : 'unsigned';
  if (a.counts) return `approved by ${who}, ${where}, ${how} — ${a.onBranch ? 'counts once merged' : 'counts'}`;
  return `approved by ${who}, ${where}, ${how} — will not count: ${a.reason}`;
}

/** What the approvals recorded on a branch are, said above them: they are not on the trusted branch yet. */
export function branchApprovalsHeading(trustedRef: string, method: MergeMethod): string {
  return `Approvals on this branch (not on ${trustedRef} yet; merge method ${method}):`;
}

/** Per prompt path, the approvals recorded on this branch (not yet on the base). */
export function branchApprovalsByPath(report: PullRequestReport): Map<string, PullRequestApproval[]> {
  const byPath = new Map<string, PullRequestApproval[]>();
  for (const p of report.prompts) {
    const mine = p.approvals.filter((a) => a.onBranch);
    if (mine.length) byPath.set(p.path, mine);
  }
  return byPath;
}

/**
 * What status and init say when the repository merges by squash or rebase and no environment
 * requires signatures. Evidence is not switched off: the records still count where attributable.
 */
export function mergeMethodWarning(config: { merge?: MergeMethod; environments: { signatures?: string }[] }): string | undefined {
  if (!config.merge || config.merge === 'merge') return undefined;
  const allSigned = config.environments.length > 0 && config.environments.every((e) => e.signatures === 'required');
  if (allSigned) return undefined;
  if (config.merge === 'squash') {
    return `warning: ${CONFIG_FILE} says pull requests are merged by squash: records on a branch are attributed by their commit's author, which a squash merge replaces with the pull request's author, so unsigned approvals made on a pull request branch stop counting once it is squashed; sign records (signers: and signatures: required) or merge with merge commits. prompt-release pr-report shows which approvals survive.`;
  }
  return `warning: ${CONFIG_FILE} says pull requests are merged by rebase: a rebase keeps commit authors (unlike a squash merge, which replaces them with the pull request's author), so unsigned records stay attributed only as far as commit authors are trusted; sign records (signers: and signatures: required) to prove who approved.`;
}

/** A person as people know them: their name, else their email. */
export function personName(who: Identity): string {
  return who.name ? `${who.name} <${who.email}>` : who.email;
}

/** Requirements that describe the branch, not the prompt: merging answers them. */
const MERGE_ANSWERS = new Set<Requirement['code']>(['not-on-trusted-branch', 'uncommitted']);

/**
 * The pull request report: `merged` is the model of HEAD's prompts under the base's policy with
 * the branch's records added as the configured merge method will leave them; `recorded` the
 * same with the branch's records as committed. One evaluator decides both.
 */
export function pullRequestReport(input: {
  merged: RepoModel;
  recorded: RepoModel;
  changes: BranchChange[];
  mergeBase: string;
  branchCommits: Set<string>;
  pullRequestAuthor?: Identity;
  trailers?: { keep: Identity[]; drop: Identity[] };
}): PullRequestReport {
  const { merged, recorded, changes } = input;
  const method = merged.config.merge ?? 'merge';
  const changed = new Map(changes.map((c) => [c.path, c]));
  const rulesFiles = new Set([CONFIG_FILE, ...CODEOWNERS_LOCATIONS, ...(merged.config.signers ? [merged.config.signers] : [])]);
  const prompts: PullRequestPrompt[] = [];
  const warnings: string[] = [];
  for (const p of merged.prompts) {
    if (!p.governed || !p.blob) continue;
    const c = changed.get(p.path);
    const includesChanged = p.includes.map((d) => d.path).filter((d) => changed.has(d));
    if (!c && includesChanged.length === 0) continue;
    const change: PullRequestPrompt['change'] = !c ? 'includes changed' : c.status === 'A' ? 'added' : c.status === 'R' ? 'renamed' : 'modified';
    const approvals = approvalsOf(merged, recorded.byPath.get(p.path), p, input.branchCommits, method);
    const environments = p.gates.map((g) => {
      const blocking = g.unmet.filter((u) => !MERGE_ANSWERS.has(u.code)).map((u) => ({ code: u.code, message: u.message, ...(u.people ? { people: u.people } : {}) }));
      return { name: g.environment, allowed: blocking.length === 0, approvalsCounted: g.approvalsCounted, approvalsRequired: g.approvalsRequired, ownerApproval: merged.config.environments.find((e) => e.name === g.environment)?.ownerApproval ?? false, blocking };
    });
    prompts.push({
      path: p.path,
      change,
      ...(c?.from ? { from: c.from } : {}),
      ...(includesChanged.length ? { includesChanged } : {}),
      owners: p.owners,
      authors: p.authors.map(personName),
      approvals,
      changeRequests: p.gates[0]?.changeRequests.map((r) => ({ by: personName(r.record.by), ...(r.record.comment ? { comment: r.record.comment } : {}) })) ?? [],
      ownerMustApprove: environments.some((e) => e.blocking.some((b) => b.code === 'owner-approval')),
      environments,
      ...(p.unusable ? { unusable: p.unusable } : {}),
    });
  }
  const rules: PullRequestRulesChange[] = [];
  for (const c of changes) {
    if (!rulesFiles.has(c.path) && !(c.from && rulesFiles.has(c.from))) continue;
    const owners = ownersOf(merged.codeowners, c.path).owners;
    const status = merged.policyFiles.get(c.path);
    const change: PullRequestRulesChange['change'] = c.status === 'A' ? 'added' : c.status === 'D' ? 'deleted' : c.status === 'R' ? 'renamed' : 'modified';
    const approvals = status ? approvalsOf(merged, recorded.policyFiles.get(c.path), status, input.branchCommits, method) : [];
    const approvedByOwner = approvals.some((a) => a.counts && a.owners.length > 0);
    const message = owners.length
      ? approvedByOwner
        ? `takes effect once merged: an owner (${owners.join(', ')}) approved it`
        : `waits for approval: once merged it takes effect only after an owner (${owners.join(', ')}) approves it; until then the base's version stays in force`
      : `has no owner in the base's CODEOWNERS, so it takes effect as soon as it is merged`;
    rules.push({ path: c.path, change, owners, approvals, message });
  }
  const deleted = changes.filter((c) => c.status === 'D' && merged.prompts.every((p) => p.path !== c.path) && isPromptPath(merged, c.path)).map((c) => c.path);
  const unsignedOnBranch = [...prompts.flatMap((p) => p.approvals), ...rules.flatMap((r) => r.approvals)].filter((a) => a.onBranch && !a.signed);
  if (input.trailers?.drop.length) {
    warnings.push(
      `GitHub's default squash message adds a Co-authored-by trailer for ${input.trailers.drop.map(personName).join(', ')}, who only added records on this branch; a co-author is an author of the squashed content and cannot approve it, so remove ${input.trailers.drop.length > 1 ? 'those lines' : 'that line'} from the squash message${input.trailers.keep.length ? ` (keep the trailers of ${input.trailers.keep.map(personName).join(', ')}, who wrote part of it)` : ''}`,
    );
  }
  if (method !== 'merge' && unsignedOnBranch.length) {
    warnings.push(
      method === 'squash'
        ? `this repository merges by squash: records on a branch are attributed by their commit's author, which a squash merge replaces with the pull request's author, so the unsigned approvals on this branch will not count once merged; sign records (signers: in ${CONFIG_FILE}) or merge with merge commits`
        : `this repository merges by rebase: a rebase keeps commit authors, so unsigned approvals on this branch still count once merged, but only as far as the commit authors are trusted; sign records to prove who approved`,
    );
  }
  return {
    base: merged.trusted,
    head: merged.head.commit,
    mergeBase: input.mergeBase,
    mergeMethod: method,
    ...(input.pullRequestAuthor ? { pullRequestAuthor: personName(input.pullRequestAuthor) } : {}),
    prompts,
    rules,
    deleted,
    ...(input.trailers ? { squashMessage: { keep: input.trailers.keep.map(personName), drop: input.trailers.drop.map(personName) } } : {}),
    warnings,
  };
}

/** A path the base's policy makes a prompt (its globs), or one that was ever released. */
function isPromptPath(model: RepoModel, path: string): boolean {
  return promptMatcher(model.config)(path) || model.releases.some((r) => r.evidence.prompt === path);
}

/**
 * Approvals of the prompt's head content: those recorded (branch records as committed) and,
 * for each, whether the configured merge method keeps it and whether the gate counts it then.
 */
function approvalsOf(model: RepoModel, recorded: PromptStatus | undefined, merged: PromptStatus, branchCommits: Set<string>, method: MergeMethod): PullRequestApproval[] {
  const standing = (recorded ?? merged).currentReviews.filter((r) => r.record.verdict === 'approve');
  const gate = merged.gates[0];
  const mergedReviews = new Set(merged.currentReviews.map((r) => r.blob));
  return standing.map((r: StoredRecord<ReviewRecord>) => {
    const onBranch = r.commit !== undefined && branchCommits.has(r.commit);
    const signed = r.signature?.status === 'valid';
    const survivesMerge = mergedReviews.has(r.blob);
    const counted = gate?.approvals.find((a) => a.review.blob === r.blob);
    const ignored = gate?.ignored.find((i) => i.review.blob === r.blob);
    let reason: string | undefined;
    if (!survivesMerge) {
      reason =
        method === 'squash'
          ? `it is unsigned, and a squash merge makes the pull request's author the author of the commit that adds it, so it is no longer attributed to ${r.record.by.email}; sign it, or merge with a merge commit`
          : `it will not be attributed to ${r.record.by.email} once merged`;
    } else if (!counted && gate) reason = ignored?.reason ?? 'it does not count under the base policy';
    // A rules file has no gate: an approval counts when its approver did not write the change.
    const wrote = !gate && merged.authors.some((a) => model.people.personOf(a.email) === model.people.personOf(r.record.by.email));
    if (!gate && survivesMerge && wrote) reason = `${r.record.by.email} wrote part of this change and cannot approve it`;
    return {
      by: personName(r.record.by),
      email: r.record.by.email,
      owners: gate ? (counted?.owners ?? []) : model.people.ownersMatching(r.record.by.email, merged.owners),
      signed,
      onBranch,
      survivesMerge,
      counts: survivesMerge && (gate ? !!counted : !wrote),
      ...(reason ? { reason } : {}),
    };
  });
}
