import * as vscode from 'vscode';
import { PromptCodeLensProvider } from './codeLens';
import { PromptComments } from './comments';
import { PromptDecorationProvider } from './decorations';
import { registerDiagnostics } from './diagnostics';
import { diffWithApproved, diffWithProduction, diffWithVersion } from './diffs';
import * as path from 'path';
import { COMMANDS } from './commandIds';
import { registerCommands, type CommandSpec } from './commands';
import { confirmWithModal, setUpRepository, type ConfirmSetUp } from './setUp';
import { GitContentProvider, productionResource, registerQuickDiff, SCHEME } from './gitContent';
import { approve, requestChanges, requestReview, showActions } from './reviewActions';
import { PromptStatusBar } from './statusBar';
import { chooseGroupBy } from './groupBy';
import { PromptTreeProvider } from './tree';
import { PromptWorkspace } from './workspace';
import { historyCommands, PromptHistoryProvider } from './historyView';
import { releaseFlow, vscodeReleaseUi, type ReleaseOptions, type ReleaseUi } from './releaseFlow';
import { PromptDashboard } from './dashboard';
import { releaseAllReady } from './releaseTrain';
import { DiffSummaryDecorations } from './diffSummary';
import { Asker } from './ask';
import { giveFeedback, showFeedback, showIncludes, showUsedBy, type FeedbackInput } from './lifecycle';

export interface PromptReleaseApi {
  workspace: PromptWorkspace;
  comments: PromptComments;
  statusBar: PromptStatusBar;
  waitingTree: PromptTreeProvider;
  promptsTree: PromptTreeProvider;
  decorations: PromptDecorationProvider;
  history: PromptHistoryProvider;
  dashboard: PromptDashboard;
  /** The questions flows ask (checklists, pickers, text): real QuickPicks and InputBoxes, announced when shown. */
  asker: Asker;
  /** What the gutter's quick diff compares a prompt with. */
  quickDiffOriginal(uri: vscode.Uri): vscode.Uri | undefined;
  /** The dialogs of the release flow; tests replace them to answer without a person. */
  releaseUi: ReleaseUi;
  /** The set-up's confirmation; tests replace it too. */
  confirmSetUp: ConfirmSetUp;
  /** Resolves when the first scan after activation has finished. */
  ready: Promise<void>;
  /** When activate() began and when the first scan had filled every surface (Date.now()). */
  activatedAt: number;
  readyAt?: number;
}

export function activate(context: vscode.ExtensionContext): PromptReleaseApi {
  const activatedAt = Date.now();
  const log = vscode.window.createOutputChannel('Prompt Release', { log: true });
  const workspace = new PromptWorkspace(log);
  // The folders are known (as loading, no git yet) before any view first asks for its rows.
  workspace.open();
  const comments = new PromptComments(workspace);
  const statusBar = new PromptStatusBar(workspace);
  const waitingTree = new PromptTreeProvider(workspace, 'waiting');
  const promptsTree = new PromptTreeProvider(workspace, 'all', context.workspaceState);
  const decorations = new PromptDecorationProvider(workspace);
  const history = new PromptHistoryProvider(workspace);
  const dashboard = new PromptDashboard(context.extensionUri, workspace);
  const asker = new Asker();

  const commands: CommandSpec[] = [
    { id: COMMANDS.refresh, action: 'refresh prompts', run: () => workspace.refreshAll('user') },
    { id: COMMANDS.groupBy, action: 'change how the Prompts view groups prompts', run: (by?: unknown) => chooseGroupBy(asker, by) },
    { id: COMMANDS.approve, action: 'approve the prompt', prompt: true, run: (found, confirms?: unknown) => approve(workspace, found, asker, Array.isArray(confirms) ? confirms.map(String) : undefined) },
    { id: COMMANDS.giveFeedback, action: 'record the feedback', prompt: true, run: (found, input?: FeedbackInput) => giveFeedback(workspace, found, asker, typeof input === 'object' && input ? input : {}) },
    { id: COMMANDS.showFeedback, action: 'show the feedback', prompt: true, run: (found) => showFeedback(found, asker) },
    { id: COMMANDS.showUsedBy, action: 'show the prompts that include this file', prompt: true, run: (found) => showUsedBy(found, asker) },
    { id: COMMANDS.showIncludes, action: 'show what the prompt includes', prompt: true, run: (found) => showIncludes(found, asker) },
    { id: COMMANDS.requestChanges, action: 'request changes', prompt: true, run: (found, reason?: string) => requestChanges(workspace, found, typeof reason === 'string' ? reason : undefined) },
    { id: COMMANDS.requestReview, action: 'request a review', prompt: true, run: (found, reviewers?: string[]) => requestReview(workspace, found, Array.isArray(reviewers) ? reviewers : undefined) },
    { id: COMMANDS.diffWithProduction, action: 'open the diff with production', prompt: true, run: diffWithProduction },
    { id: COMMANDS.diffWithApproved, action: 'open the diff with the approved version', prompt: true, run: diffWithApproved },
    { id: COMMANDS.diffWithVersion, action: 'open the diff with a version', prompt: true, run: diffWithVersion },
    { id: COMMANDS.showActions, action: 'show prompt actions', prompt: true, run: showActions },
    { id: COMMANDS.release, action: 'release the prompt', prompt: true, run: (found, options?: ReleaseOptions) => releaseFlow(workspace, found, typeof options === 'object' && options ? options : {}, api.releaseUi) },
    { id: COMMANDS.releaseAllReady, action: 'release every ready prompt', run: (arg?: unknown) => releaseAllReady(workspace, arg, api.releaseUi) },
    { id: COMMANDS.showHistory, action: 'show the history', prompt: true, run: (found) => {
      history.show(vscode.Uri.file(path.join(found.state.repo.root, found.prompt.path)));
      return vscode.commands.executeCommand('promptRelease.history.focus');
    } },
    { id: COMMANDS.openDashboard, action: 'open the release dashboard', run: () => dashboard.open() },
    { id: COMMANDS.setUp, action: 'set up prompt releases', run: (arg?: vscode.Uri) => setUpRepository(workspace, arg instanceof vscode.Uri ? arg : undefined, api.confirmSetUp) },
    { id: COMMANDS.commentCreate, action: 'record the comment', run: (reply: vscode.CommentReply) => comments.submit(reply) },
    { id: COMMANDS.commentReply, action: 'record the reply', run: (reply: vscode.CommentReply) => comments.submit(reply) },
    { id: COMMANDS.commentResolve, action: 'resolve the thread', run: (thread: vscode.CommentThread) => comments.setResolved(thread, true) },
    { id: COMMANDS.commentReopen, action: 'reopen the thread', run: (thread: vscode.CommentThread) => comments.setResolved(thread, false) },
    ...historyCommands(history),
  ];

  context.subscriptions.push(
    log,
    workspace,
    asker,
    comments,
    statusBar,
    vscode.window.registerTreeDataProvider('promptRelease.waiting', waitingTree),
    vscode.window.registerTreeDataProvider('promptRelease.prompts', promptsTree),
    vscode.window.registerFileDecorationProvider(decorations),
    vscode.languages.registerCodeLensProvider([{ scheme: 'file' }, { scheme: SCHEME }], new PromptCodeLensProvider(workspace)),
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, new GitContentProvider(workspace)),
    registerQuickDiff(workspace),
    new DiffSummaryDecorations(),
    registerDiagnostics(workspace),
    ...registerCommands(commands, workspace, log),
    vscode.window.registerTreeDataProvider('promptRelease.history', history),
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
        api.readyAt = Date.now();
        resolve();
      });
    }, 0);
  });

  const api: PromptReleaseApi = { workspace, comments, statusBar, waitingTree, promptsTree, decorations, history, dashboard, asker, releaseUi: vscodeReleaseUi, confirmSetUp: confirmWithModal, quickDiffOriginal: (uri) => productionResource(workspace, uri), ready, activatedAt };
  return api;
}

function updateActiveContext(workspace: PromptWorkspace): void {
  const uri = vscode.window.activeTextEditor?.document.uri;
  void vscode.commands.executeCommand('setContext', 'promptRelease.activeIsPrompt', !!uri && !!workspace.promptAt(uri));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
