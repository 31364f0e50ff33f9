import { analyze } from '../core/model';
import { RecordLedger } from '../core/ledger';
import { afterMerge, pullRequestAuthor, pullRequestReport, type PullRequestReport } from '../core/pullRequest';
import type { PromptRepository } from './repository';

/**
 * The pull request report: HEAD (a branch or a detached checkout) against `base` from their
 * merge base. The base is the trusted root: its policy, CODEOWNERS and signers decide, and its
 * ledger is the evidence; the branch's own records are added as pending evidence, attributed
 * as the configured merge method will leave them. Nothing is written; no identity is needed.
 */
export async function pullRequest(repo: PromptRepository, base: string): Promise<PullRequestReport> {
  const trusted = await repo.resolveTrusted(base);
  repo.trustedOverride = trusted.ref;
  const [snapshot, facts] = await Promise.all([repo.snapshot(), repo.pullRequestFacts(trusted)]);
  const { policy } = snapshot;
  const method = policy.config.merge ?? 'merge';
  const branchCommits = new Set(facts.commits.map((c) => c.commit));
  const onBase = new Set(facts.baseLog.map((c) => c.commit));
  const modelWith = (branchLog: typeof facts.branchLog) => {
    const ledger = new RecordLedger([...facts.baseLog, ...branchLog], facts.texts, policy.people, new Map(), policy.ledger.signers);
    for (const r of ledger.records) if (r.commit && !onBase.has(r.commit)) r.pending = true;
    return analyze({ ...snapshot, policy: { ...policy, ledger } });
  };
  const recorded = modelWith(facts.branchLog);
  const mergedLog = afterMerge(facts.branchLog, facts.commits, method, trusted.commit);
  const merged = method === 'squash' ? modelWith(mergedLog) : recorded;
  for (const c of mergedLog) branchCommits.add(c.commit);
  return pullRequestReport({ merged, recorded, changes: facts.changes, mergeBase: facts.mergeBase, branchCommits, pullRequestAuthor: pullRequestAuthor(facts.commits) });
}
