import * as vscode from 'vscode';
import type { PromptStatus } from '../core/model';
import { stateLabel, type PromptState } from '../core/state';

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

/** "1/1 staging · 0/2 production" */
export function approvalsSummary(prompt: PromptStatus): string {
  return prompt.gates.map((g) => `${g.approvalsCounted}/${g.approvalsRequired} ${g.environment}`).join(' · ');
}

export function ownersText(prompt: PromptStatus): string {
  return prompt.owners.length ? prompt.owners.join(', ') : 'no owner';
}

/** The one-line state shown in CodeLens, status bar and tree. */
export function stateText(prompt: PromptStatus): string {
  const edited = prompt.workingCopy === 'modified' ? ' (edited, not committed)' : prompt.workingCopy === 'untracked' ? ' (not committed)' : '';
  return stateLabel(prompt.state) + edited;
}

export function tooltip(prompt: PromptStatus): string {
  const lines = [`${prompt.path}: ${stateText(prompt)}`, `Owners: ${prompt.owners.length ? prompt.owners.join(', ') : 'none — add this prompt to CODEOWNERS'}`];
  for (const gate of prompt.gates) {
    const current = prompt.current[gate.environment];
    lines.push(`${gate.environment}: ${current ? `v${current.evidence.version}` : 'not released'}, approvals ${gate.approvalsCounted}/${gate.approvalsRequired}`);
  }
  if (prompt.unusable) lines.push(`Cannot be reviewed: ${prompt.unusable}`);
  return lines.join('\n');
}
