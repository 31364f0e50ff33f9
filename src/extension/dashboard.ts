import { randomBytes } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import { dashboardData } from './dashboardData';
import type { PromptWorkspace } from './workspace';

/** Messages the dashboard posts back: an action on one prompt. */
interface ActionMessage {
  type: 'action';
  action: 'open' | 'diff' | 'approve' | 'requestChanges' | 'release' | 'history';
  root: string;
  path: string;
}

const ACTION_COMMANDS: Record<ActionMessage['action'], string> = {
  open: 'vscode.open',
  diff: COMMANDS.diffWithProduction,
  approve: COMMANDS.approve,
  requestChanges: COMMANDS.requestChanges,
  release: COMMANDS.release,
  history: COMMANDS.showHistory,
};

/**
 * The release dashboard: every prompt with owners, state and versions, recent releases
 * and pending reviews. Assets come only from media/, under a nonce-based CSP.
 */
export class PromptDashboard implements vscode.Disposable, vscode.WebviewPanelSerializer {
  static readonly viewType = 'promptRelease.dashboard';
  private panel?: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  /** Actions received from the webview, newest last (the log shows them too). */
  readonly received: ActionMessage[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly workspace: PromptWorkspace,
  ) {
    this.disposables.push(workspace.onDidChange(() => this.post()));
  }

  open(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(PromptDashboard.viewType, 'Prompt Releases', vscode.ViewColumn.Active, this.options());
    this.attach(panel);
    return panel;
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = this.options();
    this.attach(panel);
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity.svg');
    panel.webview.html = this.html(panel.webview);
    panel.onDidDispose(() => (this.panel = undefined), null, this.disposables);
    panel.webview.onDidReceiveMessage((message) => this.onMessage(message), null, this.disposables);
    panel.onDidChangeViewState(() => panel.visible && this.post(), null, this.disposables);
  }

  private async onMessage(message: { type?: string; action?: string; root?: string; path?: string }): Promise<void> {
    if (message.type === 'ready') return this.post();
    if (message.type === 'releaseAll' && message.root && this.workspace.folders.some((s) => s.repo?.root === message.root)) {
      await vscode.commands.executeCommand(COMMANDS.releaseAllReady, vscode.Uri.file(message.root));
      return;
    }
    if (message.type !== 'action' || !message.action || !Object.hasOwn(ACTION_COMMANDS, message.action) || !message.root || !message.path) return;
    const known = this.workspace.folders.some((s) => s.repo?.root === message.root && s.model?.byPath.has(message.path!));
    if (!known) return;
    this.received.push(message as ActionMessage);
    const uri = vscode.Uri.file(path.join(message.root, message.path));
    await vscode.commands.executeCommand(ACTION_COMMANDS[message.action as ActionMessage['action']], uri);
  }

  post(): void {
    if (!this.panel) return;
    const folders = this.workspace.folders.filter((s) => s.model && s.repo).map((s) => ({ name: s.folder.name, root: s.repo!.root, model: s.model! }));
    const status = this.workspace.trusted ? (folders.length ? 'ready' : 'empty') : 'untrusted';
    void this.panel.webview.postMessage({ type: 'data', status, data: dashboardData(folders) });
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const media = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', file));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource}; font-src ${webview.cspSource}; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('codicons/codicon.css')}">
<link rel="stylesheet" href="${media('dashboard.css')}">
<title>Prompt Releases</title>
</head>
<body>
<main>
  <h1>Prompt releases</h1>
  <p id="status" role="status" aria-live="polite">Loading…</p>
  <section aria-labelledby="pipeline-heading">
    <h2 id="pipeline-heading">Pipeline</h2>
    <div id="states" class="chips" aria-label="Prompts by state"></div>
    <ol id="pipeline" class="pipeline" aria-label="Environments in promotion order"></ol>
  </section>
  <section aria-labelledby="attention-heading">
    <h2 id="attention-heading">Attention</h2>
    <ul id="attention" aria-describedby="attention-hint"></ul>
    <p id="attention-hint" class="muted hint">Disputed live versions, overdue review requests and live versions due for review, most urgent first, oldest first.</p>
  </section>
  <div class="columns">
    <section aria-labelledby="ready-heading"><h2 id="ready-heading">Ready to release <button type="button" id="release-all" class="primary" aria-label="Release all ready prompts">Release all ready…</button></h2><ul id="ready"></ul></section>
    <section aria-labelledby="blocked-heading"><h2 id="blocked-heading">Blocked</h2><ul id="blocked"></ul></section>
  </div>
  <form id="filters" aria-label="Filter prompts" role="search">
    <label>Search <input id="filter-text" type="search" placeholder="Path or owner" aria-label="Search prompts by path or owner"></label>
    <label>State <select id="filter-state"><option value="">All states</option></select></label>
    <label>Owner <select id="filter-owner"><option value="">All owners</option></select></label>
    <label>Environment <select id="filter-env"><option value="">Any environment</option></select></label>
  </form>
  <section aria-labelledby="prompts-heading">
    <h2 id="prompts-heading">Prompts</h2>
    <div id="scroller" class="scroller" tabindex="-1">
      <table id="prompts" aria-labelledby="prompts-heading"><thead></thead><tbody></tbody></table>
    </div>
  </section>
  <div class="columns">
    <section aria-labelledby="releases-heading"><h2 id="releases-heading">Recent releases</h2><ul id="releases"></ul></section>
    <section aria-labelledby="pending-heading"><h2 id="pending-heading">Pending reviews</h2><ul id="pending"></ul></section>
  </div>
</main>
<script nonce="${nonce}" src="${media('dashboard.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel?.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
