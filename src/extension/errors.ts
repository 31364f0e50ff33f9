import * as vscode from 'vscode';
import { formatLocation, PromptReleaseError } from '../core/common/errors';

/**
 * The one place errors become messages, like the git extension's command center: what
 * happened, where, and what to do next; other failures go to the log with their stack.
 */
export function reportError(err: unknown, log: vscode.LogOutputChannel, action: string): void {
  if (err instanceof PromptReleaseError) {
    const where = err.location ? ` (${formatLocation(err.location)})` : '';
    const text = `${capitalize(err.message)}${where}.${err.hint ? ' ' + err.hint : ''}`;
    log.warn(`${action}: ${text}`);
    const open = err.location ? 'Open File' : undefined;
    void vscode.window.showErrorMessage(text, ...(open ? [open] : [])).then((choice) => {
      if (choice && err.location) void openLocation(err.location.file, err.location.line, err.location.col);
    });
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  log.error(`${action} failed`, err instanceof Error ? err : new Error(message));
  void vscode.window.showErrorMessage(`Could not ${action}: ${message}. See the "Prompt Release" output for details.`);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

async function openLocation(file: string, line = 1, col = 1): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.find(() => true);
  const uri = file.startsWith('/') ? vscode.Uri.file(file) : folder ? vscode.Uri.joinPath(folder.uri, file) : undefined;
  if (!uri) return;
  const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, col - 1));
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position) });
}

/** Wraps a command so failures become clear messages instead of "command failed" toasts. */
export function guarded<A extends unknown[]>(log: vscode.LogOutputChannel, action: string, run: (...args: A) => unknown): (...args: A) => Promise<unknown> {
  return async (...args: A) => {
    try {
      return await run(...args);
    } catch (err) {
      reportError(err, log, action);
      return undefined;
    }
  };
}
