import { existsSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../core/policy/config';
import { PromptReleaseError } from '../core/shared/errors';
import type { Identity } from '../core/ownership/identity';
import type { PromptStatus, RepoModel } from '../core/model/model';
import { promptMatcher, RECORDS_DIR } from '../core/prompts/prompts';
import { branchApprovals, type BranchApprovals } from '../usecases/pullRequest';
import { PromptRepository } from '../git/repository';
import type { GitCommandEvent } from '../git/runner';
import type { OnBranch } from './present';

export type FolderStatus = 'untrusted' | 'loading' | 'ready' | 'no-repository' | 'error';

export interface FolderState {
  folder: vscode.WorkspaceFolder;
  status: FolderStatus;
  repo?: PromptRepository;
  model?: RepoModel;
  identity?: Identity;
  /**
   * On a branch that is not the trusted one: the approvals recorded on it, which count only once
   * it is merged (the same judgement as the CLI's status and pr-report).
   */
  branch?: BranchApprovals;
  /** Why the folder could not be read (config errors, git failures). */
  error?: unknown;
  /** The folder's file watchers, disposed with the folder. */
  watchers?: vscode.Disposable;
}

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

const REFRESH_DELAY_MS = 250;
/** How long after a write the watcher's reports of it are ignored (the write's own refresh covers them). */
const OWN_EVENTS_MS = 1500;
const IGNORED = /(^|\/)(node_modules|\.git\/objects|\.git\/logs)(\/|$)/;

/**
 * Every workspace folder's repository and its latest model. The only owner of git state in
 * the editor: surfaces read from here and listen to onDidChange.
 */
export class PromptWorkspace implements vscode.Disposable {
  private readonly states = new Map<string, FolderState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, Promise<void>>();
  /** Per folder, each prompt's last shown status as JSON: what changed is computed, never listed by hand. */
  private readonly shown = new Map<string, Map<string, string>>();
  /** Folders with a write in progress, and until when file events are ours to ignore. */
  private readonly operations = new Map<string, number>();
  private readonly quietUntil = new Map<string, number>();
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

  /** Called after activation: the first scan never runs inside activate(). */
  start(): void {
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.syncFolders()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.syncFolders()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('promptRelease.prompts')) this.refreshAll();
      }),
    );
    this.syncFolders();
  }

  get folders(): FolderState[] {
    return [...this.states.values()];
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  private syncFolders(): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const [key, state] of [...this.states]) {
      if (folders.some((f) => f.uri.toString() === key)) continue;
      state.watchers?.dispose();
      this.states.delete(key);
    }
    for (const folder of folders) {
      const key = folder.uri.toString();
      const existing = this.states.get(key);
      if (existing && existing.status !== 'untrusted') continue;
      this.states.set(key, { folder, status: this.trusted ? 'loading' : 'untrusted' });
      if (this.trusted) void this.refresh(folder);
    }
    void vscode.commands.executeCommand('setContext', 'promptRelease.untrusted', !this.trusted);
    this.fire();
  }

  refreshAll(): Promise<void> {
    return Promise.all(this.folders.map((s) => this.refresh(s.folder))).then(() => undefined);
  }

  /**
   * Re-reads one folder. A request during a read queues one more read (it may have missed a
   * change); further requests join that queued read instead of adding reads.
   */
  refresh(folder: vscode.WorkspaceFolder): Promise<void> {
    if (!this.trusted) return Promise.resolve();
    const key = folder.uri.toString();
    const queued = this.queued.get(key);
    if (queued) return queued;
    const current = this.running.get(key);
    const start = (): Promise<void> => {
      this.queued.delete(key);
      const run = this.load(folder).finally(() => {
        if (this.running.get(key) === run) this.running.delete(key);
      });
      this.running.set(key, run);
      return run;
    };
    if (!current) return start();
    const next = current.then(start, start);
    this.queued.set(key, next);
    return next;
  }

  private async load(folder: vscode.WorkspaceFolder): Promise<void> {
    const key = folder.uri.toString();
    const state: FolderState = this.states.get(key) ?? { folder, status: 'loading' };
    this.states.set(key, state);
    try {
      if (!state.repo) {
        state.repo = await PromptRepository.open(folder.uri.fsPath, (e) => this.onGitCommand(e));
        this.watch(folder, state.repo);
      }
      const globs = vscode.workspace.getConfiguration('promptRelease', folder.uri).get<string[]>('prompts');
      state.repo.displayGlobs = globs && globs.length ? globs : undefined;
      this.readCount++;
      const [model, identity] = await Promise.all([state.repo.model(), state.repo.identity().catch(() => undefined)]);
      const branch = model.headOnTrusted ? undefined : await branchApprovals(state.repo, model.trusted.ref);
      const wasReady = state.status === 'ready' && state.identity?.email === identity?.email;
      Object.assign(state, { model, identity, branch, status: 'ready' as const, error: undefined });
      const changed = this.changedPrompts(key, model, branch);
      // A refresh that changed nothing (a file event after our own write) redraws nothing.
      if (wasReady && changed && changed.size === 0) return;
      this.fire(wasReady && changed ? new Map([[state.repo.root, changed]]) : undefined);
      return;
    } catch (err) {
      const noRepo = err instanceof PromptReleaseError && (err.code === 'not-a-repository' || err.code === 'no-commits');
      Object.assign(state, { status: noRepo ? 'no-repository' : 'error', error: err, model: noRepo ? undefined : state.model });
      this.shown.delete(key);
      this.log.warn(`${folder.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.fire();
  }

  private watch(folder: vscode.WorkspaceFolder, repo: PromptRepository): void {
    // git's own files and our record files change with our writes; other files only with the user's.
    const onGitEvent = () => this.schedule(folder, true);
    // In the working tree only prompts and the files that shape them matter.
    const onTreeEvent = (uri: vscode.Uri) => {
      if (IGNORED.test(uri.path)) return;
      const rel = path.relative(repo.root, uri.fsPath).split(path.sep).join('/');
      const model = this.states.get(folder.uri.toString())?.model;
      const relevant = !model || rel.startsWith('.promptrelease') || rel.endsWith('CODEOWNERS') || matcherFor(model.config)(rel);
      if (relevant) this.schedule(folder, rel.startsWith(`${RECORDS_DIR}/`));
    };
    const gitWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(repo.gitDir), '{HEAD,index,packed-refs,refs/**}'));
    const treeWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**'));
    const state = this.states.get(folder.uri.toString());
    if (state) {
      state.watchers = vscode.Disposable.from(
        gitWatcher, gitWatcher.onDidChange(onGitEvent), gitWatcher.onDidCreate(onGitEvent), gitWatcher.onDidDelete(onGitEvent),
        treeWatcher, treeWatcher.onDidChange(onTreeEvent), treeWatcher.onDidCreate(onTreeEvent), treeWatcher.onDidDelete(onTreeEvent),
      );
    }
  }

  /**
   * Runs a write (a sign-off, a release) as one operation, as VS Code's git extension does:
   * file events it causes do not each start a read; one refresh follows it.
   */
  async operation<T>(folder: vscode.WorkspaceFolder, write: () => Promise<T>): Promise<T> {
    const key = folder.uri.toString();
    this.operations.set(key, (this.operations.get(key) ?? 0) + 1);
    try {
      return await write();
    } finally {
      const left = (this.operations.get(key) ?? 1) - 1;
      if (left) this.operations.set(key, left);
      else this.operations.delete(key);
      clearTimeout(this.timers.get(key));
      // The watcher reports our own writes a little later; those events are covered by this refresh.
      this.quietUntil.set(key, Date.now() + OWN_EVENTS_MS);
      await this.refresh(folder);
    }
  }

  private schedule(folder: vscode.WorkspaceFolder, ours = false): void {
    const key = folder.uri.toString();
    if (this.operations.has(key)) return;
    // Shortly after our own write, an event on git's files is most likely its echo: a cheap
    // look at HEAD, the trusted tip and the tags decides whether a read is needed at all.
    const echo = ours && Date.now() < (this.quietUntil.get(key) ?? 0);
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => void (echo ? this.refreshIfMoved(folder) : this.refresh(folder)), REFRESH_DELAY_MS));
  }

  private async refreshIfMoved(folder: vscode.WorkspaceFolder): Promise<void> {
    const key = folder.uri.toString();
    // An echo that arrives while the read after our write is still running is compared with
    // what that read finds, not with the model from before the write.
    await Promise.all([this.running.get(key), this.queued.get(key)]);
    const state = this.states.get(key);
    const unmoved = state?.repo && state.model ? await state.repo.stillAt(state.model).catch(() => false) : false;
    if (!unmoved) await this.refresh(folder);
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
  stateFor(uri: vscode.Uri): FolderState | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? this.states.get(folder.uri.toString()) : undefined;
  }

  /** Resolves once pending and scheduled refreshes are done (used after our own writes). */
  async settle(): Promise<void> {
    await Promise.all([...this.running.values(), ...this.queued.values()]);
  }

  /** Prompts whose status differs from what was last shown (undefined on a first read). */
  private changedPrompts(key: string, model: RepoModel, branch?: BranchApprovals): Set<string> | undefined {
    const before = this.shown.get(key);
    const now = new Map<string, string>();
    for (const p of [...model.prompts, ...model.policyFiles.values()]) now.set(p.path, JSON.stringify([p, branch?.byPath.get(p.path)]));
    // What is not per prompt (problems, the policy, HEAD) counts as a change of everything.
    // The first-run set-up depends on the configuration file in the working tree, not on the model.
    const configWritten = existsSync(path.join(this.states.get(key)?.repo?.root ?? '', CONFIG_FILE));
    now.set('', JSON.stringify([model.head, model.trusted, model.problems, model.config, model.policy.pending, configWritten]));
    this.shown.set(key, now);
    if (!before || before.get('') !== now.get('')) return undefined;
    const changed = new Set<string>();
    for (const [p, json] of now) if (before.get(p) !== json) changed.add(p);
    for (const p of before.keys()) if (!now.has(p)) changed.add(p);
    return changed;
  }

  private fire(paths?: Map<string, Set<string>>): void {
    const statuses = this.folders.map((s) => s.status);
    const overall = statuses.includes('ready') ? 'ready' : statuses.includes('loading') ? 'loading' : statuses.includes('untrusted') ? 'untrusted' : statuses.includes('error') ? 'error' : statuses.length ? 'no-repository' : 'no-folder';
    void vscode.commands.executeCommand('setContext', 'promptRelease.status', overall);
    this.changeEmitter.fire({ paths });
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const state of this.states.values()) state.watchers?.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

/** Prompt matchers compiled once per configuration, not once per file event. */
const matchers = new WeakMap<RepoModel['config'], (path: string) => boolean>();
function matcherFor(config: RepoModel['config']): (path: string) => boolean {
  let matcher = matchers.get(config);
  if (!matcher) matchers.set(config, (matcher = promptMatcher(config)));
  return matcher;
}
