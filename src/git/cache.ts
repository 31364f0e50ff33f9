import { readFileSync } from 'fs';
import * as path from 'path';
import type { BlobFacts } from '../core/prompts/hash';
import { REFERENCE_SYNTAX_VERSION } from '../core/prompts/references';
import type { LogCommit } from '../core/history/history';
import { replaceFileNoFollow } from './safeFs';

/**
 * What earlier runs learned from git, kept in `.git/prompt-release/cache-v2.json` so a
 * repeat run re-reads only what changed. Every entry is keyed by git object ids, which name
 * their content: a blob's facts and text never change, and a log cached for a commit is
 * reused only for that commit (or extended when the trusted branch moved forward from it).
 * Deleting the file is always safe; a file that cannot be read is ignored and rewritten.
 */
export interface CachedLog {
  /** The commit the log was read from. */
  tip: string;
  /** What else the log depends on (the prompt globs); a different key is a different log. */
  key: string;
  log: LogCommit[];
}

/** What the trusted branch's tip holds beyond the prompts: the record and policy history and the configuration. */
export interface CachedTrustedRead {
  tip: string;
  log: LogCommit[];
  /** The rules files' blobs in each merge's tree: merge -> path -> blob. */
  mergeTrees: Record<string, Record<string, string>>;
  config?: string;
}

/** Which tag targets are reachable from a trusted tip: a fact of the two commits. */
export interface CachedReachability {
  tip: string;
  checked: string[];
  merged: string[];
}

export interface ObjectAtPath {
  oid: string;
  type: string;
}

interface CacheFile {
  format: typeof FORMAT;
  facts: Record<string, BlobFacts>;
  texts: Record<string, string>;
  objects: Record<string, ObjectAtPath | null>;
  promptLog?: CachedLog;
  trustedRead?: CachedTrustedRead;
  reachability?: CachedReachability;
}

/** Change it whenever the shape of the data, the way git's output is parsed (4: renames made by merges), or the references read from a blob change. */
const FORMAT = `prompt-release-cache-4-refs${REFERENCE_SYNTAX_VERSION}`;
const FILE = path.join('prompt-release', 'cache-v2.json');

/** Values by key that a run marks as used; a finished run keeps only those. */
class UsedStore<T> {
  private values: Map<string, T>;
  private readonly used = new Set<string>();
  changed = false;

  constructor(entries: Record<string, T> = {}) {
    this.values = new Map(Object.entries(entries));
  }

  get(key: string): T | undefined {
    const value = this.values.get(key);
    if (value !== undefined) this.used.add(key);
    return value;
  }

  set(key: string, value: T): void {
    this.values.set(key, value);
    this.used.add(key);
    this.changed = true;
  }

  /** Drops what this run did not use (unless `keep`); true when anything was dropped or learned. */
  finishRun(keep = false): boolean {
    const pruned = !keep && this.values.size > this.used.size;
    if (pruned) this.values = new Map([...this.used].map((k) => [k, this.values.get(k)!]));
    this.used.clear();
    const changed = pruned || this.changed;
    this.changed = false;
    return changed;
  }

  toJSON(): Record<string, T> {
    return Object.fromEntries(this.values);
  }
}

export class PersistentCache {
  /** Hash, size and kind of each blob, by blob id. */
  readonly facts: UsedStore<BlobFacts>;
  /** Texts of records and policy files, by blob id. */
  readonly texts: UsedStore<string>;
  /** What `<commit>:<path>` names (null: nothing), for release tags. */
  readonly objects: UsedStore<ObjectAtPath | null>;
  private changed = false;
  promptLog?: CachedLog;
  trustedRead?: CachedTrustedRead;
  reachability?: CachedReachability;

  private constructor(private readonly file?: string, data: Partial<CacheFile> = {}) {
    this.facts = new UsedStore(data.facts);
    this.texts = new UsedStore(data.texts);
    this.objects = new UsedStore(data.objects);
    this.promptLog = data.promptLog && typeof data.promptLog.tip === 'string' && Array.isArray(data.promptLog.log) ? data.promptLog : undefined;
    this.trustedRead = data.trustedRead && typeof data.trustedRead.tip === 'string' && Array.isArray(data.trustedRead.log) && typeof data.trustedRead.mergeTrees === 'object' && data.trustedRead.mergeTrees !== null ? data.trustedRead : undefined;
    this.reachability = data.reachability && typeof data.reachability.tip === 'string' && Array.isArray(data.reachability.checked) && Array.isArray(data.reachability.merged) ? data.reachability : undefined;
  }

  /** No file: a cache that lives for this process only (verify, tests, read-only repositories). */
  static inMemory(): PersistentCache {
    return new PersistentCache();
  }

  static load(gitDir: string): PersistentCache {
    const file = path.join(gitDir, FILE);
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      if (data.format === FORMAT) return new PersistentCache(file, data);
    } catch {
      // Missing, half-written or not ours: start empty, and the next save replaces it.
    }
    return new PersistentCache(file);
  }

  setPromptLog(entry: CachedLog): void {
    this.promptLog = entry;
    this.changed = true;
  }

  setTrustedRead(entry: CachedTrustedRead): void {
    this.trustedRead = entry;
    this.changed = true;
  }

  setReachability(entry: CachedReachability): void {
    this.reachability = entry;
    this.changed = true;
  }

  /**
   * Ends one refresh: keeps only what it used, so the cache never outgrows the repository,
   * and writes the file when anything changed. A partial read (one prompt's history) passes
   * `partial` and keeps everything else. Written whole under a temporary name and renamed,
   * so a reader never sees half a file; a repository that cannot be written to simply keeps
   * no cache.
   */
  finishRun(partial = false): void {
    const stores = [this.facts.finishRun(partial), this.texts.finishRun(partial), this.objects.finishRun(partial)];
    const changed = this.changed || stores.some(Boolean);
    this.changed = false;
    if (!this.file || !changed) return;
    const data: CacheFile = {
      format: FORMAT,
      facts: this.facts.toJSON(),
      texts: this.texts.toJSON(),
      objects: this.objects.toJSON(),
      promptLog: this.promptLog,
      trustedRead: this.trustedRead,
      reachability: this.reachability,
    };
    try {
      // Below the git directory, never through a link: a temporary file renamed over the cache.
      replaceFileNoFollow(path.dirname(path.dirname(this.file)), FILE, JSON.stringify(data));
    } catch {
      // No cache this time; the next run reads git again.
    }
  }
}
