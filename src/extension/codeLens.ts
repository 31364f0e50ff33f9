import * as vscode from 'vscode';
import { approvalsSummary, ownersText, policyText, stateText } from './present';
import type { PromptWorkspace } from './workspace';

/** The state of a prompt where it is edited: owners, state, approvals and the actions. */
export class PromptCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  constructor(private readonly workspace: PromptWorkspace) {
    workspace.onDidChange(() => this.changeEmitter.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('promptRelease', document.uri).get<boolean>('codeLens.enabled', true)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const arg = [document.uri];
    const lens = (title: string, command: string, tooltip?: string) => new vscode.CodeLens(top, { title, command, arguments: arg, tooltip });
    const policy = this.workspace.policyFileAt(document.uri);
    if (policy) {
      const text = policyText(policy.state.model, policy.prompt.path, policy.prompt.blob);
      return [
        lens(`$(law) ${text.title}`, 'promptRelease.showActions', text.tooltip),
        lens('Approve', 'promptRelease.approve', 'Approve this version of the release rules (an owner who did not write it makes it take effect)'),
        lens('Request Changes', 'promptRelease.requestChanges'),
      ];
    }
    const found = this.workspace.promptAt(document.uri);
    if (!found) return [];
    const { prompt } = found;
    // Diffs are offered only when there is something to compare with.
    const released = Object.values(prompt.current).some(Boolean);
    const approved = prompt.reviews.some((r) => r.record.verdict === 'approve');
    return [
      lens(`$(person) ${ownersText(prompt)}`, 'promptRelease.requestReview', 'Owners from CODEOWNERS; click to request their review'),
      lens(`$(shield) ${stateText(prompt)} · ${approvalsSummary(prompt)}`, 'promptRelease.showActions', 'Approvals counted/required per environment'),
      ...(released ? [lens('Diff with Production', 'promptRelease.diffWithProduction', 'Compare the working copy with the version in the furthest environment')] : []),
      ...(approved ? [lens('Diff with Approved', 'promptRelease.diffWithApproved', 'Compare the working copy with the last approved content')] : []),
      lens('Request Review', 'promptRelease.requestReview'),
      lens('Approve', 'promptRelease.approve'),
      lens('Request Changes', 'promptRelease.requestChanges'),
      lens('Release…', 'promptRelease.release'),
    ];
  }
}
