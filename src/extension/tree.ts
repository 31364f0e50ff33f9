import * as path from 'path';
import { existsSync } from 'fs';
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../core/policy/config';
import { plural } from '../core/shared/words';
import { COMMANDS } from './commandIds';
import { attentionLabel, attentionList, type AttentionItem, type AttentionKind } from '../core/reviews/attention';
import { waitingFor } from '../core/reviews/inbox';
import type { PromptStatus } from '../core/model/model';
import { stateLabel, type PromptState } from '../core/policy/state';
import { approvalsSummary, stateIcon, tooltip } from './present';
import { onBranchOf, type FolderState, type PromptWorkspace } from './workspace';

type Node =
  | { kind: 'folder'; state: FolderState }
  | { kind: 'group'; state: FolderState; group: PromptState['kind']; prompts: PromptStatus[] }
  | { kind: 'prompt'; state: FolderState; prompt: PromptStatus; reason?: string; attention?: AttentionItem[] }
  | { kind: 'setUp'; state: FolderState; detected: number };

const GROUP_ORDER: PromptState['kind'][] = ['changes-requested', 'in-review', 'approved', 'modified', 'draft', 'released'];
const GROUP_LABEL: Record<PromptState['kind'], string> = {
  'changes-requested': 'Changes requested',
  'in-review': 'In review',
  approved: 'Approved, not released',
  modified: 'Modified since release',
  draft: 'Draft',
  released: 'Released',
};

/**
 * The "Prompt Releases" views: "Waiting for My Review" (mode 'waiting') and every prompt
 * grouped by state (mode 'all'). Folders appear as roots only in multi-root workspaces.
 */
export class PromptTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly changeEmitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor(
    private readonly workspace: PromptWorkspace,
    private readonly mode: 'waiting' | 'all',
  ) {
    // Coalesce bursts of changes so the view never asks for items of a tree being replaced.
    let timer: NodeJS.Timeout | undefined;
    workspace.onDidChange(() => {
      clearTimeout(timer);
      timer = setTimeout(() => this.changeEmitter.fire(undefined), 50);
    });
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const ready = this.workspace.folders.filter((s) => s.model);
      if (ready.length === 1) return this.folderChildren(ready[0]);
      return ready.map((state) => ({ kind: 'folder', state }));
    }
    if (node.kind === 'folder') return this.folderChildren(node.state);
    if (node.kind === 'group') return node.prompts.map((prompt) => ({ kind: 'prompt', state: node.state, prompt }));
    return [];
  }

  private folderChildren(state: FolderState): Node[] {
    const model = state.model;
    if (!model) return [];
    if (this.mode === 'waiting') {
      if (!state.identity) return [];
      // Escalated first, most urgent kind then longest waiting, as the repository's attention list orders them.
      const rank = new Map<string, number>();
      attentionList(model).forEach((a, i) => rank.has(a.prompt) || rank.set(a.prompt, i));
      const items = waitingFor(model, state.identity);
      const order = (w: (typeof items)[number]) => (w.attention.length ? (rank.get(w.prompt.path) ?? items.length) : Number.MAX_SAFE_INTEGER);
      return items
        .map((w, i) => ({ w, i }))
        .sort((a, b) => order(a.w) - order(b.w) || a.i - b.i)
        .map(({ w }) => ({
          kind: 'prompt' as const,
          state,
          prompt: w.prompt,
          reason: w.reason === 'owner' ? 'you own it' : 'you were asked',
          attention: w.attention,
        }));
    }
    const groups: Node[] = GROUP_ORDER.map((group) => ({ kind: 'group' as const, state, group, prompts: model.prompts.filter((p) => p.state.kind === group) })).filter((g) => g.prompts.length > 0);
    // First run: what was detected is the list below; the rules that govern it are one click away.
    const needsSetUp = state.repo && !existsSync(path.join(state.repo.root, CONFIG_FILE));
    return needsSetUp ? [{ kind: 'setUp', state, detected: model.prompts.length }, ...groups] : groups;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'setUp': {
        const item = new vscode.TreeItem('Set up prompt releases', vscode.TreeItemCollapsibleState.None);
        item.description = `${plural(node.detected, 'prompt')} detected, no release rules yet`;
        item.tooltip = `Writes ${CONFIG_FILE} (environments, approvals, people proposed from CODEOWNERS and history) after showing what it found. Nothing is released until it is committed to the trusted branch.`;
        item.iconPath = new vscode.ThemeIcon('gear');
        item.id = `${node.state.folder.uri}#${this.mode}#setUp`;
        item.command = { command: COMMANDS.setUp, title: 'Set up prompt releases', arguments: [vscode.Uri.file(node.state.repo!.root)] };
        return item;
      }
      case 'folder': {
        const item = new vscode.TreeItem(node.state.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('repo');
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(GROUP_LABEL[node.group], node.group === 'released' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
        item.description = String(node.prompts.length);
        item.iconPath = stateIcon(node.prompts[0].state);
        item.id = `${node.state.folder.uri}#${this.mode}#${node.group}`;
        return item;
      }
      case 'prompt': {
        const { prompt } = node;
        const uri = vscode.Uri.file(path.join(node.state.repo!.root, prompt.path));
        const item = new vscode.TreeItem(path.basename(prompt.path), vscode.TreeItemCollapsibleState.None);
        const dir = path.dirname(prompt.path);
        const urgent = node.attention?.length ? sortAttention(node.attention)[0] : undefined;
        item.description = [dir === '.' ? '' : dir, urgent ? `${attentionLabel(urgent.kind)}: ${urgent.message}` : (node.reason ?? stateLabel(prompt.state)), approvalsSummary(prompt)].filter(Boolean).join(' · ');
        item.tooltip = urgent ? `${sortAttention(node.attention!).map((a) => `${attentionLabel(a.kind).toUpperCase()}: ${a.message}`).join('\n')}\n\n${tooltip(prompt, node.state.model, onBranchOf(node))}` : tooltip(prompt, node.state.model, onBranchOf(node));
        item.iconPath = urgent ? attentionIcon(urgent.kind) : stateIcon(prompt.state);
        item.resourceUri = uri;
        item.id = `${node.state.folder.uri}#${this.mode}#${prompt.path}`;
        const released = Object.values(prompt.current).some(Boolean);
        item.contextValue = ['prompt', `state-${prompt.state.kind}`, released ? 'released' : '', prompt.owners.length ? '' : 'unowned', urgent ? `attention-${urgent.kind}` : ''].filter(Boolean).join(' ');
        item.command = { command: 'vscode.open', title: 'Open Prompt', arguments: [uri] };
        return item;
      }
    }
  }
}

const URGENCY: AttentionKind[] = ['disputed', 'overdue', 'review-due'];

function sortAttention(items: AttentionItem[]): AttentionItem[] {
  return [...items].sort((a, b) => URGENCY.indexOf(a.kind) - URGENCY.indexOf(b.kind) || a.since - b.since);
}

/** Escalated items look different from every state: a bell, in the error or warning colour. */
export function attentionIcon(kind: AttentionKind): vscode.ThemeIcon {
  return new vscode.ThemeIcon(kind === 'disputed' ? 'bell-dot' : 'bell', new vscode.ThemeColor(kind === 'disputed' ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground'));
}
