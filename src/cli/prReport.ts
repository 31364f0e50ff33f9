import { PromptReleaseError } from '../core/common/errors';
import { approvalLine, branchApprovalsHeading, type PullRequestReport } from '../core/model/pullRequest';
import { branchApprovals, pullRequest } from '../usecases/pullRequest';
import type { PromptRepository } from '../git/repository';
import { EXIT } from './exitCodes';
import type { Output } from './output';

/**
 * `prompt-release pr-report --base <ref>`: what the gate will say about a pull request once it
 * is merged. Exits 0 whenever it could report, whatever the approvals say.
 */
export async function prReportCommand(repo: PromptRepository, base: string | undefined, format: string | undefined, out: Output): Promise<number> {
  if (!base) throw new PromptReleaseError('invalid-usage', 'pr-report needs --base: the branch the pull request goes into, e.g. --base origin/main', { hint: 'Usage: prompt-release pr-report --base <ref> [--json | --format markdown]' });
  if (format !== undefined && format !== 'text' && format !== 'markdown') throw new PromptReleaseError('invalid-usage', `--format accepts text or markdown, not "${format}"`, { hint: 'Use --json for a JSON document.' });
  const report = await pullRequest(repo, base);
  if (out.json) {
    for (const w of report.warnings) out.error(`warning: ${w}`);
    out.data(report);
    return EXIT.ok;
  }
  if (format === 'markdown') {
    for (const w of report.warnings) out.error(`warning: ${w}`);
    process.stdout.write(markdownReport(report));
    return EXIT.ok;
  }
  for (const line of textReport(report)) out.line(line);
  return EXIT.ok;
}

/**
 * For status on a branch: the approvals recorded on this branch, which do not count until it is
 * merged into the trusted branch, and whether each will count then. Nothing when HEAD is on it.
 */
export async function branchApprovalLines(repo: PromptRepository, trusted: { ref: string }, paths?: Set<string>): Promise<string[]> {
  const branch = await branchApprovals(repo, trusted.ref);
  if (!branch) return [];
  const lines: string[] = [];
  for (const [path, approvals] of branch.byPath) {
    if (paths && !paths.has(path)) continue;
    for (const a of approvals) lines.push(`  ${path}: ${approvalLine(a)}`);
  }
  return lines.length ? [branchApprovalsHeading(trusted.ref, branch.mergeMethod), ...lines] : [];
}

function squashLines(m: { keep: string[]; drop: string[] }): string[] {
  return [
    `Squash message: keep Co-authored-by for ${m.keep.join(', ') || 'nobody'} (wrote content)`,
    `Squash message: remove Co-authored-by for ${m.drop.join(', ') || 'nobody'} (only added records)`,
  ];
}

export function textReport(r: PullRequestReport): string[] {
  const lines: string[] = [];
  lines.push(`Pull request: ${r.head.slice(0, 10)} against ${r.base.ref} at ${r.base.commit.slice(0, 10)} (merge base ${r.mergeBase.slice(0, 10)}); merge method: ${r.mergeMethod}.`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  if (r.squashMessage) lines.push(...squashLines(r.squashMessage));
  if (!r.prompts.length && !r.rules.length && !r.deleted.length) lines.push('This branch changes no prompt and no rules file.');
  for (const p of r.prompts) {
    lines.push('');
    lines.push(`${p.path} — ${p.change}${p.from ? ` from ${p.from}` : ''}${p.includesChanged ? ` (${p.includesChanged.join(', ')})` : ''}`);
    lines.push(`  owners: ${p.owners.join(', ') || 'none in the base CODEOWNERS'}`);
    lines.push(`  authors: ${p.authors.join(', ') || 'unknown'}`);
    if (p.unusable) lines.push(`  cannot be released: ${p.unusable}`);
    if (!p.approvals.length) lines.push('  no approvals of this content yet');
    for (const a of p.approvals) lines.push(`  ${approvalLine(a)}`);
    for (const c of p.changeRequests) lines.push(`  changes requested by ${c.by}${c.comment ? `: ${c.comment}` : ''}`);
    if (p.ownerMustApprove) lines.push(`  an owner (${p.owners.join(', ')}) must still approve`);
    for (const e of p.environments) {
      lines.push(`  ${e.name}: ${e.allowed ? 'ready once merged' : 'blocked'} (${e.approvalsCounted} of ${e.approvalsRequired} approvals${e.ownerApproval ? ', an owner required' : ''})`);
      for (const b of e.blocking) lines.push(`    - ${b.message}`);
    }
  }
  for (const d of r.deleted) lines.push('', `${d} — deleted`);
  if (r.rules.length) {
    lines.push('', 'Rules changes:');
    for (const c of r.rules) {
      lines.push(`  ${c.path} (${c.change}): ${c.message}`);
      for (const a of c.approvals) lines.push(`    ${approvalLine(a)}`);
    }
  }
  return lines;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownReport(r: PullRequestReport): string {
  const md: string[] = [`## Prompt release report`, '', `Against \`${r.base.ref}\` at \`${r.base.commit.slice(0, 10)}\` (merge base \`${r.mergeBase.slice(0, 10)}\`); merge method: **${r.mergeMethod}**.`, ''];
  for (const w of r.warnings) md.push(`> ⚠️ ${w}`, '');
  if (r.squashMessage) md.push(...squashLines(r.squashMessage).map((l) => `- ${l}`), '');
  if (!r.prompts.length && !r.rules.length && !r.deleted.length) md.push('This pull request changes no prompt and no rules file.', '');
  for (const p of r.prompts) {
    const ready = p.environments.filter((e) => e.allowed).map((e) => e.name);
    md.push(`### \`${p.path}\` — ${p.change}${p.from ? ` from \`${p.from}\`` : ''}`, '');
    md.push(`- Owners: ${p.owners.join(', ') || 'none in the base CODEOWNERS'}`);
    md.push(`- Authors: ${p.authors.join(', ') || 'unknown'}`);
    if (p.includesChanged) md.push(`- Includes changed: ${p.includesChanged.map((i) => `\`${i}\``).join(', ')}`);
    if (p.unusable) md.push(`- Cannot be released: ${p.unusable}`);
    md.push(p.approvals.length ? '- Approvals:' : '- Approvals: none yet');
    for (const a of p.approvals) md.push(`  - ${a.counts ? '✅' : '❌'} ${cell(approvalLine(a))}`);
    for (const c of p.changeRequests) md.push(`- ✋ Changes requested by ${c.by}${c.comment ? `: ${cell(c.comment)}` : ''}`);
    if (p.ownerMustApprove) md.push(`- An owner (${p.owners.join(', ')}) must still approve.`);
    md.push(`- Ready once merged: ${ready.join(', ') || 'nowhere yet'}`, '');
    md.push('| Environment | Approvals | Still needed |', '| --- | --- | --- |');
    for (const e of p.environments) md.push(`| ${e.name} | ${e.approvalsCounted} of ${e.approvalsRequired}${e.ownerApproval ? ' (owner required)' : ''} | ${e.allowed ? '✅ nothing' : cell(e.blocking.map((b) => b.message).join('; '))} |`);
    md.push('');
  }
  for (const d of r.deleted) md.push(`### \`${d}\` — deleted`, '');
  if (r.rules.length) {
    md.push('### Rules changes', '');
    for (const c of r.rules) {
      md.push(`- \`${c.path}\` (${c.change}): ${c.message}`);
      for (const a of c.approvals) md.push(`  - ${a.counts ? '✅' : '❌'} ${cell(approvalLine(a))}`);
    }
    md.push('');
  }
  return md.join('\n') + '\n';
}
