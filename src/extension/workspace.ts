import * as path from 'path';
import * as vscode from 'vscode';
import type { PromptStatus, RepoModel } from '../core/model/model';
import type { PromptRepository } from '../git/repository';
import type { GitCommandEvent } from '../git/runner';
import { FolderRepository } from './folderRepository';
import type { OnBranch } from './present';

export { FolderRepository, type FolderStatus, type FolderModelChange, type Priority } from './folderRepository';

/** A workspace folder's repository and what was read of it (the per-folder state surfaces read). */
export type FolderState = FolderRepository;

export interface ModelChange {
  /** Repository-relative paths of prompts whose status changed, per folder root; absent: everything may have. */
  paths?: Map<string, Set<string>>;
}

export interface PromptAt {
  state: FolderState & { repo: PromptRepository; model: RepoModel };
  prompt: PromptStatus;
}

/** A prompt's approvals recorded on this branch (not on the trusted branch yet), for the hover and CodeLens. */
export function onBranchOf(found: { state: FolderState; prompt: PromptStatus }): OnBranch | undefined {
  const { branch, model } = found.state;
  const approvals = branch?.byPath.get(found.prompt.path);
  return branch && model && approvals ? { trustedRef: model.trusted.ref, mergeMethod: branch.mergeMethod, approvals } : undefined;
}

/**
 * Every workspace folder's FolderRepository. The only owner of git state in the editor:
 * surfaces read from here and listen to onDidChange, which gathers the folders' change events.
 */
export class PromptWorkspace implements vscode.Disposable {
  private readonly states = new Map<string, FolderRepository>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<ModelChange>();
  /** Fires when anything a surface shows changed; `paths` names the prompts that did. */
  readonly onDidChange = this.changeEmitter.event;
  /** Full repository reads (model()) done, for the log and for tests that count them. */
  readCount = 0;
  /** Git processes started by this extension, for the log and for tests of Restricted Mode. */
  gitCommandCount = 0;
  /** Their summed wall time, for the timings the tests report. */
  gitMilliseconds = 0;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(this.changeEmitter);
  }

  /**
   * Called in activate(): takes the workspace folders as loading, without running git, so the
   * views' first answer can already show what the last session saw.
   */
  open(): void {
    if (this.states.size === 0) this.syncFolders(false);
  }

  /** Called after activation: the first scan never runs inside activate(). */
  start(): void {
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.syncFolders(true)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.syncFolders(true)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('promptRelease.prompts')) void this.refreshAll('background');
      }),
    );
    this.syncFolders(true);
  }

  get folders(): FolderRepository[] {
    return [...this.states.values()];
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Folders opened but not read yet (open() before start()). */
  private readonly unread = new Set<FolderRepository>();

  private syncFolders(read: boolean): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const [key, state] of [...this.states]) {
      if (folders.some((f) => f.uri.toString() === key)) continue;
      state.dispose();
      this.states.delete(key);
      this.unread.delete(state);
    }
    for (const folder of folders) {
      const key = folder.uri.toString();
      const existing = this.states.get(key);
      if (existing && existing.status !== 'untrusted') {
        if (read && this.unread.delete(existing)) void existing.refresh('background');
        continue;
      }
      existing?.dispose();
      const state = new FolderRepository(folder, this.trusted, {
        onGitCommand: (e) => this.onGitCommand(e),
        onRead: () => this.readCount++,
        log: this.log,
      });
      state.onDidChangeModel((change) => this.fire(change.paths && state.repo ? new Map([[state.repo.root, new Set(change.paths)]]) : undefined));
      this.states.set(key, state);
      if (!this.trusted) continue;
      if (read) void state.refresh('background');
      else this.unread.add(state);
    }
    void vscode.commands.executeCommand('setContext', 'promptRelease.untrusted', !this.trusted);
    this.fire();
  }

  /** Re-reads every folder: 'user' for the Refresh command, 'background' for a setting. */
  refreshAll(priority: 'user' | 'background' = 'user'): Promise<void> {
    return Promise.all(this.folders.map((s) => s.refresh(priority))).then(() => undefined);
  }

  /** Re-reads one folder, as something a user waits for. */
  refresh(folder: vscode.WorkspaceFolder): Promise<void> {
    return this.states.get(folder.uri.toString())?.refresh('user') ?? Promise.resolve();
  }

  /**
   * Runs a write (a sign-off, a release) as one user operation on the folder's queue: it runs
   * before any waiting background refresh, and one read follows it.
   */
  operation<T>(folder: vscode.WorkspaceFolder, write: () => Promise<T>, label?: string): Promise<T> {
    const state = this.states.get(folder.uri.toString());
    if (!state) return Promise.reject(new Error(`${folder.name} is not open in this window`));
    return state.operation(write, label);
  }

  private onGitCommand(event: GitCommandEvent): void {
    this.gitCommandCount++;
    this.gitMilliseconds += event.durationMs;
    // Like the git extension's log: every command, at the default level.
    const line = `> git ${event.args.join(' ')} [${event.durationMs}ms]`;
    if (event.error) this.log.error(`${line}: ${event.error}`);
    else this.log.info(line);
  }

  /** The prompt a file is, if any, with its folder's state. */
  promptAt(uri: vscode.Uri): PromptAt | undefined {
    return this.lookup(uri, (model, rel) => model.byPath.get(rel));
  }

  /** A policy file (.promptrelease.yaml, CODEOWNERS): reviewed like a prompt, never released. */
  policyFileAt(uri: vscode.Uri): PromptAt | undefined {
    return this.lookup(uri, (model, rel) => model.policyFiles.get(rel));
  }

  private lookup(uri: vscode.Uri, pick: (model: RepoModel, rel: string) => PromptStatus | undefined): PromptAt | undefined {
    if (uri.scheme !== 'file') return undefined;
    for (const state of this.states.values()) {
      if (!state.repo || !state.model) continue;
      const rel = path.relative(state.repo.root, uri.fsPath);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      const prompt = pick(state.model, rel.split(path.sep).join('/'));
      if (prompt) return { state: state as PromptAt['state'], prompt };
    }
    return undefined;
  }

  /** The folder state whose repository holds a file, loaded or not. */
  stateFor(uri: vscode.Uri): FolderRepository | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? this.states.get(folder.uri.toString()) : undefined;
  }

  /** Resolves once every folder's queue is idle (used after our own writes and by tests). */
  async settle(): Promise<void> {
    await Promise.all(this.folders.map((s) => s.settle()));
  }

  private fire(paths?: Map<string, Set<string>>): void {
    const statuses = this.folders.map((s) => s.status);
    const overall = statuses.includes('ready') ? 'ready' : statuses.includes('loading') ? 'loading' : statuses.includes('untrusted') ? 'untrusted' : statuses.includes('error') ? 'error' : statuses.length ? 'no-repository' : 'no-folder';
    void vscode.commands.executeCommand('setContext', 'promptRelease.status', overall);
    this.changeEmitter.fire({ paths });
  }

  dispose(): void {
    for (const state of this.states.values()) state.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
