import * as path from 'path';
import * as vscode from 'vscode';
import { stateLook, tooltip } from './present';
import { onBranchOf, type PromptWorkspace } from './workspace';

/** A badge and colour per state on every prompt in the explorer; "!" flags a prompt without owner. */
export class PromptDecorationProvider implements vscode.FileDecorationProvider {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.changeEmitter.event;

  constructor(private readonly workspace: PromptWorkspace) {
    // Only the prompts that changed are redrawn; without that list, every file is.
    workspace.onDidChange((change) => {
      const uris = change.paths && [...change.paths].flatMap(([root, paths]) => [...paths].filter(Boolean).map((p) => vscode.Uri.file(path.join(root, p))));
      this.changeEmitter.fire(uris);
    });
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const found = this.workspace.promptAt(uri);
    if (!found) return undefined;
    const { prompt } = found;
    const hover = tooltip(prompt, found.state.model, onBranchOf(found));
    const look = stateLook(prompt.state);
    const unowned = prompt.owners.length === 0;
    const decoration = new vscode.FileDecoration(
      unowned ? `${look.badge}!` : look.badge,
      unowned ? `${hover}\nThis prompt has no owner.` : hover,
      new vscode.ThemeColor(unowned ? 'promptRelease.unownedForeground' : look.color),
    );
    decoration.propagate = false;
    return decoration;
  }
}
