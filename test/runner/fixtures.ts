/* Temporary git repositories used as workspaces by the integration runs. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';

export interface GitIdentity {
  name: string;
  email: string;
}

export const DEFAULT_IDENTITY: GitIdentity = { name: 'Test User', email: 'test.user@example.com' };

export interface FixtureRepoOptions {
  /** Files (relative path -> content) of the first commit. */
  files?: Record<string, string>;
  /** user.name / user.email configured in the repo (default DEFAULT_IDENTITY). */
  identity?: GitIdentity;
  /** Commit message of the first commit. */
  message?: string;
  /** Prefix of the temp folder name. */
  prefix?: string;
}

export const DEFAULT_FILES: Record<string, string> = {
  'prompts/hello.prompt.md': '---\ndescription: Say hello\n---\nSay hello to the user in one short sentence.\n',
};

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Creates a temp git repo on branch main with one commit holding `files`.
 * Returns its absolute, real path (symlinks resolved, so it matches what
 * VS Code reports as the workspace folder).
 */
export function createFixtureRepo(opts: FixtureRepoOptions = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix ?? 'prc-ws-')));
  const id = opts.identity ?? DEFAULT_IDENTITY;
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['config', 'user.name', id.name]);
  git(dir, ['config', 'user.email', id.email]);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  git(dir, ['config', 'tag.gpgsign', 'false']);
  for (const [rel, content] of Object.entries(opts.files ?? DEFAULT_FILES)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', opts.message ?? 'Initial prompts'], {
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  });
  return dir;
}
