import * as path from 'path';
import * as vscode from 'vscode';
import { PromptReleaseError } from '../core/common/errors';
import { shortHash } from '../core/prompts/hash';
import { furthestRelease } from '../core/reviews/operations';
import type { PromptAt, PromptWorkspace } from './workspace';
import { blobUri } from './gitContent';

/** The prompt behind a command's argument (a URI, a tree item) or the active editor. */
export function resolvePrompt(workspace: PromptWorkspace, arg: unknown): PromptAt {
  const uri = argumentUri(arg) ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri) throw new PromptReleaseError('invalid-usage', 'no prompt is selected', { hint: 'Open a prompt file or pick one in the Prompt Releases view.' });
  const found = workspace.promptAt(uri) ?? workspace.policyFileAt(uri);
  if (!found) {
    const state = workspace.stateFor(uri);
    if (state?.status === 'untrusted') throw new PromptReleaseError('invalid-usage', 'this workspace is in Restricted Mode', { hint: 'Trust the workspace to let Prompt Release read git.' });
    throw new PromptReleaseError('not-a-prompt', `${path.basename(uri.fsPath)} is not a prompt in a git repository`, { hint: 'Prompts are matched by the "prompts" globs of .promptrelease.yaml.' });
  }
  return found;
}

export function argumentUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const candidate = (arg as { resourceUri?: vscode.Uri; uri?: vscode.Uri } | undefined) ?? undefined;
  return candidate?.resourceUri ?? candidate?.uri;
}

function workingUri(found: PromptAt): vscode.Uri {
  return vscode.Uri.file(path.join(found.state.repo.root, found.prompt.path));
}

async function openDiff(found: PromptAt, blob: string, label: string): Promise<void> {
  const left = blobUri(found.state.repo.root, found.prompt.path, blob, label);
  const title = `${path.basename(found.prompt.path)} (${label}) ↔ Working Copy`;
  await vscode.commands.executeCommand('vscode.diff', left, workingUri(found), title);
}

export async function diffWithProduction(found: PromptAt): Promise<void> {
  const reached = furthestRelease(found.state.model, found.prompt);
  if (!reached) {
    throw new PromptReleaseError('not-found', `${found.prompt.path} has not been released to any environment yet`, { hint: 'Use "Diff with Approved" or "Diff with Version…" instead.' });
  }
  await openDiff(found, reached.release.evidence.blob, `${reached.environment} v${reached.release.evidence.version}`);
}

export async function diffWithApproved(found: PromptAt): Promise<void> {
  const approvals = found.prompt.reviews.filter((r) => r.record.verdict === 'approve');
  const last = approvals[approvals.length - 1];
  if (!last) throw new PromptReleaseError('not-found', `${found.prompt.path} has never been approved`, { hint: 'Request a review first.' });
  await openDiff(found, last.record.blob, `approved by ${last.record.by.name || last.record.by.email}`);
}

/** Any version from the prompt's history: its releases and every commit that changed it. */
export async function diffWithVersion(found: PromptAt): Promise<void> {
  const items: (vscode.QuickPickItem & { blob: string; name: string })[] = [];
  const seen = new Set<string>();
  for (const r of [...found.prompt.releases].reverse()) {
    if (seen.has(r.evidence.blob)) continue;
    seen.add(r.evidence.blob);
    items.push({ label: `$(tag) v${r.evidence.version}`, description: `${r.evidence.environment}, ${r.evidence.releasedAt.slice(0, 16).replace('T', ' ')}`, detail: shortHash(r.evidence.contentHash), blob: r.evidence.blob, name: `v${r.evidence.version}` });
  }
  for (const e of found.state.model.historyOf(found.prompt.path)) {
    if (e.status === 'D' || seen.has(e.blob)) continue;
    seen.add(e.blob);
    items.push({ label: `$(git-commit) ${e.commit.slice(0, 8)}`, description: `${e.author.name}, ${new Date(e.time * 1000).toISOString().slice(0, 16).replace('T', ' ')}`, blob: e.blob, name: e.commit.slice(0, 8) });
  }
  const picked = await vscode.window.showQuickPick(items, { title: `Compare ${found.prompt.path} with…`, placeHolder: 'A released version or a commit' });
  if (picked) await openDiff(found, picked.blob, picked.name);
}
