import * as vscode from 'vscode';
import { shortHash } from '../core/hash';
import * as engine from '../git/engine';
import { resolvePrompt } from './diffs';
import type { PromptAt, PromptWorkspace } from './workspace';

async function afterWrite(workspace: PromptWorkspace, found: PromptAt): Promise<void> {
  await workspace.refresh(found.state.folder);
}

export async function approve(workspace: PromptWorkspace, arg: unknown): Promise<void> {
  const found = resolvePrompt(workspace, arg);
  const result = await engine.review(found.state.repo, found.prompt.path, 'approve');
  await afterWrite(workspace, found);
  void vscode.window.showInformationMessage(`Approved ${found.prompt.path} (${shortHash(result.record.contentHash)}). The sign-off is commit ${result.commit.slice(0, 8)}; push it so others see it.`);
}

export async function requestChanges(workspace: PromptWorkspace, arg: unknown, reason?: string): Promise<void> {
  const found = resolvePrompt(workspace, arg);
  const comment =
    reason ??
    (await vscode.window.showInputBox({
      title: `Request changes to ${found.prompt.path}`,
      prompt: 'What should change? The author sees this reason.',
      validateInput: (v) => (v.trim() ? undefined : 'A change request needs a reason.'),
      ignoreFocusOut: true,
    }));
  if (comment === undefined) return;
  await engine.review(found.state.repo, found.prompt.path, 'request-changes', comment);
  await afterWrite(workspace, found);
  void vscode.window.showInformationMessage(`Requested changes to ${found.prompt.path}. The gate stays closed until you approve a version.`);
}

/** Asks reviewers picked from the prompt's owners (or typed in) to review the committed content. */
export async function requestReview(workspace: PromptWorkspace, arg: unknown, reviewers?: string[]): Promise<void> {
  const found = resolvePrompt(workspace, arg);
  let chosen = reviewers;
  if (!chosen) {
    const people = found.state.model.people;
    const items = found.prompt.owners.map((owner) => ({ label: owner, description: [...people.emailsOf(owner)].join(', ') || 'no email under "people"', picked: true }));
    const picked = await vscode.window.showQuickPick(items, {
      title: `Request review of ${found.prompt.path}`,
      placeHolder: items.length ? 'Reviewers (owners of this prompt)' : 'This prompt has no owners: add it to CODEOWNERS',
      canPickMany: true,
    });
    if (!picked) return;
    chosen = picked.map((p) => p.label);
    if (chosen.length === 0) {
      const typed = await vscode.window.showInputBox({ title: 'Reviewers', prompt: 'Emails or @handles, separated by commas' });
      if (!typed) return;
      chosen = typed.split(',').map((s) => s.trim()).filter(Boolean);
    }
  }
  await engine.requestReview(found.state.repo, found.prompt.path, chosen);
  await afterWrite(workspace, found);
  void vscode.window.showInformationMessage(`Asked ${chosen.join(', ')} to review ${found.prompt.path}. They will see it after they pull.`);
}

/** The status bar's menu: every action for the active prompt. */
export async function showActions(workspace: PromptWorkspace, arg: unknown): Promise<void> {
  const found = resolvePrompt(workspace, arg);
  const actions = [
    { label: '$(check) Approve', command: 'promptRelease.approve' },
    { label: '$(request-changes) Request Changes…', command: 'promptRelease.requestChanges' },
    { label: '$(person-add) Request Review…', command: 'promptRelease.requestReview' },
    { label: '$(diff) Diff with Production', command: 'promptRelease.diffWithProduction' },
    { label: '$(diff) Diff with Approved', command: 'promptRelease.diffWithApproved' },
    { label: '$(history) Diff with Version…', command: 'promptRelease.diffWithVersion' },
    { label: '$(rocket) Release…', command: 'promptRelease.release' },
  ];
  const picked = await vscode.window.showQuickPick(actions, { title: found.prompt.path });
  if (picked) await vscode.commands.executeCommand(picked.command, vscode.Uri.file(`${found.state.repo.root}/${found.prompt.path}`));
}
