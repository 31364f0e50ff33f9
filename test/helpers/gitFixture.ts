import { execFileSync, spawn } from 'child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

export interface Person {
  name: string;
  email: string;
}

export const ALICE: Person = { name: 'Alice Owner', email: 'alice@example.com' };
export const BOB: Person = { name: 'Bob Reviewer', email: 'bob@example.com' };
export const CAROL: Person = { name: 'Carol Author', email: 'carol@example.com' };
export const DAVE: Person = { name: 'Dave Releaser', email: 'dave@example.com' };

/** The bundled CLI, as `npm install` gives it to users (package.json bin). */
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

export function identityEnv(who: Person): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: who.name,
    GIT_AUTHOR_EMAIL: who.email,
    GIT_COMMITTER_NAME: who.name,
    GIT_COMMITTER_EMAIL: who.email,
  };
}

/** Environment for child processes: no inherited GIT_* (a test must not depend on the machine's git setup). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', ...extra };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A real git repository in a temporary folder, driven by real git and the real CLI. */
export class TempRepo {
  readonly dir: string;

  private readonly tempRoot: string;

  /** `name` gives the folder a readable name (shown by VS Code and in screenshots). */
  constructor(options: { init?: boolean; author?: Person; name?: string } = {}) {
    this.tempRoot = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-test-')));
    this.dir = options.name ? path.join(this.tempRoot, options.name) : this.tempRoot;
    mkdirSync(this.dir, { recursive: true });
    if (options.init !== false) {
      this.git('init', '-q', '-b', 'main');
      const author = options.author ?? CAROL;
      this.git('config', 'user.name', author.name);
      this.git('config', 'user.email', author.email);
      this.git('config', 'commit.gpgsign', 'false');
      this.git('config', 'tag.gpgsign', 'false');
    }
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: cleanEnv(), encoding: 'utf8' });
  }

  gitAs(who: Person, ...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: cleanEnv(identityEnv(who)), encoding: 'utf8' });
  }

  write(file: string, content: string | Buffer): void {
    const target = path.join(this.dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }

  /** Writes files and commits them as `who`. */
  commit(who: Person, message: string, files: Record<string, string | Buffer> = {}): string {
    for (const [file, content] of Object.entries(files)) this.write(file, content);
    this.gitAs(who, 'add', '-A');
    this.gitAs(who, 'commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  /**
   * Writes files and commits them as `who` at a given time (author and committer date), as
   * a commit made then would be: for ages (review expiry, overdue requests) without waiting.
   */
  commitAt(who: Person, at: Date, message: string, files: Record<string, string | Buffer> = {}): string {
    for (const [file, content] of Object.entries(files)) this.write(file, content);
    const env = cleanEnv({ ...identityEnv(who), GIT_AUTHOR_DATE: at.toISOString(), GIT_COMMITTER_DATE: at.toISOString() });
    execFileSync('git', ['add', '-A'], { cwd: this.dir, env });
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], { cwd: this.dir, env });
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** Runs the real CLI as a separate process, as `who` (through GIT_AUTHOR_*). */
  cli(who: Person | undefined, ...args: string[]): Promise<CliResult> {
    return runCli(this.dir, args, who ? identityEnv(who) : {});
  }

  dispose(): void {
    rmSync(this.tempRoot, { recursive: true, force: true });
  }
}

export function runCli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export const STANDARD_CONFIG = `environments:
  staging: { approvals: 1 }
  production: { approvals: 2, ownerApproval: true }
people:
  "@alice": [alice@example.com]
  "@prompt-team": ["@alice", "@bob"]
`;

/** A repository with config, CODEOWNERS and one prompt written and committed by Carol. */
export function standardRepo(): TempRepo {
  const repo = new TempRepo();
  repo.commit(CAROL, 'Add prompts', {
    '.promptrelease.yaml': STANDARD_CONFIG,
    '.github/CODEOWNERS': '# owners\nprompts/** @alice @prompt-team\n',
    'prompts/greeting.prompt.md': 'You are a friendly assistant.\nGreet {{name}} warmly.\n',
  });
  return repo;
}
