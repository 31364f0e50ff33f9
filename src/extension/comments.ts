import * as path from 'path';
import * as vscode from 'vscode';
import { shortHash } from '../core/hash';
import type { PromptStatus } from '../core/model';
import type { CommentRecord, StoredRecord } from '../core/records';
import * as engine from '../git/engine';
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
 * Line comments through the Comments API, recorded in the repository one file per comment
 * and anchored to content and lines; after an edit a thread is shown as outdated, not lost.
 */
export class PromptComments implements vscode.Disposable {
  readonly controller = vscode.comments.createCommentController('promptRelease.comments', 'Prompt Reviews');
  private readonly threads = new Map<string, { thread: vscode.CommentThread; model: ThreadModel }>();
  private readonly disposables: vscode.Disposable[] = [this.controller];

  constructor(private readonly workspace: PromptWorkspace) {
    this.controller.options = { prompt: 'Comment on these lines of the committed prompt…', placeHolder: 'Your comment' };
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (document) => (workspace.promptAt(document.uri)?.prompt.contentHash ? [new vscode.Range(0, 0, Math.max(0, document.lineCount - 1), 0)] : []),
    };
    this.disposables.push(workspace.onDidChange(() => this.sync()));
  }

  /** Threads as recorded, keyed by thread id: for tests and the dashboard. */
  get threadModels(): ThreadModel[] {
    return [...this.threads.values()].map((t) => t.model);
  }

  /** The editor's thread for a recorded thread id. */
  threadOf(id: string): vscode.CommentThread | undefined {
    for (const entry of this.threads.values()) if (entry.model.id === id) return entry.thread;
    return undefined;
  }

  private sync(): void {
    const seen = new Set<string>();
    for (const state of this.workspace.folders) {
      for (const prompt of state.model?.prompts ?? []) {
        if (prompt.comments.length === 0) continue;
        for (const model of threadsOf(prompt, state)) {
          const key = `${state.repo!.root}#${model.id}`;
          seen.add(key);
          this.render(key, model);
        }
      }
    }
    for (const [key, entry] of this.threads) {
      if (!seen.has(key)) {
        entry.thread.dispose();
        this.threads.delete(key);
      }
    }
  }

  private render(key: string, model: ThreadModel): void {
    const first = model.comments[0].record;
    const uri = vscode.Uri.file(path.join(model.state.repo!.root, model.prompt.path));
    const range = new vscode.Range(first.startLine - 1, 0, first.endLine - 1, 0);
    let entry = this.threads.get(key);
    if (!entry) {
      const thread = this.controller.createCommentThread(uri, range, []);
      entry = { thread, model };
      this.threads.set(key, entry);
    }
    entry.model = model;
    const { thread } = entry;
    thread.comments = model.comments
      .filter((c) => c.record.body)
      .map((c) => ({
        body: new vscode.MarkdownString(c.record.body),
        mode: vscode.CommentMode.Preview,
        author: { name: c.record.by.name || c.record.by.email },
        timestamp: new Date(c.record.time),
        contextValue: 'promptReleaseComment',
      }));
    thread.label = model.outdated ? `Outdated: written on ${shortHash(first.contentHash)}, lines ${first.startLine}-${first.endLine}` : `Lines ${first.startLine}-${first.endLine}`;
    thread.contextValue = [model.resolved ? 'resolved' : 'unresolved', model.outdated ? 'outdated' : 'current'].join(' ');
    thread.state = model.resolved ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
    if (model.outdated || model.resolved) thread.collapsibleState = vscode.CommentThreadCollapsibleState.Collapsed;
  }

  private modelOf(thread: vscode.CommentThread): ThreadModel | undefined {
    for (const entry of this.threads.values()) if (entry.thread === thread) return entry.model;
    return undefined;
  }

  /** A new thread (the gutter "+" then Comment) or a reply to a recorded one. */
  async submit(reply: vscode.CommentReply): Promise<void> {
    const existing = this.modelOf(reply.thread);
    const found = this.workspace.promptAt(reply.thread.uri);
    if (!found) throw new Error('the comment is not on a prompt in this repository');
    const range = reply.thread.range ?? new vscode.Range(0, 0, 0, 0);
    await this.workspace.operation(found.state.folder, () => engine.comment(found.state.repo, found.prompt.path, {
      thread: existing?.id,
      startLine: range.start.line + 1,
      endLine: range.end.line + 1,
      body: reply.text,
    }));
    // A thread made by the editor for a new comment is replaced by the recorded one.
    if (!existing) reply.thread.dispose();
  }

  async setResolved(thread: vscode.CommentThread, resolved: boolean): Promise<void> {
    const model = this.modelOf(thread);
    if (!model) return;
    const first = model.comments[0].record;
    await this.workspace.operation(model.state.folder, () =>
      engine.comment(model.state.repo!, model.prompt.path, { thread: model.id, startLine: first.startLine, endLine: first.endLine, body: '', resolves: resolved, reopens: !resolved }),
    );
  }

  dispose(): void {
    for (const entry of this.threads.values()) entry.thread.dispose();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
