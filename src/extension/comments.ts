import { randomBytes } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { carryLines } from '../core/reviews/commentAnchors';
import { shortHash } from '../core/prompts/hash';
import type { PromptStatus } from '../core/model/model';
import type { CommentRecord, StoredRecord } from '../core/reviews/records';
import * as engine from '../usecases/engine';
import { blobUri } from './gitContent';
import type { FolderState, PromptWorkspace } from './workspace';

interface ThreadModel {
  id: string;
  prompt: PromptStatus;
  state: FolderState;
  comments: StoredRecord<CommentRecord>[];
  resolved: boolean;
  outdated: boolean;
}

/** Groups comment records into threads; the last resolve or reopen decides the thread's state. */
export function threadsOf(prompt: PromptStatus, state: FolderState): ThreadModel[] {
  const byId = new Map<string, StoredRecord<CommentRecord>[]>();
  for (const c of prompt.comments) {
    const list = byId.get(c.record.thread) ?? [];
    list.push(c);
    byId.set(c.record.thread, list);
  }
  return [...byId].map(([id, comments]) => {
    let resolved = false;
    for (const c of comments) {
      if (c.record.resolves) resolved = true;
      if (c.record.reopens) resolved = false;
    }
    return { id, prompt, state, comments, resolved, outdated: comments[0].record.contentHash !== prompt.contentHash };
  });
}

/**
 * Line comments through the Comments API, recorded in the repository one file per comment and
 * anchored to the content they were written on. A thread on the current content is on the file;
 * a thread on an earlier version is carried to the file only where its lines are unchanged,
 * otherwise it is shown on that exact version, read-only from git. A new comment shows at once,
 * marked pending until its record is committed, and stays (marked not recorded) if that fails.
 */
export class PromptComments implements vscode.Disposable {
  readonly controller = vscode.comments.createCommentController('promptRelease.comments', 'Prompt Reviews');
  private readonly threads = new Map<string, { thread: vscode.CommentThread; model?: ThreadModel; pending?: boolean }>();
  /** Texts of versions threads were written on, by blob id (a blob never changes). */
  private readonly versions = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [this.controller];
  private syncing = Promise.resolve();

  constructor(private readonly workspace: PromptWorkspace) {
    this.controller.options = { prompt: 'Comment on these lines of the committed prompt…', placeHolder: 'Your comment' };
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (document) => (workspace.promptAt(document.uri)?.prompt.contentHash ? [new vscode.Range(0, 0, Math.max(0, document.lineCount - 1), 0)] : []),
    };
    this.disposables.push(workspace.onDidChange(() => (this.syncing = this.syncing.then(() => this.sync()).catch(() => undefined))));
  }

  /** Threads as recorded, keyed by thread id: for tests and the dashboard. */
  get threadModels(): ThreadModel[] {
    return [...this.threads.values()].flatMap((t) => (t.model ? [t.model] : []));
  }

  /** The editor's thread for a recorded thread id. */
  threadOf(id: string): vscode.CommentThread | undefined {
    for (const entry of this.threads.values()) if (entry.model?.id === id) return entry.thread;
    return undefined;
  }

  /** Resolves when the threads show the latest model. */
  settled(): Promise<void> {
    return this.syncing;
  }

  private async sync(): Promise<void> {
    const seen = new Set<string>();
    for (const state of this.workspace.folders) {
      const prompts = (state.model?.prompts ?? []).filter((p) => p.comments.length > 0);
      const models = prompts.flatMap((prompt) => threadsOf(prompt, state));
      await this.loadVersions(state, models);
      for (const model of models) {
        const key = `${state.repo!.root}#${model.id}`;
        seen.add(key);
        this.render(key, model);
      }
    }
    for (const [key, entry] of this.threads) {
      if (seen.has(key) || entry.pending) continue;
      entry.thread.dispose();
      this.threads.delete(key);
    }
  }

  /** Reads, in one git call, the versions outdated threads were written on and the current ones. */
  private async loadVersions(state: FolderState, models: ThreadModel[]): Promise<void> {
    const wanted = new Set<string>();
    for (const m of models) if (m.outdated) for (const blob of [m.comments[0].record.blob, m.prompt.blob]) if (blob && !this.versions.has(blob)) wanted.add(blob);
    if (!wanted.size || !state.repo) return;
    const blobs = [...wanted];
    const contents = await state.repo.readObjects(blobs);
    blobs.forEach((blob, i) => contents[i] && this.versions.set(blob, contents[i]!.toString('utf8')));
  }

  /** Where a thread belongs now: the file (at its lines, or carried), or the version it was written on. */
  private placeOf(model: ThreadModel): { uri: vscode.Uri; range: vscode.Range; label: string } {
    const first = model.comments[0].record;
    const root = model.state.repo!.root;
    const file = vscode.Uri.file(path.join(root, model.prompt.path));
    const lines = (a: number, b: number) => new vscode.Range(a - 1, 0, b - 1, 0);
    if (!model.outdated) return { uri: file, range: lines(first.startLine, first.endLine), label: `Lines ${first.startLine}-${first.endLine}` };
    const original = this.versions.get(first.blob);
    const current = model.prompt.blob ? this.versions.get(model.prompt.blob) : undefined;
    const carried = original !== undefined && current !== undefined ? carryLines(original, current, first.startLine, first.endLine) : undefined;
    if (carried) {
      return { uri: file, range: lines(carried.startLine, carried.endLine), label: `Lines ${carried.startLine}-${carried.endLine}, unchanged since ${shortHash(first.contentHash)} where this was written` };
    }
    const version = blobUri(root, model.prompt.path, first.blob, `commented version ${shortHash(first.contentHash)}`);
    return { uri: version, range: lines(first.startLine, first.endLine), label: `Outdated: on version ${shortHash(first.contentHash)}, lines ${first.startLine}-${first.endLine} (changed since)` };
  }

  private render(key: string, model: ThreadModel): void {
    const place = this.placeOf(model);
    let entry = this.threads.get(key);
    // A thread moves (to its version, or carried) by being made again where it now belongs.
    if (entry && entry.thread.uri.toString() !== place.uri.toString()) {
      entry.thread.dispose();
      entry = undefined;
    }
    if (!entry) {
      entry = { thread: this.controller.createCommentThread(place.uri, place.range, []) };
      this.threads.set(key, entry);
    }
    entry.model = model;
    entry.pending = false;
    const { thread } = entry;
    thread.range = place.range;
    thread.comments = model.comments
      .filter((c) => c.record.body)
      .map((c) => ({
        body: new vscode.MarkdownString(c.record.body),
        mode: vscode.CommentMode.Preview,
        author: { name: c.record.by.name || c.record.by.email },
        timestamp: new Date(c.record.time),
        contextValue: 'promptReleaseComment',
      }));
    thread.label = place.label;
    thread.contextValue = [model.resolved ? 'resolved' : 'unresolved', model.outdated ? 'outdated' : 'current'].join(' ');
    thread.state = model.resolved ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
    if (model.resolved) thread.collapsibleState = vscode.CommentThreadCollapsibleState.Collapsed;
  }

  private modelOf(thread: vscode.CommentThread): ThreadModel | undefined {
    for (const entry of this.threads.values()) if (entry.thread === thread) return entry.model;
    return undefined;
  }

  /**
   * A new thread (the gutter "+" then Comment) or a reply. The comment shows at once as
   * pending; the editor's own thread becomes the recorded one, in place. If recording fails,
   * the text stays in the thread, marked as not recorded, so nothing typed is lost.
   */
  async submit(reply: vscode.CommentReply): Promise<void> {
    const existing = this.modelOf(reply.thread);
    const found = existing ? { state: existing.state, prompt: existing.prompt } : this.workspace.promptAt(reply.thread.uri);
    if (!found?.state.repo) throw new Error('the comment is not on a prompt in this repository');
    const id = existing?.id ?? randomBytes(6).toString('hex');
    const key = `${found.state.repo.root}#${id}`;
    if (!existing) this.threads.set(key, { thread: reply.thread, pending: true });
    const pending: vscode.Comment = { body: reply.text, mode: vscode.CommentMode.Preview, author: { name: found.state.identity?.name ?? 'You' }, label: 'Pending', contextValue: 'pending' };
    reply.thread.comments = [...reply.thread.comments, pending];
    const range = reply.thread.range ?? new vscode.Range(0, 0, 0, 0);
    const first = existing?.comments[0].record;
    try {
      await this.workspace.operation(found.state.folder, () =>
        engine.comment(found.state.repo!, found.prompt.path, {
          thread: id,
          startLine: first?.startLine ?? range.start.line + 1,
          endLine: first?.endLine ?? range.end.line + 1,
          body: reply.text,
        }, found.state.model),
      );
    } catch (err) {
      reply.thread.comments = reply.thread.comments.map((c) => (c === pending ? { ...pending, label: 'Not recorded: see the message', contextValue: 'failed' } : c));
      throw err;
    }
    await this.settled();
  }

  async setResolved(thread: vscode.CommentThread, resolved: boolean): Promise<void> {
    const model = this.modelOf(thread);
    if (!model) return;
    const first = model.comments[0].record;
    await this.workspace.operation(model.state.folder, () =>
      engine.comment(model.state.repo!, model.prompt.path, { thread: model.id, startLine: first.startLine, endLine: first.endLine, body: '', resolves: resolved, reopens: !resolved }, model.state.model),
    );
    await this.settled();
  }

  dispose(): void {
    for (const entry of this.threads.values()) entry.thread.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
