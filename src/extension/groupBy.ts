import * as vscode from 'vscode';
import type { Asker } from './ask';
import { GROUP_BY_SETTING, type GroupBy } from './tree';

const CHOICES: { value: GroupBy; label: string; detail: string }[] = [
  { value: 'state', label: '$(symbol-enum) State', detail: 'Changes requested, in review, approved, modified, draft, released; large groups nest by folder' },
  { value: 'folder', label: '$(folder) Folder', detail: 'The folder each prompt is in' },
  { value: 'kind', label: '$(symbol-file) Kind', detail: 'The prompt format: Copilot prompt file, instructions, agent, skill, Prompty, Dotprompt…' },
  { value: 'owner', label: '$(person) Owner', detail: 'The CODEOWNERS owners; prompts nobody owns under "No owner"' },
];

/**
 * The Prompts view's "Group By…" action: a pick of the four groupings (or the one given, from a
 * test or a keybinding), saved in the setting where it is set now (the workspace's, else the user's).
 */
export async function chooseGroupBy(ask: Asker, given?: unknown): Promise<GroupBy | undefined> {
  const config = vscode.workspace.getConfiguration('promptRelease');
  const current = config.get<string>(GROUP_BY_SETTING) ?? 'state';
  let chosen = CHOICES.find((c) => c.value === given)?.value;
  if (!chosen) {
    const picked = await ask.pickOne(
      CHOICES.map((c) => ({ ...c, description: c.value === current ? 'current' : undefined })),
      { title: 'Group the Prompts view by', placeholder: 'The setting promptRelease.promptsView.groupBy keeps the choice' },
    );
    chosen = picked?.value;
  }
  if (!chosen) return undefined;
  const inWorkspace = config.inspect(GROUP_BY_SETTING)?.workspaceValue !== undefined;
  await config.update(GROUP_BY_SETTING, chosen, inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  return chosen;
}
