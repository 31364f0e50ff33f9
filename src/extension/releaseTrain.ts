import * as vscode from 'vscode';
import { PromptReleaseError } from '../core/common/errors';
import type { TrainPlan } from '../core/releases/releaseTrain';
import { plural } from '../core/common/words';
import * as engine from '../usecases/engine';
import type { ReleaseUi } from './releaseFlow';
import type { FolderState, PromptWorkspace } from './workspace';

/**
 * "Release all ready…": the same train as `release --all`. The plan first (what goes, what is
 * blocked and why), then every tag in one transaction, then one atomic push if wanted.
 */
export async function releaseAllReady(workspace: PromptWorkspace, arg: unknown, ui: ReleaseUi): Promise<TrainPlan | undefined> {
  const state = folderOf(workspace, arg);
  const model = state.model!;
  const environment = await ui.pickEnvironment(
    model.config.environments.map((e) => ({ name: e.name, detail: `${model.prompts.filter((p) => p.gates.find((g) => g.environment === e.name)?.allowed && p.current[e.name]?.evidence.contentHash !== p.contentHash).length} ready` })),
    model.config.environments[0].name,
  );
  if (!environment) return undefined;
  const plan = await engine.releaseTrain(state.repo!, environment, true, { known: model });
  if (plan.go.length === 0) {
    ui.info(`Nothing is ready to release to ${environment}.${plan.blocked.length ? ` ${plan.blocked.length} blocked: see the dashboard.` : ''}`);
    return plan;
  }
  const detail = [
    `Releases (one tag each, created together):`,
    ...plan.go.map((p) => `• ${p.evidence.prompt} v${p.evidence.version}`),
    ...(plan.blocked.length ? ['', 'Blocked, not released:', ...plan.blocked.map((b) => `• ${b.path}: ${b.reasons[0] ?? ''}`)] : []),
  ].join('\n');
  if (!(await ui.confirm(`Release ${plan.go.length} prompt${plan.go.length === 1 ? '' : 's'} to ${environment}?`, detail, 'Release All'))) return undefined;
  // The tags come from a fresh read, and only if it plans exactly what was confirmed.
  const done = await workspace.operation(state.folder, () => engine.releaseTrain(state.repo!, environment, false, { expected: plan.go.map((p) => p.tag) }));
  const tags = done.go.map((p) => p.tag);
  if (await ui.offerPush(`Released ${tags.length} prompt${tags.length === 1 ? '' : 's'} to ${environment}. Push the tags together so CI and others see them?`)) {
    const remote = await state.repo!.writes.pushTags(tags);
    ui.info(`Pushed ${plural(tags.length, 'tag')} to ${remote} in one atomic push.`);
  }
  return done;
}

function folderOf(workspace: PromptWorkspace, arg: unknown): FolderState {
  const uri = arg instanceof vscode.Uri ? arg : undefined;
  const ready = workspace.folders.filter((s) => s.model && s.repo && (!uri || uri.fsPath.startsWith(s.repo.root)));
  if (!ready.length) throw new PromptReleaseError('invalid-usage', 'no repository with prompts is open', { hint: 'Open a folder that keeps prompts in git.' });
  return ready[0];
}
