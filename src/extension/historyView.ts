import * as path from 'path';
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import type { CommandSpec } from './commands';
import { formatIdentity } from '../core/ownership/identity';
import { versionsOf, type PromptVersion } from '../core/releases/versions';
import { plural } from '../core/shared/words';
import { blobUri } from './gitContent';
import type { PromptAt, PromptWorkspace } from './workspace';

type Node =
  | { kind: 'version'; found: PromptAt; version: PromptVersion }
  | { kind: 'detail'; label: string; description: string; icon: string };

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/**
 * History of the active prompt: every content it had, the environments each reached and
 * when, who approved and who released; open, compare, roll back.
 */
export class PromptHistoryProvider implements vscode.TreeDataProvider<Node> {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private target?: vscode.Uri;
  /** The version picked with "Select for Compare". */
  selected?: { found: PromptAt; version: PromptVersion };

  constructor(private readonly workspace: PromptWorkspace) {
    workspace.onDidChange(() => this.changeEmitter.fire());
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

  getChildren(node?: Node): Node[] {
    const found = this.prompt;
    if (!found) return [];
    if (!node) return versionsOf(found.prompt, found.state.model.historyOf(found.prompt.path)).map((version) => ({ kind: 'version', found, version }));
    if (node.kind !== 'version') return [];
    const v = node.version;
    const details: Node[] = [];
    details.push({ kind: 'detail', label: `written by ${formatIdentity(v.author)}`, description: `${day(new Date(v.time * 1000).toISOString())} · ${v.commit.slice(0, 8)}`, icon: 'git-commit' });
    for (const r of v.reviews) {
      const verb = r.record.verdict === 'approve' ? 'approved' : 'changes requested';
      details.push({ kind: 'detail', label: `${verb} by ${formatIdentity(r.record.by)}`, description: `${day(r.record.time)}${r.record.comment ? ` · "${r.record.comment}"` : ''}`, icon: r.record.verdict === 'approve' ? 'check' : 'request-changes' });
    }
    for (const r of v.releases) {
      details.push({ kind: 'detail', label: `released to ${r.evidence.environment} by ${formatIdentity(r.evidence.releasedBy)}`, description: `${day(r.evidence.releasedAt)} · ${r.tag}`, icon: 'rocket' });
    }
    return details;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'detail') {
      const item = new vscode.TreeItem(node.label);
      item.description = node.description;
      item.iconPath = new vscode.ThemeIcon(node.icon);
      return item;
    }
    const { version: v, found } = node;
    const name = v.version ? `v${v.version}` : v.commit.slice(0, 8);
    const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Collapsed);
    const live = found.state.model.config.environments.filter((e) => found.prompt.current[e.name]?.evidence.blob === v.blob).map((e) => e.name);
    const reached = [...new Set(v.releases.map((r) => r.evidence.environment))];
    item.description = [v.current ? 'committed now' : '', live.length ? `in ${live.join(', ')}` : reached.length ? `was in ${reached.join(', ')}` : 'not released', plural(v.reviews.filter((r) => r.record.verdict === 'approve').length, 'approval')]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new vscode.ThemeIcon(live.length ? 'rocket' : v.version ? 'tag' : 'git-commit');
    item.contextValue = ['version', v.version ? 'released' : '', v.current ? 'current' : ''].filter(Boolean).join(' ');
    item.id = `${found.state.repo.root}#${found.prompt.path}#${v.blob}`;
    item.command = { command: COMMANDS.historyOpen, title: 'Open Version', arguments: [node] };
    return item;
  }

  uriOf(node: { found: PromptAt; version: PromptVersion }): vscode.Uri {
    const name = node.version.version ? `v${node.version.version}` : node.version.commit.slice(0, 8);
    return blobUri(node.found.state.repo.root, node.found.prompt.path, node.version.blob, name);
  }

  label(node: { version: PromptVersion }): string {
    return node.version.version ? `v${node.version.version}` : node.version.commit.slice(0, 8);
  }

  workingUri(found: PromptAt): vscode.Uri {
    return vscode.Uri.file(path.join(found.state.repo.root, found.prompt.path));
  }
}

/** The history view's commands, for the command registry. */
export function historyCommands(history: PromptHistoryProvider): CommandSpec[] {
  type VersionNode = { kind: 'version'; found: PromptAt; version: PromptVersion };
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
    { id: COMMANDS.historyRollback, action: 'roll back', run: (node: VersionNode) => vscode.commands.executeCommand(COMMANDS.release, history.workingUri(node.found), { version: node.version.version }) },
  ];
}
