/*
 * The GitHub Action's entry point (action.yml runs dist/action.js with Node). It reads the
 * inputs GitHub passes as INPUT_* variables, runs `verify` against the trusted branch as the
 * server has it, optionally `export`, and writes a step summary. The workflow must check out
 * with full history and tags (actions/checkout with fetch-depth: 0).
 */
import { appendFileSync, readFileSync } from 'fs';
import { PromptReleaseError } from '../core/common/errors';
import { pullRequest } from '../usecases/pullRequest';
import { PromptRepository } from '../git/repository';
import { exitCodeFor } from './exitCodes';
import { main } from './main';
import { markdownReport } from './prReport';

function input(name: string, fallback = ''): string {
  // GitHub upper-cases the name and keeps its dashes.
  return process.env[`INPUT_${name.toUpperCase()}`]?.trim() || fallback;
}

/**
 * The ref the input names, in full where that is unambiguous: `main` is origin's branch
 * (refs/remotes/origin/main), a full name (refs/…) is itself, and a name with a slash
 * (origin/main) is resolved like --trusted, refused when a tag or branch shadows it.
 */
export function trustedRefOf(branch: string): string {
  if (branch.startsWith('refs/') || branch.includes('/')) return branch;
  return `refs/remotes/origin/${branch}`;
}

/** The base a pull request or merge queue event names: its branch (as origin has it) and, when given, its commit. */
export function eventBase(eventName: string, payload: any): { ref: string; commit?: string } | undefined {
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const base = payload?.pull_request?.base;
    if (typeof base?.ref !== 'string') return undefined;
    return { ref: `refs/remotes/origin/${base.ref.replace(/^refs\/heads\//, '')}`, ...(typeof base.sha === 'string' ? { commit: base.sha } : {}) };
  }
  if (eventName === 'merge_group') {
    const group = payload?.merge_group;
    if (typeof group?.base_ref !== 'string') return undefined;
    return { ref: `refs/remotes/origin/${group.base_ref.replace(/^refs\/heads\//, '')}`, ...(typeof group.base_sha === 'string' ? { commit: group.base_sha } : {}) };
  }
  return undefined;
}

/** One workflow command, its values escaped as GitHub asks. */
function annotation(file: string, message: string): string {
  const prop = (v: string) => v.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C');
  const data = (v: string) => v.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return `::warning file=${prop(file)},line=1::${data(message)}\n`;
}

/**
 * On a pull request or in a merge queue: the pull request report against the base, written to
 * the step summary, with a warning annotation on each prompt still blocked somewhere. Returns 0
 * whenever it could report (an approved prompt that is not yet released is not a failure).
 */
async function runPullRequest(workspace: string, eventName: string, summary: string | undefined): Promise<number> {
  const eventPath = process.env.GITHUB_EVENT_PATH;
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(eventPath ?? '', 'utf8'));
  } catch (err) {
    process.stderr.write(`error: cannot read the ${eventName} event payload (GITHUB_EVENT_PATH=${eventPath ?? 'unset'}): ${(err as Error).message}\n`);
    return 3;
  }
  const base = eventBase(eventName, payload);
  if (!base) {
    process.stderr.write(`error: the ${eventName} event payload names no base branch\n`);
    return 3;
  }
  try {
    const repo = await PromptRepository.open(workspace, undefined, { persistentCache: false });
    const report = await pullRequest(repo, base.ref, base.commit);
    for (const w of report.warnings) process.stdout.write(`::warning::${w.replace(/%/g, '%25').replace(/\n/g, '%0A')}\n`);
    for (const p of report.prompts) {
      const blocked = p.environments.filter((e) => !e.allowed);
      if (blocked.length) process.stdout.write(annotation(p.path, `${p.path}: ${blocked.map((e) => `${e.name}: ${e.blocking.map((b) => b.message).join('; ')}`).join(' | ')}`));
    }
    for (const r of report.rules) if (!r.approvals.some((a) => a.counts && a.owners.length)) process.stdout.write(annotation(r.path, `${r.path}: ${r.message}`));
    const text = markdownReport(report);
    if (summary) appendFileSync(summary, text);
    else process.stdout.write(text);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${message}\n`);
    if (err instanceof PromptReleaseError && err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    if (summary) appendFileSync(summary, `## Prompt release report\n\n❌ The pull request report failed: ${message}\n`);
    return err instanceof PromptReleaseError ? exitCodeFor(err.code) : 3;
  }
}

export async function runAction(): Promise<number> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const eventName = process.env.GITHUB_EVENT_NAME ?? '';
  // On a pull request or in a merge queue, the report first; verify of the release tags runs as on a push.
  const reported = ['pull_request', 'pull_request_target', 'merge_group'].includes(eventName) ? await runPullRequest(workspace, eventName, process.env.GITHUB_STEP_SUMMARY) : 0;
  const named = trustedRefOf(input('trusted-branch', 'main'));
  const summary = process.env.GITHUB_STEP_SUMMARY;
  // Which commit is trusted, for the summary; verify resolves the same name again and refuses what this cannot resolve.
  const resolved = await PromptRepository.open(workspace)
    .then((repo) => repo.resolveTrusted(named))
    .catch(() => undefined);
  const trusted = resolved?.ref ?? named;
  const against = resolved ? `\`${resolved.ref}\` at \`${resolved.commit.slice(0, 10)}\`` : `\`${named}\``;
  // A review that is due is a warning unless the workflow asks for it to fail the build.
  const strict = /^(true|yes|1)$/i.test(input('strict'));
  const verified = await main(['verify', '--trusted', trusted, '-C', workspace, ...(strict ? ['--strict'] : [])]);
  const lines = [`## Prompt releases`, '', verified === 0 ? `✅ Every release tag verified against ${against}.` : `❌ \`prompt-release verify\` failed against ${against} (exit ${verified}); the log above names every problem.`];
  let code = verified;
  const exportEnv = input('export-env');
  if (verified === 0 && exportEnv) {
    const outDir = input('export-dir', `released-prompts/${exportEnv}`);
    code = await main(['export', '--env', exportEnv, '--out', outDir, '--trusted', trusted, '-C', workspace]);
    lines.push(code === 0 ? `📦 Exported the prompts live in ${exportEnv} to \`${outDir}\` with \`prompt-release.lock.json\`.` : `❌ Export of ${exportEnv} failed (exit ${code}).`);
  }
  if (summary) appendFileSync(summary, lines.join('\n') + '\n');
  return reported || code;
}

if (require.main === module) {
  runAction().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`prompt-release action failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 3;
    },
  );
}
