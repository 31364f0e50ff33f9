import * as path from 'path';
import { existsSync } from 'fs';
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../core/policy/config';
import { formatTime, plural } from '../core/common/words';
import { COMMANDS } from './commandIds';
import { attentionLabel, attentionList, type AttentionItem, type AttentionKind } from '../core/reviews/attention';
import { waitingFor } from '../core/reviews/inbox';
import type { PromptStatus } from '../core/model/model';
import { stateLabel, type PromptState } from '../core/policy/state';
import { PROMPT_KINDS } from '../core/prompts/detection';
import { kindOf } from '../core/prompts/prompts';
import { approvalsSummary, stateIcon, tooltip } from './present';
import { onBranchOf, type FolderState, type PromptWorkspace } from './workspace';

/** A prompt as the view last showed it (its path, state and owners), kept to show at once on the next start. */
export interface SeenPrompt {
  path: string;
  state: PromptState;
  owners: string[];
}

/** What a group lists: the prompts as read now, or as last seen while the first read runs. */
type Listed = { seen: false; prompts: PromptStatus[] } | { seen: true; prompts: SeenPrompt[]; at: number };

type Node =
  | { kind: 'folder'; state: FolderState }
  | { kind: 'loading'; state: FolderState; count?: number; seenAt?: number }
  | ({ kind: 'group'; state: FolderState; id: string; label: string; icon: vscode.ThemeIcon; collapsed: boolean; children?: Node[] } & Listed)
  | { kind: 'prompt'; state: FolderState; parent?: string; prompt: PromptStatus; reason?: string; attention?: AttentionItem[] }
  | { kind: 'seen'; state: FolderState; parent: string; seen: SeenPrompt; at: number }
  | { kind: 'setUp'; state: FolderState; detected: number };

export type GroupBy = 'state' | 'folder' | 'kind' | 'owner';
export const GROUP_BY_SETTING = 'promptsView.groupBy';
/** Above this many prompts in a folder, large state groups nest by folder. */
export const NEST_ABOVE = 200;
/** …and a state group nests once it holds more rows than this. */
export const NEST_GROUP_ABOVE = 25;
export const NO_OWNER = 'No owner';
export const OTHER_KIND = 'Other prompts';
const LAST_COUNTS = 'promptRelease.promptCounts';
/** Each folder's rows as last read: `{ at, prompts: [path, state, owners][] }` by folder URI. */
const LAST_SEEN = 'promptRelease.lastSeen';
/** A folder with more prompts keeps only its count: workspace state is no place for megabytes. */
export const SEEN_LIMIT = 5000;

interface SeenFolder {
  at: number;
  prompts: [string, PromptState, string[]][];
}

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
  /** When prompt rows were first there to show, as last seen or as read (Date.now()); what the bench's editor line measures. */
  firstRowsAt?: number;
  /** When rows read from git this session were first there to show. */
  readRowsAt?: number;
  /** Settles once the rows last remembered have been handed to VS Code's workspace state. */
  remembered: Thenable<void> = Promise.resolve();

  constructor(
    private readonly workspace: PromptWorkspace,
    private readonly mode: 'waiting' | 'all',
    /** Where the last prompt count of each folder is kept, for the "Reading N prompts…" row of the next start. */
    private readonly memory?: vscode.Memento,
  ) {
    // One event per finished read (the folders' queues coalesce refreshes), so no timer here.
    workspace.onDidChange(() => {
      if (this.readRowsAt === undefined && workspace.folders.some((s) => s.model)) {
        this.readRowsAt = Date.now();
        this.firstRowsAt ??= this.readRowsAt;
      }
      this.remember();
      this.changeEmitter.fire(undefined);
    });
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (mode === 'all' && e.affectsConfiguration(`promptRelease.${GROUP_BY_SETTING}`)) this.changeEmitter.fire(undefined);
    });
  }

  /** How the view groups prompts (the setting; "state" unless set). */
  get groupBy(): GroupBy {
    const value = vscode.workspace.getConfiguration('promptRelease').get<string>(GROUP_BY_SETTING);
    return value === 'folder' || value === 'kind' || value === 'owner' ? value : 'state';
  }

  private remember(): void {
    if (!this.memory || this.mode !== 'all') return;
    const counts = { ...this.memory.get<Record<string, number>>(LAST_COUNTS, {}) };
    let changed = false;
    for (const state of this.workspace.folders) {
      const key = state.folder.uri.toString();
      if (state.model && counts[key] !== state.model.prompts.length) {
        counts[key] = state.model.prompts.length;
        changed = true;
      }
    }
    if (changed) void this.memory.update(LAST_COUNTS, counts);
    const seen = { ...this.memory.get<Record<string, SeenFolder>>(LAST_SEEN, {}) };
    let seenChanged = false;
    for (const state of this.workspace.folders) {
      const key = state.folder.uri.toString();
      if (!state.model || state.model.focus !== undefined) continue;
      if (state.model.prompts.length > SEEN_LIMIT) {
        if (seen[key]) delete seen[key], (seenChanged = true);
        continue;
      }
      const prompts = state.model.prompts.map((p): SeenFolder['prompts'][number] => [p.path, p.state, p.owners]);
      // Written only when a row changed, not at every refresh.
      if (JSON.stringify(seen[key]?.prompts) === JSON.stringify(prompts)) continue;
      seen[key] = { at: Date.now(), prompts };
      seenChanged = true;
    }
    if (seenChanged) this.remembered = this.memory.update(LAST_SEEN, seen);
  }

  /** A folder's rows as last seen, when the last session kept them. */
  private lastSeen(state: FolderState): { at: number; prompts: SeenPrompt[] } | undefined {
    const kept = this.memory?.get<Record<string, SeenFolder>>(LAST_SEEN, {})[state.folder.uri.toString()];
    if (!kept || !Array.isArray(kept.prompts) || typeof kept.at !== 'number') return undefined;
    return { at: kept.at, prompts: kept.prompts.map(([path, promptState, owners]) => ({ path, state: promptState, owners })) };
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      // A folder still being read for the first time shows a progress row at once, not an empty view.
      const shown = this.workspace.folders.filter((s) => s.model || (this.mode === 'all' && s.status === 'loading'));
      if (shown.length === 1) return this.folderChildren(shown[0]);
      return shown.map((state) => ({ kind: 'folder', state }));
    }
    if (node.kind === 'folder') return this.folderChildren(node.state);
    if (node.kind === 'group') {
      if (node.children) return node.children;
      if (node.seen) return node.prompts.map((seen) => ({ kind: 'seen', state: node.state, parent: node.id, seen, at: node.at }));
      return node.prompts.map((prompt) => ({ kind: 'prompt', state: node.state, parent: node.id, prompt }));
    }
    return [];
  }

  private folderChildren(state: FolderState): Node[] {
    const model = state.model;
    if (!model) {
      if (this.mode !== 'all' || state.status !== 'loading') return [];
      const count = this.memory?.get<Record<string, number>>(LAST_COUNTS, {})[state.folder.uri.toString()];
      // The rows of the last session at once, marked so and with no actions, until git is read.
      const seen = this.lastSeen(state);
      if (!seen) return [{ kind: 'loading', state, count }];
      this.firstRowsAt ??= Date.now();
      return [{ kind: 'loading', state, count: seen.prompts.length, seenAt: seen.at }, ...groupPrompts(state, { seen: true, prompts: seen.prompts, at: seen.at }, this.groupBy, `${state.folder.uri}#${this.mode}#seen`)];
    }
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
    const groups = groupPrompts(state, { seen: false, prompts: model.prompts }, this.groupBy, `${state.folder.uri}#${this.mode}`);
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
      case 'loading': {
        if (node.seenAt !== undefined) {
          const item = new vscode.TreeItem(`Checking ${plural(node.count ?? 0, 'prompt')} against git…`, vscode.TreeItemCollapsibleState.None);
          item.description = `below as last seen, ${formatTime(node.seenAt / 1000)}`;
          item.tooltip = `The list below is how this view last saw the repository (${formatTime(node.seenAt / 1000)}). Nothing in it is checked yet, so it offers no actions; it is replaced as soon as git has been read.`;
          item.iconPath = new vscode.ThemeIcon('loading~spin');
          item.id = `${node.state.folder.uri}#${this.mode}#loading`;
          return item;
        }
        const item = new vscode.TreeItem(node.count === undefined ? 'Reading prompts…' : `Reading ${plural(node.count, 'prompt')}…`, vscode.TreeItemCollapsibleState.None);
        item.description = node.count === undefined ? 'first read of this repository' : 'as many as last time; the list fills once git is read';
        item.iconPath = new vscode.ThemeIcon('loading~spin');
        item.id = `${node.state.folder.uri}#${this.mode}#loading`;
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(node.label, node.collapsed ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
        item.description = String(node.prompts.length);
        item.iconPath = node.icon;
        item.id = node.id;
        item.contextValue = 'group';
        return item;
      }
      case 'seen': {
        const { seen } = node;
        const item = new vscode.TreeItem(path.basename(seen.path), vscode.TreeItemCollapsibleState.None);
        const dir = path.dirname(seen.path);
        item.description = [dir === '.' ? '' : dir, `${stateLabel(seen.state)} when last seen`].filter(Boolean).join(' · ');
        item.tooltip = `${seen.path}\n${stateLabel(seen.state)} when last seen (${formatTime(node.at / 1000)}); being checked against git now.`;
        item.iconPath = stateIcon(seen.state);
        item.resourceUri = vscode.Uri.file(path.join(node.state.folder.uri.fsPath, seen.path));
        item.id = `${node.parent}#${seen.path}`;
        // Not "prompt": no review or release action is offered on a row nothing has checked.
        item.contextValue = 'lastSeen';
        item.command = { command: 'vscode.open', title: 'Open Prompt', arguments: [item.resourceUri] };
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
        item.id = `${node.parent ?? `${node.state.folder.uri}#${this.mode}`}#${prompt.path}`;
        const released = Object.values(prompt.current).some(Boolean);
        item.contextValue = ['prompt', `state-${prompt.state.kind}`, released ? 'released' : '', prompt.owners.length ? '' : 'unowned', urgent ? `attention-${urgent.kind}` : ''].filter(Boolean).join(' ');
        item.command = { command: 'vscode.open', title: 'Open Prompt', arguments: [uri] };
        return item;
      }
    }
  }
}

type GroupNode = Extract<Node, { kind: 'group' }>;

/**
 * The view's groups for one folder. By state (the default), by folder, by kind of prompt file or
 * by CODEOWNERS owner (a prompt with several owners is under each; one with none under "No
 * owner"). In a large repository (above NEST_ABOVE prompts) a state group of more than
 * NEST_GROUP_ABOVE prompts nests by folder, so no group lists hundreds of rows flat.
 */
export function groupPrompts(state: FolderState, listed: Listed, by: GroupBy, base: string): GroupNode[] {
  // One grouping for rows read now and rows as last seen, so they sit in the same places.
  type Row = PromptStatus | SeenPrompt;
  const group = (id: string, label: string, icon: vscode.ThemeIcon, members: Row[], collapsed = false): GroupNode =>
    ({ kind: 'group', state, id, label, icon, collapsed, ...listed, prompts: members }) as GroupNode;
  const prompts: Row[] = listed.prompts;
  switch (by) {
    case 'state': {
      const nest = prompts.length > NEST_ABOVE;
      return GROUP_ORDER.flatMap((kind) => {
        const members = prompts.filter((p) => p.state.kind === kind);
        if (!members.length) return [];
        const node = group(`${base}#state:${kind}`, GROUP_LABEL[kind], stateIcon(members[0].state), members, kind === 'released');
        if (nest && members.length > NEST_GROUP_ABOVE) node.children = byKey(members, (p) => [folderOf(p.path)]).map(([dir, inDir]) => group(`${node.id}/folder:${dir}`, dir, vscode.ThemeIcon.Folder, inDir, true));
        return [node];
      });
    }
    case 'folder':
      return byKey(prompts, (p) => [folderOf(p.path)]).map(([dir, members]) => group(`${base}#folder:${dir}`, dir, vscode.ThemeIcon.Folder, members));
    case 'kind': {
      const order = [...PROMPT_KINDS.map((k) => k.kind), OTHER_KIND];
      return byKey(prompts, (p) => [kindOf(p.path) ?? OTHER_KIND])
        .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
        .map(([kind, members]) => group(`${base}#kind:${kind}`, kind, new vscode.ThemeIcon(kind === OTHER_KIND ? 'file' : 'symbol-file'), members));
    }
    case 'owner':
      return byKey(prompts, (p) => (p.owners.length ? p.owners : [NO_OWNER]))
        .sort(([a], [b]) => Number(a === NO_OWNER) - Number(b === NO_OWNER) || a.localeCompare(b))
        .map(([owner, members]) => group(`${base}#owner:${owner}`, owner, new vscode.ThemeIcon(owner === NO_OWNER ? 'warning' : owner.includes('/') ? 'organization' : 'person'), members));
  }
}

function folderOf(file: string): string {
  const dir = path.posix.dirname(file);
  return dir === '.' ? '(repository root)' : dir;
}

/** Prompts under each key they have, keys sorted, prompts in the model's order. */
function byKey<T>(prompts: T[], keys: (p: T) => string[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const p of prompts) {
    for (const key of new Set(keys(p))) {
      const members = groups.get(key);
      if (members) members.push(p);
      else groups.set(key, [p]);
    }
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b));
}

const URGENCY: AttentionKind[] = ['disputed', 'overdue', 'review-due'];

function sortAttention(items: AttentionItem[]): AttentionItem[] {
  return [...items].sort((a, b) => URGENCY.indexOf(a.kind) - URGENCY.indexOf(b.kind) || a.since - b.since);
}

/** Escalated items look different from every state: a bell, in the error or warning colour. */
export function attentionIcon(kind: AttentionKind): vscode.ThemeIcon {
  return new vscode.ThemeIcon(kind === 'disputed' ? 'bell-dot' : 'bell', new vscode.ThemeColor(kind === 'disputed' ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground'));
}
