/*
 * The awesome-copilot-shaped repository of `npm run bench`, built once and cached under
 * .cache/bench-awesome-v1/: 840 prompts laid out like github/awesome-copilot (skills/*\/SKILL.md
 * with reference files beside them, agents/*.agent.md, instructions/*.instructions.md, a few
 * AGENTS.md) among 1,300 other files (website, plugins, extensions, cookbook), about 2,200
 * commits by 40 people with side branches merged back, renames (skills move with their
 * folder), co-authored commits and review records; then 5 release tags made with the real CLI.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { buildRealisticRepo } from '../helpers/realisticRepo';
import { benchEnv } from './measure';

/** Change whenever the generator or its options change: the cache is rebuilt. */
const VERSION = 'bench-awesome-v1:prompts=840:files=1300:commits=2200:people=40:tags=5:gen=1';
const PROMPTS = 840;
const TAGS = 5;

export const RELEASE_MANAGER = { name: 'Rita Release', email: 'rita.release@example.com' };

/** skills (half), agents and instructions (a quarter each), and AGENTS.md at three levels. */
export function awesomePromptPath(i: number): string {
  if (i === 1) return 'AGENTS.md';
  if (i === 3) return 'skills/AGENTS.md';
  if (i === 5) return 'plugins/AGENTS.md';
  if (i % 2 === 0) return `skills/skill-${i}/SKILL.md`;
  return i % 4 === 1 ? `agents/agent-${i}.agent.md` : `instructions/area-${i}.instructions.md`;
}

function awesomeOtherPath(i: number): string {
  switch (i % 6) {
    case 0:
      return `skills/skill-${(i % (PROMPTS / 2)) * 2}/references/notes-${i}.md`;
    case 1:
      return `website/src/pages/page-${i}.ts`;
    case 2:
      return `plugins/plugin-${i % 190}/README.md`;
    case 3:
      return `extensions/ext-${i % 60}/src/file-${i}.ts`;
    case 4:
      return `cookbook/recipe-${i % 90}/step-${i}.md`;
    default:
      return `eng/scripts/tool-${i}.mjs`;
  }
}

export interface AwesomeRepo {
  dir: string;
  fresh: boolean;
  buildMs?: number;
}

function git(dir: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30, env: benchEnv() });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Builds (or finds cached) the repository under <project>/.cache/bench-awesome-v1/repo. */
export function awesomeRepo(projectRoot: string, cli: string, log: (line: string) => void): AwesomeRepo {
  const cache = path.join(projectRoot, '.cache', 'bench-awesome-v1');
  const dir = path.join(cache, 'repo');
  const versionFile = path.join(cache, 'version');
  const headFile = path.join(cache, 'head');
  if (process.env.BENCH_REBUILD !== '1' && fs.existsSync(versionFile) && fs.readFileSync(versionFile, 'utf8') === VERSION && fs.existsSync(headFile)) {
    // A bench stopped in the middle of the review line can leave its commit: back to the built state.
    const head = fs.readFileSync(headFile, 'utf8').trim();
    if (git(dir, ['rev-parse', 'HEAD']).trim() !== head || git(dir, ['status', '--porcelain']).trim() !== '') {
      log(`resetting ${path.relative(projectRoot, dir)} to the commit it was built with`);
      git(dir, ['reset', '-q', '--hard', head]);
      git(dir, ['clean', '-q', '-fd']);
    }
    return { dir, fresh: false };
  }
  const started = performance.now();
  log(`building ${VERSION} in ${path.relative(projectRoot, cache)}/ …`);
  fs.rmSync(cache, { recursive: true, force: true });
  buildRealisticRepo(dir, { prompts: PROMPTS, otherFiles: 1300, commits: 2200, people: 40, promptPath: awesomePromptPath, otherPath: awesomeOtherPath });
  git(dir, ['config', 'gc.auto', '0']);
  releaseFive(dir, cli);
  fs.writeFileSync(headFile, git(dir, ['rev-parse', 'HEAD']).trim() + '\n');
  fs.writeFileSync(versionFile, VERSION);
  const buildMs = performance.now() - started;
  log(`  built in ${(buildMs / 1000).toFixed(1)} s`);
  return { dir, fresh: true, buildMs };
}

/** Five prompts of different kinds released to staging with the real CLI, so the tags carry real evidence. */
function releaseFive(dir: string, cli: string): void {
  const status = spawnSync(process.execPath, [cli, 'status', '--json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30, env: benchEnv() });
  if (status.status !== 0) throw new Error(`status --json exited ${status.status}: ${status.stderr}`);
  const prompts = (JSON.parse(status.stdout).prompts as { path: string; environments: { name: string; allowed: boolean }[] }[]).filter((p) =>
    p.environments.some((e) => e.name === 'staging' && e.allowed),
  );
  const kinds = [/SKILL\.md$/, /\.agent\.md$/, /\.instructions\.md$/];
  const chosen: string[] = [];
  for (let k = 0; chosen.length < TAGS && k < TAGS * 3; k++) {
    const next = prompts.find((p) => kinds[k % kinds.length].test(p.path) && !chosen.includes(p.path)) ?? prompts.find((p) => !chosen.includes(p.path));
    if (next) chosen.push(next.path);
  }
  if (chosen.length < TAGS) throw new Error(`only ${chosen.length} prompts may be released to staging; the generator should make at least ${TAGS}`);
  const env = benchEnv({ GIT_AUTHOR_NAME: RELEASE_MANAGER.name, GIT_AUTHOR_EMAIL: RELEASE_MANAGER.email, GIT_COMMITTER_NAME: RELEASE_MANAGER.name, GIT_COMMITTER_EMAIL: RELEASE_MANAGER.email });
  for (const p of chosen) {
    const r = spawnSync(process.execPath, [cli, 'release', p, '--env', 'staging'], { cwd: dir, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`release ${p}: ${r.stderr}${r.stdout}`);
  }
  git(dir, ['gc', '-q']);
  fs.rmSync(path.join(dir, '.git', 'prompt-release'), { recursive: true, force: true });
}

/**
 * Prompts that were renamed and still are prompts at HEAD, latest rename first, for the history
 * line: history must follow them through the rename.
 */
export function renamedPrompts(dir: string, prompts: Set<string>): string[] {
  const renamed = git(dir, ['log', '-M', '--diff-filter=R', '--name-only', '--format=', 'HEAD']).split('\n').filter(Boolean);
  return [...new Set(renamed.filter((p) => prompts.has(p)))];
}
