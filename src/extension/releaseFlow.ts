import * as vscode from 'vscode';
import { formatChangeSummary, formatLineCounts, summarizeChange } from '../core/history/changeSummary';
import { PromptReleaseError } from '../core/common/errors';
import { formatIdentity } from '../core/ownership/identity';
import { defaultEnvironment } from '../core/reviews/operations';
import type { Requirement } from '../core/policy/policy';
import type { ReleaseEvidence } from '../core/releases/releases';
import * as engine from '../usecases/engine';
import { COMMANDS } from './commandIds';
import type { PromptAt, PromptWorkspace } from './workspace';

/** The dialogs of a release; the command uses VS Code's, the tests a recording stand-in. */
export interface ReleaseUi {
  pickEnvironment(items: { name: string; detail: string }[], preferred: string): Promise<string | undefined>;
  /** Returns the action chosen, if any. */
  showBlocked(title: string, reasons: string[], actions: string[]): Promise<string | undefined>;
  confirm(title: string, detail: string, action: string): Promise<boolean>;
  offerPush(message: string): Promise<boolean>;
  info(message: string): void;
}

export const vscodeReleaseUi: ReleaseUi = {
  async pickEnvironment(items, preferred) {
    const picks = items.map((i) => ({ label: i.name, description: i.name === preferred ? 'next in order' : undefined, detail: i.detail }));
    picks.sort((a, b) => Number(b.label === preferred) - Number(a.label === preferred));
    return (await vscode.window.showQuickPick(picks, { title: 'Release to which environment?' }))?.label;
  },
  async showBlocked(title, reasons, actions) {
    return vscode.window.showWarningMessage(title, { modal: true, detail: reasons.map((r) => `• ${r}`).join('\n') }, ...actions);
  },
  async confirm(title, detail, action) {
    return (await vscode.window.showInformationMessage(title, { modal: true, detail }, action)) === action;
  },
  async offerPush(message) {
    return (await vscode.window.showInformationMessage(message, 'Push Tag')) === 'Push Tag';
  },
  info(message) {
    void vscode.window.showInformationMessage(message);
  },
};

export interface ReleaseOptions {
  environment?: string;
  /** Re-release an earlier version (rollback). */
  version?: number;
}

export type ReleaseResult =
  | { outcome: 'cancelled' }
  | { outcome: 'blocked'; environment: string; unmet: Requirement[] }
  | { outcome: 'released'; tag: string; evidence: ReleaseEvidence; pushedTo?: string };

/**
 * The gated release: pick the environment, evaluate the gate for the committed content,
 * explain every unmet requirement or confirm with the evidence and a diff summary, tag,
 * then offer an atomic push.
 */
export async function releaseFlow(workspace: PromptWorkspace, found: PromptAt, options: ReleaseOptions, ui: ReleaseUi): Promise<ReleaseResult> {
  const environment = options.environment ?? (await chooseEnvironment(found, options, ui));
  if (!environment) return { outcome: 'cancelled' };
  const { repo } = found.state;
  const { plan, prompt } = await engine.prepareRelease(repo, found.prompt.path, environment, options.version, found.state.model);
  const subject = options.version ? `${prompt.path} v${options.version}` : prompt.path;

  if (!plan.allowed) {
    const reasons = plan.gate.unmet.map((u) => u.message);
    const actions = ['Open Diff', ...(prompt.comments.length || plan.gate.changeRequests.length ? ['Show Review Threads'] : [])];
    const choice = await ui.showBlocked(`${subject} cannot be released to ${environment}`, reasons, actions);
    if (choice === 'Open Diff') await vscode.commands.executeCommand(Object.values(prompt.current).some(Boolean) ? COMMANDS.diffWithProduction : COMMANDS.diffWithVersion, vscode.Uri.file(`${repo.root}/${prompt.path}`));
    if (choice === 'Show Review Threads') await vscode.commands.executeCommand('workbench.action.focusCommentsPanel');
    return { outcome: 'blocked', environment, unmet: plan.gate.unmet };
  }

  const ev = plan.evidence;
  const current = prompt.current[environment];
  let change = `First release to ${environment}.`;
  if (current) {
    const [before, after] = await repo.readObjects([current.evidence.blob, ev.blob]);
    const summary = summarizeChange(prompt.path, before?.toString('utf8') ?? '', after?.toString('utf8') ?? '');
    const meaning = formatChangeSummary(summary);
    change = `Against v${current.evidence.version}, now in ${environment}: ${formatLineCounts(summary)}.${meaning.length ? `\n${meaning.map((m) => `• ${m}`).join('\n')}` : ''}`;
  }
  const approvals = ev.approvals.length
    ? ev.approvals.map((a) => `• ${formatIdentity(a.by)}, ${a.at.slice(0, 16).replace('T', ' ')}${a.owners.length ? ` (owner ${a.owners.join(', ')})` : ''}`).join('\n')
    : '• none required by the policy';
  const detail = `This creates the tag ${plan.tag}.\n\nApproved by:\n${approvals}\n\n${change}${dependentsText(found.state.model, prompt)}`;
  if (!(await ui.confirm(`Release ${prompt.path} as v${ev.version} to ${environment}?`, detail, 'Release'))) return { outcome: 'cancelled' };

  const done = await workspace.operation(found.state.folder, () => engine.release(repo, prompt.path, environment, options.version, found.state.model));
  if (!done.plan.allowed) throw new PromptReleaseError('gate-blocked', `the gate closed while you confirmed: ${done.plan.gate.unmet.map((u) => u.message).join('; ')}`);
  const result: ReleaseResult = { outcome: 'released', tag: done.plan.tag, evidence: done.plan.evidence };
  if (await ui.offerPush(`Released ${prompt.path} v${done.plan.evidence.version} to ${environment} (tag ${done.plan.tag}, ${done.signed ? 'signed with your SSH signing key' : 'unsigned'}). Push the tag so CI and others see it?`)) {
    result.pushedTo = await repo.writes.pushTag(done.plan.tag);
    ui.info(`Pushed ${done.plan.tag} to ${result.pushedTo}.`);
  }
  return result;
}

async function chooseEnvironment(found: PromptAt, options: ReleaseOptions, ui: ReleaseUi): Promise<string | undefined> {
  const { model } = found.state;
  const configured = vscode.workspace.getConfiguration('promptRelease', found.state.folder.uri).get<string>('defaultEnvironment');
  let preferred = configured && model.config.environments.some((e) => e.name === configured) ? configured : '';
  if (!preferred) {
    try {
      preferred = options.version ? model.config.environments[model.config.environments.length - 1].name : defaultEnvironment(model, found.prompt);
    } catch {
      preferred = model.config.environments[model.config.environments.length - 1].name;
    }
  }
  const items = found.prompt.gates.map((g) => {
    const current = found.prompt.current[g.environment];
    const now = current ? `v${current.evidence.version} there now` : 'not released there';
    return { name: g.environment, detail: `${now} · ${g.approvalsCounted}/${g.approvalsRequired} approvals · ${g.allowed ? 'gate open' : `blocked: ${g.unmet[0]?.message}`}` };
  });
  return ui.pickEnvironment(items, preferred);
}

/** For a file other prompts include: which prompts this content reaches and what that means for them. */
export function dependentsText(model: PromptAt['state']['model'], prompt: PromptAt['prompt']): string {
  if (!prompt.usedBy.length) return '';
  const lines = [...prompt.usedBy].sort().map((p) => {
    const user = model.byPath.get(p);
    const stale = user?.gates.some((g) => g.unmet.some((u) => u.code === 'dependency-changed'));
    return `• ${p}${stale ? ' (its approvals are stale: it needs a new review)' : ''}`;
  });
  return `\n\nIncluded by ${prompt.usedBy.length === 1 ? '1 prompt' : `${prompt.usedBy.length} prompts`}:\n${lines.join('\n')}\nThey ship this content with their own next release, which needs approvals made with it included.`;
}
