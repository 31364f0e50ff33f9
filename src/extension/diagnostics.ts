import * as path from 'path';
import * as vscode from 'vscode';
import { PromptReleaseError, type SourceLocation } from '../core/common/errors';
import { groupProblems } from '../core/common/problemGroups';
import type { PromptWorkspace } from './workspace';

/** Prompts linked from one grouped entry; the CLI's status lists them all. */
const RELATED_LIMIT = 50;

/**
 * The Problems panel: configuration and CODEOWNERS errors at their line, review records that
 * do not count, release tags that are not trusted; many prompts with one cause (no owner) are
 * one entry on the file that fixes it, linking each prompt.
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
      return diagnostic;
    };
    for (const state of workspace.folders) {
      const root = state.repo?.root;
      if (!root) continue;
      if (state.error instanceof PromptReleaseError && state.error.location) {
        add(root, state.error.location, state.error.message + (state.error.hint ? ` ${state.error.hint}` : ''), vscode.DiagnosticSeverity.Error);
      }
      const model = state.model;
      for (const group of groupProblems(model?.problems ?? [])) {
        const severity = group.first.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
        // Causes fixed in each prompt (an include to repair, a live version to review again) stay on each file.
        const fixedInOnePlace = /CODEOWNERS|\.promptrelease\.yaml/.test(group.first.cause ?? '');
        if (group.problems.length > 1 && group.first.cause && fixedInOnePlace) {
          // Many prompts, one cause: one entry where it is fixed (CODEOWNERS), each prompt linked.
          const where = model?.codeowners ? { file: model.codeowners.file, line: 1 } : { file: '.promptrelease.yaml', line: 1 };
          const diagnostic = add(root, where, group.text, severity);
          diagnostic.relatedInformation = group.problems
            .slice(0, RELATED_LIMIT)
            .filter((p) => p.location)
            .map((p) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(path.join(root, p.location!.file)), new vscode.Position(Math.max(0, (p.location!.line ?? 1) - 1), 0)), p.message));
          continue;
        }
        for (const problem of group.problems) if (problem.location) add(root, problem.location, problem.message, severity);
      }
    }
    collection.clear();
    for (const [file, diagnostics] of byFile) collection.set(vscode.Uri.file(file), diagnostics);
  };
  const listener = workspace.onDidChange(update);
  return vscode.Disposable.from(listener, collection);
}
