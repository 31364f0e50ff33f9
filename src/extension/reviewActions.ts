import * as vscode from 'vscode';
import { shortHash } from '../core/hash';
import * as engine from '../git/engine';
import { COMMANDS } from './commandIds';
import type { PromptAt, PromptWorkspace } from './workspace';

export async function approve(workspace: PromptWorkspace, found: PromptAt): Promise<void> {
  const result = await workspace.operation(found.state.folder, () => engine.review(found.state.repo, found.prompt.path, 'approve', undefined, found.state.model));
  void vscode.window.showInformationMessage(`Approved ${found.prompt.path} (${shortHash(result.record.contentHash)}). The sign-off is commit ${result.commit.slice(0, 8)}; push it so others see it.`);
}

export async function requestChanges(workspace: PromptWorkspace, found: PromptAt, reason?: string): Promise<void> {
  const comment =
    reason ??
    (await vscode.window.showInputBox({
      title: `Request changes to ${found.prompt.path}`,
      prompt: 'What should change? The author sees this reason.',
      validateInput: (v) => (v.trim() ? undefined : 'A change request needs a reason.'),
      ignoreFocusOut: true,
    }));
  if (comment === undefined) return;
  await workspace.operation(found.state.folder, () => engine.review(found.state.repo, found.prompt.path, 'request-changes', comment, found.state.model));
  void vscode.window.showInformationMessage(`Requested changes to ${found.prompt.path}. The gate stays closed until you approve a version.`);
}

/** Asks reviewers picked from the prompt's owners (or typed in) to review the committed content. */
export async function requestReview(workspace: PromptWorkspace, found: PromptAt, reviewers?: string[]): Promise<void> {
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
  const asked = chosen;
  await workspace.operation(found.state.folder, () => engine.requestReview(found.state.repo, found.prompt.path, asked, undefined, found.state.model));
  void vscode.window.showInformationMessage(`Asked ${chosen.join(', ')} to review ${found.prompt.path}. They will see it after they pull.`);
}

/** The status bar's menu: every action for the active prompt. */
export async function showActions(found: PromptAt): Promise<void> {
  const actions = [
    { label: '$(check) Approve', command: COMMANDS.approve },
    { label: '$(request-changes) Request Changes…', command: COMMANDS.requestChanges },
    { label: '$(person-add) Request Review…', command: COMMANDS.requestReview },
    { label: '$(diff) Diff with Production', command: COMMANDS.diffWithProduction },
    { label: '$(diff) Diff with Approved', command: COMMANDS.diffWithApproved },
    { label: '$(history) Diff with Version…', command: COMMANDS.diffWithVersion },
    { label: '$(history) Show History', command: COMMANDS.showHistory },
    { label: '$(rocket) Release…', command: COMMANDS.release },
  ];
  const picked = await vscode.window.showQuickPick(actions, { title: found.prompt.path });
  if (picked) await vscode.commands.executeCommand(picked.command, vscode.Uri.file(`${found.state.repo.root}/${found.prompt.path}`));
}
