import * as vscode from 'vscode';
import { furthestRelease } from '../core/reviews/operations';
import type { PromptWorkspace } from './workspace';

export const SCHEME = 'prompt-release';

/** A read-only document holding one blob of a prompt; the path keeps the file name for syntax. */
export function blobUri(root: string, file: string, blob: string, label: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: '/' + file, query: JSON.stringify({ root, blob, label }) });
}

export function parseBlobUri(uri: vscode.Uri): { root: string; blob: string; label: string } {
  return JSON.parse(uri.query);
}

/** Serves older versions of prompts from git for diffs; documents of this scheme cannot be edited. */
export class GitContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly workspace: PromptWorkspace) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { root, blob } = parseBlobUri(uri);
    if (!blob) return '';
    const state = this.workspace.folders.find((s) => s.repo?.root === root);
    if (!state?.repo) throw new Error(`the repository ${root} is not open in this window`);
    const [bytes] = await state.repo.readObjects([blob]);
    if (!bytes) throw new Error(`git object ${blob.slice(0, 10)} is not in ${root}; fetch it first`);
    return bytes.toString('utf8');
  }
}

/**
 * Gutter changes against the version in production (or the furthest environment the
 * prompt reached), through a source control that offers only a quick diff.
 */
export function productionResource(workspace: PromptWorkspace, uri: vscode.Uri): vscode.Uri | undefined {
  const found = workspace.promptAt(uri);
  const reached = found && furthestRelease(found.state.model, found.prompt);
  return reached ? blobUri(found.state.repo.root, found.prompt.path, reached.release.evidence.blob, `${reached.environment} v${reached.release.evidence.version}`) : undefined;
}

export function registerQuickDiff(workspace: PromptWorkspace): vscode.Disposable {
  const controls = new Map<string, vscode.SourceControl>();
  const sync = () => {
    for (const state of workspace.folders) {
      const root = state.repo?.root;
      if (!root || controls.has(root)) continue;
      const control = vscode.scm.createSourceControl('prompt-release', 'Prompt Releases (production)', vscode.Uri.file(root));
      control.inputBox.visible = false;
      control.quickDiffProvider = { provideOriginalResource: (uri) => productionResource(workspace, uri) };
      controls.set(root, control);
    }
  };
  const listener = workspace.onDidChange(sync);
  return new vscode.Disposable(() => {
    listener.dispose();
    for (const control of controls.values()) control.dispose();
  });
}
