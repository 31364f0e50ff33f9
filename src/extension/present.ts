import * as vscode from 'vscode';
import type { PromptStatus, RepoModel } from '../core/model/model';
import type { MergeMethod } from '../core/policy/config';
import type { GateResult } from '../core/policy/policy';
import { approvalLine, branchApprovalsHeading, type PullRequestApproval } from '../core/model/pullRequest';
import { approvalSignatureLines } from '../core/reviews/signedEvidence';
import { approvalsText, gateNote, stateLabel, type PromptState } from '../core/policy/state';
import { shortRefName } from '../core/policy/trustedRef';

interface StateLook {
  icon: string;
  color: string;
  badge: string;
}

/** Codicons and contributed theme colours per state; colours default to git's own decoration colours. */
const LOOKS: Record<PromptState['kind'], StateLook> = {
  draft: { icon: 'edit', color: 'promptRelease.draftForeground', badge: 'D' },
  'in-review': { icon: 'eye', color: 'promptRelease.inReviewForeground', badge: 'R' },
  'changes-requested': { icon: 'request-changes', color: 'promptRelease.changesRequestedForeground', badge: 'C' },
  approved: { icon: 'pass', color: 'promptRelease.approvedForeground', badge: 'A' },
  released: { icon: 'rocket', color: 'promptRelease.releasedForeground', badge: 'V' },
  modified: { icon: 'diff-modified', color: 'promptRelease.modifiedForeground', badge: 'M' },
};

export function stateLook(state: PromptState): StateLook {
  return LOOKS[state.kind];
}

export function stateIcon(state: PromptState): vscode.ThemeIcon {
  const look = stateLook(state);
  return new vscode.ThemeIcon(look.icon, new vscode.ThemeColor(look.color));
}

/** "1/1 staging · 2/2 production, none from a code owner yet": never reads as met while a rule is unmet. */
export function approvalsSummary(prompt: PromptStatus): string {
  const names = prompt.gates.map((g) => g.environment);
  return prompt.gates.map((g) => `${g.approvalsCounted}/${g.approvalsRequired} ${g.environment}${noteOf(g, names)}`).join(' · ');
}

function noteOf(gate: GateResult, names: string[]): string {
  const note = gateNote(gate, names);
  return note ? `, ${note}` : '';
}

export function ownersText(prompt: PromptStatus): string {
  return prompt.owners.length ? prompt.owners.join(', ') : 'no owner';
}

/** The one-line state shown in CodeLens, status bar and tree. */
export function stateText(prompt: PromptStatus): string {
  const edited = prompt.workingCopy === 'modified' ? ' (edited, not committed)' : prompt.workingCopy === 'untracked' ? ' (not committed)' : '';
  return stateLabel(prompt.state) + edited;
}

/** Where the editor's surfaces read a prompt's approvals recorded on a branch that is not the trusted one. */
export interface OnBranch {
  trustedRef: string;
  mergeMethod: MergeMethod;
  approvals: PullRequestApproval[];
}

/** The approvals recorded on this branch, in the CLI's words: "approved by … on this branch, unsigned — counts once merged". */
export function branchLines(branch: OnBranch | undefined): string[] {
  if (!branch?.approvals.length) return [];
  return [branchApprovalsHeading(branch.trustedRef, branch.mergeMethod), ...branch.approvals.map((a) => `  ${approvalLine(a)}`)];
}

/**
 * The hover of a prompt; with the model, each standing approval says whether it is signed and by
 * whom; on a branch, the approvals recorded there follow, apart from those that count now.
 */
export function tooltip(prompt: PromptStatus, model?: Pick<RepoModel, 'people' | 'config'>, branch?: OnBranch): string {
  const lines = [`${prompt.path}: ${stateText(prompt)}`, `Owners: ${prompt.owners.length ? prompt.owners.join(', ') : 'none — add this prompt to CODEOWNERS'}`];
  for (const gate of prompt.gates) {
    const current = prompt.current[gate.environment];
    lines.push(`${gate.environment}: ${current ? `v${current.evidence.version}` : 'not released'}, approvals ${approvalsText(gate, prompt.gates.map((g) => g.environment))}`);
  }
  if (prompt.unusable) lines.push(`Cannot be reviewed: ${prompt.unusable}`);
  const stale = prompt.gates.flatMap((g) => g.unmet).find((u) => u.code === 'dependency-changed');
  if (stale) lines.push(`Approvals stale: ${stale.message}`);
  for (const gate of Object.values(prompt.live)) for (const w of gate?.warnings ?? []) lines.push(`Live version: ${w.message}`);
  if (model) lines.push(...approvalSignatureLines(model, prompt));
  lines.push(...branchLines(branch));
  return lines.join('\n');
}

/** Where a policy file stands: the version in force on the trusted branch, or a change waiting for an owner. */
export function policyText(model: RepoModel, file: string, blob: string | undefined): { title: string; tooltip: string } {
  const pending = model.policy.pending.find((p) => p.file === file);
  const inForce = model.policy.inForce.get(file);
  if (pending && pending.blob === blob) {
    return { title: `Release rules: change not in force · needs an owner (${pending.owners.join(', ')})`, tooltip: pending.message };
  }
  if (blob && inForce === blob) return { title: `Release rules in force on ${shortRefName(model.trusted.ref)}`, tooltip: `This version of ${file} is the policy the gate and verify apply (trusted: ${model.trusted.ref} at ${model.trusted.commit.slice(0, 10)}).` };
  return {
    title: `Release rules: this version is not in force on ${shortRefName(model.trusted.ref)}`,
    tooltip: `The gate applies the version of ${file} in force on the trusted branch ${model.trusted.ref}; merge this one there (and have an owner approve it if the file has owners).`,
  };
}

/** Environments whose live version of this prompt is due for review: " · review due in production". */
export function reviewDueText(prompt: PromptStatus): string {
  const envs = Object.entries(prompt.live).filter(([, gate]) => gate?.warnings.some((w) => w.code === 'review-due')).map(([env]) => env);
  return envs.length ? ` · $(bell) review due in ${envs.join(', ')}` : '';
}
