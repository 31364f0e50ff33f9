/*
 * Measuring tools for `npm run bench`: wall time of a child process (start-up included),
 * its peak memory, and the git processes it runs. No product code is imported here.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';

export interface ProcessRun {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
  bytes: number;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Keep stdout as text (default: only count its bytes, as a reader that parses as it goes). */
  keep?: boolean;
}

/**
 * Environment for every process the bench starts: no GIT_* of the machine (a hook's GIT_DIR,
 * a trace setting), no global or system git config, and a fixed locale.
 */
export function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_') && !k.startsWith('npm_')) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull, LC_ALL: 'C', ...extra };
}

/** Runs a process to its end, reading its whole output through a pipe; wall time from spawn to close. */
export function runProcess(command: string, args: string[], options: RunOptions): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? benchEnv(), stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (options.keep) out.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ ms: performance.now() - started, code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), bytes });
    });
    if (child.stdin) {
      child.stdin.on('error', reject);
      child.stdin.end(options.input);
    }
  });
}

/** The same, failing unless the process exits 0. */
export async function mustRun(command: string, args: string[], options: RunOptions): Promise<ProcessRun> {
  const r = await runProcess(command, args, options);
  if (r.code !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} exited ${r.code} in ${options.cwd}: ${r.stderr.slice(0, 2000)}`);
  return r;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Peak resident memory (MB) of a process. With GNU time (/usr/bin/time -f %M, the kernel's
 * ru_maxrss of the waited child) when present; otherwise /proc/<pid>/status VmHWM, polled
 * every few milliseconds until the process ends (the last value read; it can miss a peak in
 * the final milliseconds, which the output then says).
 */
export async function peakMemoryMb(command: string, args: string[], options: RunOptions): Promise<{ mb: number; how: string }> {
  if (fs.existsSync('/usr/bin/time')) {
    const file = path.join(os.tmpdir(), `prc-bench-rss-${process.pid}-${Date.now()}.txt`);
    try {
      const r = await runProcess('/usr/bin/time', ['-f', '%M', '-o', file, command, ...args], options);
      if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 500)}`);
      const kb = Number(fs.readFileSync(file, 'utf8').trim().split('\n').pop());
      if (Number.isFinite(kb) && kb > 0) return { mb: kb / 1024, how: 'max RSS from /usr/bin/time -f %M' };
    } finally {
      fs.rmSync(file, { force: true });
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? benchEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.resume();
    child.stderr!.resume();
    let kb = 0;
    const poll = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) kb = Math.max(kb, Number(m[1]));
      } catch {
        /* gone */
      }
    };
    const timer = setInterval(poll, 2);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('exit', () => {
      clearInterval(timer);
      resolve({ mb: kb / 1024, how: 'VmHWM of /proc/<pid>/status polled every 2 ms (may miss the last milliseconds)' });
    });
  });
}

let shimDir: string | undefined;

/**
 * Counts the git processes a command starts: a `git` script first on PATH logs its arguments
 * and execs the real git. (The product's git runner drops GIT_TRACE, so tracing cannot count.)
 * Only used in runs that are not timed.
 */
export async function gitProcesses(command: string, args: string[], options: RunOptions & { cacheDir: string }): Promise<{ count: number; byCommand: string; code: number }> {
  if (!shimDir) {
    const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    if (!real) throw new Error('git is not on PATH');
    shimDir = path.join(options.cacheDir, 'git-shim');
    fs.mkdirSync(shimDir, { recursive: true });
    fs.writeFileSync(path.join(shimDir, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "$PRC_BENCH_GIT_LOG"\nexec '${real.replace(/'/g, `'\\''`)}' "$@"\n`, { mode: 0o755 });
  }
  const log = path.join(os.tmpdir(), `prc-bench-git-${process.pid}-${Date.now()}.log`);
  try {
    const env = { ...(options.env ?? benchEnv()), PATH: `${shimDir}${path.delimiter}${process.env.PATH ?? ''}`, PRC_BENCH_GIT_LOG: log };
    const r = await runProcess(command, args, { ...options, env });
    const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    const counts = new Map<string, number>();
    for (const line of lines) {
      const words = line.split(' ');
      let sub = '?';
      for (let i = 0; i < words.length; i++) {
        if (words[i] === '-c' || words[i] === '-C') i++;
        else if (!words[i].startsWith('-')) {
          sub = words[i];
          break;
        }
      }
      counts.set(sub, (counts.get(sub) ?? 0) + 1);
    }
    const byCommand = [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    return { count: lines.length, byCommand, code: r.code };
  } finally {
    fs.rmSync(log, { force: true });
  }
}

export const fmtMs = (ms: number): string => `${Math.round(ms)} ms`;
