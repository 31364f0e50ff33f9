import { PromptReleaseError } from '../core/common/errors';
import { analyze } from '../core/model/model';
import { RecordLedger } from '../core/reviews/ledger';
import { afterMerge, branchApprovalsByPath, pullRequestAuthor, pullRequestReport, squashTrailers, type PullRequestApproval, type PullRequestReport } from '../core/model/pullRequest';
import type { MergeMethod } from '../core/policy/config';
import type { LogCommit } from '../core/history/history';
import type { PromptRepository } from '../git/repository';

/**
 * The pull request report: HEAD (a branch or a detached checkout) against `base` from their
 * merge base. The base is the trusted root: its policy, CODEOWNERS and signers decide, and its
 * ledger is the evidence; the branch's own records are added as pending evidence, attributed
 * as the configured merge method will leave them. Nothing is written; no identity is needed.
 */
export async function pullRequest(repo: PromptRepository, base: string, baseCommit?: string): Promise<PullRequestReport> {
  let trusted = await repo.resolveTrusted(base).catch((err: unknown) => {
    // Said in the words of this command: the base is what --base (or the event) named.
    if (err instanceof PromptReleaseError) throw new PromptReleaseError('not-found', `base ${err.message.replace(/^the trusted branch /, '')}`, { hint: 'Name the branch the pull request goes into, as this clone has it (--base origin/main, or in full: refs/remotes/origin/main); fetch it first if needed.' });
    throw err;
  });
  if (baseCommit) {
    // The event's base commit (a merge queue's base_sha) is the root, under the base's name.
    const commit = await repo.commitId(baseCommit);
    if (!commit) throw new PromptReleaseError('not-found', `the base commit ${baseCommit} is not in this clone`, { hint: 'Check out with full history: actions/checkout with fetch-depth: 0.' });
    trusted = { ref: trusted.ref, commit };
    repo.trustedPin = trusted;
  }
  repo.trustedOverride = trusted.ref;
  const [snapshotRead, factsRead] = await Promise.allSettled([repo.snapshot(), repo.pullRequestFacts(trusted)]);
  if (snapshotRead.status === 'rejected') throw snapshotRead.reason;
  const snapshot = snapshotRead.value;
  if (snapshot.shallow) {
    throw new PromptReleaseError('shallow-clone', 'this clone is shallow, so who wrote each change and who approved it cannot be established; no report was made', {
      hint: 'Fetch the full history first: git fetch --unshallow (in GitHub Actions: actions/checkout with fetch-depth: 0).',
    });
  }
  if (factsRead.status === 'rejected') throw factsRead.reason;
  const facts = factsRead.value;
  const { policy } = snapshot;
  const method = policy.config.merge ?? 'merge';
  const branchCommits = new Set(facts.commits.map((c) => c.commit));
  const onBase = new Set(facts.baseLog.map((c) => c.commit));
  const modelWith = (branchLog: LogCommit[], promptLog: LogCommit[]) => {
    const ledger = new RecordLedger([...facts.baseLog, ...branchLog], facts.texts, policy.people, new Map(), policy.ledger.signers);
    for (const r of ledger.records) if (r.commit && !onBase.has(r.commit)) r.pending = true;
    return analyze({ ...snapshot, promptLog, policy: { ...policy, ledger } });
  };
  const recorded = modelWith(facts.branchLog, snapshot.promptLog);
  if (method !== 'squash') return pullRequestReport({ merged: recorded, recorded, changes: facts.changes, mergeBase: facts.mergeBase, branchCommits, pullRequestAuthor: pullRequestAuthor(facts.commits) });
  // A squash: one commit by the pull request's author, with the Co-authored-by trailers the
  // squash message should carry (those who wrote content), for the records and the prompts.
  const trailers = squashTrailers(facts.commits);
  const mergedRecords = afterMerge(facts.branchLog, facts.commits, method, trusted.commit, trailers.keep);
  const basePromptLog = snapshot.promptLog.filter((c) => !branchCommits.has(c.commit));
  const branchPromptLog = snapshot.promptLog.filter((c) => branchCommits.has(c.commit));
  const merged = modelWith(mergedRecords, [...basePromptLog, ...afterMerge(branchPromptLog, facts.commits, method, trusted.commit, trailers.keep)]);
  for (const c of mergedRecords) branchCommits.add(c.commit);
  return pullRequestReport({ merged, recorded, changes: facts.changes, mergeBase: facts.mergeBase, branchCommits, pullRequestAuthor: pullRequestAuthor(facts.commits), trailers });
}

export interface BranchApprovals {
  mergeMethod: MergeMethod;
  /** Per prompt path, the approvals recorded on this branch and whether each counts once merged. */
  byPath: Map<string, PullRequestApproval[]>;
}

/**
 * For status on a branch (the CLI's and the editor's): the approvals recorded on HEAD's branch
 * against the trusted branch, as the pull request report judges them. Undefined when that cannot
 * be established (a shallow clone, no merge base): then nothing is said about the branch. The
 * repository's trusted-branch choice is left as it was, so later reads follow the configuration.
 */
export async function branchApprovals(repo: PromptRepository, trustedRef: string): Promise<BranchApprovals | undefined> {
  const [override, pin] = [repo.trustedOverride, repo.trustedPin];
  try {
    const report = await pullRequest(repo, trustedRef);
    return { mergeMethod: report.mergeMethod, byPath: branchApprovalsByPath(report) };
  } catch {
    return undefined;
  } finally {
    repo.trustedOverride = override;
    repo.trustedPin = pin;
  }
}
