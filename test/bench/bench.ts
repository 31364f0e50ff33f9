/*
 * `npm run bench`: what a user waits for, next to what any tool doing the same work must at
 * least spend ("the raw reads"), as ratios against the goals of issue 19.
 *
 * Every CLI figure is a child process, `node dist/cli.js …`, timed from spawn to exit with its
 * whole output read through a pipe: process start included, as a user waits for it.
 *
 * Baselines ("the raw reads"), each run as a shell would run them, one process after another,
 * output read through a pipe, each component timed and printed:
 *   node start     `node -e 0`: any Node tool pays it
 *   full reads     (status, verify) node start + `git ls-tree -r HEAD` (the tree)
 *                  + `git for-each-ref --format=%(refname)%00%(contents) refs/tags/prompt-release/`
 *                    (the release tags with their evidence)
 *                  + `git cat-file --batch` of every prompt's blob (the prompts `status --json` lists)
 *                  + `git log --raw --no-abbrev HEAD` (the full log: every commit and the files it changed)
 *   minimal re-read (repeat runs, information) node start + (ls-tree ‖ for-each-ref, in parallel)
 *                  + `git status --porcelain`: what a tool that cached everything else must re-read
 *   follow         (history) node start + `git log --follow --raw -- <prompt>`
 *   review         node start + `git log --follow --raw -- <prompt>` + writing a file of a review
 *                  record's size + `git add` + `git commit` of it
 * Each line is the median of BENCH_RUNS (default 5) runs of each side, the sides alternating
 * (baseline first in even runs, the CLI first in odd ones), after one warm-up of each.
 *
 * Peak memory is the child's max RSS (GNU time's %M, else /proc VmHWM polled). The git
 * processes of each command are counted in one extra, untimed run through a logging `git`
 * first on PATH. The editor line runs the real VS Code of test/runner (editor.ts).
 *
 * Fixtures, built once and cached under .cache/ (BENCH_REBUILD=1 rebuilds them):
 *   .cache/bench-repo-v1      10,000 prompts, 20,000 records, 2,000 tags (refresh.ts builds it)
 *   .cache/bench-awesome-v1   awesome-copilot-shaped, 840 prompts, ~2,200 commits, 5 tags (fixtures.ts)
 * Environment: BENCH_RUNS=n, BENCH_REBUILD=1, BENCH_REPO=/path/to/a/clone (adds the
 * awesome-copilot lines on that clone, except review, which would commit there),
 * BENCH_EDITOR=0 (skip the editor line), BENCH_ONLY=key,… (only those lines: status10k, cold,
 * repeat, history, review, verify, memory, editor), PRC_REAL_VSCODE_CACHE (test/runner/README.md).
 *
 * It reports: the exit code is 0 whatever the ratios, 1 only when a fixture is broken (a
 * command fails on it, or it does not hold what was built).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { awesomeRepo, renamedPrompts } from './fixtures';
import { benchEnv, fmtMs, gitProcesses, median, mustRun, peakMemoryMb, runProcess, type ProcessRun } from './measure';
import { tenThousandPromptRepo } from './refresh';
import { measureEditor } from './editor';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const CACHE = path.join(ROOT, '.cache');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5) || 5);
const NODE = process.execPath;
const REVIEWER = { name: 'Bench Reviewer', email: 'bench.reviewer@example.com' };

class FixtureBroken extends Error {}

/** BENCH_ONLY=review,verify runs only those lines (status10k, cold, repeat, history, review, verify, memory, editor). */
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const want = (key: string) => ONLY.length === 0 || ONLY.includes(key);

interface Line {
  what: string;
  goal: number;
  unit: '×' | 'MB' | 's';
  now?: number;
  /** Why there is no figure. */
  missing?: string;
}

const lines: Line[] = [];
/** Lines whose command failed on a fixture: the bench then exits 1. */
const failed: string[] = [];
const out = (text = '') => console.log(text);
const mark = (l: Line) => (l.now === undefined ? `not measured: ${l.missing}` : l.now <= l.goal ? 'ok' : 'ABOVE GOAL');
const fmt = (value: number, unit: Line['unit']) => (unit === '×' ? `${value.toFixed(2)}×` : unit === 'MB' ? `${Math.round(value)} MB` : `${value.toFixed(2)} s`);

function report(line: Line): void {
  lines.push(line);
  if (line.now === undefined) out(`    => ${line.what}: not measured (${line.missing})`);
  else out(`    => ${fmt(line.now, line.unit).padStart(8)}   goal ≤ ${fmt(line.goal, line.unit)}   ${mark(line)}`);
}

// ---------------------------------------------------------------------------------------------

interface Repo {
  name: string;
  dir: string;
  /** Prompt blob ids, one a line: the input of the cat-file --batch baseline. */
  blobInput: string;
  prompts: number;
}

const cli = (repo: Repo, args: string[], env?: NodeJS.ProcessEnv) => mustRun(NODE, [CLI, ...args], { cwd: repo.dir, env });
const git = (repo: Repo, args: string[], input?: string) => mustRun('git', args, { cwd: repo.dir, input });
const dropCache = (repo: Repo) => fs.rmSync(path.join(repo.dir, '.git', 'prompt-release'), { recursive: true, force: true });

/** Reads what the CLI says the repository holds (also the warm-up); a failure means the fixture is broken. */
async function describe(name: string, dir: string, expectPrompts?: number): Promise<Repo> {
  const status = await runProcess(NODE, [CLI, 'status', '--json'], { cwd: dir, keep: true });
  if (status.code !== 0) throw new FixtureBroken(`${name}: status --json exited ${status.code}: ${status.stderr.slice(0, 1000)}`);
  const paths = (JSON.parse(status.stdout).prompts as { path: string }[]).map((p) => p.path);
  if (expectPrompts !== undefined && paths.length !== expectPrompts) throw new FixtureBroken(`${name}: status lists ${paths.length} prompts, the fixture has ${expectPrompts}`);
  const tree = new Map<string, string>();
  for (const entry of (await mustRun('git', ['ls-tree', '-r', '-z', 'HEAD'], { cwd: dir, keep: true })).stdout.split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (m) tree.set(m[2], m[1]);
  }
  const blobs = paths.map((p) => tree.get(p)).filter((b): b is string => !!b);
  return { name, dir, blobInput: blobs.join('\n') + '\n', prompts: paths.length };
}

type Parts = Record<string, number>;

async function nodeStart(repo: Repo): Promise<number> {
  return (await mustRun(NODE, ['-e', '0'], { cwd: repo.dir })).ms;
}

/** The full reads, one process after another. */
async function fullReads(repo: Repo): Promise<Parts> {
  return {
    'node start': await nodeStart(repo),
    'ls-tree -r': (await git(repo, ['ls-tree', '-r', 'HEAD'])).ms,
    'for-each-ref tags': (await git(repo, ['for-each-ref', '--format=%(refname)%00%(contents)', 'refs/tags/prompt-release/'])).ms,
    'cat-file --batch prompts': (await git(repo, ['cat-file', '--batch'], repo.blobInput)).ms,
    'log --raw (full)': (await git(repo, ['log', '--raw', '--no-abbrev', 'HEAD'])).ms,
  };
}

/** The least a tool that cached the rest must re-read on a repeat run. */
async function minimalReread(repo: Repo): Promise<Parts> {
  const node = await nodeStart(repo);
  const t0 = performance.now();
  await Promise.all([git(repo, ['ls-tree', '-r', 'HEAD']), git(repo, ['for-each-ref', '--format=%(refname)%00%(contents)', 'refs/tags/prompt-release/'])]);
  const listed = performance.now() - t0;
  return { 'node start': node, 'ls-tree ‖ for-each-ref': listed, 'status --porcelain': (await git(repo, ['status', '--porcelain'])).ms };
}

const total = (parts: Parts) => Object.values(parts).reduce((a, b) => a + b, 0);
const partsText = (all: Parts[]) => Object.keys(all[0]).map((k) => `${k} ${Math.round(median(all.map((p) => p[k])))}`).join(' + ');

/**
 * Runs the baseline and the CLI side RUNS times, alternating which goes first, after a warm-up
 * of each; `before` runs (untimed) before every CLI run, `after` after every run of either side.
 */
async function compare(options: {
  baseline: () => Promise<Parts>;
  tool: () => Promise<ProcessRun>;
  before?: () => void | Promise<void>;
  after?: () => void | Promise<void>;
}): Promise<{ tool: number[]; base: Parts[] }> {
  const tool: number[] = [];
  const base: Parts[] = [];
  const runTool = async () => {
    await options.before?.();
    const r = await options.tool();
    await options.after?.();
    return r.ms;
  };
  const runBase = async () => {
    const p = await options.baseline();
    await options.after?.();
    return p;
  };
  await runBase();
  await runTool();
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      base.push(await runBase());
      tool.push(await runTool());
    } else {
      tool.push(await runTool());
      base.push(await runBase());
    }
  }
  return { tool, base };
}

function printComparison(label: string, baseLabel: string, r: { tool: number[]; base: Parts[] }): number {
  const toolMs = median(r.tool);
  const baseMs = median(r.base.map(total));
  out(`    prompt-release ${label.padEnd(34)} ${fmtMs(toolMs).padStart(8)}   (runs ${r.tool.map((t) => Math.round(t)).join(' / ')})`);
  out(`    ${baseLabel.padEnd(49)} ${fmtMs(baseMs).padStart(8)}   = ${partsText(r.base)}`);
  return toolMs / baseMs;
}

async function countGit(repo: Repo, args: string[], env?: NodeJS.ProcessEnv, before?: () => void, after?: () => void): Promise<void> {
  before?.();
  const g = await gitProcesses(NODE, [CLI, ...args], { cwd: repo.dir, env, cacheDir: CACHE });
  after?.();
  out(`    git processes (information): ${g.count}${g.byCommand ? ` (${g.byCommand})` : ''}${g.code !== 0 ? `  [exit ${g.code}]` : ''}`);
}

// ---------------------------------------------------------------------------------------------
// The lines

async function statusRepeat(repo: Repo, what: string, goal: number): Promise<void> {
  out(`\n${what}`);
  const r = await compare({ baseline: () => fullReads(repo), tool: () => cli(repo, ['status', '--json']) });
  const ratio = printComparison('status --json (cache kept)', 'full reads', r);
  const min: Parts[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) min.push(await minimalReread(repo));
  out(`    information: against the minimal re-read ${fmtMs(median(min.map(total)))} (= ${partsText(min)}): ${(median(r.tool) / median(min.map(total))).toFixed(2)}×`);
  await countGit(repo, ['status', '--json']);
  report({ what, goal, unit: '×', now: ratio });
}

async function statusCold(repo: Repo, what: string, goal: number): Promise<void> {
  out(`\n${what}`);
  const r = await compare({ baseline: () => fullReads(repo), tool: () => cli(repo, ['status']), before: () => dropCache(repo) });
  const ratio = printComparison('status (no .git/prompt-release)', 'full reads', r);
  await countGit(repo, ['status'], undefined, () => dropCache(repo));
  report({ what, goal, unit: '×', now: ratio });
}

async function statusAgain(repo: Repo, what: string, goal: number): Promise<void> {
  out(`\n${what}`);
  await cli(repo, ['status']);
  const r = await compare({ baseline: () => fullReads(repo), tool: () => cli(repo, ['status']) });
  const ratio = printComparison('status (cache kept)', 'full reads', r);
  const min: Parts[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) min.push(await minimalReread(repo));
  out(`    information: against the minimal re-read ${fmtMs(median(min.map(total)))} (= ${partsText(min)}): ${(median(r.tool) / median(min.map(total))).toFixed(2)}×`);
  await countGit(repo, ['status']);
  report({ what, goal, unit: '×', now: ratio });
}

async function history(repo: Repo, prompt: string, what: string, goal: number): Promise<void> {
  out(`\n${what}\n    prompt: ${prompt}`);
  await cli(repo, ['status']); // a user who looks at a history has run the tool before: cache kept
  const r = await compare({
    baseline: async () => ({ 'node start': await nodeStart(repo), 'log --follow --raw': (await git(repo, ['log', '--follow', '--raw', '--', prompt])).ms }),
    tool: () => cli(repo, ['history', prompt]),
  });
  const ratio = printComparison('history <prompt> (cache kept)', 'follow', r);
  await countGit(repo, ['history', prompt]);
  report({ what, goal, unit: '×', now: ratio });
}

async function review(repo: Repo, prompt: string, what: string, goal: number): Promise<void> {
  out(`\n${what}\n    prompt: ${prompt}; reviewer ${REVIEWER.email}; the repository is reset to its commit after every run`);
  const env = benchEnv({ GIT_AUTHOR_NAME: REVIEWER.name, GIT_AUTHOR_EMAIL: REVIEWER.email, GIT_COMMITTER_NAME: REVIEWER.name, GIT_COMMITTER_EMAIL: REVIEWER.email });
  const headId = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repo.dir, encoding: 'utf8' }).stdout.trim();
  const recordSize = recordFileSize(repo);
  const reset = () => {
    const r = spawnSync('git', ['reset', '-q', '--hard', headId], { cwd: repo.dir, env: benchEnv() });
    if (r.status !== 0) throw new FixtureBroken(`git reset --hard ${headId} failed: ${r.stderr}`);
  };
  const scratch = path.join(repo.dir, 'bench-record.json');
  await cli(repo, ['status']);
  const r = await compare({
    baseline: async () => {
      const node = await nodeStart(repo);
      const follow = (await git(repo, ['log', '--follow', '--raw', '--', prompt])).ms;
      const t0 = performance.now();
      fs.writeFileSync(scratch, JSON.stringify({ pad: 'x'.repeat(Math.max(0, recordSize - 12)) }));
      const write = performance.now() - t0;
      const add = (await mustRun('git', ['add', '--', 'bench-record.json'], { cwd: repo.dir, env })).ms;
      const commit = (await mustRun('git', ['commit', '-q', '--no-verify', '-m', 'bench: a record-sized commit'], { cwd: repo.dir, env })).ms;
      return { 'node start': node, 'log --follow --raw': follow, 'write file': write, 'git add': add, 'git commit': commit };
    },
    tool: () => cli(repo, ['review', prompt, '--approve'], env),
    after: reset,
  });
  const ratio = printComparison('review <prompt> --approve', `review (record of ${recordSize} bytes)`, r);
  await countGit(repo, ['review', prompt, '--approve'], env, undefined, reset);
  report({ what, goal, unit: '×', now: ratio });
}

/** The size of a review record file the CLI wrote (the median of those at HEAD), else 400 bytes. */
function recordFileSize(repo: Repo): number {
  const listing = spawnSync('git', ['ls-tree', '-r', '-l', 'HEAD', '--', '.promptrelease/records'], { cwd: repo.dir, encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
  const sizes = listing.split('\n').map((l) => Number(l.split(/\s+/)[3])).filter((n) => n > 0);
  return sizes.length ? Math.round(median(sizes)) : 400;
}

async function verify(repo: Repo, what: string, goal: number): Promise<void> {
  out(`\n${what}`);
  const tags = spawnSync('git', ['for-each-ref', 'refs/tags/prompt-release/'], { cwd: repo.dir, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
  out(`    ${tags} release tags; each run starts without .git/prompt-release, as CI on a fresh clone`);
  const r = await compare({ baseline: () => fullReads(repo), tool: () => cli(repo, ['verify']), before: () => dropCache(repo) });
  const ratio = printComparison('verify (no cache)', 'full reads', r);
  await cli(repo, ['verify']);
  const warm: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) warm.push((await cli(repo, ['verify'])).ms);
  out(`    information: verify with the cache kept ${fmtMs(median(warm))}: ${(median(warm) / median(r.base.map(total))).toFixed(2)}× the full reads`);
  await countGit(repo, ['verify'], undefined, () => dropCache(repo));
  report({ what, goal, unit: '×', now: ratio });
}

async function memory(repo: Repo, what: string, goal: number): Promise<void> {
  out(`\n${what}`);
  const runs: number[] = [];
  let how = '';
  for (let i = 0; i < Math.min(RUNS, 2); i++) {
    const m = await peakMemoryMb(NODE, [CLI, 'status', '--json'], { cwd: repo.dir });
    runs.push(m.mb);
    how = m.how;
  }
  const base = await peakMemoryMb(NODE, ['-e', '0'], { cwd: repo.dir });
  dropCache(repo);
  const cold = await peakMemoryMb(NODE, [CLI, 'status', '--json'], { cwd: repo.dir });
  out(`    status --json (cache kept): ${runs.map((m) => `${Math.round(m)} MB`).join(' / ')} (${how}); node -e 0 alone: ${Math.round(base.mb)} MB`);
  out(`    information: a first status --json (no .git/prompt-release): ${Math.round(cold.mb)} MB`);
  report({ what, goal, unit: 'MB', now: median(runs) });
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const git = spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout.trim();
  out(`Prompt Release Control — bench (node ${process.version}, ${git}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}; median of ${RUNS} runs each side, alternating, after a warm-up)`);
  out('Baselines: "full reads" = node -e 0 + git ls-tree -r HEAD + git for-each-ref (prompt-release tags with contents) + git cat-file --batch (every prompt blob) + git log --raw HEAD,');
  out('one after another as a shell would run them; "follow" = node -e 0 + git log --follow --raw -- <prompt>; "review" = follow + a record-sized file, git add, git commit.');
  if (!fs.existsSync(CLI)) throw new FixtureBroken(`${CLI} is missing: run npm run build`);

  const ten = tenThousandPromptRepo((l) => out(l));
  out(`fixture: ${path.relative(ROOT, ten.dir)} — ${ten.manifest.prompts} prompts, ${ten.manifest.records} records, ${ten.manifest.tags} tags${ten.fresh ? '' : ' (cached)'}`);
  const aw = awesomeRepo(ROOT, CLI, (l) => out(l));
  const tenRepo = await describe('10,000 prompts', ten.dir, ten.manifest.prompts);
  const awRepo = await describe('awesome-copilot-shaped', aw.dir, 840);
  const commits = spawnSync('git', ['rev-list', '--count', 'HEAD'], { cwd: aw.dir, encoding: 'utf8' }).stdout.trim();
  const merges = spawnSync('git', ['rev-list', '--count', '--merges', 'HEAD'], { cwd: aw.dir, encoding: 'utf8' }).stdout.trim();
  const tags = spawnSync('git', ['for-each-ref', 'refs/tags/prompt-release/'], { cwd: aw.dir, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
  if (tags !== 5) throw new FixtureBroken(`awesome-copilot-shaped: ${tags} release tags, expected 5 (rebuild with BENCH_REBUILD=1)`);
  const statusJson = await runProcess(NODE, [CLI, 'status', '--json'], { cwd: aw.dir, keep: true });
  const promptSet = new Set<string>((JSON.parse(statusJson.stdout).prompts as { path: string }[]).map((p) => p.path));
  const renamed = renamedPrompts(aw.dir, promptSet)[0];
  if (!renamed) throw new FixtureBroken('awesome-copilot-shaped: no renamed prompt at HEAD');
  out(`fixture: ${path.relative(ROOT, aw.dir)} — ${awRepo.prompts} prompts, ${commits} commits (${merges} merges), ${tags} release tags${aw.fresh ? '' : ' (cached)'}`);

  /** One line; `ours` false for BENCH_REPO, whose failures are reported but do not make the exit code. */
  const line = async (key: string, what: string, goal: number, unit: Line['unit'], measure: () => Promise<void>, ours = true) => {
    if (!want(key)) return;
    try {
      await measure();
    } catch (err) {
      if (err instanceof FixtureBroken) throw err;
      if (ours) failed.push(what);
      const message = (err as Error).message.split('\n').slice(0, 4).join(' ');
      out(`    FAILED: ${message}`);
      report({ what, goal, unit, missing: `failed: ${message.slice(0, 160)}` });
    }
  };
  const L = {
    status10k: '`status --json` at 10,000 prompts (process start included), repeat run',
    cold: 'awesome-copilot-shaped repo (840 prompts, 2,200 commits), first `status` (no cache)',
    repeat: 'same, repeat `status`',
    history: '`history <prompt>` of one (renamed) prompt vs node start + `git log --follow`',
    review: '`review <prompt> --approve` vs node start + `git log --follow` + a `git commit`',
    verify: '`verify` with 5 tags on the awesome-copilot-shaped repo vs the raw reads incl. the full log',
    memory: 'peak memory, `status --json` at 10,000 prompts',
  };
  await line('status10k', L.status10k, 2.5, '×', () => statusRepeat(tenRepo, L.status10k, 2.5));
  await line('cold', L.cold, 2, '×', () => statusCold(awRepo, L.cold, 2));
  await line('repeat', L.repeat, 1.3, '×', () => statusAgain(awRepo, L.repeat, 1.3));
  await line('history', L.history, 2, '×', () => history(awRepo, renamed, L.history, 2));
  await line('review', L.review, 1.5, '×', () => review(awRepo, renamed, L.review, 1.5));
  await line('verify', L.verify, 2, '×', () => verify(awRepo, L.verify, 2));
  await line('memory', L.memory, 120, 'MB', () => memory(tenRepo, L.memory, 120));

  if (want('editor')) {
    const what = 'editor: Prompts view filled after the workbench appears';
    out('\neditor on the awesome-copilot-shaped repo: Prompts view filled after the workbench appears (real VS Code)');
    if (process.env.BENCH_EDITOR === '0') {
      report({ what, goal: 2, unit: 's', missing: 'BENCH_EDITOR=0' });
    } else {
      const e = await measureEditor(ROOT, aw.dir, (l) => out(`    ${l}`), Math.min(RUNS, 3));
      report({ what, goal: 2, unit: 's', now: e.seconds, missing: e.why });
    }
  }

  const real = process.env.BENCH_REPO;
  if (real) {
    const dir = path.resolve(real);
    out(`\nBENCH_REPO=${dir}: the awesome-copilot lines on a real clone (review is left out: it would commit there; its .git/prompt-release cache is removed for the first-status runs)`);
    const repo = await describe(`BENCH_REPO ${path.basename(dir)}`, dir);
    const paths = new Set<string>((JSON.parse((await runProcess(NODE, [CLI, 'status', '--json'], { cwd: dir, keep: true })).stdout).prompts as { path: string }[]).map((p) => p.path));
    out(`    ${repo.prompts} prompts, ${spawnSync('git', ['rev-list', '--count', 'HEAD'], { cwd: dir, encoding: 'utf8' }).stdout.trim()} commits`);
    const name = path.basename(dir);
    // A partial clone may lack old blobs that git log --follow needs: take a renamed prompt whose log git can read.
    const followable = (p: string) => spawnSync('git', ['log', '--follow', '--raw', '--', p], { cwd: dir, env: benchEnv(), stdio: 'ignore' }).status === 0;
    const prompt = renamedPrompts(dir, paths).find(followable) ?? [...paths].find(followable);
    await line('cold', `[${name}] first \`status\` (no cache)`, 2, '×', () => statusCold(repo, `[${name}] first \`status\` (no cache)`, 2), false);
    await line('repeat', `[${name}] repeat \`status\``, 1.3, '×', () => statusAgain(repo, `[${name}] repeat \`status\``, 1.3), false);
    if (prompt) await line('history', `[${name}] \`history <prompt>\``, 2, '×', () => history(repo, prompt, `[${name}] \`history <prompt>\``, 2), false);
    await line('verify', `[${name}] \`verify\``, 2, '×', () => verify(repo, `[${name}] \`verify\``, 2), false);
  }

  out('\nSummary (ratios: the CLI as a process against its raw reads; lower is better)');
  const w = Math.max(...lines.map((l) => l.what.length));
  out(`  ${'what'.padEnd(w)}  ${'now'.padStart(8)}  ${'goal'.padStart(9)}`);
  for (const l of lines) out(`  ${l.what.padEnd(w)}  ${(l.now === undefined ? '—' : fmt(l.now, l.unit)).padStart(8)}  ${('≤ ' + fmt(l.goal, l.unit)).padStart(9)}  ${mark(l)}`);
  const above = lines.filter((l) => l.now !== undefined && l.now > l.goal).length;
  out(`${above} of ${lines.length} lines above goal${os.loadavg()[0] > os.cpus().length ? ` (note: load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs, figures are noisy)` : ''}. The bench reports; its exit code does not depend on the ratios.`);
  if (failed.length) {
    out(`\n${failed.length} line(s) could not be measured because a command failed on the fixture: ${failed.join('; ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof FixtureBroken) console.error(`\nFIXTURE BROKEN: ${err.message}`);
    else console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
