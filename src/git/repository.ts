import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { CODEOWNERS_LOCATIONS, parseCodeowners, type Codeowners } from '../core/codeowners';
import { PromptReleaseError } from '../core/errors';
import { contentHash } from '../core/hash';
import { ZERO_OID, type LogCommit } from '../core/history';
import { parseIdent, type Identity } from '../core/identity';
import { analyze, type RepoModel, type RepoSnapshot, type TrustedRef } from '../core/model';
import { promptMatcher, RECORDS_DIR } from '../core/prompts';
import { newRecordPath, serializeRecord, type PromptRecord } from '../core/records';
import { parseTagMessage, TAG_REF_PREFIX, type RawTag } from '../core/releases';
import { CONFIG_FILE, defaultConfig, parseConfig, type Config } from '../core/config';
import { isPolicyFile, MAILMAP_FILE, POLICY_FILES, trustedPolicy, type TrustedPolicy } from '../core/trustedPolicy';
import { LOG_FLAGS, parseBatchCheck, parseCatFileBatch, type BatchObject, parseLog, parseLsTree, parseStatus, parseTags, TAG_FORMAT, type TreeEntry } from './parse';
import { GitRunner, type GitCommandListener } from './runner';

export interface HeadInfo {
  commit: string;
  /** Absent when HEAD is detached. */
  branch?: string;
}

const HISTORY_PATHS = [RECORDS_DIR, ...POLICY_FILES];

/** One git repository seen through prompt-release: every git call the tools make goes through here. */
export class PromptRepository {
  /** Globs the editor shows as prompts (its setting); never what the gate decides on. */
  displayGlobs?: string[];
  /** The trusted branch named by the user (`--trusted`); otherwise the configuration or the main branch. */
  trustedOverride?: string;

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
    await git.harden();
    return new PromptRepository(realpathSync(top), gitDir, git);
  }

  /** Repository-relative path (with "/") of a path given on the command line or by the editor. */
  relativePath(userPath: string, cwd = process.cwd()): string {
    const absolute = path.resolve(cwd, userPath);
    // Resolve symlinks of the deepest folder that exists, never of the file itself: a
    // symlinked prompt is named by its own path (and refused as a link), not its target's.
    let existing = path.dirname(absolute);
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

  /** Object ids and types of `rev:path` names, without their content. */
  private async objectIds(names: string[]): Promise<({ oid: string; type: string } | undefined)[]> {
    const usable = names.map((n) => !n.includes('\n'));
    const asked = names.filter((_, i) => usable[i]);
    if (asked.length === 0) return names.map(() => undefined);
    const output = await this.git.run(['cat-file', '--batch-check'], { input: asked.join('\n') + '\n' });
    const answers = parseBatchCheck(output, asked.length);
    let k = 0;
    return names.map((_, i) => (usable[i] ? answers[k++] : undefined));
  }

  /** Blob contents by id: a blob never changes, so a later refresh reads only new ones. */
  private blobCache = new Map<string, Buffer>();

  private async readBlobsCached(blobs: string[]): Promise<Map<string, Buffer>> {
    const missing = [...new Set(blobs.filter((b) => !this.blobCache.has(b)))];
    const read = await this.readObjects(missing);
    const cache = new Map<string, Buffer>();
    missing.forEach((b, i) => read[i] && cache.set(b, read[i]!));
    // Keep only what this refresh still uses, so the cache never outgrows the repository.
    for (const b of blobs) if (!cache.has(b) && this.blobCache.has(b)) cache.set(b, this.blobCache.get(b)!);
    this.blobCache = cache;
    return cache;
  }

  private hashCache = new Map<string, string>();

  private hashOf(blob: string, bytes: Buffer | undefined): string | undefined {
    if (!bytes) return undefined;
    let hash = this.hashCache.get(blob);
    if (!hash) this.hashCache.set(blob, (hash = contentHash(bytes)));
    return hash;
  }

  /**
   * The trusted branch: `--trusted`, else the main branch (origin's default branch, main,
   * master). Failing to find one is an error: nothing is decided against an unknown root.
   */
  private async resolveTrusted(named?: string): Promise<TrustedRef> {
    if (named) {
      const commit = await this.git
        .run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${named}^{commit}`])
        .then((out) => out.trim())
        .catch(() => '');
      if (!commit) {
        throw new PromptReleaseError('no-trusted-branch', `the trusted branch "${named}" does not exist in this clone`, {
          hint: `Fetch it (git fetch origin ${named.replace(/^origin\//, '')}) or name another with --trusted.`,
        });
      }
      return { ref: named, commit };
    }
    const out = await this.git.run(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(symref)', 'refs/remotes/origin/HEAD', 'refs/heads/main', 'refs/heads/master']);
    const refs = new Map<string, { commit: string; symref: string }>();
    for (const line of out.split('\n').filter(Boolean)) {
      const [ref, commit, symref] = line.split('\0');
      refs.set(ref, { commit, symref });
    }
    const originHead = refs.get('refs/remotes/origin/HEAD');
    const candidates: string[] = [];
    if (originHead?.symref) candidates.push(originHead.symref.replace('refs/remotes/origin/', 'refs/heads/'), originHead.symref);
    candidates.push('refs/heads/main', 'refs/heads/master');
    for (const ref of candidates) {
      const found = ref === originHead?.symref ? originHead : refs.get(ref);
      if (found?.commit) return { ref: ref.replace(/^refs\/(heads|remotes)\//, ''), commit: found.commit };
    }
    if (originHead?.symref) {
      const commit = await this.git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${originHead.symref}^{commit}`]).then((o) => o.trim()).catch(() => '');
      if (commit) return { ref: originHead.symref.replace(/^refs\/remotes\//, ''), commit };
    }
    throw new PromptReleaseError('no-trusted-branch', 'cannot tell which branch is trusted: this repository has no main or master branch', {
      hint: 'Name the protected branch with --trusted BRANCH, or set trustedBranch in .promptrelease.yaml on the main branch.',
    });
  }

  /**
   * Reads everything a status needs with a fixed number of git processes, whatever the number
   * of prompts: the policy and the evidence come from the trusted branch; the prompts and the
   * working copy from HEAD.
   */
  async snapshot(): Promise<RepoSnapshot> {
    const [headOut, treeOutput, statusOutput, tagOutput] = await Promise.all([
      this.git.run(['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD', '--is-shallow-repository']),
      this.git.run(['ls-tree', '-r', '-z', '--full-tree', '--end-of-options', 'HEAD']),
      this.git.run(['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all', '--ignore-submodules=all']),
      this.git.run(['for-each-ref', TAG_FORMAT, TAG_REF_PREFIX]),
    ]);
    const [headCommit, symbolic, shallowFlag] = headOut.trim().split('\n');
    const head = { commit: headCommit, branch: symbolic?.startsWith('refs/heads/') ? symbolic : undefined };
    const tree = parseLsTree(treeOutput);
    const tags = parseTags(tagOutput);

    let trusted = await this.resolveTrusted(this.trustedOverride);
    // Which files are prompts depends on the policy in force, known only after the records are
    // read; the tip's configuration nearly always says the same, so both reads start together.
    const readBoth = async (root: TrustedRef) => {
      const guess = await this.tipConfig(root);
      const [trustedRead, prompts] = await Promise.all([this.readTrusted(root), this.readPrompts(head, root, tree, tags, guess)]);
      const inForce = trustedRead.policy.config;
      const same = JSON.stringify([inForce.prompts, inForce.exclude]) === JSON.stringify([guess.prompts, guess.exclude]);
      return { ...trustedRead, prompts: same ? prompts : await this.readPrompts(head, root, tree, tags, inForce) };
    };
    let read = await readBoth(trusted);
    const named = read.policy.config.trustedBranch;
    if (!this.trustedOverride && named && named !== trusted.ref) {
      trusted = await this.resolveTrusted(named);
      read = await readBoth(trusted);
    }
    const { policy, mergedTags, prompts } = read;

    const working = parseStatus(statusOutput);
    const byPath = new Set(tree.map((e) => e.path));
    const workingChanges = new Map<string, 'modified' | 'deleted'>();
    const untrackedPrompts: string[] = [];
    for (const [file, code] of working) {
      if (code === 'untracked') {
        if (prompts.isPrompt(file) && !byPath.has(file) && !isPolicyFile(file)) untrackedPrompts.push(file);
      } else {
        workingChanges.set(file, code);
      }
    }
    const { blobs } = prompts;
    return {
      head,
      trusted,
      headOnTrusted: prompts.headOnTrusted,
      shallow: shallowFlag?.trim() === 'true',
      policy,
      prompts: prompts.promptEntries.map((e) => ({ path: e.path, blob: e.blob, mode: e.mode, bytes: blobs.get(e.blob) ?? Buffer.alloc(0) })),
      policyFiles: prompts.policyEntries.map((e) => ({ path: e.path, blob: e.blob, bytes: blobs.get(e.blob) ?? Buffer.alloc(0) })),
      untrackedPrompts,
      workingChanges,
      promptLog: prompts.promptLog,
      tags,
      tagFacts: {
        onTrustedBranch: mergedTags,
        promptAtCommit: prompts.promptAtCommit,
        contentHashOf: (blob) => this.hashOf(blob, blobs.get(blob)),
      },
      displayGlobs: this.displayGlobs,
    };
  }

  /** The configuration at the trusted tip, as a guess of the one in force (an invalid one guesses the defaults). */
  private async tipConfig(root: TrustedRef): Promise<Config> {
    const [bytes] = await this.readObjects([`${root.commit}:${CONFIG_FILE}`]);
    try {
      return bytes ? parseConfig(bytes.toString('utf8')) : defaultConfig();
    } catch {
      return defaultConfig();
    }
  }

  /** Everything about the prompts at HEAD and their history, for the globs of `config` (and the editor's). */
  private async readPrompts(head: HeadInfo, trusted: TrustedRef, tree: TreeEntry[], tags: RawTag[], config: Config) {
    const governed = promptMatcher(config);
    const shown = this.displayGlobs?.length ? promptMatcher({ prompts: this.displayGlobs }) : governed;
    const isPrompt = (p: string) => governed(p) || shown(p);
    const promptEntries = tree.filter((e) => (e.type === 'blob' || e.type === 'commit') && isPrompt(e.path) && !isPolicyFile(e.path));
    const policyEntries = tree.filter((e) => e.type === 'blob' && isPolicyFile(e.path));
    const evidences = tags.map((t) => {
      const parsed = t.objectType === 'tag' ? parseTagMessage(t.message) : undefined;
      return parsed && 'evidence' in parsed ? parsed.evidence : undefined;
    });
    const releasedBlobs = evidences.filter((e) => e !== undefined).map((e) => e!.blob);
    const headOnTrusted = head.commit === trusted.commit || (await this.isAncestor(head.commit, trusted.commit));
    const [trustedLog, headOnlyLog, promptObjects, blobs] = await Promise.all([
      this.promptHistory([trusted.commit], isPrompt),
      headOnTrusted ? Promise.resolve([] as LogCommit[]) : this.promptHistory([`${trusted.commit}..${head.commit}`], isPrompt),
      this.objectIds(tags.map((t, i) => (evidences[i] ? `${t.commit}:${evidences[i]!.prompt}` : '\n'))),
      this.readBlobsCached([...promptEntries.filter((e) => e.type === 'blob').map((e) => e.blob), ...policyEntries.map((e) => e.blob), ...releasedBlobs]),
    ]);
    const promptAtCommit = new Map<string, { oid: string; type: string } | undefined>();
    tags.forEach((t, i) => promptAtCommit.set(t.name, promptObjects[i]));
    return { isPrompt, promptEntries, policyEntries, headOnTrusted, promptLog: [...trustedLog, ...headOnlyLog], promptAtCommit, blobs };
  }

  /** The policy in force, the record ledger and which release tags are on the trusted branch. */
  private async readTrusted(trusted: TrustedRef): Promise<{ policy: TrustedPolicy; mergedTags: Set<string> }> {
    const [log, firstParentLog, mergedOut, [mailmap]] = await Promise.all([
      this.log([trusted.commit], HISTORY_PATHS),
      this.log([trusted.commit], POLICY_FILES, ['--first-parent']),
      this.git.run(['for-each-ref', '--format=%(refname)', `--merged=${trusted.commit}`, TAG_REF_PREFIX]),
      this.readObjects([`${trusted.commit}:${MAILMAP_FILE}`]),
    ]);
    const blobs = [...new Set(log.flatMap((c) => c.changes.filter((ch) => ch.status !== 'D' && ch.blob !== ZERO_OID).map((ch) => ch.blob)))];
    const contents = await this.readObjects(blobs);
    const texts = new Map<string, string>();
    blobs.forEach((b, i) => contents[i] && texts.set(b, contents[i]!.toString('utf8')));
    const policy = trustedPolicy({ log, firstParentLog, texts, mailmap: mailmap?.toString('utf8') });
    const mergedTags = new Set(mergedOut.split('\n').filter(Boolean).map((r) => r.replace(/^refs\/tags\//, '')));
    return { policy, mergedTags };
  }

  /** History over some paths, parents first (`--topo-order --reverse`), every merge included. */
  private async log(revisions: string[], paths: string[], extra: string[] = []): Promise<LogCommit[]> {
    // The first-parent walk is the branch's own sequence of states: each merge counts as one change against its first parent.
    const shape = extra.includes('--first-parent')
      ? [...LOG_FLAGS.filter((f) => f !== '-c'), '--diff-merges=first-parent', ...extra]
      : [...LOG_FLAGS, '--full-history', '--parents', ...extra];
    const output = await this.git.run(['log', ...shape, '--topo-order', '--reverse', '--end-of-options', ...revisions, '--', ...paths]);
    return parseLog(output);
  }

  /** Is `commit` the trusted tip or one of its ancestors? Decided by output, never by an exit status a wrapper may swallow. */
  /**
   * The history of the prompt files, parents first. Glob pathspecs make git test every path
   * of every commit against every glob (seconds on a few thousand commits), so git reads the
   * whole history once (merges as combined diffs), a second log in parallel finds renames
   * among ordinary commits, and our own matcher keeps the prompt files.
   */
  private async promptHistory(revisions: string[], isPrompt: (path: string) => boolean): Promise<LogCommit[]> {
    const [all, renamesOut] = await Promise.all([
      this.git.run(['log', ...LOG_FLAGS.filter((f) => f !== '-M'), '--no-renames', '--topo-order', '--reverse', '--end-of-options', ...revisions, '--']),
      this.git.run(['log', '-z', '--raw', '-M', '--diff-filter=R', '--no-merges', '--no-abbrev', '--no-ext-diff', '--no-textconv', '--format=%x01%H%x00%P%x00%at%x00%ae%x00%an%x00%x00', '--end-of-options', ...revisions, '--']),
    ]);
    const renames = new Map(parseLog(renamesOut).map((c) => [c.commit, c.changes]));
    const log = parseLog(all);
    for (const commit of log) {
      const renamed = renames.get(commit.commit);
      if (renamed) {
        // A rename shows as a deletion and an addition without -M: put the rename in their place.
        const gone = new Set(renamed.flatMap((r) => [r.path, ...r.sources.map((x) => x.path)]));
        commit.changes = [...commit.changes.filter((ch) => !gone.has(ch.path)), ...renamed];
      }
      commit.changes = commit.changes.filter((ch) => isPrompt(ch.path) || ch.sources.some((x) => isPrompt(x.path)));
    }
    return log.filter((c) => c.changes.length > 0 || c.parents.length > 1);
  }

  private async isAncestor(commit: string, of: string): Promise<boolean> {
    const base = await this.git.run(['merge-base', '--end-of-options', commit, of]).catch(() => '');
    return base.trim() === commit;
  }

  async model(): Promise<RepoModel> {
    return analyze(await this.snapshot());
  }

  /** What `init` looks at: every file in the working tree git knows or would add, CODEOWNERS on disk, and who committed. */
  async setupFacts(): Promise<{ paths: string[]; codeowners?: Codeowners; authors: Identity[] }> {
    const [files, log] = await Promise.all([
      this.git.run(['ls-files', '-z', '--cached', '--others', '--exclude-standard']),
      this.git.run(['log', '--format=%ae%x00%an', 'HEAD']).catch(() => ''),
    ]);
    const location = CODEOWNERS_LOCATIONS.find((f) => existsSync(path.join(this.root, f)));
    const codeowners = location ? parseCodeowners(readFileSync(path.join(this.root, location), 'utf8'), location) : undefined;
    const seen = new Map<string, Identity>();
    for (const line of log.split('\n').filter(Boolean)) {
      const [email, name] = line.split('\0');
      if (!seen.has(email.toLowerCase())) seen.set(email.toLowerCase(), { email, name });
    }
    return { paths: [...new Set(files.split('\0').filter(Boolean))], codeowners, authors: [...seen.values()] };
  }

  /** Is the working copy of this file byte-for-byte what git would commit? */
  async workingCopyState(file: string): Promise<'clean' | 'modified' | 'deleted' | 'untracked'> {
    const out = await this.git.run(['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all', '--ignore-submodules=all', '--', `:(literal)${file}`]);
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
        const commit = (await this.git.run(['commit-tree', '--no-gpg-sign', tree, '-p', parent, '-F', '-'], { env, input: message })).trim();
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
      await this.git.run(['tag', '-a', '--no-sign', '--cleanup=verbatim', '-F', '-', '--end-of-options', name, commit], {
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
    if (this.git.refusedSettings.length) {
      throw new PromptReleaseError('git-failed', `pushing was refused: this repository's git configuration names a program (${this.git.refusedSettings.join(', ')}) that prompt-release will not run`, {
        hint: 'Remove that setting (git config --unset …) or push the tag yourself.',
      });
    }
    const remote = await this.pushRemote();
    try {
      // The option outranks remote.<name>.receivepack, which is multi-valued and cannot be overridden with -c.
      await this.git.run(['push', '--atomic', '--porcelain', '--receive-pack=git-receive-pack', '--end-of-options', remote, `refs/tags/${tag}:refs/tags/${tag}`]);
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
