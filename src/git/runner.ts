import { AsyncLocalStorage } from 'async_hooks';
import { StringDecoder } from 'string_decoder';
import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';
import { PromptReleaseError } from '../core/common/errors';

/**
 * Settings on every call so that no git command runs a program: hooks (reference-transaction
 * fires even for update-ref), the fsmonitor daemon, pagers, external diff tools, signing,
 * the ext:: transport, submodule recursion, automatic maintenance.
 */
const HARDENED_CONFIG = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.quotePath=false',
  'core.pager=cat',
  'core.alternateRefsCommand=',
  'diff.external=',
  'color.ui=false',
  'log.showSignature=false',
  'commit.gpgSign=false',
  'tag.gpgSign=false',
  'tag.forceSignAnnotated=false',
  'protocol.ext.allow=never',
  'submodule.recurse=false',
  'push.recurseSubmodules=no',
  'gc.auto=0',
  'maintenance.auto=false',
];

export interface ConfigEntry {
  scope: string;
  key: string;
  value: string;
}

/** `git config -z --list --show-scope`: scope NUL key LF value NUL. */
export function parseConfigList(output: string): ConfigEntry[] {
  const fields = output.split('\0');
  const entries: ConfigEntry[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const scope = fields[i];
    const [key, ...rest] = fields[i + 1].split('\n');
    entries.push({ scope, key: key.toLowerCase(), value: rest.join('\n') });
  }
  return entries;
}

const REPOSITORY_SCOPES = new Set(['local', 'worktree']);

/**
 * `-c` overrides that neutralise every program the repository's configuration names. Filter
 * drivers and textconv are disabled in every scope, because a committed .gitattributes
 * chooses them; transport programs (ssh command, credential helpers, askpass) set in the
 * repository fall back to the user's own. (A remote's receivepack is multi-valued, so a push
 * names git's own with --receive-pack instead; nothing here fetches, so uploadpack never runs.)
 * `refused` lists what cannot be neutralised, so a network command refuses instead.
 */
export function programOverrides(entries: ConfigEntry[]): { overrides: string[]; refused: string[] } {
  const overrides: string[] = [];
  const refused: string[] = [];
  const userValue = (key: string) => entries.filter((e) => e.key === key && !REPOSITORY_SCOPES.has(e.scope)).map((e) => e.value);
  const seen = new Set<string>();
  const once = (setting: string) => {
    if (!seen.has(setting)) overrides.push(setting), seen.add(setting);
  };
  for (const e of entries) {
    const parts = e.key.split('.');
    const section = parts[0];
    const last = parts[parts.length - 1];
    const name = parts.slice(1, -1).join('.');
    if (section === 'filter' && name) {
      for (const k of ['clean', 'smudge', 'process']) once(`filter.${name}.${k}=`);
      once(`filter.${name}.required=false`);
    } else if (section === 'diff' && name && (last === 'textconv' || last === 'command')) {
      once(`diff.${name}.${last}=`);
    } else if (REPOSITORY_SCOPES.has(e.scope)) {
      if (e.key === 'core.sshcommand') once(`core.sshCommand=${userValue('core.sshcommand').pop() ?? 'ssh'}`);
      else if (e.key === 'core.askpass') once(`core.askPass=${userValue('core.askpass').pop() ?? ''}`);
      else if (section === 'credential' && last === 'helper') {
        const key = name ? `credential.${name}.helper` : 'credential.helper';
        once(`${key}=`);
        for (const helper of userValue(e.key)) overrides.push(`${key}=${helper}`);
      } else if (e.key === 'core.gitproxy' || (section === 'remote' && last === 'vcs')) {
        // A proxy command or a remote helper is a program we cannot swap for a safe one.
        refused.push(e.key);
      }
    }
  }
  return { overrides, refused };
}

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
    // Replacement refs and grafts would let a local ref rewrite what history says.
    GIT_NO_REPLACE_OBJECTS: '1',
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
  /** Given git's output as it arrives (decoded as UTF-8), before the call resolves. */
  onText?: (text: string) => void;
}

/** What every git call made inside `withGitScope` inherits: the signal that cancels them, and their priority. */
interface GitScope {
  signal?: AbortSignal;
  /** A refresh no one waits for: its calls wait while any call someone waits for is waiting. */
  background?: boolean;
}

const gitScope = new AsyncLocalStorage<GitScope>();

/**
 * Runs `work` with every git call it makes (however deep, however many at once) cancelled
 * when `signal` aborts: a call not started yet never starts, a running one is stopped, and
 * `work` fails with the code "cancelled". Other work on the same repository is unaffected.
 */
export function withGitScope<T>(scope: GitScope, work: () => Promise<T>): Promise<T> {
  return gitScope.run(scope, work);
}

function cancelled(args: string[]): PromptReleaseError {
  return new PromptReleaseError('cancelled', `git ${args[0]} was cancelled: a newer read replaces it`);
}

/** At most this many git processes at once per repository, whatever mix of reads and writes. */
const MAX_CONCURRENT = 8;

/**
 * Runs git in one repository with hardened configuration; every call is reported to listeners.
 * Plain calls share one simple-git instance; a call with its own standard input or identity
 * gets a short-lived instance, because simple-git binds both to an instance. One limiter
 * bounds them all.
 */
export class GitRunner {
  private readonly listeners = new Set<GitCommandListener>();
  private config: string[] = HARDENED_CONFIG;
  /** Repository settings naming programs that cannot be neutralised: network commands refuse. */
  refusedSettings: string[] = [];
  /** The configuration as the user's own git sees it (ours overrides none of it here), as data. */
  configEntries: ConfigEntry[] = [];
  private shared?: SimpleGit;
  private running = 0;
  /** Calls waiting for a free process slot: what a user waits for, then background refreshes. */
  private readonly waiting: { user: (() => void)[]; background: (() => void)[] } = { user: [], background: [] };

  constructor(readonly cwd: string) {}

  /** `git config --list` as data; nothing in it runs. */
  configListing(): Promise<string> {
    return this.run(['config', '-z', '--list', '--show-scope']).catch(() => '');
  }

  /** Neutralises every program the configuration names, from its listing. */
  hardenWith(listing: string): void {
    this.configEntries = parseConfigList(listing).filter((e) => e.scope !== 'command');
    const { overrides, refused } = programOverrides(this.configEntries);
    this.config = [...HARDENED_CONFIG, ...overrides];
    this.refusedSettings = refused;
    this.shared = undefined;
  }

  onDidRunCommand(listener: GitCommandListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async run(args: string[], options: RunOptions = {}): Promise<string> {
    return this.exec(args, options, (git) => git.raw(args));
  }

  /**
   * Like run, for long output the caller reads while git is still writing it (a whole-history
   * log): each piece goes to `onText` as it comes; the promise resolves with all of it.
   */
  runStreaming(args: string[], onText: (text: string) => void): Promise<string> {
    return this.exec(args, { onText }, (git) => git.raw(args));
  }

  /** For output that must stay bytes (blob contents). */
  async runBuffer(args: string[], options: RunOptions = {}): Promise<Buffer> {
    const [command, ...rest] = args;
    if (command !== 'cat-file') throw new Error('runBuffer supports cat-file only');
    return this.exec(args, options, (git) => git.binaryCatFile(rest));
  }

  private async exec<T>(args: string[], options: RunOptions, call: (git: SimpleGit) => Promise<T>): Promise<T> {
    const scope = gitScope.getStore();
    const signal = scope?.signal;
    if (signal?.aborted) throw cancelled(args);
    await this.acquire(signal, scope?.background === true);
    const started = Date.now();
    try {
      if (signal?.aborted) throw cancelled(args);
      // A cancellable call gets its own instance: simple-git binds the signal that stops the process to one.
      const own = options.input !== undefined || options.env !== undefined || options.onText !== undefined || signal !== undefined;
      const git = own ? this.client(options, signal) : (this.shared ??= this.client({}));
      const result = await call(git);
      this.emit({ args, durationMs: Date.now() - started });
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.emit({ args, durationMs: Date.now() - started, error: message });
      if (signal?.aborted) throw cancelled(args);
      throw err instanceof PromptReleaseError ? err : translateGitError(message, args);
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal | undefined, background: boolean): Promise<void> {
    const line = background ? this.waiting.background : this.waiting.user;
    if (this.running < MAX_CONCURRENT) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const start = () => {
        signal?.removeEventListener('abort', drop);
        resolve();
      };
      // Cancelled while waiting: it leaves the line and never starts.
      const drop = () => {
        const at = line.indexOf(start);
        if (at >= 0) line.splice(at, 1);
        reject(cancelled(['call']));
      };
      signal?.addEventListener('abort', drop, { once: true });
      line.push(start);
    });
  }

  private release(): void {
    const next = this.waiting.user.shift() ?? this.waiting.background.shift();
    if (next) next();
    else this.running--;
  }

  private client(options: RunOptions, signal?: AbortSignal): SimpleGit {
    const settings: Partial<SimpleGitOptions> = {
      ...(signal ? { abort: signal } : {}),
      baseDir: this.cwd,
      binary: 'git',
      maxConcurrentProcesses: MAX_CONCURRENT,
      trimmed: false,
      // Done when git's output has been read to its end ('close'), never 50 ms after the process
      // exits: on a busy event loop that cut long output (a log of 2,000 records) short.
      completion: { onClose: true, onExit: false },
      config: this.config,
      // simple-git refuses `-c core.hooksPath=…` and the like; we set them only to switch those programs off.
      unsafe: {
        allowUnsafeHooksPath: true,
        allowUnsafeProtocolOverride: true,
        allowUnsafeFilter: true,
        allowUnsafeDiffTextConv: true,
        allowUnsafePack: true,
        allowUnsafeCredentialHelper: true,
        allowUnsafeSubmodule: true,
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
    // simple-git waits 50 ms more for a process that wrote nothing (a clean status, an empty
    // log), in case output is still on its way. Once stdout has ended nothing more can come,
    // so an empty chunk then tells it so: every empty answer was costing 50 ms.
    const onText = options.onText;
    git.outputHandler((_command, stdout) => {
      if (onText) {
        // A character split across two pieces is held back until its last byte comes.
        const decoder = new StringDecoder('utf8');
        stdout.on('data', (piece: Buffer) => {
          const text = decoder.write(piece);
          if (text) onText(text);
        });
        stdout.once('end', () => {
          const rest = decoder.end();
          if (rest) onText(rest);
        });
      }
      stdout.once('end', () => stdout.emit('data', Buffer.alloc(0)));
    });
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
  if (/does not have any commits yet|unknown revision or path not in the working tree.*HEAD|ambiguous argument 'HEAD'|bad revision 'HEAD'|Not a valid object name HEAD|Needed a single revision/i.test(text)) {
    return new PromptReleaseError('no-commits', 'the repository has no commits yet', {
      hint: 'Commit your prompts first: git add . && git commit -m "Add prompts".',
    });
  }
  if (/index\.lock/.test(text)) {
    return new PromptReleaseError('git-failed', 'another git process is using this repository (its index is locked)', {
      hint: 'Wait for it to finish, or remove .git/index.lock if no git process is running.',
    });
  }
  if (/unable to read [0-9a-f]{40}|missing (blob|tree|commit)|bad object/i.test(text)) {
    return new PromptReleaseError('git-failed', `git ${args[0]} failed: ${gitComplaint(text)}`, {
      hint: 'The repository is missing objects (an interrupted clone or fetch, or a damaged copy). Run "git fsck", then fetch again or clone afresh.',
    });
  }
  return new PromptReleaseError('git-failed', `git ${args[0]} failed: ${gitComplaint(text)}`);
}

/**
 * git's own complaint out of an error text that may also hold the command's output (NUL
 * separated, possibly megabytes): its fatal or error lines, else the start of the text.
 */
function gitComplaint(text: string): string {
  const lines = text.split(/[\n\0]/).map((l) => l.trim()).filter(Boolean);
  const complaints = lines.filter((l) => /^(fatal|error):/i.test(l));
  const chosen = (complaints.length ? complaints : lines).slice(0, 3).join(' ');
  return chosen.length > 300 ? `${chosen.slice(0, 300)}…` : chosen;
}
