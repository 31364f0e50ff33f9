import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import { approvalsSummary, stateIcon, stateText } from './present';
import type { PromptWorkspace } from './workspace';

/** State and approvals of the active prompt; clicking offers the actions. */
export class PromptStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('promptRelease.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly workspace: PromptWorkspace) {
    this.item.name = 'Prompt Release';
    this.item.command = COMMANDS.showActions;
    this.disposables.push(this.item, workspace.onDidChange(() => this.update()), vscode.window.onDidChangeActiveTextEditor(() => this.update()));
    this.update();
  }

  update(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const found = uri && this.workspace.promptAt(uri);
    if (!found) {
      this.item.hide();
      return;
    }
    this.item.text = `$(${stateIcon(found.prompt.state).id}) ${stateText(found.prompt)} · ${approvalsSummary(found.prompt)}`;
    this.item.tooltip = `${found.prompt.path}\nOwners: ${found.prompt.owners.join(', ') || 'none'}\nClick for review and release actions.`;
    this.item.show();
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
