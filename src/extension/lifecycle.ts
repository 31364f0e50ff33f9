import * as path from 'path';
import * as vscode from 'vscode';
import { feedbackOf } from '../core/reviews/feedback';
import { formatIdentity } from '../core/ownership/identity';
import type { PromptStatus } from '../core/model/model';
import { furthestRelease } from '../core/reviews/operations';
import { formatTime, plural, someOf } from '../core/common/words';
import * as engine from '../usecases/engine';
import type { Asker } from './ask';
import { COMMANDS } from './commandIds';
import type { PromptAt, PromptWorkspace } from './workspace';

export interface FeedbackInput {
  environment?: string;
  rating?: 'good' | 'bad';
  body?: string;
}

/**
 * Feedback on the version in use: which environment's version (asked when the prompt is live
 * in several, the furthest first), a rating and what the person saw; recorded as a commit
 * like a sign-off, through the workspace's one write path.
 */
export async function giveFeedback(workspace: PromptWorkspace, found: PromptAt, ask: Asker, given: FeedbackInput = {}): Promise<{ commit: string; environment?: string; version?: number } | undefined> {
  const { prompt, state } = found;
  const live = state.model.config.environments.filter((e) => prompt.current[e.name]).reverse();
  let environment = given.environment;
  if (!environment && live.length > 1) {
    const furthest = furthestRelease(state.model, prompt)?.environment;
    const items = live.map((e) => ({
      label: e.name,
      description: `v${prompt.current[e.name]!.evidence.version} live there${e.name === furthest ? ' · furthest' : ''}`,
    }));
    const picked = await ask.pickOne(items, { title: `Feedback on ${prompt.path}: which version did you use?`, placeholder: 'The version live in each environment' });
    if (!picked) return undefined;
    environment = picked.label;
  }
  environment ??= live[0]?.name;
  const version = environment ? prompt.current[environment]?.evidence.version : undefined;
  const target = environment ? `v${version} in ${environment}` : 'the committed version';
  let rating = given.rating;
  if (!rating && given.body === undefined) {
    const ratings: (vscode.QuickPickItem & { value?: 'good' | 'bad' })[] = [
      { label: '$(thumbsup) Good', description: 'it did what it should', value: 'good' },
      { label: '$(thumbsdown) Bad', description: 'it got something wrong', value: 'bad' },
      { label: 'No rating', description: 'a remark or a question' },
    ];
    const picked = await ask.pickOne(ratings, { title: `Feedback on ${prompt.path} (${target}): how did it do?` });
    if (!picked) return undefined;
    rating = picked.value;
  }
  const body =
    given.body ??
    (await ask.text({
      title: `Feedback on ${prompt.path} (${target})`,
      prompt: 'What did you see? The owners read this next to the version it is about.',
      placeholder: 'e.g. It promised a refund the policy does not allow',
      validate: (value) => (value.trim() ? undefined : 'Feedback needs some text.'),
    }));
  if (body === undefined) return undefined;
  const result = await workspace.operation(state.folder, () => engine.feedback(state.repo, prompt.path, { environment, body, rating }, state.model));
  const on = result.record.environment ? `v${result.record.version} in ${result.record.environment}` : 'the committed version';
  void vscode.window.showInformationMessage(`Recorded your feedback on ${prompt.path} (${on}) as commit ${result.commit.slice(0, 8)}. Push it so the owners see it.`);
  return { commit: result.commit, environment: result.record.environment, version: result.record.version };
}

/** The reports on a prompt, open ones first: who, when, rating, what they said, and what answered it. */
export async function showFeedback(found: PromptAt, ask: Asker): Promise<void> {
  const items = feedbackOf(found.state.model, found.prompt)
    .sort((a, b) => Number(b.open) - Number(a.open) || b.stored.record.time.localeCompare(a.stored.record.time))
    .map((f) => {
      const r = f.stored.record;
      const icon = r.rating === 'bad' ? '$(thumbsdown)' : r.rating === 'good' ? '$(thumbsup)' : '$(comment)';
      return {
        label: `${icon} ${r.rating ?? 'no rating'} · ${formatIdentity(r.by)}`,
        description: `${r.environment ? `v${r.version} in ${r.environment}` : 'committed version'} · ${formatTime(r.time)} · ${f.open ? 'open' : `answered by ${f.answeredBy}`}`,
        detail: r.body,
      };
    });
  const give = { label: '$(feedback) Give Feedback…', description: 'report on the version you used', detail: undefined as string | undefined };
  const picked = await ask.pickOne([...items, give], {
    title: `Feedback on ${found.prompt.path}`,
    placeholder: items.length ? 'Open reports first; a report is answered once a changed version is committed or live where it was reported' : 'No feedback yet',
  });
  if (picked === give) await vscode.commands.executeCommand(COMMANDS.giveFeedback, uriOf(found, found.prompt.path));
}

/** The prompts that include this file; the chosen one opens. */
export async function showUsedBy(found: PromptAt, ask: Asker): Promise<string | undefined> {
  const items = [...found.prompt.usedBy].sort().map((p) => {
    const user = found.state.model.byPath.get(p);
    const stale = user?.gates.flatMap((g) => g.unmet).find((u) => u.code === 'dependency-changed');
    return { label: p, description: user ? user.state.kind.replace('-', ' ') : undefined, detail: stale ? stale.message : undefined };
  });
  const picked = await ask.pickOne(items, {
    title: `${found.prompt.path} is included by ${plural(items.length, 'prompt')}`,
    placeholder: 'A change to this file makes their approvals stale: each is reviewed again before its next release. Pick one to open it.',
  });
  if (!picked) return undefined;
  await vscode.window.showTextDocument(uriOf(found, picked.label), { preview: false });
  return picked.label;
}

/** What this prompt includes (transitively); the chosen file opens at the reference's line. */
export async function showIncludes(found: PromptAt, ask: Asker): Promise<string | undefined> {
  const items = found.prompt.includes.map((d) => ({ label: d.path, description: `${d.kind} in ${d.via}:${d.line}` }));
  const missing = found.prompt.missingIncludes.map((m) => ({ label: `$(error) ${m.target}`, description: `${m.via}:${m.line}`, detail: m.reason }));
  const picked = await ask.pickOne([...items, ...missing], {
    title: `${found.prompt.path} includes ${plural(items.length, 'file')}${missing.length ? `, ${missing.length} cannot be resolved` : ''}`,
    placeholder: 'Approvals cover these contents too: a change to any of them needs a new review. Pick one to open it.',
  });
  if (!picked) return undefined;
  const dep = found.prompt.includes.find((d) => d.path === picked.label);
  const at = dep ?? found.prompt.missingIncludes.find((m) => `$(error) ${m.target}` === picked.label);
  if (!at) return undefined;
  const file = dep ? dep.path : at.via;
  const line = dep ? 0 : Math.max(0, at.line - 1);
  await vscode.window.showTextDocument(uriOf(found, file), { preview: false, selection: new vscode.Range(line, 0, line, 0) });
  return file;
}

/** The CodeLens line for the prompts including a file: "Used by 2 prompts", with why it matters. */
export function usedByLens(prompt: PromptStatus): { title: string; tooltip: string } | undefined {
  if (!prompt.usedBy.length) return undefined;
  return {
    title: `$(references) Used by ${plural(prompt.usedBy.length, 'prompt')}`,
    tooltip: `Included by ${someOf([...prompt.usedBy].sort(), 10)}. A change to this file makes their approvals stale: each must be reviewed again before its next release. Click to open one.`,
  };
}

/** The CodeLens line for what a prompt includes: "Includes 2 files", with a missing one first. */
export function includesLens(prompt: PromptStatus): { title: string; tooltip: string } | undefined {
  const n = prompt.includes.length;
  const missing = prompt.missingIncludes.length;
  if (!n && !missing) return undefined;
  const title = missing ? `$(error) Includes ${plural(n, 'file')}, ${missing} missing` : `$(file-symlink-file) Includes ${plural(n, 'file')}`;
  const lines = [...prompt.includes.map((d) => `${d.path} (${d.via}:${d.line})`), ...prompt.missingIncludes.map((m) => `${m.target}: ${m.reason}`)];
  return { title, tooltip: `Approvals cover what it includes:\n${lines.join('\n')}\nA change to any of them needs a new review.` };
}

function uriOf(found: PromptAt, rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(found.state.repo.root, rel));
}
