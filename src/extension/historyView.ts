import * as path from 'path';
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import type { CommandSpec } from './commands';
import type { ShownEntry } from '../core/history/shownHistory';
import { promptHistory } from '../usecases/history';
import { blobUri } from './gitContent';
import type { PromptAt, PromptWorkspace } from './workspace';

type VersionEntry = Extract<ShownEntry, { kind: 'version' }>;

export type HistoryNode =
  | { kind: 'entry'; found: PromptAt; entry: ShownEntry; index: number }
  | { kind: 'detail'; label: string; description: string; icon: string };

/** A commit of the history that produced content: opened, compared and rolled back from. */
export type VersionNode = { kind: 'entry'; found: PromptAt; entry: VersionEntry; index: number };

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

const ICONS: Record<ShownEntry['kind'], string> = {
  version: 'git-commit',
  review: 'check',
  'review-request': 'comment-discussion',
  release: 'rocket',
  check: 'beaker',
  feedback: 'feedback',
};

/**
 * History of the active prompt: the same entries, in the same order, as
 * `prompt-release history <path>` (both come from the history use case): every commit under
 * every name the prompt had, reviews, review requests, checks, feedback and releases. A
 * commit's content can be opened, compared and rolled back to.
 */
export class PromptHistoryProvider implements vscode.TreeDataProvider<HistoryNode> {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private target?: vscode.Uri;
  /** The history read for the prompt shown, until the repository or the prompt shown changes. */
  private loaded?: { key: string; entries: Promise<ShownEntry[]> };
  /** The version picked with "Select for Compare". */
  selected?: VersionNode;

  constructor(private readonly workspace: PromptWorkspace) {
    workspace.onDidChange(() => {
      this.loaded = undefined;
      this.changeEmitter.fire();
    });
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      const uri = editor?.document.uri;
      if (uri && workspace.promptAt(uri) && uri.toString() !== this.target?.toString()) this.show(uri);
    });
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active) this.target = active;
  }

  show(uri: vscode.Uri): void {
    this.target = uri;
    this.changeEmitter.fire();
  }

  get prompt(): PromptAt | undefined {
    return this.target ? this.workspace.promptAt(this.target) : undefined;
  }

  /** The shown prompt's history entries, read once per model of its repository. */
  entries(found: PromptAt): Promise<ShownEntry[]> {
    const { model, repo } = found.state;
    const key = JSON.stringify([repo.root, found.prompt.path, model.head.commit, model.trusted.commit, model.tagChecks.length]);
    if (this.loaded?.key !== key) this.loaded = { key, entries: promptHistory(repo, found.prompt.path).then((h) => h.entries) };
    return this.loaded.entries;
  }

  async getChildren(node?: HistoryNode): Promise<HistoryNode[]> {
    const found = this.prompt;
    if (!found || node) return [];
    try {
      return (await this.entries(found)).map((entry, index) => ({ kind: 'entry', found, entry, index }));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return [{ kind: 'detail', label: 'The history cannot be shown', description: message, icon: 'warning' }];
    }
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    if (node.kind === 'detail') {
      const item = new vscode.TreeItem(node.label);
      item.description = node.description;
      item.tooltip = `${node.label}: ${node.description}`;
      item.iconPath = new vscode.ThemeIcon(node.icon);
      return item;
    }
    const { entry: e, found } = node;
    const item = new vscode.TreeItem(e.text);
    item.description = day(e.time);
    item.tooltip = `${e.time}\n${e.text}`;
    item.id = `${found.state.repo.root}#${found.prompt.path}#${node.index}`;
    item.iconPath = new vscode.ThemeIcon(e.kind === 'review' && e.verdict !== 'approve' ? 'request-changes' : e.kind === 'version' && e.deleted ? 'trash' : ICONS[e.kind]);
    if (e.kind === 'version' && !e.deleted) {
      const current = e.blob === found.prompt.blob;
      const live = found.state.model.config.environments.filter((env) => found.prompt.current[env.name]?.evidence.blob === e.blob).map((env) => env.name);
      item.description = [day(e.time), current ? 'committed now' : '', live.length ? `in ${live.join(', ')}` : ''].filter(Boolean).join(' · ');
      item.contextValue = ['version', e.version ? 'released' : '', current ? 'current' : ''].filter(Boolean).join(' ');
      item.command = { command: COMMANDS.historyOpen, title: 'Open Version', arguments: [node] };
    }
    return item;
  }

  uriOf(node: VersionNode): vscode.Uri {
    return blobUri(node.found.state.repo.root, node.found.prompt.path, node.entry.blob, this.label(node));
  }

  label(node: VersionNode): string {
    return node.entry.version ? `v${node.entry.version}` : node.entry.commit.slice(0, 8);
  }

  workingUri(found: PromptAt): vscode.Uri {
    return vscode.Uri.file(path.join(found.state.repo.root, found.prompt.path));
  }
}

/** The history view's commands, for the command registry. */
export function historyCommands(history: PromptHistoryProvider): CommandSpec[] {
  return [
    { id: COMMANDS.historyOpen, action: 'open the version', run: (node: VersionNode) => vscode.window.showTextDocument(history.uriOf(node), { preview: true }) },
    {
      id: COMMANDS.historyCompareWithWorking,
      action: 'compare with the working copy',
      run: (node: VersionNode) =>
        vscode.commands.executeCommand('vscode.diff', history.uriOf(node), history.workingUri(node.found), `${path.basename(node.found.prompt.path)} (${history.label(node)}) ↔ Working Copy`),
    },
    {
      id: COMMANDS.historySelect,
      action: 'select the version for comparison',
      run: (node: VersionNode) => {
        history.selected = node;
        void vscode.commands.executeCommand('setContext', 'promptRelease.historySelected', true);
      },
    },
    {
      id: COMMANDS.historyCompareWithSelected,
      action: 'compare two versions',
      run: (node: VersionNode) => {
        const base = history.selected;
        if (!base) return;
        return vscode.commands.executeCommand('vscode.diff', history.uriOf(base), history.uriOf(node), `${path.basename(node.found.prompt.path)} (${history.label(base)}) ↔ (${history.label(node)})`);
      },
    },
    { id: COMMANDS.historyRollback, action: 'roll back', run: (node: VersionNode) => vscode.commands.executeCommand(COMMANDS.release, history.workingUri(node.found), { version: node.entry.version }) },
  ];
}
