import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';
import { PromptReleaseError } from '../core/errors';

/**
 * Repo-local settings that would make our git calls run programs: the fsmonitor daemon,
 * hooks (reference-transaction fires even for update-ref), pagers, external diff tools.
 */
const HARDENED_CONFIG = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.quotePath=false',
  'core.pager=cat',
  'diff.external=',
  'color.ui=false',
  'log.showSignature=false',
];

/** Ambient GIT_* variables that mean "who I am" or "which config"; others (GIT_DIR, GIT_INDEX_FILE set by a hook) are dropped. */
const INHERITED_GIT_VARIABLES = new Set([
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CEILING_DIRECTORIES',
  'GIT_SSL_CAINFO',
  'GIT_ASKPASS',
  'GIT_SSH_COMMAND',
]);

function gitEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key.startsWith('GIT_') && !INHERITED_GIT_VARIABLES.has(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    // Reads must not take the index lock or rewrite the index behind the user.
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
    ...extra,
  };
}

export interface GitCommandEvent {
  args: string[];
  durationMs: number;
  error?: string;
}

export type GitCommandListener = (event: GitCommandEvent) => void;

export interface RunOptions {
  /** Written to git's standard input. */
  input?: string | Buffer;
  /** Extra environment, e.g. the identity a record commit is authored as. */
  env?: Record<string, string>;
}

/** Runs git in one repository with hardened configuration; every call is reported to listeners. */
export class GitRunner {
  private readonly listeners = new Set<GitCommandListener>();

  constructor(readonly cwd: string) {}

  onDidRunCommand(listener: GitCommandListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async run(args: string[], options: RunOptions = {}): Promise<string> {
    return this.exec(args, options, (git) => git.raw(args));
  }

  /** For output that must stay bytes (blob contents). */
  async runBuffer(args: string[], options: RunOptions = {}): Promise<Buffer> {
    const [command, ...rest] = args;
    if (command !== 'cat-file') throw new Error('runBuffer supports cat-file only');
    return this.exec(args, options, (git) => git.binaryCatFile(rest));
  }

  private async exec<T>(args: string[], options: RunOptions, call: (git: SimpleGit) => Promise<T>): Promise<T> {
    const started = Date.now();
    const git = this.client(options);
    try {
      const result = await call(git);
      this.emit({ args, durationMs: Date.now() - started });
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.emit({ args, durationMs: Date.now() - started, error: message });
      throw translateGitError(message, args);
    }
  }

  private client(options: RunOptions): SimpleGit {
    const settings: Partial<SimpleGitOptions> = {
      baseDir: this.cwd,
      binary: 'git',
      maxConcurrentProcesses: 8,
      trimmed: false,
      config: HARDENED_CONFIG,
      unsafe: {
        allowUnsafeHooksPath: true,
        allowUnsafeFsMonitor: true,
        allowUnsafePager: true,
        allowUnsafeDiffExternal: true,
        // The user's own environment may carry these (VS Code's terminal sets GIT_ASKPASS).
        allowUnsafeAskPass: true,
        allowUnsafeSshCommand: true,
        allowUnsafeEditor: true,
        allowUnsafeConfigPaths: true,
        allowUnsafeGitProxy: true,
      } as any,
    };
    if (options.input !== undefined) {
      const input = options.input;
      (settings as any).input = () => input;
    }
    const env = gitEnvironment(options.env);
    // Every variable we pass was chosen on purpose; simple-git's guard wants them named.
    settings.allowEnvironment = Object.keys(env);
    const git = simpleGit(settings);
    git.env(env);
    return git;
  }

  private emit(event: GitCommandEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** Turns git's own words into a message a person can act on. */
export function translateGitError(message: string, args: string[]): PromptReleaseError {
  const text = message.trim();
  if (/not a git repository/i.test(text)) {
    return new PromptReleaseError('not-a-repository', 'this folder is not inside a git repository', {
      hint: 'Run prompt-release inside a git working tree, or create one with "git init".',
    });
  }
  if (/does not have any commits yet|unknown revision or path not in the working tree.*HEAD|bad revision 'HEAD'|Not a valid object name HEAD|Needed a single revision/i.test(text)) {
    return new PromptReleaseError('no-commits', 'the repository has no commits yet', {
      hint: 'Commit your prompts first: git add . && git commit -m "Add prompts".',
    });
  }
  if (/index\.lock/.test(text)) {
    return new PromptReleaseError('git-failed', 'another git process is using this repository (its index is locked)', {
      hint: 'Wait for it to finish, or remove .git/index.lock if no git process is running.',
    });
  }
  return new PromptReleaseError('git-failed', `git ${args[0]} failed: ${text.split('\n').slice(0, 3).join(' ')}`);
}
