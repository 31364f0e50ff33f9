/*
 * The GitHub Action's entry point (action.yml runs dist/action.js with Node). It reads the
 * inputs GitHub passes as INPUT_* variables, runs `verify` against the trusted branch as the
 * server has it, optionally `export`, and writes a step summary. The workflow must check out
 * with full history and tags (actions/checkout with fetch-depth: 0).
 */
import { appendFileSync } from 'fs';
import { PromptRepository } from '../git/repository';
import { main } from './main';

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

export async function runAction(): Promise<number> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
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
  return code;
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
