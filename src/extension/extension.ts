import * as vscode from 'vscode';

// Minimal entry point so the integration harness has something to activate.
// The real body (tree, CodeLens, webview, ...) replaces this later.
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('promptRelease.refresh', () => {
      /* no-op for now */
    }),
  );
}

export function deactivate(): void {
  /* nothing to clean up */
}
