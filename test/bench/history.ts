/*
 * Realistic-history benchmark (part of `npm run bench`).
 *
 * Builds (once, cached under .cache/bench-history-v2/) a repository shaped like a real
 * project that keeps prompts next to its code: 840 prompt files of a few KB each among 1,600
 * code and documentation files, 5,000 commits by 25 people (most of them change code),
 * renames, side branches merged back, co-authored commits, review records, and releases made
 * with the real CLI. Then it times what users wait for, with process start included, against
 * the raw git reads each needs, run one after another as a shell would:
 *   cold status         vs the git reads status runs (no cache)                    goal ≤ 1.5×
 *   repeat status       vs the cold status (cache kept in .git/prompt-release)      goal ≤ 0.5×
 *   history of a prompt vs git log --follow for it                                  goal ≤ 2×
 * It reports and never fails on a ratio: the numbers depend on the machine.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { RECORDS_DIR } from '../../src/core/prompts/prompts';
import { buildRealisticRepo } from '../helpers/realisticRepo';

const VERSION = 'bench-history-v2:prompts=840:files=1600:commits=5000:gen=1';
const ROOT = path.resolve(__dirname, '..', '..', '..');
const CACHE = path.join(ROOT, '.cache', 'bench-history-v2');
const REPO = path.join(CACHE, 'repo');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const COMMITS = 5000;
const RELEASE_MANAGER = { name: 'Release Manager', email: 'release@example.com' };
const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };

function git(args: string[], input?: string | Buffer): string {
  const r = spawnSync('git', args, { cwd: REPO, input, encoding: 'utf8', maxBuffer: 1 << 30, env: GIT_ENV });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function build(): void {
  fs.rmSync(CACHE, { recursive: true, force: true });
  buildRealisticRepo(REPO, { prompts: 840, otherFiles: 1600, commits: COMMITS, people: 25 });
  releaseSome();
  fs.writeFileSync(path.join(CACHE, 'version'), VERSION);
}

/** Releases made by the real CLI, so the tags carry real evidence. */
function releaseSome(): void {
  const status = JSON.parse(spawnSync(process.execPath, [CLI, 'status', '--json'], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 30 }).stdout);
  const ready = (status.prompts as { path: string; environments: { name: string; allowed: boolean }[] }[])
    .filter((p) => p.environments.some((e) => e.name === 'staging' && e.allowed))
    .slice(0, 40);
  if (ready.length < 10) throw new Error(`only ${ready.length} prompts are ready to release; the generator should make more`);
  const env = { ...GIT_ENV, GIT_AUTHOR_NAME: RELEASE_MANAGER.name, GIT_AUTHOR_EMAIL: RELEASE_MANAGER.email, GIT_COMMITTER_NAME: RELEASE_MANAGER.name, GIT_COMMITTER_EMAIL: RELEASE_MANAGER.email };
  for (const p of ready) {
    const r = spawnSync(process.execPath, [CLI, 'release', p.path, '--env', 'staging'], { cwd: REPO, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`release ${p.path}: ${r.stderr}`);
  }
  fs.rmSync(path.join(REPO, '.git', 'prompt-release'), { recursive: true, force: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Wall time of running `command` (a process, so its start-up counts). */
function timed(command: string, args: string[], input?: string): number {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd: REPO, input, maxBuffer: 1 << 30, stdio: ['pipe', 'ignore', 'ignore'], env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}`);
  return performance.now() - started;
}

function main(): void {
  const fresh = !fs.existsSync(path.join(CACHE, 'version')) || fs.readFileSync(path.join(CACHE, 'version'), 'utf8') !== VERSION;
  if (fresh || process.env.BENCH_REBUILD) {
    const t = performance.now();
    build();
    console.log(`built the realistic-history repository in ${((performance.now() - t) / 1000).toFixed(1)} s (${CACHE})`);
  }
  const commits = git(['rev-list', '--count', 'HEAD']).trim();
  const merges = git(['rev-list', '--count', '--merges', 'HEAD']).trim();
  const renames = git(['log', '--format=', '-M', '--diff-filter=R', '--name-only', 'HEAD']).split('\n').filter(Boolean).length;
  const tree = git(['ls-tree', '-r', 'HEAD']).split('\n').filter(Boolean);
  const promptBlobs = tree.filter((l) => /\.(prompt|instructions|agent)\.md$/.test(l)).map((l) => l.split(/\s+/)[2]);
  const recordBlobs = tree.filter((l) => l.includes(`${RECORDS_DIR}/`)).map((l) => l.split(/\s+/)[2]);
  const tags = git(['tag', '--list', 'prompt-release/*']).split('\n').filter(Boolean).length;
  const renamed = git(['log', '-1', '--format=', '-M', '--diff-filter=R', '--name-only', 'HEAD', '--', 'prompts']).trim().split('\n')[0];
  console.log(`Realistic history: ${commits} commits (${merges} merges, ${renames} renames), ${tree.length} files of which ${promptBlobs.length} prompts, ${recordBlobs.length} records, ${tags} release tags; history of ${renamed}`);

  // The git reads a cold status runs, one after another, each its own process.
  const raw = (): number => {
    const started = performance.now();
    timed('git', ['rev-parse', '--show-toplevel', '--absolute-git-dir']);
    timed('git', ['config', '--list']);
    timed('git', ['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD']);
    timed('git', ['ls-tree', '-r', '-z', 'HEAD']);
    timed('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
    timed('git', ['for-each-ref', '--format=%(refname)%00%(contents)', 'refs/tags/prompt-release/']);
    timed('git', ['for-each-ref', '--merged=HEAD', 'refs/tags/prompt-release/']);
    timed('git', ['log', '-z', '--raw', '-c', '--no-renames', 'HEAD']);
    timed('git', ['log', '-z', '--raw', '-M', '--diff-filter=R', '--no-merges', 'HEAD']);
    timed('git', ['log', '-z', '--raw', '-c', '-M', '--full-history', '--parents', 'HEAD', '--', RECORDS_DIR, '.promptrelease.yaml', '.github/CODEOWNERS']);
    timed('git', ['log', '-z', '--raw', '-M', '--first-parent', 'HEAD', '--', '.promptrelease.yaml', '.github/CODEOWNERS']);
    timed('git', ['cat-file', '--batch'], [...promptBlobs, ...recordBlobs].join('\n') + '\n');
    return performance.now() - started;
  };
  const dropCache = () => fs.rmSync(path.join(REPO, '.git', 'prompt-release'), { recursive: true, force: true });
  const status = () => timed(process.execPath, [CLI, 'status', '--summary']);
  const history = () => timed(process.execPath, [CLI, 'history', renamed]);
  const follow = () => timed('git', ['log', '--follow', '--raw', '--', renamed]);
  dropCache();
  status();
  const rawTimes: number[] = [], cold: number[] = [], repeat: number[] = [], coldHistory: number[] = [], hist: number[] = [], fol: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    rawTimes.push(raw());
    dropCache();
    cold.push(status());
    repeat.push(status());
    hist.push(history());
    dropCache();
    coldHistory.push(history());
    fol.push(follow());
  }
  const row = (label: string, value: number, base: number, goal?: number) =>
    console.log(`  ${label.padEnd(48)} ${(value / base).toFixed(2)}×  (${Math.round(value)} ms / ${Math.round(base)} ms${goal ? `; goal ≤ ${goal}×` : ''})${goal && value / base > goal ? '  <-- above goal' : ''}`);
  console.log(`Results (median of ${RUNS}), process start included (node -e 0 takes ${Math.round(median([0, 0, 0].map(() => timed(process.execPath, ['-e', '0']))))} ms here):`);
  row('cold status vs the raw reads it needs', median(cold), median(rawTimes), 1.5);
  row('repeat status vs cold status', median(repeat), median(cold), 0.5);
  row('history of one prompt vs git log --follow', median(hist), median(fol), 2);
  row('  the same without a cache', median(coldHistory), median(fol));
}

main();
