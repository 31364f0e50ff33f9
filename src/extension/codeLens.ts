import * as vscode from 'vscode';
import type { PromptStatus } from '../core/model/model';
import { COMMANDS } from './commandIds';
import { DiffSummaryDecorations } from './diffSummary';
import { SCHEME } from './gitContent';
import { feedbackSummary } from '../core/reviews/feedback';
import { includesLens, usedByLens } from './lifecycle';
import { signatureLensText } from '../core/reviews/signedEvidence';
import { approvalLine } from '../core/model/pullRequest';
import { shortRefName } from '../core/policy/trustedRef';
import { approvalsSummary, ownersText, policyText, reviewDueText, stateText, tooltip } from './present';
import { onBranchOf, type PromptAt, type PromptWorkspace } from './workspace';

/** How many lines of a change's meaning fit above a diff before the rest goes in a tooltip. */
const SUMMARY_LENSES = 3;

/**
 * The state of a prompt where it is edited: state and approvals first, then the one action
 * that fits now, the owners, and every other action behind "…" (or all of them, in the
 * "full" layout). Above an older version in a diff: what the change means.
 */
export class PromptCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  constructor(private readonly workspace: PromptWorkspace) {
    workspace.onDidChange(() => this.changeEmitter.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('promptRelease', document.uri).get<boolean>('codeLens.enabled', true)) return [];
    if (document.uri.scheme === SCHEME) return this.changeLenses(document);
    const top = new vscode.Range(0, 0, 0, 0);
    const arg = [document.uri];
    const lens = (title: string, command: string, hint?: string) => new vscode.CodeLens(top, { title, command, arguments: arg, tooltip: hint });
    const policy = this.workspace.policyFileAt(document.uri);
    if (policy) {
      const text = policyText(policy.state.model, policy.prompt.path, policy.prompt.blob);
      return [
        lens(`$(law) ${text.title}`, COMMANDS.showActions, text.tooltip),
        lens('Approve', COMMANDS.approve, 'Approve this version of the release rules (an owner who did not write it makes it take effect)'),
        lens('Request Changes', COMMANDS.requestChanges),
      ];
    }
    const found = this.workspace.promptAt(document.uri);
    if (!found) return [];
    const { prompt } = found;
    const signed = signatureLensText(found.state.model, prompt);
    const branch = onBranchOf(found);
    const state = lens(`$(shield) ${stateText(prompt)} · ${approvalsSummary(prompt)}${signed ? ` · $(verified) ${signed}` : ''}${reviewDueText(prompt)}`, COMMANDS.showActions, tooltip(prompt, found.state.model, branch));
    // Approvals recorded on this branch count on the trusted branch only once merged: said apart from the state above.
    const pending = (branch?.approvals ?? []).map((a) =>
      lens(`$(git-branch) ${approvalLine(a)}`, COMMANDS.showActions, `Recorded on this branch, not on ${shortRefName(branch!.trustedRef)} yet (merge method ${branch!.mergeMethod}): ${a.counts ? 'the gate counts it only once the branch is merged.' : `merged this way it will not count either (${a.reason}).`}`),
    );
    const owners = lens(`$(person) ${ownersText(prompt)}`, COMMANDS.requestReview, 'Owners from CODEOWNERS; click to request their review');
    // How the prompt is tied to others and what its users reported: only when there is something.
    const used = usedByLens(prompt);
    const includes = includesLens(prompt);
    const reports = feedbackSummary(found.state.model, prompt);
    const links = [
      ...(used ? [lens(used.title, COMMANDS.showUsedBy, used.tooltip)] : []),
      ...(includes ? [lens(includes.title, COMMANDS.showIncludes, includes.tooltip)] : []),
      ...(reports ? [lens(`$(feedback) ${reports.label}`, COMMANDS.showFeedback, 'Feedback from people using this prompt; click to read every report')] : []),
    ];
    const layout = vscode.workspace.getConfiguration('promptRelease', document.uri).get<string>('codeLens.layout', 'compact');
    if (layout !== 'full') {
      const next = nextAction(found);
      return [state, ...pending, ...(next ? [lens(next.title, next.command, next.why)] : []), ...links, owners, lens('$(ellipsis)', COMMANDS.showActions, 'Every action: diffs, review, release')];
    }
    // Diffs are offered only when there is something to compare with.
    const released = Object.values(prompt.current).some(Boolean);
    const approved = prompt.reviews.some((r) => r.record.verdict === 'approve');
    return [
      state,
      ...pending,
      owners,
      ...links,
      ...(released ? [lens('Diff with Production', COMMANDS.diffWithProduction, 'Compare the working copy with the version in the furthest environment')] : []),
      ...(approved ? [lens('Diff with Approved', COMMANDS.diffWithApproved, 'Compare the working copy with the last approved content')] : []),
      lens('Request Review', COMMANDS.requestReview),
      lens('Approve', COMMANDS.approve),
      lens('Request Changes', COMMANDS.requestChanges),
      lens('Release…', COMMANDS.release),
    ];
  }

  /** Above an older version opened on its own (from the history view): what changed since, in meaning. */
  private changeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const summary = DiffSummaryDecorations.summaryLines(document);
    if (!summary) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const label = (title: string, hint?: string) => new vscode.CodeLens(top, { title, command: '', tooltip: hint });
    const counts = summary.headline.split(' · ')[0];
    if (summary.lines.length === 0) return [label(`$(diff) ${counts}`)];
    const shown = summary.lines.slice(0, SUMMARY_LENSES).map((m) => label(`$(symbol-property) ${m}`));
    const rest = summary.lines.length - shown.length;
    return [label(`$(diff) ${counts}`), ...shown, ...(rest > 0 ? [label(`+${rest} more`, summary.lines.slice(SUMMARY_LENSES).join('\n'))] : [])];
  }
}

/** The one action that moves this prompt on, for the person at the keyboard. */
function nextAction(found: PromptAt): { title: string; command: string; why: string } | undefined {
  const { prompt, state } = found;
  const me = state.identity?.email;
  if (prompt.unusable || prompt.workingCopy !== 'clean') return undefined;
  const people = state.model.people;
  const wroteIt = !!me && prompt.authors.some((a) => people.samePerson(a.email, me));
  const approvedIt = !!me && prompt.currentReviews.some((r) => r.record.verdict === 'approve' && people.samePerson(r.record.by.email, me));
  // Approvals made before an included file changed no longer count: the gate says which and why.
  const stale = prompt.gates.flatMap((g) => g.unmet).find((u) => u.code === 'dependency-changed');
  if (stale && me && !wroteIt && !approvedIt) return { title: 'Approve Again (includes changed)', command: COMMANDS.approve, why: stale.message };
  const due = Object.values(prompt.live).flatMap((g) => g?.warnings ?? []).find((w) => w.code === 'review-due');
  if (due && me && !wroteIt && releasedEverywhere(prompt)) return { title: 'Approve Again (review due)', command: COMMANDS.approve, why: due.message };
  if (stale && wroteIt) return { title: 'Request Review (includes changed)', command: COMMANDS.requestReview, why: stale.message };
  if (me && !wroteIt && !approvedIt && !releasedEverywhere(prompt)) return { title: 'Approve', command: COMMANDS.approve, why: 'Approve this exact content' };
  const releasable = prompt.gates.find((g) => g.allowed && prompt.current[g.environment]?.evidence.contentHash !== prompt.contentHash);
  if (releasable) return { title: `Release to ${releasable.environment}…`, command: COMMANDS.release, why: `The ${releasable.environment} gate is open for this content` };
  if (!prompt.currentRequests.length && !approvedItAll(prompt)) return { title: 'Request Review', command: COMMANDS.requestReview, why: 'Ask the owners to review this content' };
  return undefined;
}

function releasedEverywhere(prompt: PromptStatus): boolean {
  return prompt.gates.length > 0 && prompt.gates.every((g) => prompt.current[g.environment]?.evidence.contentHash === prompt.contentHash);
}

function approvedItAll(prompt: PromptStatus): boolean {
  return prompt.gates.every((g) => g.approvalsCounted >= g.approvalsRequired);
}
