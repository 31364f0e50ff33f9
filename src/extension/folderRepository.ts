import { existsSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../core/policy/config';
import { PromptReleaseError } from '../core/common/errors';
import type { Identity } from '../core/ownership/identity';
import type { RepoModel } from '../core/model/model';
import { promptMatcher, RECORDS_DIR } from '../core/prompts/prompts';
import { branchApprovals, type BranchApprovals } from '../usecases/pullRequest';
import { PromptRepository } from '../git/repository';
import type { GitCommandListener } from '../git/runner';
import { changedPaths, type ReadResult } from './modelChanges';

export type FolderStatus = 'untrusted' | 'loading' | 'ready' | 'no-repository' | 'error';

/**
 * What waits in the queue first: 'user' is what someone waits for (a command: a sign-off, a
 * release, Refresh), 'background' is a refresh a file event or a setting asked for.
 */
export type Priority = 'user' | 'background';

/** What a change event says: which prompts' status changed, by repository-relative path. */
export interface FolderModelChange {
  folder: FolderRepository;
  /** Prompts (and policy files) whose shown status changed; undefined: anything may have (a first read, the branch, the policy). */
  paths?: ReadonlySet<string>;
}

/** One line of the queue's log: what ran (or was spared), in the order it ended. For the output log and tests. */
export interface OperationRecord {
  label: string;
  priority: Priority;
  /** done; cancelled (a stale background read whose result was dropped); covered (a queued refresh a later read answered); failed. */
  outcome: 'done' | 'cancelled' | 'covered' | 'failed';
}

interface Job {
  label: string;
  priority: Priority;
  /** Refreshes can be covered by a read that starts after they were asked for; operations never are. */
  refresh?: 'check' | 'full';
  run: (token: vscode.CancellationToken) => Promise<unknown>;
  done: Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * How long file events are gathered into one batch before a refresh is queued. This is the one
 * timer left: the file watcher reports a checkout or a pull as a stream of events over a few
 * hundred milliseconds, and one refresh should answer all of them. Everything else (one read
 * at a time, a queued refresh answering many requests, a sign-off before background work) is
 * the queue's order, not a delay.
 */
const WATCHER_BATCH_MS = 250;
const IGNORED = /(^|\/)(node_modules|\.git\/objects|\.git\/logs)(\/|$)/;
const LOG_LIMIT = 200;

/**
 * One workspace folder's repository, as VS Code's git extension keeps one Repository per
 * repository: it owns the PromptRepository, the latest model and identity, the file watchers,
 * and one operation queue through which every read and write of this folder runs.
 *
 * The queue runs one job at a time, 'user' jobs before 'background' ones (first come, first
 * served within a priority). A background refresh asked for while one is waiting joins it;
 * a waiting refresh is answered by any read that starts after it was asked for (an operation's
 * own read after its write included); and a background read still running when a write is
 * queued is cancelled: the write starts at once and the read's result, already stale, is
 * dropped. Reads never overlap: the next read waits for a cancelled one to end.
 */
export class FolderRepository implements vscode.Disposable {
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

  /** Full repository reads started (model()), for the log and for tests that count them. */
  readCount = 0;
  /** File events that could change what is shown (git's files, prompts, policy files), for tests of coalescing. */
  watcherEvents = 0;
  /** What the queue ran, in the order each ended (the last LOG_LIMIT). */
  readonly operations: OperationRecord[] = [];

  private readonly pending: Job[] = [];
  private current?: { job: Job; cancel: vscode.CancellationTokenSource };
  /** The read in flight, possibly a cancelled one still finishing: the next read waits for it. */
  private reading?: Promise<unknown>;
  private lastRead?: ReadResult;
  private batch?: { timer: NodeJS.Timeout; tree: boolean; done: Promise<void>; resolve: () => void };
  private idleWaiters: (() => void)[] = [];
  private disposed = false;
  private readonly modelEmitter = new vscode.EventEmitter<FolderModelChange>();
  /** Fires after a read changed what surfaces show, and when the status changes. */
  readonly onDidChangeModel = this.modelEmitter.event;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    trusted: boolean,
    private readonly hooks: { onGitCommand: GitCommandListener; onRead: () => void; log: vscode.LogOutputChannel },
  ) {
    this.status = trusted ? 'loading' : 'untrusted';
  }

  /** Whether nothing runs, waits or is being gathered. */
  get idle(): boolean {
    return !this.current && this.pending.length === 0 && !this.batch && !this.reading;
  }

  /** The label of the job running, if any (for tests). */
  get running(): string | undefined {
    return this.current?.job.label;
  }

  /** Whether a read is in flight, a cancelled one finishing included (for tests). */
  get readInFlight(): boolean {
    return !!this.reading;
  }

  /** The labels of the jobs waiting, in the order they will run (for tests). */
  get queued(): string[] {
    return this.pending.map((j) => j.label);
  }

  /**
   * Queues a refresh. 'background' refreshes coalesce: one asked for while another waits joins
   * it. `check` first asks whether HEAD, the trusted tip and the tags moved (three small reads)
   * and reads the repository only if they did or nothing was read yet.
   */
  refresh(priority: Priority = 'background', mode: 'check' | 'full' = 'full'): Promise<void> {
    if (this.status === 'untrusted' || this.disposed) return Promise.resolve();
    if (priority === 'background') {
      const waiting = this.pending.find((j) => j.refresh && j.priority === 'background');
      if (waiting) {
        if (mode === 'full') waiting.refresh = 'full';
        return waiting.done.then(() => undefined);
      }
    }
    const job = this.enqueue({ label: priority === 'user' ? 'refresh' : mode === 'check' ? 'background check' : 'background refresh', priority, refresh: mode }, (token) => this.refreshJob(job, token));
    return job.done.then(() => undefined);
  }

  /**
   * Runs a write (a sign-off, a release) as one user operation, then one read: the file events
   * the write causes are answered by that read or, arriving later, by a cheap check that finds
   * HEAD, the trusted tip and the tags where the read saw them.
   */
  operation<T>(write: () => Promise<T>, label = 'write'): Promise<T> {
    const job = this.enqueue({ label, priority: 'user' }, async () => {
      try {
        return await write();
      } finally {
        await this.read(undefined);
      }
    });
    return job.done as Promise<T>;
  }

  /** Runs any job on the queue (with no read after it). Tests use it to hold the queue. */
  run<T>(label: string, priority: Priority, work: (token: vscode.CancellationToken) => Promise<T>): Promise<T> {
    return this.enqueue({ label, priority }, work).done as Promise<T>;
  }

  /** Resolves once the queue is idle: no job running or waiting, no file events being gathered. */
  settle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(spec: Pick<Job, 'label' | 'priority' | 'refresh'>, run: Job['run']): Job {
    let resolve!: Job['resolve'];
    let reject!: Job['reject'];
    const done = new Promise<unknown>((res, rej) => ((resolve = res), (reject = rej)));
    // Nobody may await a background refresh: its failure is in the folder's status and the log.
    done.catch(() => undefined);
    const job: Job = { ...spec, run, done, resolve, reject };
    // After the last job of its priority: user jobs overtake every waiting background job.
    const at = spec.priority === 'user' ? this.pending.findIndex((j) => j.priority === 'background') : -1;
    this.pending.splice(at < 0 ? this.pending.length : at, 0, job);
    // A background read running when a write is queued would only show the state before the
    // write: it is cancelled, and the write does not wait for it.
    if (spec.priority === 'user' && !spec.refresh && this.current?.job.priority === 'background' && this.current.job.refresh) {
      this.current.cancel.cancel();
      this.finish(this.current.job, 'cancelled');
      this.current = undefined;
    }
    queueMicrotask(() => this.next());
    return job;
  }

  private next(): void {
    if (this.current || this.disposed) return;
    const job = this.pending.shift();
    if (!job) return this.checkIdle();
    const cancel = new vscode.CancellationTokenSource();
    this.current = { job, cancel };
    job.run(cancel.token).then(
      (value) => {
        job.resolve(value);
        if (!cancel.token.isCancellationRequested) this.finish(job, 'done');
      },
      (err) => {
        job.reject(err);
        if (!cancel.token.isCancellationRequested) this.finish(job, 'failed');
      },
    ).finally(() => {
      cancel.dispose();
      if (this.current?.job === job) this.current = undefined;
      this.next();
    });
  }

  private finish(job: Job, outcome: OperationRecord['outcome']): void {
    this.operations.push({ label: job.label, priority: job.priority, outcome });
    if (outcome !== 'done') this.hooks.log.debug(`${this.folder.name}: ${job.label} ${outcome === 'covered' ? 'answered by a later read' : outcome}`);
    if (this.operations.length > LOG_LIMIT) this.operations.shift();
    // A cancelled job leaves the queue now: the next one starts without waiting for it.
    if (outcome === 'cancelled') queueMicrotask(() => this.next());
  }

  private checkIdle(): void {
    if (!this.idle) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async refreshJob(job: Job, token: vscode.CancellationToken): Promise<void> {
    if (job.refresh === 'check' && this.repo && this.model) {
      const unmoved = await this.repo.stillAt(this.model).catch(() => false);
      if (unmoved || token.isCancellationRequested) return;
    }
    await this.read(token);
  }

  /**
   * One read of the repository. Every refresh still waiting when it starts is answered by it
   * (what they were asked for happened before this read looks), so they leave the queue.
   */
  private async read(token: vscode.CancellationToken | undefined): Promise<void> {
    while (this.reading) await this.reading.catch(() => undefined);
    if (token?.isCancellationRequested || this.disposed) return;
    const covered = this.pending.filter((j) => j.refresh);
    for (const j of covered) this.pending.splice(this.pending.indexOf(j), 1);
    // Only refreshes no one waits for: their git calls give way to what a user waits for.
    const reading = this.load(token, covered.length > 0 && covered.every((j) => j.priority === 'background'));
    this.reading = reading;
    try {
      await reading;
    } finally {
      this.reading = undefined;
      if (token?.isCancellationRequested) {
        // What the cancelled read found is dropped: the refreshes it took wait again, for the next read.
        this.pending.push(...covered.filter((j) => !this.pending.includes(j)));
        this.pending.sort((a, b) => rank(a.priority) - rank(b.priority));
        queueMicrotask(() => this.next());
      } else {
        for (const j of covered) {
          j.resolve(undefined);
          this.finish(j, 'covered');
        }
      }
      this.checkIdle();
    }
  }

  private async load(token: vscode.CancellationToken | undefined, background = false): Promise<void> {
    const folder = this.folder;
    try {
      if (!this.repo) {
        this.repo = await PromptRepository.open(folder.uri.fsPath, this.hooks.onGitCommand);
        this.watch(this.repo);
      }
      const globs = vscode.workspace.getConfiguration('promptRelease', folder.uri).get<string[]>('prompts');
      this.repo.displayGlobs = globs && globs.length ? globs : undefined;
      this.readCount++;
      this.hooks.onRead();
      // Cancelling the job stops the read's git processes too, not only its result.
      const abort = new AbortController();
      const listening = token?.onCancellationRequested(() => abort.abort());
      if (token?.isCancellationRequested) abort.abort();
      let model: RepoModel;
      let identity: Identity | undefined;
      try {
        [model, identity] = await Promise.all([this.repo.model({ signal: abort.signal, background }), this.repo.identity().catch(() => undefined)]);
      } finally {
        listening?.dispose();
      }
      const branch = model.headOnTrusted ? undefined : await branchApprovals(this.repo, model.trusted.ref);
      // A cancelled read is stale: what it found is not shown (a newer read follows).
      if (token?.isCancellationRequested) return;
      const wasReady = this.status === 'ready' && this.identity?.email === identity?.email;
      const read: ReadResult = { model, branch, configWritten: existsSync(path.join(this.repo.root, CONFIG_FILE)) };
      const changed = wasReady ? changedPaths(this.lastRead, read) : undefined;
      Object.assign(this, { model, identity, branch, status: 'ready' as const, error: undefined, lastRead: read });
      // A refresh that changed nothing (a file event after our own write) redraws nothing.
      if (changed && changed.size === 0) return;
      this.modelEmitter.fire({ folder: this, paths: changed });
    } catch (err) {
      if (token?.isCancellationRequested) return;
      const noRepo = err instanceof PromptReleaseError && (err.code === 'not-a-repository' || err.code === 'no-commits');
      Object.assign(this, { status: noRepo ? 'no-repository' : 'error', error: err, model: noRepo ? undefined : this.model, lastRead: undefined });
      this.hooks.log.warn(`${folder.name}: ${err instanceof Error ? err.message : String(err)}`);
      this.modelEmitter.fire({ folder: this });
    }
  }

  private watch(repo: PromptRepository): void {
    // git's own files change with every commit, checkout, fetch and write of ours.
    const onGitEvent = () => this.gather(false);
    // In the working tree only prompts and the files that shape them matter; record files
    // change with our own writes and with commits, like git's files.
    const onTreeEvent = (uri: vscode.Uri) => {
      if (IGNORED.test(uri.path)) return;
      const rel = path.relative(repo.root, uri.fsPath).split(path.sep).join('/');
      const model = this.model;
      const relevant = !model || rel.startsWith('.promptrelease') || rel.endsWith('CODEOWNERS') || matcherFor(model.config)(rel);
      if (relevant) this.gather(!rel.startsWith(`${RECORDS_DIR}/`));
    };
    const gitWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(repo.gitDir), '{HEAD,index,packed-refs,refs/**}'));
    const treeWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.folder, '**'));
    this.watchers = vscode.Disposable.from(
      gitWatcher, gitWatcher.onDidChange(onGitEvent), gitWatcher.onDidCreate(onGitEvent), gitWatcher.onDidDelete(onGitEvent),
      treeWatcher, treeWatcher.onDidChange(onTreeEvent), treeWatcher.onDidCreate(onTreeEvent), treeWatcher.onDidDelete(onTreeEvent),
    );
  }

  /**
   * Gathers a burst of file events into one background refresh (the one coalescing timer).
   * A batch of only git's files and record files (what our own writes touch, and what a commit,
   * pull or checkout touches) queues a check: the repository is read again only if HEAD, the
   * trusted tip or the tags moved. A prompt, the configuration or CODEOWNERS changing in the
   * working tree queues a full read.
   */
  private gather(tree: boolean): void {
    if (this.disposed) return;
    this.watcherEvents++;
    if (this.batch) {
      this.batch.tree ||= tree;
      return;
    }
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const batch = { tree, done, resolve, timer: setTimeout(() => {
      this.batch = undefined;
      void this.refresh('background', batch.tree ? 'full' : 'check').finally(() => batch.resolve());
    }, WATCHER_BATCH_MS) };
    this.batch = batch;
  }

  dispose(): void {
    this.disposed = true;
    if (this.batch) {
      clearTimeout(this.batch.timer);
      this.batch.resolve();
      this.batch = undefined;
    }
    this.current?.cancel.cancel();
    for (const job of this.pending.splice(0)) job.resolve(undefined);
    this.watchers?.dispose();
    this.modelEmitter.dispose();
    this.checkIdle();
  }
}

function rank(priority: Priority): number {
  return priority === 'user' ? 0 : 1;
}

/** Prompt matchers compiled once per configuration, not once per file event. */
const matchers = new WeakMap<RepoModel['config'], (path: string) => boolean>();
function matcherFor(config: RepoModel['config']): (path: string) => boolean {
  let matcher = matchers.get(config);
  if (!matcher) matchers.set(config, (matcher = promptMatcher(config)));
  return matcher;
}
