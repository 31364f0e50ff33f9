import * as vscode from 'vscode';
import { PromptCodeLensProvider } from './codeLens';
import { PromptComments } from './comments';
import { PromptDecorationProvider } from './decorations';
import { registerDiagnostics } from './diagnostics';
import { diffWithApproved, diffWithProduction, diffWithVersion } from './diffs';
import { guarded } from './errors';
import { GitContentProvider, productionResource, registerQuickDiff, SCHEME } from './gitContent';
import { approve, requestChanges, requestReview, showActions } from './reviewActions';
import { PromptStatusBar } from './statusBar';
import { PromptTreeProvider } from './tree';
import { PromptWorkspace } from './workspace';
import { PromptHistoryProvider, registerHistoryCommands } from './historyView';
import { releaseFlow, vscodeReleaseUi, type ReleaseOptions, type ReleaseUi } from './releaseFlow';
import { PromptDashboard } from './dashboard';

export interface PromptReleaseApi {
  workspace: PromptWorkspace;
  comments: PromptComments;
  statusBar: PromptStatusBar;
  waitingTree: PromptTreeProvider;
  promptsTree: PromptTreeProvider;
  decorations: PromptDecorationProvider;
  history: PromptHistoryProvider;
  dashboard: PromptDashboard;
  /** What the gutter's quick diff compares a prompt with. */
  quickDiffOriginal(uri: vscode.Uri): vscode.Uri | undefined;
  /** The dialogs of the release flow; tests replace them to answer without a person. */
  releaseUi: ReleaseUi;
  /** Resolves when the first scan after activation has finished. */
  ready: Promise<void>;
}

export function activate(context: vscode.ExtensionContext): PromptReleaseApi {
  const log = vscode.window.createOutputChannel('Prompt Release', { log: true });
  const workspace = new PromptWorkspace(log);
  const comments = new PromptComments(workspace);
  const statusBar = new PromptStatusBar(workspace);
  const waitingTree = new PromptTreeProvider(workspace, 'waiting');
  const promptsTree = new PromptTreeProvider(workspace, 'all');
  const decorations = new PromptDecorationProvider(workspace);
  const history = new PromptHistoryProvider(workspace);
  const dashboard = new PromptDashboard(context.extensionUri, workspace);

  const command = (id: string, action: string, run: (...args: any[]) => unknown) =>
    vscode.commands.registerCommand(id, guarded(log, action, run));

  context.subscriptions.push(
    log,
    workspace,
    comments,
    statusBar,
    vscode.window.registerTreeDataProvider('promptRelease.waiting', waitingTree),
    vscode.window.registerTreeDataProvider('promptRelease.prompts', promptsTree),
    vscode.window.registerFileDecorationProvider(decorations),
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, new PromptCodeLensProvider(workspace)),
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, new GitContentProvider(workspace)),
    registerQuickDiff(workspace),
    registerDiagnostics(workspace),
    command('promptRelease.refresh', 'refresh prompts', () => workspace.refreshAll()),
    command('promptRelease.approve', 'approve the prompt', (arg) => approve(workspace, arg)),
    command('promptRelease.requestChanges', 'request changes', (arg, reason?: string) => requestChanges(workspace, arg, typeof reason === 'string' ? reason : undefined)),
    command('promptRelease.requestReview', 'request a review', (arg, reviewers?: string[]) => requestReview(workspace, arg, Array.isArray(reviewers) ? reviewers : undefined)),
    command('promptRelease.diffWithProduction', 'open the diff with production', (arg) => diffWithProduction(workspace, arg)),
    command('promptRelease.diffWithApproved', 'open the diff with the approved version', (arg) => diffWithApproved(workspace, arg)),
    command('promptRelease.diffWithVersion', 'open the diff with a version', (arg) => diffWithVersion(workspace, arg)),
    command('promptRelease.showActions', 'show prompt actions', (arg) => showActions(workspace, arg)),
    command('promptRelease.comments.create', 'record the comment', (reply: vscode.CommentReply) => comments.submit(reply)),
    command('promptRelease.comments.reply', 'record the reply', (reply: vscode.CommentReply) => comments.submit(reply)),
    command('promptRelease.comments.resolve', 'resolve the thread', (thread: vscode.CommentThread) => comments.setResolved(thread, true)),
    command('promptRelease.comments.reopen', 'reopen the thread', (thread: vscode.CommentThread) => comments.setResolved(thread, false)),
    command('promptRelease.release', 'release the prompt', (arg, options?: ReleaseOptions) => releaseFlow(workspace, arg, typeof options === 'object' && options ? options : {}, api.releaseUi)),
    command('promptRelease.showHistory', 'show the history', (arg) => {
      const uri = arg instanceof vscode.Uri ? arg : (arg as { resourceUri?: vscode.Uri })?.resourceUri ?? vscode.window.activeTextEditor?.document.uri;
      if (uri) history.show(uri);
      return vscode.commands.executeCommand('promptRelease.history.focus');
    }),
    command('promptRelease.openDashboard', 'open the release dashboard', () => dashboard.open()),
    vscode.window.registerTreeDataProvider('promptRelease.history', history),
    ...registerHistoryCommands(history, command),
    dashboard,
    vscode.window.registerWebviewPanelSerializer(PromptDashboard.viewType, dashboard),
    vscode.window.onDidChangeActiveTextEditor(() => updateActiveContext(workspace)),
    workspace.onDidChange(() => updateActiveContext(workspace)),
  );

  // No scanning during activation: the first scan starts once activate() has returned,
  // with progress in the view.
  const ready = new Promise<void>((resolve) => {
    setTimeout(() => {
      void vscode.window.withProgress({ location: { viewId: 'promptRelease.prompts' }, title: 'Scanning prompts' }, async () => {
        workspace.start();
        await workspace.settle();
        resolve();
      });
    }, 0);
  });

  const api: PromptReleaseApi = { workspace, comments, statusBar, waitingTree, promptsTree, decorations, history, dashboard, releaseUi: vscodeReleaseUi, quickDiffOriginal: (uri) => productionResource(workspace, uri), ready };
  return api;
}

function updateActiveContext(workspace: PromptWorkspace): void {
  const uri = vscode.window.activeTextEditor?.document.uri;
  void vscode.commands.executeCommand('setContext', 'promptRelease.activeIsPrompt', !!uri && !!workspace.promptAt(uri));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
