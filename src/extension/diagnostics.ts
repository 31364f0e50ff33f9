import * as path from 'path';
import * as vscode from 'vscode';
import { PromptReleaseError, type SourceLocation } from '../core/errors';
import type { PromptWorkspace } from './workspace';

/**
 * The Problems panel: configuration and CODEOWNERS errors at their line, prompts without
 * an owner, review records that do not count, release tags that are not trusted.
 */
export function registerDiagnostics(workspace: PromptWorkspace): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('prompt-release');
  const update = () => {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (root: string, location: SourceLocation | undefined, message: string, severity: vscode.DiagnosticSeverity) => {
      const file = path.join(root, location?.file ?? '.promptrelease.yaml');
      const line = Math.max(0, (location?.line ?? 1) - 1);
      const col = Math.max(0, (location?.col ?? 1) - 1);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER), message, severity);
      diagnostic.source = 'Prompt Release';
      const list = byFile.get(file) ?? [];
      list.push(diagnostic);
      byFile.set(file, list);
    };
    for (const state of workspace.folders) {
      const root = state.repo?.root;
      if (!root) continue;
      if (state.error instanceof PromptReleaseError && state.error.location) {
        add(root, state.error.location, state.error.message + (state.error.hint ? ` ${state.error.hint}` : ''), vscode.DiagnosticSeverity.Error);
      }
      for (const problem of state.model?.problems ?? []) {
        if (!problem.location) continue;
        add(root, problem.location, problem.message, problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      }
    }
    collection.clear();
    for (const [file, diagnostics] of byFile) collection.set(vscode.Uri.file(file), diagnostics);
  };
  const listener = workspace.onDidChange(update);
  return vscode.Disposable.from(listener, collection);
}
