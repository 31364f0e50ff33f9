import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { CODEOWNERS_LOCATIONS, parseCodeowners, type Codeowners } from '../core/codeowners';
import { CONFIG_FILE, defaultConfig, parseConfig, type Config } from '../core/config';
import { PromptReleaseError } from '../core/errors';
import { parseIdent, type Identity } from '../core/identity';
import { analyze, type RepoModel, type RepoSnapshot } from '../core/model';
import { promptMatcher, promptPathspecs, RECORDS_DIR } from '../core/prompts';
import { isRecordPath, newRecordPath, serializeRecord, type PromptRecord } from '../core/records';
import { TAG_REF_PREFIX } from '../core/releases';
import { LOG_FORMAT, parseCatFileBatch, type BatchObject, parseLog, parseLsTree, parseStatus, parseTags, TAG_FORMAT } from './parse';
import { GitRunner, type GitCommandListener } from './runner';

export interface HeadInfo {
  commit: string;
  /** Absent when HEAD is detached. */
  branch?: string;
}

/** One git repository seen through prompt-release: every git call the tools make goes through here. */
export class PromptRepository {
  /** Replaces the configured prompt globs (the editor's override setting). */
  promptGlobs?: string[];

  private constructor(
    readonly root: string,
    readonly gitDir: string,
    readonly git: GitRunner,
  ) {}

  static async open(cwd: string, listener?: GitCommandListener): Promise<PromptRepository> {
    if (!existsSync(cwd)) {
      throw new PromptReleaseError('not-found', `folder ${cwd} does not exist`);
    }
    const probe = new GitRunner(cwd);
    if (listener) probe.onDidRunCommand(listener);
    const [top, gitDir] = (await probe.run(['rev-parse', '--show-toplevel', '--absolute-git-dir'])).trim().split('\n');
    if (!top) {
      throw new PromptReleaseError('not-a-repository', `${cwd} is not inside a git working tree`, {
        hint: 'prompt-release needs a working tree, not a bare repository.',
      });
    }
    const git = new GitRunner(top);
    if (listener) git.onDidRunCommand(listener);
    return new PromptRepository(realpathSync(top), gitDir, git);
  }

  /** Repository-relative path (with "/") of a path given on the command line or by the editor. */
  relativePath(userPath: string, cwd = process.cwd()): string {
    const absolute = path.resolve(cwd, userPath);
    // Resolve symlinks of the deepest folder that exists; the rest of the path may be gone.
    let existing = absolute;
    while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
    const real = path.join(realpathSync(existing), path.relative(existing, absolute));
    const rel = path.relative(this.root, real);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new PromptReleaseError('outside-repository', `${userPath} is outside the repository at ${this.root}`);
    }
    return rel.split(path.sep).join('/');
  }

  async head(): Promise<HeadInfo> {
    const [commit, symbolic] = (await this.git.run(['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD'])).trim().split('\n');
    return { commit, branch: symbolic?.startsWith('refs/heads/') ? symbolic : undefined };
  }

  /** The identity that signs off and releases: `git var GIT_AUTHOR_IDENT`, so env and config both work. */
  async identity(): Promise<Identity> {
    try {
      const { name, email } = parseIdent(await this.git.run(['var', 'GIT_AUTHOR_IDENT']));
      return { name, email };
    } catch (err) {
      throw new PromptReleaseError('unknown-identity', 'git does not know who you are, so it cannot record your name', {
        hint: 'Set it with: git config user.name "Your Name" && git config user.email you@example.com',
      });
    }
  }

  /** Reads blobs (or `rev:path` names) in one `git cat-file --batch`; missing ones come back undefined. */
  async readObjects(names: string[]): Promise<(Buffer | undefined)[]> {
    return (await this.readObjectsWithIds(names)).map((o) => o?.bytes);
  }

  async readObjectsWithIds(names: string[]): Promise<(BatchObject | undefined)[]> {
    if (names.length === 0) return [];
    if (names.some((n) => n.includes('\n'))) throw new PromptReleaseError('invalid-usage', 'a path with a line break cannot be read');
    const output = await this.git.runBuffer(['cat-file', '--batch'], { input: names.join('\n') + '\n' });
    return parseCatFileBatch(output, names.length);
  }

  /** Blob contents by id: a blob never changes, so a later refresh reads only new ones. */
  private blobCache = new Map<string, Buffer>();

  private async readBlobsCached(blobs: string[]): Promise<(Buffer | undefined)[]> {
    const missing = [...new Set(blobs.filter((b) => !this.blobCache.has(b)))];
    const read = await this.readObjects(missing);
    const cache = new Map<string, Buffer>();
    missing.forEach((b, i) => read[i] && cache.set(b, read[i]!));
    // Keep only what this tree still uses, so the cache never outgrows the repository.
    for (const b of blobs) if (!cache.has(b) && this.blobCache.has(b)) cache.set(b, this.blobCache.get(b)!);
    this.blobCache = cache;
    return blobs.map((b) => cache.get(b));
  }

  /**
   * Reads everything a status needs with a fixed number of git processes, whatever the
   * number of prompts. At another commit than HEAD (a rollback) the working copy plays no part.
   */
  async snapshot(commit?: string): Promise<RepoSnapshot> {
    const rev = commit ?? 'HEAD';
    // Settings are read with the listing, so the big read can start as soon as both are in.
    const settingsFiles = [CONFIG_FILE, ...CODEOWNERS_LOCATIONS];
    const [head, treeOutput, tagOutput, statusOutput, settings] = await Promise.all([
      commit ? Promise.resolve({ commit }) : this.head(),
      this.git.run(['ls-tree', '-r', '-z', '--full-tree', '--end-of-options', rev]),
      this.git.run(['for-each-ref', TAG_FORMAT, TAG_REF_PREFIX]),
      commit ? Promise.resolve('') : this.git.run(['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all']),
      this.readObjects(settingsFiles.map((f) => `${rev}:${f}`)),
    ]);
    const tree = parseLsTree(treeOutput).filter((e) => e.type === 'blob');
    const byPath = new Set(tree.map((e) => e.path));
    const { config, codeowners } = this.parseSettings(settings);

    const isPrompt = promptMatcher(config);
    const promptEntries = tree.filter((e) => isPrompt(e.path));
    const recordEntries = tree.filter((e) => isRecordPath(e.path));
    const pathspecs = promptPathspecs(config);
    const [contents, logOutput] = await Promise.all([
      this.readBlobsCached([...promptEntries, ...recordEntries].map((e) => e.blob)),
      this.git.run([
        'log', '-z', '--raw', '--no-renames', '--no-abbrev', '--no-ext-diff', '--no-textconv', LOG_FORMAT,
        '--end-of-options', rev, '--', RECORDS_DIR, ...(pathspecs ?? ['.']),
      ]),
    ]);

    const working = parseStatus(statusOutput);
    const workingChanges = new Map<string, 'modified' | 'deleted'>();
    const untrackedPrompts: string[] = [];
    for (const [file, code] of working) {
      if (code === 'untracked') {
        if (isPrompt(file) && !byPath.has(file)) untrackedPrompts.push(file);
      } else {
        workingChanges.set(file, code);
      }
    }
    return {
      head,
      config,
      codeowners,
      prompts: promptEntries.map((e, i) => ({ path: e.path, blob: e.blob, bytes: contents[i] ?? Buffer.alloc(0) })),
      untrackedPrompts,
      workingChanges,
      records: recordEntries.map((e, i) => ({ path: e.path, blob: e.blob, text: (contents[promptEntries.length + i] ?? Buffer.alloc(0)).toString('utf8') })),
      log: parseLog(logOutput),
      tags: parseTags(tagOutput),
    };
  }

  async model(commit?: string): Promise<RepoModel> {
    return analyze(await this.snapshot(commit));
  }

  /** The committed configuration and CODEOWNERS: the gate never reads uncommitted policy. */
  private parseSettings([configBytes, ...owners]: (Buffer | undefined)[]): { config: Config; codeowners?: Codeowners } {
    const config = configBytes ? parseConfig(configBytes.toString('utf8'), CONFIG_FILE) : defaultConfig();
    if (this.promptGlobs?.length) config.prompts = this.promptGlobs;
    const index = owners.findIndex((b) => b !== undefined);
    const codeowners = index >= 0 ? parseCodeowners(owners[index]!.toString('utf8'), CODEOWNERS_LOCATIONS[index]) : undefined;
    return { config, codeowners };
  }

  /** Is the working copy of this file byte-for-byte what git would commit? */
  async workingCopyState(file: string): Promise<'clean' | 'modified' | 'deleted' | 'untracked'> {
    const out = await this.git.run(['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all', '--', `:(literal)${file}`]);
    return parseStatus(out).get(file) ?? 'clean';
  }

  /**
   * Commits one record file on the current branch, authored by `by`, without touching the
   * user's staged or unstaged work: the commit is built from a private index, then only the
   * new file is added to the working tree and the user's index.
   */
  async commitRecord(record: PromptRecord, by: Identity, message: string): Promise<{ commit: string; path: string }> {
    const head = await this.head();
    if (!head.branch) {
      throw new PromptReleaseError('detached-head', 'HEAD is detached, so there is no branch to record this on', {
        hint: 'Check out a branch (git switch main) and try again; read-only commands work on a detached HEAD.',
      });
    }
    const recordPath = newRecordPath(record);
    const text = serializeRecord(record);
    const blob = (await this.git.run(['hash-object', '-w', '--stdin'], { input: text })).trim();
    const identityEnv = {
      GIT_AUTHOR_NAME: by.name,
      GIT_AUTHOR_EMAIL: by.email,
      GIT_COMMITTER_NAME: by.name,
      GIT_COMMITTER_EMAIL: by.email,
    };
    const scratch = mkdtempSync(path.join(tmpdir(), 'prompt-release-index-'));
    try {
      let parent = head.commit;
      for (let attempt = 0; ; attempt++) {
        const env = { ...identityEnv, GIT_INDEX_FILE: path.join(scratch, `index-${attempt}`) };
        await this.git.run(['read-tree', parent], { env });
        await this.git.run(['update-index', '--add', '--cacheinfo', `100644,${blob},${recordPath}`], { env });
        const tree = (await this.git.run(['write-tree'], { env })).trim();
        const commit = (await this.git.run(['commit-tree', tree, '-p', parent, '-F', '-'], { env, input: message })).trim();
        try {
          await this.git.run(['update-ref', '-m', message.split('\n')[0], head.branch, commit, parent]);
          this.placeInWorkingTree(recordPath, text);
          await this.git.run(['update-index', '--add', '--cacheinfo', `100644,${blob},${recordPath}`]);
          return { commit, path: recordPath };
        } catch (err) {
          // Someone else moved the branch meanwhile: rebuild on top of their commit.
          const now = await this.head();
          if (attempt >= 3 || now.commit === parent || now.branch !== head.branch) throw err;
          parent = now.commit;
        }
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  private placeInWorkingTree(recordPath: string, text: string): void {
    const target = path.join(this.root, recordPath);
    mkdirSync(path.dirname(target), { recursive: true });
    // The name is new and random; never overwrite something that is already there.
    writeFileSync(target, text, { flag: 'wx' });
  }

  /**
   * Creates an annotated tag; fails if it exists, so of two concurrent releases of the same
   * version exactly one wins. The tagger is the releasing identity.
   */
  async createTag(name: string, commit: string, message: string, by: Identity): Promise<void> {
    try {
      await this.git.run(['tag', '-a', '--cleanup=verbatim', '-F', '-', '--end-of-options', name, commit], {
        input: message,
        env: { GIT_COMMITTER_NAME: by.name, GIT_COMMITTER_EMAIL: by.email },
      });
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      if (/already exists|cannot lock ref|reference already exists/i.test(text)) {
        throw new PromptReleaseError('release-conflict', `release tag ${name} already exists: another release of this version happened at the same time`, {
          hint: 'Run prompt-release status to see what is released now.',
        });
      }
      throw err;
    }
  }

  /** The remote a push goes to: the current branch's upstream remote, else the only or "origin" remote. */
  async pushRemote(): Promise<string> {
    const head = await this.head();
    const remotes = (await this.git.run(['remote'])).split('\n').filter(Boolean);
    const branch = head.branch?.replace('refs/heads/', '');
    if (branch) {
      const upstream = await this.git.run(['config', '--get', `branch.${branch}.remote`]).catch(() => '');
      if (upstream.trim() && remotes.includes(upstream.trim())) return upstream.trim();
    }
    if (remotes.length === 1) return remotes[0];
    if (remotes.includes('origin')) return 'origin';
    throw new PromptReleaseError('not-found', 'this repository has no remote to push the release tag to', {
      hint: 'Add one with "git remote add origin <url>", then push the tag.',
    });
  }

  /**
   * Pushes one release tag atomically. A rejected push is reported as it is and never
   * retried with force: the remote keeps whatever release it already has.
   */
  async pushTag(tag: string): Promise<string> {
    const remote = await this.pushRemote();
    try {
      await this.git.run(['push', '--atomic', '--porcelain', '--end-of-options', remote, `refs/tags/${tag}:refs/tags/${tag}`]);
      return remote;
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      const rejected = /rejected|already exists|non-fast-forward/i.test(text);
      throw new PromptReleaseError('release-conflict', rejected ? `${remote} rejected the release tag ${tag}: a tag with that name already exists there` : `pushing ${tag} to ${remote} failed: ${text.split('\n')[0]}`, {
        hint: rejected ? 'Someone released this version at the same time. Fetch tags (git fetch --tags) and check the status; nothing was forced.' : 'Check your connection and credentials, then push again.',
      });
    }
  }
}
