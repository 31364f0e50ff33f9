import { existsSync, readFileSync, realpathSync } from 'fs';
import * as path from 'path';
import { CODEOWNERS_LOCATIONS, parseCodeowners, type Codeowners } from '../core/ownership/codeowners';
import { PromptReleaseError } from '../core/common/errors';
import { blobFacts, contentHash, type BlobFacts } from '../core/prompts/hash';
import { applyRenames, renameCandidates, renameIndex, ZERO_OID, type LogCommit } from '../core/history/history';
import { parseIdent, type Identity } from '../core/ownership/identity';
import { resolveIncludes, type FileAt } from '../core/prompts/dependencies';
import { analyze, type RepoModel, type RepoSnapshot, type TrustedRef } from '../core/model/model';
import { candidateRefs, chooseTrustedRef, type ExistingRef } from '../core/policy/trustedRef';
import { promptMatcher, RECORDS_DIR } from '../core/prompts/prompts';
import { candidatePathsToRead, type FileText } from '../core/prompts/setup';
import { parseTagMessage, TAG_REF_PREFIX, type RawTag } from '../core/releases/releases';
import { CONFIG_FILE, defaultConfig, parseConfig, type Config } from '../core/policy/config';
import { isPolicyFile, isRulesFile, POLICY_FILES, signersPathsOf, trustedPolicy, type TrustedPolicy } from '../core/policy/trustedPolicy';
import { LOG_FLAGS, RENAME_DETECTION, StreamedLog, parseBatchCheck, parseCatFileBatch, type BatchObject, parseLog, parseLsTree, parseStatus, parseTags, TAG_FORMAT, type TreeEntry } from './parse';
import { PersistentCache, type ObjectAtPath } from './cache';
import { GitRunner, withGitScope, type GitCommandListener } from './runner';
import { RepositoryWrites, type HeadInfo } from './writers/writes';

export type { HeadInfo, TagSigner } from './writers/writes';

const HISTORY_PATHS = [RECORDS_DIR, ...POLICY_FILES];
const HEAD_ARGS = ['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD', '--is-shallow-repository'];
const ALL_REFS_ARGS = ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(objecttype)%00%(symref)', 'refs/heads/', 'refs/remotes/', TAG_REF_PREFIX];
const STATUS_ARGS = ['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all', '--ignore-submodules=all'];
const NO_CONTENT = blobFacts(Buffer.alloc(0));

/** One git repository seen through prompt-release: every git call the tools make goes through here. */
export class PromptRepository {
  /** Globs the editor shows as prompts (its setting); never what the gate decides on. */
  displayGlobs?: string[];
  /** The trusted branch named by the user (`--trusted`); otherwise the configuration or the main branch. */
  trustedOverride?: string;
  /** The trusted root as an event names it (a merge queue's base commit): used as given, never re-resolved. */
  trustedPin?: TrustedRef;

  /** Record commits, release tags and their pushes. */
  readonly writes: RepositoryWrites;

  private constructor(
    readonly root: string,
    readonly gitDir: string,
    readonly git: GitRunner,
    private readonly loadCache: () => PersistentCache,
  ) {
    this.writes = new RepositoryWrites(git, root, () => this.head());
  }

  private loadedCache?: PersistentCache;

  /** Read on first use: a command answered from a stored result never parses it. */
  private get cache(): PersistentCache {
    return (this.loadedCache ??= this.loadCache());
  }

  /**
   * Opens the repository at or above `cwd`. `persistentCache: false` reads everything from
   * git and keeps nothing between runs (verify does so: CI's verdict never rests on a file).
   */
  static async open(cwd: string, listener?: GitCommandListener, options: { persistentCache?: boolean } = {}): Promise<PromptRepository> {
    if (!existsSync(cwd)) {
      throw new PromptReleaseError('not-found', `folder ${cwd} does not exist`);
    }
    const probe = new GitRunner(cwd);
    if (listener) probe.onDidRunCommand(listener);
    // Both reads are data only, so the configuration is read while the top level is found.
    const [located, listing] = await Promise.all([probe.run(['rev-parse', '--show-toplevel', '--absolute-git-dir']), probe.configListing()]);
    const [top, gitDir] = located.trim().split('\n');
    if (!top) {
      throw new PromptReleaseError('not-a-repository', `${cwd} is not inside a git working tree`, {
        hint: 'prompt-release needs a working tree, not a bare repository.',
      });
    }
    const git = new GitRunner(top);
    if (listener) git.onDidRunCommand(listener);
    git.hardenWith(listing);
    const cache = options.persistentCache === false ? () => PersistentCache.inMemory() : () => PersistentCache.load(gitDir);
    return new PromptRepository(realpathSync(top), gitDir, git, cache);
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

  /**
   * Reads of this refresh that the inputs' key and the snapshot both make: git runs them once.
   * Cleared when the snapshot is done, so the next refresh reads afresh.
   */
  private readonly sharedReads = new Map<string, Promise<string>>();

  private readShared(args: string[]): Promise<string> {
    const key = args.join('\0');
    let read = this.sharedReads.get(key);
    if (!read) {
      read = this.git.run(args);
      this.sharedReads.set(key, read);
      read.catch(() => undefined);
    }
    return read;
  }

  /**
   * The ids of everything a read-only command's answer rests on, as one key: HEAD, every
   * branch and release tag (the trusted branch and the evidence among them), the working
   * tree's status, and the configuration git sees. Three git reads, whatever the size; the
   * snapshot that follows a miss reuses them.
   */
  async inputsKey(extra: string[]): Promise<string> {
    const [head, refs, status] = await Promise.all([
      this.readShared(HEAD_ARGS),
      this.readShared(ALL_REFS_ARGS),
      this.readShared(STATUS_ARGS),
    ]);
    const config = this.git.configEntries.map((e) => `${e.scope}\0${e.key}\0${e.value}`).join('\n');
    const parts = [head, refs, status, config, this.trustedOverride ?? '', JSON.stringify(this.trustedPin ?? null), JSON.stringify(this.displayGlobs ?? null), ...extra];
    return contentHash(Buffer.from(parts.join('\u0001'), 'utf8'));
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

  /**
   * Object ids and types of `<object id>:<path>` names, without their content. An object id
   * names its content, so what such a name resolves to never changes and is kept in the cache.
   */
  private async objectIds(names: string[]): Promise<(ObjectAtPath | undefined)[]> {
    const answers = new Map<string, ObjectAtPath | undefined>();
    const asked: string[] = [];
    for (const name of new Set(names)) {
      if (name.includes('\n')) continue;
      const known = this.cache.objects.get(name);
      if (known !== undefined) answers.set(name, known ?? undefined);
      else asked.push(name);
    }
    if (asked.length) {
      const output = await this.git.run(['cat-file', '--batch-check'], { input: asked.join('\n') + '\n' });
      parseBatchCheck(output, asked.length).forEach((answer, i) => {
        answers.set(asked[i], answer);
        if (/^[0-9a-f]{40}:/.test(asked[i])) this.cache.objects.set(asked[i], answer ?? null);
      });
    }
    return names.map((name) => answers.get(name));
  }

  /**
   * Hash, size and kind of each blob: a blob never changes, so only blobs no earlier run
   * (of this process, or one before it through the cache file) has seen are read.
   */
  private factsOf(blobs: string[]): Promise<Map<string, BlobFacts>> {
    return this.throughCache(this.cache.facts, blobs, blobFacts);
  }

  /** Texts of records and policy files, by blob id, through the cache. */
  private textsOf(blobs: string[]): Promise<Map<string, string>> {
    return this.throughCache(this.cache.texts, blobs, (bytes) => bytes.toString('utf8'));
  }

  /** What the cache knows of each blob, and what one `cat-file --batch` says of the rest. */
  private async throughCache<T>(store: { get(blob: string): T | undefined; set(blob: string, value: T): void }, blobs: string[], derive: (bytes: Buffer) => T): Promise<Map<string, T>> {
    const known = new Map<string, T>();
    const missing: string[] = [];
    for (const blob of new Set(blobs)) {
      const value = store.get(blob);
      if (value !== undefined) known.set(blob, value);
      else missing.push(blob);
    }
    const read = await this.readObjects(missing);
    missing.forEach((blob, i) => {
      if (!read[i]) return;
      const value = derive(read[i]!);
      store.set(blob, value);
      known.set(blob, value);
    });
    return known;
  }

  /**
   * The trusted branch by its full ref name: `--trusted`, else the main branch (origin's
   * default branch, main, master). A short name is resolved among every ref it could mean,
   * read with one `git for-each-ref`, and refused when more than one exists: a tag or branch
   * named like the trusted branch never shadows it. Failing to find one is an error: nothing
   * is decided against an unknown root.
   */
  async resolveTrusted(named?: string): Promise<TrustedRef> {
    if (named) return chooseTrustedRef(named, await this.existingRefs(candidateRefs(named)));
    const refs = new Map((await this.existingRefs(['refs/remotes/origin/HEAD', 'refs/heads/main', 'refs/heads/master', 'refs/remotes/origin/main', 'refs/remotes/origin/master'])).map((r) => [r.ref, r]));
    const originHead = refs.get('refs/remotes/origin/HEAD');
    const candidates: string[] = [];
    // origin's default branch as a local branch first (when it is main or master, read above), then as origin has it.
    if (originHead?.symref?.startsWith('refs/remotes/origin/')) candidates.push(originHead.symref.replace('refs/remotes/origin/', 'refs/heads/'), originHead.symref);
    // A CI checkout has neither a local main nor origin/HEAD, only the fetched remote branch.
    candidates.push('refs/heads/main', 'refs/heads/master', 'refs/remotes/origin/main', 'refs/remotes/origin/master');
    for (const ref of candidates) {
      const found = ref === originHead?.symref ? originHead : refs.get(ref);
      if (found?.type === 'commit') return { ref, commit: found.object };
    }
    throw new PromptReleaseError('no-trusted-branch', 'cannot tell which branch is trusted: this repository has no main or master branch, here or as origin has it', {
      hint: 'Name the protected branch with --trusted BRANCH (in full: refs/remotes/origin/main), or set trustedBranch in .promptrelease.yaml on the main branch.',
    });
  }

  /**
   * `read` under the trusted branch found first; when the policy read there names another one
   * (trustedBranch) and nothing on the command line chose the branch, `read` again under that
   * one. What the history reader and a whole read both do, so they agree on the root.
   */
  async underTrustedBranch<T extends { policy: TrustedPolicy }>(first: TrustedRef, read: (root: TrustedRef) => Promise<T>): Promise<{ trusted: TrustedRef; read: T }> {
    const result = await read(first);
    const named = result.policy.config.trustedBranch;
    if (this.trustedOverride || this.trustedPin || !named || named === first.ref) return { trusted: first, read: result };
    const configured = await this.resolveTrusted(named);
    if (configured.ref === first.ref && configured.commit === first.commit) return { trusted: first, read: result };
    return { trusted: configured, read: await read(configured) };
  }

  /** The refs of these exact full names that exist, read with one `git for-each-ref` (a symbolic ref with its target). */
  private async existingRefs(names: string[]): Promise<ExistingRef[]> {
    const wanted = new Set(names);
    // The listing of every branch this refresh's inputs key read answers too, when it holds them all.
    const listed = this.sharedReads.get(ALL_REFS_ARGS.join('\0'));
    const fromListing = listed && names.every((n) => n.startsWith('refs/heads/') || n.startsWith('refs/remotes/'));
    // for-each-ref also lists refs below a name (refs/heads/main/x for refs/heads/main): only exact names are kept.
    const out = fromListing ? await listed : await this.git.run(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(objecttype)%00%(symref)', '--end-of-options', ...wanted]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\0'))
      .filter(([ref]) => wanted.has(ref))
      .map(([ref, object, type, symref]) => ({ ref, object, type, symref: symref || undefined }));
  }

  /**
   * Reads everything a status needs with a fixed number of git processes, whatever the number
   * of prompts: the policy and the evidence come from the trusted branch; the prompts and the
   * working copy from HEAD. What an earlier run learned (blob facts, record texts, the prompt
   * history up to a trusted commit) is reused through the cache, keyed by object ids.
   */
  async snapshot(options: { focus?: string } = {}): Promise<RepoSnapshot> {
    try {
      const snapshot = await this.readSnapshot(options.focus);
      // A focused read used the facts of one prompt: the cache keeps everyone else's.
      this.cache.finishRun(options.focus !== undefined);
      return snapshot;
    } finally {
      // Reads of this refresh, failed or cancelled ones included, are never reused by the next.
      this.sharedReads.clear();
      this.historyReads.clear();
    }
  }

  private async readSnapshot(focus?: string): Promise<RepoSnapshot> {
    // Found alongside the first reads; its error is reported only if those succeed, so a
    // repository without commits says so rather than that it lacks a main branch.
    const trustedAttempt = (this.trustedPin ? Promise.resolve(this.trustedPin) : this.resolveTrusted(this.trustedOverride)).then((ref) => ({ ref }), (error: unknown) => ({ error }));
    // The whole-history read is the longest and needs only the trusted commit: start it now.
    void trustedAttempt.then((attempt) => 'ref' in attempt && this.anticipateHistory(attempt.ref.commit));
    const [headOut, treeOutput, statusOutput, tagOutput] = await Promise.all([
      this.readShared(HEAD_ARGS),
      this.git.run(['ls-tree', '-r', '-z', '--full-tree', '--end-of-options', 'HEAD']),
      // A focused read needs the working copy of its file and of the rules files only, not a scan of the whole tree.
      focus === undefined ? this.readShared(STATUS_ARGS) : this.git.run([...STATUS_ARGS, '--', ...[focus, ...POLICY_FILES].map((p) => `:(literal)${p}`)]),
      this.git.run(['for-each-ref', TAG_FORMAT, TAG_REF_PREFIX]),
    ]);
    const [headCommit, symbolic, shallowFlag] = headOut.trim().split('\n');
    const head = { commit: headCommit, branch: symbolic?.startsWith('refs/heads/') ? symbolic : undefined };
    const shallow = shallowFlag?.trim() === 'true';
    const tree = parseLsTree(treeOutput);
    const tags = parseTags(tagOutput);
    const attempt = await trustedAttempt;
    if ('error' in attempt) throw attempt.error;
    let trusted = attempt.ref;

    // Which files are prompts depends on the policy in force, known only after the records are
    // read; the tip's configuration nearly always says the same, so both reads start together.
    const readBoth = async (root: TrustedRef) => {
      const branch = this.readTrustedBranch(root);
      const guess = branch.header.then((h) => guessConfig(h.config));
      const promptsRead = guess.then((config) => this.readPrompts(head, root, tree, tags, config, shallow, [config], focus));
      const [trustedRead, guessed] = await Promise.all([this.readTrusted(root, branch, tags, shallow), guess]);
      const inForce = trustedRead.policy.config;
      // The signers file the tip's configuration names is a rules file too while that configuration waits for approval.
      const same = JSON.stringify([inForce.prompts, inForce.exclude, inForce.signers]) === JSON.stringify([guessed.prompts, guessed.exclude, guessed.signers]);
      return { ...trustedRead, prompts: same ? await promptsRead : await this.readPrompts(head, root, tree, tags, inForce, shallow, [inForce, guessed], focus) };
    };
    const under = await this.underTrustedBranch(trusted, readBoth);
    trusted = under.trusted;
    const { policy, mergedTags, prompts } = under.read;
    this.historyReads.clear();

    const working = parseStatus(statusOutput);
    const byPath = new Set(tree.map((e) => e.path));
    const workingChanges = new Map<string, 'modified' | 'deleted'>();
    const untrackedPrompts: string[] = [];
    for (const [file, code] of working) {
      if (code === 'untracked') {
        if ((focus === undefined || file === focus) && prompts.isPrompt(file) && !byPath.has(file) && !prompts.isRules(file)) untrackedPrompts.push(file);
      } else {
        workingChanges.set(file, code);
      }
    }
    const { facts } = prompts;
    return {
      head,
      trusted,
      headOnTrusted: prompts.headOnTrusted,
      shallow,
      policy,
      // A submodule has no content of its own: it counts as empty, and the usability rule refuses it by its mode.
      prompts: prompts.promptEntries.map((e) => ({ path: e.path, blob: e.blob, mode: e.mode, facts: e.type === 'commit' ? NO_CONTENT : facts.get(e.blob) })),
      policyFiles: prompts.policyEntries.map((e) => ({ path: e.path, blob: e.blob, facts: facts.get(e.blob) })),
      untrackedPrompts,
      workingChanges,
      promptLog: prompts.promptLog,
      tags,
      tagFacts: {
        onTrustedBranch: mergedTags,
        promptAtCommit: prompts.promptAtCommit,
        contentHashOf: (blob) => facts.get(blob)?.contentHash,
        factsOf: (blob) => facts.get(blob),
        filesAtCommit: prompts.filesAtCommit,
      },
      displayGlobs: this.displayGlobs,
      dependencyFiles: prompts.dependencyFiles,
      now: Date.now(),
      ...(focus !== undefined ? { focus } : {}),
    };
  }

  /** Everything about the prompts at HEAD and their history, for the globs of `config` (and the editor's). */
  private async readPrompts(head: HeadInfo, trusted: TrustedRef, tree: TreeEntry[], tags: RawTag[], config: Config, shallow: boolean, rulesConfigs: Config[], focus?: string) {
    const isRules = (path: string) => isRulesFile(path, ...rulesConfigs);
    const governed = promptMatcher(config);
    const shown = this.displayGlobs?.length ? promptMatcher({ prompts: this.displayGlobs }) : governed;
    const isPrompt = shown === governed ? governed : (p: string) => governed(p) || shown(p);
    const promptEntries = tree.filter((e) => (focus === undefined || e.path === focus) && (e.type === 'blob' || e.type === 'commit') && isPrompt(e.path) && !isRules(e.path));
    const policyEntries = tree.filter((e) => e.type === 'blob' && isRules(e.path));
    const evidences = tags.map((t) => {
      const parsed = t.objectType === 'tag' ? parseTagMessage(t.message) : undefined;
      return parsed && 'evidence' in parsed ? parsed.evidence : undefined;
    });
    const releasedBlobs = evidences.filter((e) => e !== undefined).map((e) => e!.blob);
    const logKey = JSON.stringify([config.prompts, config.exclude, this.displayGlobs ?? []]);
    const atTrustedTip = head.commit === trusted.commit;
    // The commits only HEAD has are read now; what is kept from them is decided below.
    if (!atTrustedTip) this.historyRead([`${trusted.commit}..${head.commit}`]);
    const factsRead = this.factsOf([...promptEntries.filter((e) => e.type === 'blob').map((e) => e.blob), ...policyEntries.map((e) => e.blob), ...releasedBlobs]);
    const dependencyRead = factsRead.then((facts) => this.headDependencies(tree, promptEntries, facts, isPrompt));
    // Who wrote an included file that is not a prompt (a Prompty sample) is part of who wrote
    // the prompt: its history is kept too. git reads the same whole history either way; only
    // what is kept from it waits for the includes.
    const historyFilter = dependencyRead.then((deps) => {
      const extra = new Set(deps.map((d) => d.path));
      if (extra.size === 0) return { keep: isPrompt, key: logKey };
      return { keep: (p: string) => isPrompt(p) || extra.has(p), key: JSON.stringify([logKey, [...extra].sort()]) };
    });
    const [headOnTrusted, trustedLog, headOnlyLog, promptObjects, facts, dependencyFiles] = await Promise.all([
      atTrustedTip || this.isAncestor(head.commit, trusted.commit),
      historyFilter.then((f) => this.trustedPromptHistory(trusted.commit, f.keep, f.key, shallow)),
      // Empty when HEAD is behind the trusted tip.
      atTrustedTip ? ([] as LogCommit[]) : historyFilter.then((f) => this.promptFilesLog([`${trusted.commit}..${head.commit}`], f.keep)),
      this.objectIds(tags.map((t, i) => (evidences[i] ? `${t.commit}:${evidences[i]!.prompt}` : '\n'))),
      factsRead,
      dependencyRead,
    ]);
    const promptAtCommit = new Map<string, { oid: string; type: string } | undefined>();
    tags.forEach((t, i) => promptAtCommit.set(t.name, promptObjects[i]));
    const filesAtCommit = await this.releasedDependencies(
      tags.flatMap((t, i) => (evidences[i] ? [{ commit: t.commit, prompt: evidences[i]!.prompt, blob: evidences[i]!.blob, claimed: (evidences[i]!.includes ?? []).map((inc) => inc.path) }] : [])),
      facts,
      isPrompt,
    );
    return { isPrompt, isRules, promptEntries, policyEntries, headOnTrusted, promptLog: [...trustedLog, ...headOnlyLog], promptAtCommit, facts, dependencyFiles, filesAtCommit };
  }

  /**
   * Files at HEAD that prompts include but that are not prompts themselves, with their facts.
   * Nothing is read when no prompt includes anything; otherwise one read per level of nesting,
   * until nothing new is asked for (the resolver itself refuses chains deeper than
   * MAX_INCLUDE_DEPTH, so this ends). A file asked for but not read comes back without facts,
   * so the model says its content could not be read instead of calling it missing.
   */
  private async headDependencies(tree: TreeEntry[], promptEntries: TreeEntry[], facts: Map<string, BlobFacts>, isPrompt: (path: string) => boolean) {
    const roots = promptEntries.filter((e) => facts.get(e.blob)?.references);
    if (roots.length === 0) return [];
    const byPath = new Map(tree.map((e) => [e.path, e]));
    const partials = new Map<string, string[]>();
    for (const e of tree) {
      const name = e.path.slice(e.path.lastIndexOf('/') + 1);
      if (name.startsWith('_') && name.endsWith('.prompt')) partials.set(name, [...(partials.get(name) ?? []), e.path]);
    }
    const partialsNamed = (name: string) => partials.get(name) ?? [];
    const lookup = (p: string): FileAt | null => {
      const entry = byPath.get(p);
      return entry ? { blob: entry.blob, mode: entry.mode, facts: facts.get(entry.blob) } : null;
    };
    const needed = new Set<string>();
    const tried = new Set<string>();
    for (;;) {
      const unknown = new Set<string>();
      for (const root of roots) {
        const resolved = resolveIncludes(root.path, facts.get(root.blob), lookup, isPrompt, partialsNamed);
        for (const dep of resolved.includes) needed.add(dep.path);
        for (const p of resolved.unknown) unknown.add(p);
      }
      for (const p of unknown) if (byPath.has(p)) needed.add(p);
      // Only blobs not tried before: one git cannot read is not asked for again and again.
      const blobs = [...unknown].map((p) => byPath.get(p)?.blob).filter((b): b is string => !!b && !facts.has(b) && !tried.has(b));
      if (blobs.length === 0) break;
      for (const b of blobs) tried.add(b);
      for (const [blob, f] of await this.factsOf(blobs)) facts.set(blob, f);
    }
    const prompts = new Set(promptEntries.map((e) => e.path));
    return [...needed].filter((p) => !prompts.has(p)).map((p) => byPath.get(p)!).map((e) => ({ path: e.path, blob: e.blob, mode: e.mode, facts: facts.get(e.blob) }));
  }

  /**
   * What released prompts include at their release commits: the files each reference names
   * there (`<commit>:<path>`, cached by object id), read level by level until nothing new is
   * asked for; whatever stays unread the model reports as unreadable, never as absent.
   */
  private async releasedDependencies(releases: { commit: string; prompt: string; blob: string; claimed: string[] }[], facts: Map<string, BlobFacts>, isPrompt: (path: string) => boolean) {
    const files = new Map<string, FileAt | null>();
    const roots = releases.filter((r) => facts.get(r.blob)?.references);
    const tried = new Set<string>();
    while (roots.length) {
      const unknownNames = new Set<string>();
      const unknownBlobs = new Set<string>();
      for (const root of roots) {
        const lookup = (p: string): FileAt | null | undefined => {
          const known = files.get(`${root.commit}:${p}`);
          if (known === undefined) return undefined;
          return known && { ...known, facts: facts.get(known.blob) };
        };
        const claimedNamed = (name: string) => root.claimed.filter((p) => p === name || p.endsWith(`/${name}`));
        for (const p of resolveIncludes(root.prompt, facts.get(root.blob), lookup, isPrompt, claimedNamed).unknown) {
          const name = `${root.commit}:${p}`;
          const known = files.get(name);
          if (known === undefined) {
            if (!tried.has(name)) unknownNames.add(name);
          } else if (known && !tried.has(known.blob)) unknownBlobs.add(known.blob);
        }
      }
      if (unknownNames.size === 0 && unknownBlobs.size === 0) break;
      const names = [...unknownNames];
      for (const name of names) tried.add(name);
      const objects = await this.objectIds(names);
      names.forEach((name, i) => {
        const o = objects[i];
        // A name git could not be asked about (a line break in it) stays unknown: unreadable, not absent.
        if (name.includes('\n')) return;
        files.set(name, o ? { blob: o.oid, mode: o.type === 'blob' ? '100644' : o.type === 'commit' ? '160000' : '040000' } : null);
        if (o?.type === 'blob' && !tried.has(o.oid)) unknownBlobs.add(o.oid);
      });
      const blobs = [...unknownBlobs].filter((b) => !facts.has(b));
      for (const b of unknownBlobs) tried.add(b);
      if (blobs.length) for (const [blob, f] of await this.factsOf(blobs)) facts.set(blob, f);
    }
    for (const [name, file] of files) if (file) files.set(name, { ...file, facts: facts.get(file.blob) });
    return files;
  }

  /**
   * The prompt history of the trusted branch. The cache keeps it for the commit it was read
   * from; when the branch has only moved forward since, just the new commits are read.
   */
  private async trustedPromptHistory(tip: string, isPrompt: (path: string) => boolean, key: string, shallow: boolean): Promise<LogCommit[]> {
    // A shallow clone's history changes when it is deepened, under the same commit ids.
    if (shallow) return this.promptFilesLog([tip], isPrompt);
    const cached = this.cache.promptLog;
    if (cached?.key === key) {
      if (cached.tip === tip) return cached.log;
      const [forward, newer] = await Promise.all([
        this.isAncestor(cached.tip, tip),
        this.promptFilesLog([`${cached.tip}..${tip}`], isPrompt).catch(() => undefined),
      ]);
      if (forward && newer) {
        const log = [...cached.log, ...newer];
        this.cache.setPromptLog({ tip, key, log });
        return log;
      }
    }
    const log = await this.promptFilesLog([tip], isPrompt);
    this.cache.setPromptLog({ tip, key, log });
    return log;
  }

  /**
   * The trusted tip's configuration (the header, needed first) and the history of records and
   * policy files. All of it is a fact of the tip commit, so the cache answers for the same tip
   * without running git. No `.mailmap` is read: only the trusted policy joins identities.
   */
  private readTrustedBranch(root: TrustedRef) {
    const cached = this.cache.trustedRead?.tip === root.commit ? this.cache.trustedRead : undefined;
    if (cached) {
      const mergeTrees = new Map(Object.entries(cached.mergeTrees).map(([m, files]) => [m, new Map(Object.entries(files))]));
      return { header: Promise.resolve({ config: cached.config }), logs: Promise.resolve({ log: cached.log, mergeTrees }), cached: true };
    }
    const header = this.readObjects([`${root.commit}:${CONFIG_FILE}`]).then(([config]) => ({ config: config?.toString('utf8') }));
    // One whole-history read of the rules files and the records (every merge, every parent);
    // the signers files the configurations name are rules files too, so when there are any the
    // read is made once more with them. A merge's diff does not say which side it took: the
    // rules files in each merge's tree are read in one batch.
    const read = async (signers: string[]) => {
      const paths = [...POLICY_FILES, ...signers];
      const log = await this.log([root.commit], [...HISTORY_PATHS, ...signers]);
      return { log, mergeTrees: await this.rulesAtMerges(log, paths), signers };
    };
    const logs = read([]).then(async (first) => {
      const configs = first.log.flatMap((c) => c.changes.filter((ch) => ch.path === CONFIG_FILE && ch.blob !== ZERO_OID).map((ch) => ch.blob));
      const signers = configs.length ? signersPathsOf((await this.textsOf(configs)).values()) : [];
      return signers.length ? read(signers) : first;
    });
    return { header, logs, cached: false };
  }

  /**
   * The rules files' blobs in the tree of each merge of `log`. A merge's combined diff lists
   * the files that differ from every parent; a file it does not list is the parents' when they
   * agree, so only a file the parents disagree on and the merge does not list is asked of git,
   * all in one `cat-file --batch-check`.
   */
  private async rulesAtMerges(log: LogCommit[], paths: string[]): Promise<Map<string, Map<string, string>>> {
    const tracked = new Set(paths);
    // Per commit, each rules file's blob, or `?commit:path` for one asked of git.
    const values = new Map<string, Map<string, string>>();
    const asked: string[] = [];
    const merges: string[] = [];
    for (const c of log) {
      const parents = [...new Set(c.parents)];
      if (parents.length <= 1) {
        const before = parents.length ? values.get(parents[0]) : undefined;
        let tree: Map<string, string> | undefined;
        for (const ch of c.changes) {
          const gone = ch.status === 'R' ? ch.sources.map((x) => x.path).filter((p) => p !== ch.path && tracked.has(p)) : [];
          if (!tracked.has(ch.path) && gone.length === 0) continue;
          tree ??= new Map(before);
          for (const p of gone) tree.delete(p);
          if (!tracked.has(ch.path)) continue;
          if (ch.status === 'D' || ch.blob === ZERO_OID) tree.delete(ch.path);
          else tree.set(ch.path, ch.blob);
        }
        values.set(c.commit, tree ?? before ?? new Map());
        continue;
      }
      merges.push(c.commit);
      const listed = new Map(c.changes.filter((ch) => tracked.has(ch.path)).map((ch) => [ch.path, ch.blob]));
      const tree = new Map<string, string>();
      for (const p of paths) {
        const own = listed.get(p);
        if (own !== undefined) {
          if (own !== ZERO_OID) tree.set(p, own);
          continue;
        }
        const sides = parents.map((q) => values.get(q)?.get(p) ?? '');
        if (sides.every((v) => v === sides[0])) {
          if (sides[0]) tree.set(p, sides[0]);
        } else {
          asked.push(`${c.commit}:${p}`);
          tree.set(p, `?${c.commit}:${p}`);
        }
      }
      values.set(c.commit, tree);
    }
    const answers = new Map<string, string | undefined>();
    if (asked.length) {
      const output = await this.git.run(['cat-file', '--batch-check'], { input: asked.join('\n') + '\n' });
      parseBatchCheck(output, asked.length).forEach((o, i) => answers.set(`?${asked[i]}`, o?.type === 'blob' ? o.oid : undefined));
    }
    const trees = new Map<string, Map<string, string>>();
    const resolve = (v: string) => (v.startsWith('?') ? answers.get(v) : v);
    for (const m of merges) {
      const tree = new Map<string, string>();
      for (const [p, v] of values.get(m)!) {
        const blob = resolve(v);
        if (blob) tree.set(p, blob);
      }
      trees.set(m, tree);
    }
    return trees;
  }

  /** The policy in force, the record ledger and which release tags are on the trusted branch. */
  private async readTrusted(trusted: TrustedRef, branch: ReturnType<PromptRepository['readTrustedBranch']>, tags: RawTag[], shallow: boolean): Promise<{ policy: TrustedPolicy; mergedTags: Set<string> }> {
    const [header, { log, mergeTrees }, mergedTags] = await Promise.all([branch.header, branch.logs, this.tagsOnTrustedBranch(trusted, tags)]);
    if (!branch.cached && !shallow) {
      const trees = Object.fromEntries([...mergeTrees].map(([m, files]) => [m, Object.fromEntries(files)]));
      this.cache.setTrustedRead({ tip: trusted.commit, log, mergeTrees: trees, ...header });
    }
    const texts = await this.textsOf(log.flatMap((c) => c.changes.filter((ch) => ch.status !== 'D' && ch.blob !== ZERO_OID).map((ch) => ch.blob)));
    const policy = trustedPolicy({ log, mergeTrees, texts });
    return { policy, mergedTags };
  }

  /**
   * What a pull request is, against a base branch: the merge base of HEAD and the base, the
   * files HEAD changed since it (renames found), every commit only HEAD has (parents first),
   * the history of the records folder and the rules files on the base (its ledger) and on
   * the branch's own commits, with the texts of those records.
   */
  /** The full id of a commit this repository has, or undefined. */
  async commitId(id: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{7,64}$/i.test(id)) return undefined;
    const out = await this.git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${id}^{commit}`]).catch(() => '');
    return out.trim() || undefined;
  }

  async pullRequestFacts(base: TrustedRef): Promise<{
    mergeBase: string;
    changes: { status: string; path: string; from?: string }[];
    commits: LogCommit[];
    baseLog: LogCommit[];
    branchLog: LogCommit[];
    texts: Map<string, string>;
  }> {
    const mergeBase = (await this.git.run(['merge-base', '--end-of-options', 'HEAD', base.commit]).catch(() => '')).trim();
    if (!mergeBase) {
      throw new PromptReleaseError('not-found', `HEAD and ${base.ref} have no commit in common, so there is no pull request to describe`, {
        hint: 'Fetch the full history of both (git fetch --unshallow origin) and name the branch the pull request goes into with --base.',
      });
    }
    const exclude = '^' + base.commit;
    const [diff, commits, branchLog, { log: baseLog }] = await Promise.all([
      this.git.run(['diff', '--name-status', '-z', '-M', '--no-ext-diff', '--no-textconv', '--end-of-options', mergeBase, 'HEAD', '--']),
      this.log([exclude, 'HEAD'], []),
      this.log([exclude, 'HEAD'], HISTORY_PATHS),
      this.readTrustedBranch(base).logs,
    ]);
    const fields = diff.split('\0');
    const changes: { status: string; path: string; from?: string }[] = [];
    for (let i = 0; i + 1 < fields.length; ) {
      const status = fields[i++];
      if (!status) break;
      if (status.startsWith('R') || status.startsWith('C')) {
        const from = fields[i++];
        changes.push({ status: status[0], path: fields[i++], from });
      } else changes.push({ status: status[0], path: fields[i++] });
    }
    const texts = await this.textsOf([...baseLog, ...branchLog].flatMap((c) => c.changes.filter((ch) => ch.status !== 'D' && ch.blob !== ZERO_OID).map((ch) => ch.blob)));
    return { mergeBase, changes, commits, baseLog, branchLog, texts };
  }

  /** Names of the release tags whose commit the trusted tip contains. */
  private async tagsOnTrustedBranch(trusted: TrustedRef, tags: RawTag[]): Promise<Set<string>> {
    if (tags.length === 0) return new Set();
    const known = this.cache.reachability?.tip === trusted.commit ? this.cache.reachability : undefined;
    if (known) {
      const checked = new Set(known.checked);
      if (tags.every((t) => checked.has(t.commit))) {
        const merged = new Set(known.merged);
        return new Set(tags.filter((t) => merged.has(t.commit)).map((t) => t.name));
      }
    }
    const out = await this.git.run(['for-each-ref', '--format=%(refname)', `--merged=${trusted.commit}`, TAG_REF_PREFIX]);
    const names = new Set(out.split('\n').filter(Boolean).map((r) => r.replace(/^refs\/tags\//, '')));
    const merged = new Set(tags.filter((t) => names.has(t.name)).map((t) => t.commit));
    this.cache.setReachability({ tip: trusted.commit, checked: [...new Set(tags.map((t) => t.commit))], merged: [...merged] });
    return names;
  }

  /**
   * History over some paths, parents first (`--topo-order --reverse`): the whole ancestry, no
   * simplification that could hide a path (`--full-history`: every merge is listed, parents
   * rewritten to the nearest listed ancestors), merges as combined diffs.
   */
  private async log(revisions: string[], paths: string[]): Promise<LogCommit[]> {
    const output = await this.git.run(['log', ...LOG_FLAGS, '--full-history', '--parents', '--topo-order', '--reverse', '--end-of-options', ...revisions, '--', ...paths]);
    return parseLog(output);
  }

  /**
   * The history of the prompt files, parents first. Glob pathspecs make git test every path
   * of every commit against every glob (seconds on a few thousand commits), so git reads the
   * whole history once without rename detection (merges as combined diffs) and our own
   * matcher keeps the prompt files. Rename detection, the costly part, then runs only on the
   * commits that added or deleted a prompt: one `git diff-tree --stdin` for all of them.
   */
  private async promptFilesLog(revisions: string[], isPrompt: (path: string) => boolean): Promise<LogCommit[]> {
    // The whole tree's history: which commits deleted or added anything at all is known too.
    const { log, sides } = await this.historyRead(revisions).commits(isPrompt);
    const candidates = renameCandidates(log, isPrompt, sides);
    if (candidates.length) {
      const output = await this.git.run(RENAME_DETECTION, { input: candidates.map((c) => `${c.commit} ${c.firstParent}`).join('\n') + '\n' });
      applyRenames(log, new Map(parseLog(output, isPrompt).map((c) => [c.commit, c.changes])));
    }
    return log.filter((c) => c.changes.length > 0 || c.parents.length > 1);
  }

  /**
   * Whole-history reads of this refresh by revision range, parsed as git writes them. Commit
   * ids name their history, so a read started early (see anticipateHistory) is the same
   * whoever asks for it next.
   */
  private readonly historyReads = new Map<string, StreamedLog>();

  private historyRead(revisions: string[]): StreamedLog {
    const key = revisions.join(' ');
    let read = this.historyReads.get(key);
    if (!read) {
      const args = ['log', ...LOG_FLAGS.filter((f) => f !== '-M'), '--no-renames', '--topo-order', '--reverse', '--end-of-options', ...revisions, '--'];
      read = new StreamedLog((onText) => this.git.runStreaming(args, onText));
      this.historyReads.set(key, read);
    }
    return read;
  }

  /** Starts the read trustedPromptHistory will most likely need: none, the new commits, or all. */
  private anticipateHistory(tip: string): void {
    const cached = this.cache.promptLog;
    if (cached?.tip === tip) return;
    this.historyRead(cached ? [`${cached.tip}..${tip}`] : [tip]);
  }

  /** Is `commit` the trusted tip or one of its ancestors? Decided by output, never by an exit status a wrapper may swallow. */
  private async isAncestor(commit: string, of: string): Promise<boolean> {
    const base = await this.git.run(['merge-base', '--end-of-options', commit, of]).catch(() => '');
    return base.trim() === commit;
  }

  /**
   * The names the last whole read found `file` had (its prompt history as the cache keeps it,
   * renames found by the rule status uses), `file` first: a guess that lets a history read
   * start its path-limited log before `git log --follow` has proposed the names.
   */
  namesKnown(file: string): string[] {
    const log = this.cache.promptLog?.log;
    return log ? [file, ...(renameIndex(log).get(file) ?? [])] : [file];
  }

  /** The policy in force, the record ledger and which release tags are on the trusted branch (for the readers in readers/). */
  trustedEvidence(root: TrustedRef, tags: RawTag[], shallow: boolean): Promise<{ policy: TrustedPolicy; mergedTags: Set<string> }> {
    return this.readTrusted(root, this.readTrustedBranch(root), tags, shallow);
  }

  /** Hash, size and kind of blobs, through the cache (for the readers in readers/). */
  blobFacts(blobs: string[]): Promise<Map<string, BlobFacts>> {
    return this.factsOf(blobs);
  }

  /** Object ids and types of `<commit>:<path>` names, through the cache (for the readers in readers/). */
  objectsAt(names: string[]): Promise<(ObjectAtPath | undefined)[]> {
    return this.objectIds(names);
  }

  /** Ends a read of one concern: the cache keeps what other reads need. */
  finishPartialRead(): void {
    this.cache.finishRun(true);
  }

  /** The last model: the next one reuses the decisions whose inputs did not change. */
  private lastModel?: RepoModel;

  /**
   * `signal` cancels the read: every git process it started or would start stops, and the
   * promise fails with the code "cancelled" (the editor drops a stale background read so).
   * `background`: no one waits for this read, so its git calls let any call someone waits for
   * (a diff, a history, a sign-off) go first.
   */
  async model(options: { signal?: AbortSignal; focus?: string; background?: boolean } = {}): Promise<RepoModel> {
    const read = () => this.snapshot({ focus: options.focus });
    const snapshot = options.signal || options.background ? await withGitScope({ signal: options.signal, background: options.background }, read) : await read();
    const model = analyze(snapshot, this.lastModel);
    // A focused model decides one prompt: the next whole one is compared with the last whole one.
    if (options.focus === undefined) this.lastModel = model;
    return model;
  }

  /** What `init` looks at: every file in the working tree git knows or would add, CODEOWNERS on disk, and who committed. */
  async setupFacts(): Promise<{ paths: string[]; codeowners?: Codeowners; authors: Identity[]; texts: FileText[] }> {
    const [files, staged, log] = await Promise.all([
      this.git.run(['ls-files', '-z', '--cached', '--others', '--exclude-standard']),
      this.git.run(['ls-files', '-z', '--stage']),
      this.git.run(['log', '--format=%ae%x00%an', 'HEAD']).catch(() => ''),
    ]);
    const location = CODEOWNERS_LOCATIONS.find((f) => existsSync(path.join(this.root, f)));
    const codeowners = location ? parseCodeowners(readFileSync(path.join(this.root, location), 'utf8'), location) : undefined;
    const seen = new Map<string, Identity>();
    for (const line of log.split('\n').filter(Boolean)) {
      const [email, name] = line.split('\0');
      if (!seen.has(email.toLowerCase())) seen.set(email.toLowerCase(), { email, name });
    }
    const paths = [...new Set(files.split('\0').filter(Boolean))];
    // What init looks into: Markdown prompts (a link index among them) and files in layouts
    // that hold prompts in some projects; committed regular files only, read from the index.
    const isPrompt = promptMatcher(defaultConfig());
    const wanted = new Set([...paths.filter((p) => isPrompt(p) && /\.md$/i.test(p)), ...candidatePathsToRead(paths, isPrompt)]);
    const blobs: { path: string; blob: string }[] = [];
    for (const entry of staged.split('\0').filter(Boolean)) {
      const match = /^(\d+) ([0-9a-f]+) 0\t(.*)$/s.exec(entry);
      if (match && match[1].startsWith('100') && wanted.has(match[3])) blobs.push({ path: match[3], blob: match[2] });
    }
    const bytes = await this.readObjects(blobs.map((b) => b.blob));
    const texts = blobs.flatMap((b, i) => (bytes[i] ? [{ path: b.path, text: bytes[i]!.toString('utf8') }] : []));
    return { paths, codeowners, authors: [...seen.values()], texts };
  }

  /**
   * Whether a model read earlier still describes the repository for an action on `file`:
   * HEAD, the trusted tip and the file's working copy are as it says. Three small reads
   * instead of a whole model.
   */
  async stillDescribes(model: RepoModel, file: string): Promise<boolean> {
    const [head, trusted, working] = await Promise.all([
      this.head().catch(() => undefined),
      this.resolveTrusted(model.trusted.ref).catch(() => undefined),
      this.workingCopyState(file).catch(() => undefined),
    ]);
    const known = model.byPath.get(file) ?? model.policyFiles.get(file);
    return !!known && head?.commit === model.head.commit && head.branch === model.head.branch && trusted?.commit === model.trusted.commit && working === known.workingCopy;
  }

  /** Where git runs a hook from (core.hooksPath included), absolute. */
  async hookPath(name: string): Promise<string> {
    // Where the user's own git looks: core.hooksPath from their configuration (ours switches
    // hooks off for our calls only), else the hooks folder of the common git directory.
    const configured = this.git.configEntries.filter((e) => e.key === 'core.hookspath').pop()?.value;
    if (configured) return path.resolve(this.root, configured.replace(/^~(?=\/)/, process.env.HOME ?? '~'), name);
    const common = (await this.git.run(['rev-parse', '--git-common-dir'])).trim();
    return path.resolve(this.root, common, 'hooks', name);
  }

  /** Every commit reachable from a revision (a branch, tag or commit), to tell what came after it. */
  async commitsOf(revision: string): Promise<Set<string>> {
    if (revision.startsWith('-')) throw new PromptReleaseError('invalid-usage', `"${revision}" is not a revision`);
    const out = await this.git.run(['rev-list', '--end-of-options', revision]).catch(() => {
      throw new PromptReleaseError('not-found', `"${revision}" is not a commit, branch or tag in this repository`, { hint: 'Give --since a date (2026-11-01) or a revision (a tag, a branch, a commit).' });
    });
    return new Set(out.split('\n').filter(Boolean));
  }

  /** Whether HEAD, the trusted tip and the release tags are where a model read them. */
  async stillAt(model: RepoModel): Promise<boolean> {
    const [head, trusted, tags] = await Promise.all([
      this.head(),
      this.resolveTrusted(model.trusted.ref),
      this.git.run(['for-each-ref', '--format=%(refname)', TAG_REF_PREFIX]),
    ]);
    const names = tags.split('\n').filter(Boolean).map((r) => r.replace(/^refs\/tags\//, '')).sort();
    const known = model.tagChecks.map((t) => t.tag).sort();
    return head.commit === model.head.commit && head.branch === model.head.branch && trusted.commit === model.trusted.commit && JSON.stringify(names) === JSON.stringify(known);
  }

  /** Is the working copy of this file byte-for-byte what git would commit? */
  async workingCopyState(file: string): Promise<'clean' | 'modified' | 'deleted' | 'untracked'> {
    const out = await this.git.run(['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all', '--ignore-submodules=all', '--', `:(literal)${file}`]);
    return parseStatus(out).get(file) ?? 'clean';
  }
}

/** The configuration at the trusted tip, as a guess of the one in force (an invalid one guesses the defaults). */
function guessConfig(text: string | undefined): Config {
  try {
    return text !== undefined ? parseConfig(text) : defaultConfig();
  } catch {
    return defaultConfig();
  }
}
