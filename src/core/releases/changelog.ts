import { formatChangeSummary, formatLineCounts, summarizeChange } from '../history/changeSummary';
import { formatIdentity } from '../ownership/identity';
import type { Release } from './releases';
import { formatTime, byCodeUnits } from '../common/words';

/** One prompt's move in an environment during the period: from the version live before to the last one. */
export interface ChangelogEntry {
  path: string;
  from?: Release;
  to: Release;
  /** Every release of it in the period, oldest first (a promotion, then a rollback, …). */
  releases: Release[];
}

/**
 * Groups an environment's releases in a period by prompt. `inPeriod` says which releases
 * fall in it; the version before is the last release of the prompt there outside it.
 */
export function changelogEntries(releases: Release[], environment: string, inPeriod: (r: Release) => boolean): ChangelogEntry[] {
  const byPrompt = new Map<string, Release[]>();
  for (const r of releases) {
    if (r.evidence.environment !== environment) continue;
    byPrompt.set(r.evidence.prompt, [...(byPrompt.get(r.evidence.prompt) ?? []), r]);
  }
  const entries: ChangelogEntry[] = [];
  for (const [path, list] of [...byPrompt].sort(([a], [b]) => byCodeUnits(a, b))) {
    const ordered = [...list].sort((a, b) => a.evidence.sequence - b.evidence.sequence);
    const during = ordered.filter(inPeriod);
    if (!during.length) continue;
    const before = ordered.filter((r) => !inPeriod(r) && r.evidence.sequence < during[0].evidence.sequence).pop();
    entries.push({ path, from: before, to: during[during.length - 1], releases: during });
  }
  return entries;
}

/** The Markdown release notes; `texts` holds the content of each release's blob. */
export function changelogMarkdown(title: string, entries: ChangelogEntry[], texts: Map<string, string>): string {
  const lines = [`# ${title}`, ''];
  if (!entries.length) lines.push('No prompt was released in this period.', '');
  for (const e of entries) {
    const to = e.to.evidence;
    lines.push(`## ${e.path}: ${e.from ? `v${e.from.evidence.version} → ` : 'new, '}v${to.version}`, '');
    const approvers = to.approvals.map((a) => formatIdentity(a.by)).join(', ') || 'nobody (the policy required no approval)';
    lines.push(`Released by ${formatIdentity(to.releasedBy)} on ${formatTime(to.releasedAt)} (\`${e.to.tag}\`); approved by ${approvers}.`);
    if (e.releases.length > 1) lines.push(`Releases in this period: ${e.releases.map((r) => `v${r.evidence.version}`).join(', ')}.`);
    const before = e.from ? texts.get(e.from.evidence.blob) : undefined;
    const after = texts.get(to.blob);
    if (e.from && before !== undefined && after !== undefined) {
      const summary = summarizeChange(e.path, before, after);
      lines.push('', `Changes: ${formatLineCounts(summary)}.`);
      for (const m of formatChangeSummary(summary)) lines.push(`- ${m}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
