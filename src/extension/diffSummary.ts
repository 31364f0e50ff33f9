import { readFileSync } from 'fs';
import * as vscode from 'vscode';
import { formatChangeSummary, formatLineCounts, summarizeChange } from '../core/history/changeSummary';
import { parseBlobUri, SCHEME } from './gitContent';

/**
 * What a change means, at the top of the older side of every diff against a released or
 * approved version (CodeLens is off in diff editors by default, so this uses a decoration):
 * "model: gpt-4o → gpt-4.1 · template variables: + {{order}}". The full list is its hover.
 */
export class DiffSummaryDecorations implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic', margin: '0 0 0 2em' },
  });
  private readonly disposables: vscode.Disposable[] = [this.decoration];

  constructor() {
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.update()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => e.document.uri.scheme === 'file' && this.update()),
    );
    this.update();
  }

  /** The summary shown on an older version's editor, for tests and the hover. */
  static summaryLines(older: vscode.TextDocument): { headline: string; lines: string[] } | undefined {
    if (older.uri.scheme !== SCHEME) return undefined;
    const { root, blob } = parseBlobUri(older.uri);
    if (!blob) return undefined;
    const file = older.uri.path.replace(/^\//, '');
    const workingUri = vscode.Uri.joinPath(vscode.Uri.file(root), file);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === workingUri.fsPath);
    let working: string;
    try {
      working = open ? open.getText() : readFileSync(workingUri.fsPath, 'utf8');
    } catch {
      return undefined;
    }
    const summary = summarizeChange(file, older.getText(), working);
    const lines = formatChangeSummary(summary);
    return { headline: `${formatLineCounts(summary)}${lines.length ? ` · ${lines.join(' · ')}` : '; no setting, variable or message changed'}`, lines };
  }

  private update(): void {
    // Only the older side of a diff: a version opened on its own has the same words as CodeLens.
    const originals = new Set(
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).flatMap((t) => (t.input instanceof vscode.TabInputTextDiff ? [t.input.original.toString()] : [])),
    );
    for (const editor of vscode.window.visibleTextEditors) {
      if (!originals.has(editor.document.uri.toString())) continue;
      const summary = DiffSummaryDecorations.summaryLines(editor.document);
      if (!summary) continue;
      const line = editor.document.lineAt(0).range;
      const hover = new vscode.MarkdownString(['**What this change means**', '', ...(summary.lines.length ? summary.lines.map((l) => `- ${l}`) : ['No model setting, template variable or message changed.'])].join('\n'));
      editor.setDecorations(this.decoration, [{ range: new vscode.Range(line.end, line.end), hoverMessage: hover, renderOptions: { after: { contentText: `⟶ ${summary.headline}` } } }]);
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
