import * as vscode from 'vscode';
import { shortHash } from '../core/prompts/hash';
import type { Config } from '../core/policy/config';
import { allCriteria } from '../core/reviews/operations';
import { approvalLine } from '../core/model/pullRequest';
import { shortRefName } from '../core/policy/trustedRef';
import * as engine from '../usecases/engine';
import type { Asker } from './ask';
import { COMMANDS } from './commandIds';
import type { PromptAt, PromptWorkspace } from './workspace';

/** What an approval with these confirmations counts for, per environment of the policy. */
export function approvalReach(config: Config, confirms: string[]): { counts: string[]; notCounted: { environment: string; missing: string[] }[] } {
  const confirmed = new Set(confirms);
  const counts: string[] = [];
  const notCounted: { environment: string; missing: string[] }[] = [];
  for (const env of config.environments) {
    const missing = env.criteria.filter((c) => !confirmed.has(c));
    if (missing.length) notCounted.push({ environment: env.name, missing });
    else counts.push(env.name);
  }
  return { counts, notCounted };
}

export interface ApproveResult {
  outcome: 'approved' | 'cancelled';
  confirms: string[];
  /** Environments whose criteria the approval does not confirm: it does not count there. */
  notCounted: { environment: string; missing: string[] }[];
  commit?: string;
  /** What the reviewer was told. */
  message?: string;
}

/**
 * Approves the committed content. When the policy names review criteria, the reviewer ticks
 * the ones they checked first (a checklist); closing it records nothing, and an approval
 * confirming none is recorded only after the reviewer is told where it will not count.
 */
export async function approve(workspace: PromptWorkspace, found: PromptAt, ask: Asker, given?: string[]): Promise<ApproveResult> {
  const { model } = found.state;
  const criteria = model.policyFiles.has(found.prompt.path) ? [] : allCriteria(model.config);
  let confirms = given ?? [];
  if (!given && criteria.length) {
    const items = criteria.map((criterion) => {
      const envs = model.config.environments.filter((e) => e.criteria.includes(criterion)).map((e) => e.name);
      return { label: criterion, description: `required for ${envs.join(', ')}` };
    });
    const picked = await ask.pickMany(items, {
      title: `Approve ${found.prompt.path}: what did you check?`,
      placeholder: 'Tick each criterion you confirmed (Space), then Enter to approve; an approval counts only where all its criteria are confirmed',
    });
    if (!picked) return { outcome: 'cancelled', confirms: [], notCounted: [] };
    confirms = picked.map((p) => p.label);
    const reach = approvalReach(model.config, confirms);
    if (confirms.length === 0 && reach.notCounted.length) {
      const where = reach.notCounted.map((n) => n.environment).join(', ');
      const go = 'Approve Anyway';
      const choice = await vscode.window.showWarningMessage(
        `Approve ${found.prompt.path} without confirming any criterion?`,
        { modal: true, detail: `The approval will be recorded but will not count for ${where}: ${reach.notCounted.map((n) => `${n.environment} requires ${n.missing.map((m) => `"${m}"`).join(', ')}`).join('; ')}.${reach.counts.length ? ` It counts for ${reach.counts.join(', ')}.` : ''}` },
        go,
      );
      if (choice !== go) return { outcome: 'cancelled', confirms: [], notCounted: reach.notCounted };
    }
  }
  const chosen = confirms;
  const result = await workspace.operation(found.state.folder, () => engine.review(found.state.repo, found.prompt.path, 'approve', undefined, model, chosen));
  const { notCounted } = criteria.length ? approvalReach(model.config, chosen) : { notCounted: [] };
  const limits = notCounted.length ? ` It does not count for ${notCounted.map((n) => `${n.environment} (not confirmed: ${n.missing.map((m) => `"${m}"`).join(', ')})`).join(', ')}; approve again ticking those to make it count.` : '';
  const message = `Approved ${found.prompt.path} (${shortHash(result.record.contentHash)}).${limits}${onBranchNote(found)} The sign-off is commit ${result.commit.slice(0, 8)}; push it so others see it.`;
  void vscode.window.showInformationMessage(message);
  return { outcome: 'approved', confirms: chosen, notCounted, commit: result.commit, message };
}

/**
 * After a sign-off on a branch that is not the trusted one (read after the write): the approval
 * does not count there yet, and whether it will once merged, in the words status uses.
 */
function onBranchNote(found: PromptAt): string {
  const { model, identity, branch } = found.state;
  if (model.headOnTrusted) return '';
  const trusted = shortRefName(model.trusted.ref);
  const mine = identity && branch?.byPath.get(found.prompt.path)?.find((a) => model.people.samePerson(a.email, identity.email));
  if (!mine) return ` It is recorded on this branch, not on ${trusted}: it counts only once this branch is merged into ${trusted}.`;
  return ` It is recorded on this branch, not on ${trusted} yet: ${approvalLine(mine)}${mine.counts ? ` into ${trusted}` : ''}.`;
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
    { label: '$(feedback) Give Feedback…', command: COMMANDS.giveFeedback },
    ...(found.prompt.feedback.length ? [{ label: '$(comment-discussion) Show Feedback', command: COMMANDS.showFeedback }] : []),
    ...(found.prompt.usedBy.length ? [{ label: '$(references) Show Prompts Using It', command: COMMANDS.showUsedBy }] : []),
    ...(found.prompt.includes.length ? [{ label: '$(file-symlink-file) Show Included Files', command: COMMANDS.showIncludes }] : []),
  ];
  const picked = await vscode.window.showQuickPick(actions, { title: found.prompt.path });
  if (picked) await vscode.commands.executeCommand(picked.command, vscode.Uri.file(`${found.state.repo.root}/${found.prompt.path}`));
}
