import { formatLocation } from '../core/errors';
import { shortHash } from '../core/hash';
import type { PromptStatus, RepoModel } from '../core/model';
import { stateLabel } from '../core/state';
import type { PromptRepository } from '../git/repository';
import { EXIT } from './exitCodes';
import { formatTime, type Output } from './output';

export async function statusCommand(repo: PromptRepository, paths: string[], out: Output, cwd: string): Promise<number> {
  const model = await repo.model();
  const filters = paths.map((p) => repo.relativePath(p, cwd));
  const prompts = model.prompts.filter((p) => filters.length === 0 || filters.some((f) => p.path === f || p.path.startsWith(f.replace(/\/?$/, '/'))));
  out.data({
    head: model.head,
    prompts: prompts.map((p) => statusJson(model, p)),
    problems: model.problems,
  });
  if (!out.json) {
    if (!model.head.branch) out.line('HEAD is detached: reading only; check out a branch to review or release.\n');
    if (prompts.length === 0) out.line(filters.length ? 'No prompts under the given paths.' : `No prompts found (globs: ${model.config.prompts.join(', ')}).`);
    for (const p of prompts) printPrompt(model, p, out);
    for (const problem of model.problems) out.error(`${problem.severity}: ${problem.location ? formatLocation(problem.location) + ': ' : ''}${problem.message}`);
  }
  return EXIT.ok;
}

export function statusJson(model: RepoModel, p: PromptStatus) {
  return {
    path: p.path,
    owners: p.owners,
    contentHash: p.contentHash ?? null,
    shortHash: p.contentHash ? shortHash(p.contentHash) : null,
    state: p.state,
    stateLabel: stateLabel(p.state),
    workingCopy: p.workingCopy,
    version: p.version ?? null,
    unusable: p.unusable ?? null,
    environments: model.config.environments.map((env, i) => {
      const gate = p.gates[i];
      const current = p.current[env.name];
      return {
        name: env.name,
        approvals: gate.approvalsCounted,
        required: gate.approvalsRequired,
        allowed: gate.allowed,
        unmet: gate.unmet.map((u) => u.message),
        current: current ? { version: current.evidence.version, since: current.evidence.releasedAt, tag: current.tag, contentHash: current.evidence.contentHash } : null,
      };
    }),
  };
}

function printPrompt(model: RepoModel, p: PromptStatus, out: Output): void {
  const working = p.workingCopy === 'clean' ? '' : p.workingCopy === 'untracked' ? ' (not committed)' : ` (working copy ${p.workingCopy})`;
  out.line(`${p.path}  [${stateLabel(p.state)}]${working}`);
  out.line(`  owners      ${p.owners.length ? p.owners.join(', ') : '(none — add one to CODEOWNERS)'}`);
  out.line(`  content     ${p.contentHash ? shortHash(p.contentHash) : '—'}${p.unusable ? `  ⚠ ${p.unusable}` : ''}`);
  model.config.environments.forEach((env, i) => {
    const gate = p.gates[i];
    const current = p.current[env.name];
    const version = current ? `v${current.evidence.version} since ${formatTime(current.evidence.releasedAt)}` : 'not released';
    out.line(`  ${env.name.padEnd(11)} ${version} · approvals ${gate.approvalsCounted}/${gate.approvalsRequired}`);
  });
  out.line();
}
