import * as path from 'path';
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../core/policy/config';
import { PromptReleaseError } from '../core/common/errors';
import { initConfigText, initProposal, proposalLines } from '../core/prompts/setup';
import { createFileNoFollow, lstatOrUndefined } from '../git/safeFs';
import type { FolderState, PromptWorkspace } from './workspace';

/** Folders whose repository has no .promptrelease.yaml yet: the view offers to set them up. */
export function foldersNeedingSetUp(workspace: PromptWorkspace): FolderState[] {
  return workspace.folders.filter((s) => s.status === 'ready' && s.repo && !lstatOrUndefined(path.join(s.repo.root, CONFIG_FILE)));
}

/**
 * "Set up prompt releases": shows what was detected, by kind, and the people proposed from
 * CODEOWNERS and history, then writes .promptrelease.yaml (never over an existing one) and
 * opens it for review before it is committed.
 */
/** The confirmation a set-up asks for; tests answer it without a person. */
export type ConfirmSetUp = (title: string, detail: string, action: string) => Promise<boolean>;

export const confirmWithModal: ConfirmSetUp = async (title, detail, action) => (await vscode.window.showInformationMessage(title, { modal: true, detail }, action)) === action;

export async function setUpRepository(workspace: PromptWorkspace, arg: vscode.Uri | undefined, confirm: ConfirmSetUp): Promise<void> {
  const candidates = foldersNeedingSetUp(workspace);
  const chosen = arg ? candidates.find((s) => arg.fsPath.startsWith(s.repo!.root)) : candidates.length > 1 ? await pick(candidates) : candidates[0];
  if (!chosen?.repo) {
    if (!arg && candidates.length === 0) throw new PromptReleaseError('invalid-usage', `every repository in this window already has a ${CONFIG_FILE}`, { hint: 'Open it to change the release rules.' });
    return;
  }
  const repo = chosen.repo;
  const proposal = initProposal(await repo.setupFacts());
  const detail = [...proposalLines(proposal, true), '', `This writes ${CONFIG_FILE} with staging (1 approval) and production (2 approvals, one by an owner). Commit it to the trusted branch to put it in force.`].join('\n');
  if (!(await confirm(`Set up prompt releases in ${chosen.folder.name}?`, detail, 'Write Configuration'))) return;
  const target = path.join(repo.root, CONFIG_FILE);
  // Never over a file someone wrote meanwhile, never through a link.
  createFileNoFollow(repo.root, CONFIG_FILE, initConfigText(proposal), { show: () => CONFIG_FILE });
  await workspace.refresh(chosen.folder);
  await vscode.window.showTextDocument(vscode.Uri.file(target));
}

async function pick(candidates: FolderState[]): Promise<FolderState | undefined> {
  const picked = await vscode.window.showQuickPick(
    candidates.map((s) => ({ label: s.folder.name, description: s.repo!.root, state: s })),
    { title: 'Set up prompt releases in which repository?' },
  );
  return picked?.state;
}
