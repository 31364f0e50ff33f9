/*
 * Realistic-history benchmark (part of `npm run bench`).
 *
 * Builds (once, cached under .cache/bench-history-v1/) a repository shaped like a real
 * prompt collection: 300 prompts, 2,200 commits by 12 people, renames, side branches merged
 * back, co-authored commits, and review records. Then it times what users wait for, with
 * process start included, against the raw git reads each needs:
 *   cold status         vs the reads status needs (tree, prompt blobs, history)   goal ≤ 1.5×
 *   repeat status       vs the cold status                                          goal ≤ 0.5×
 *   history of a prompt vs git log --follow for it                                  goal ≤ 2×
 * It reports and never fails on a ratio: the numbers depend on the machine.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { contentHash } from '../../src/core/hash';
import { newRecordPath, serializeRecord, type ReviewRecord } from '../../src/core/records';

const VERSION = 'bench-history-v1:prompts=300:commits=2200:gen=1';
const ROOT = path.resolve(__dirname, '..', '..', '..');
const CACHE = path.join(ROOT, '.cache', 'bench-history-v1');
const REPO = path.join(CACHE, 'repo');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PEOPLE = Array.from({ length: 12 }, (_, i) => ({ name: `Person ${i}`, email: `person${i}@example.com` }));

function git(args: string[], input?: string | Buffer): string {
  const r = spawnSync('git', args, { cwd: REPO, input, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A deterministic pseudo-random sequence, so every build is the same repository. */
function random(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function build(): void {
  fs.rmSync(CACHE, { recursive: true, force: true });
  fs.mkdirSync(REPO, { recursive: true });
  git(['init', '-q', '-b', 'main']);
  const rand = random(7);
  const paths = Array.from({ length: 300 }, (_, i) => `prompts/team-${i % 10}/prompt-${i}.prompt.md`);
  const texts = new Map(paths.map((p, i) => [p, `You are assistant ${i}.\nAnswer briefly.\n`]));
  const out: string[] = ['feature done'];
  let mark = 0;
  let time = 1_700_000_000;
  let mainTip = 0;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commit = (branch: string, who: { name: string; email: string }, message: string, body: string[], parents: number[], coAuthor?: { name: string; email: string }) => {
    mark++;
    time += 60;
    const msg = coAuthor ? `${message}\n\nCo-authored-by: ${coAuthor.name} <${coAuthor.email}>\n` : message;
    out.push(`commit refs/heads/${branch}`, `mark :${mark}`, `author ${who.name} <${who.email}> ${time} +0000`, `committer ${who.name} <${who.email}> ${time} +0000`, data(msg).trimEnd());
    if (parents[0]) out.push(`from :${parents[0]}`);
    for (const p of parents.slice(1)) out.push(`merge :${p}`);
    out.push(...body, '');
    return mark;
  };
  const modify = (p: string, text: string) => [`M 100644 inline ${p}`, data(text).trimEnd()];
  mainTip = commit('main', PEOPLE[0], 'Initial prompts', [
    ...modify('.github/CODEOWNERS', 'prompts/** @team\n'),
    ...modify('.promptrelease.yaml', 'environments:\n  staging: { approvals: 1 }\n  production: { approvals: 2 }\n'),
    ...paths.flatMap((p) => modify(p, texts.get(p)!)),
  ], []);
  let commits = 1;
  let sideTip = 0;
  while (commits < 2200) {
    const who = PEOPLE[Math.floor(rand() * PEOPLE.length)];
    const roll = rand();
    if (roll < 0.04) {
      // Rename a prompt.
      const i = Math.floor(rand() * paths.length);
      const to = paths[i].replace(/prompt-(\d+)/, `renamed-$1-${commits}`);
      mainTip = commit('main', who, `Rename ${paths[i]}`, [`R ${paths[i]} ${to}`], [mainTip]);
      texts.set(to, texts.get(paths[i])!);
      texts.delete(paths[i]);
      paths[i] = to;
    } else if (roll < 0.10) {
      // A side branch edits a prompt, and is merged back.
      const p = paths[Math.floor(rand() * paths.length)];
      texts.set(p, texts.get(p)! + `Side note ${commits}.\n`);
      sideTip = commit(`side-${commits}`, who, `Side edit ${p}`, modify(p, texts.get(p)!), [mainTip]);
      commits++;
      mainTip = commit('main', PEOPLE[1], `Merge side-${commits}`, [], [mainTip, sideTip]);
    } else if (roll < 0.30) {
      // A review record on the current content of a prompt.
      const p = paths[Math.floor(rand() * paths.length)];
      const text = texts.get(p)!;
      const record: ReviewRecord = { format: 1, type: 'review', prompt: p, contentHash: contentHash(Buffer.from(text)), blob: 'unknown', verdict: 'approve', by: who, time: new Date(time * 1000).toISOString() };
      mainTip = commit('main', who, `prompt-release: approve ${p}`, modify(newRecordPath(record, new Date(time * 1000)), serializeRecord(record)), [mainTip]);
    } else {
      const p = paths[Math.floor(rand() * paths.length)];
      texts.set(p, texts.get(p)! + `Rule ${commits}: be precise.\n`);
      const pair = rand() < 0.2 ? PEOPLE[(PEOPLE.indexOf(who) + 1) % PEOPLE.length] : undefined;
      mainTip = commit('main', who, `Tune ${p}`, modify(p, texts.get(p)!), [mainTip], pair);
    }
    commits++;
  }
  out.push('done', '');
  git(['fast-import', '--quiet', '--done', '--date-format=raw'], out.join('\n'));
  git(['reset', '-q', '--hard', 'main']);
  fs.writeFileSync(path.join(CACHE, 'version'), VERSION);
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
  const blobs = git(['ls-tree', '-r', 'HEAD']).split('\n').filter((l) => l.includes('.prompt.md')).map((l) => l.split(/\s+/)[2]);
  const renamed = git(['log', '-1', '--format=', '-M', '--diff-filter=R', '--name-only', 'HEAD']).trim().split('\n')[0];
  console.log(`Realistic history: ${commits} commits (${merges} merges, ${renames} renames), ${blobs.length} prompts; history of ${renamed}`);

  const raw = (): number => {
    // The reads status needs, as a shell would run them: the tree, the prompt blobs, the history.
    const started = performance.now();
    timed('git', ['ls-tree', '-r', '-z', 'HEAD']);
    timed('git', ['cat-file', '--batch'], blobs.join('\n') + '\n');
    timed('git', ['log', '-z', '--raw', '-c', '--no-renames', 'HEAD']);
    return performance.now() - started;
  };
  const status = () => timed(process.execPath, [CLI, 'status', '--summary']);
  const history = () => timed(process.execPath, [CLI, 'history', renamed]);
  const follow = () => timed('git', ['log', '--follow', '--raw', '--', renamed]);
  status();
  const rawTimes: number[] = [], cold: number[] = [], repeat: number[] = [], hist: number[] = [], fol: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    rawTimes.push(raw());
    cold.push(status());
    repeat.push(status());
    hist.push(history());
    fol.push(follow());
  }
  const row = (label: string, value: number, base: number, goal: number) =>
    console.log(`  ${label.padEnd(44)} ${(value / base).toFixed(2)}×  (${Math.round(value)} ms / ${Math.round(base)} ms; goal ≤ ${goal}×)${value / base > goal ? '  <-- above goal' : ''}`);
  console.log(`Results (median of ${RUNS}), process start included:`);
  row('cold status vs the raw reads it needs', median(cold), median(rawTimes), 1.5);
  row('repeat status vs cold status', median(repeat), median(cold), 0.5);
  row('history of one prompt vs git log --follow', median(hist), median(fol), 2);
}

main();
