import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { BlobFacts } from '../core/hash';
import type { LogCommit } from '../core/history';

/**
 * What earlier runs learned from git, kept in `.git/prompt-release/cache-v1.json` so a
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

/** What the trusted branch's tip holds beyond the prompts: the record and policy history, configuration and .mailmap. */
export interface CachedTrustedRead {
  tip: string;
  log: LogCommit[];
  firstParentLog: LogCommit[];
  config?: string;
  mailmap?: string;
}

/** Which tag targets are reachable from a trusted tip: a fact of the two commits. */
export interface CachedReachability {
  tip: string;
  checked: string[];
  merged: string[];
}

interface CacheFile {
  format: typeof FORMAT;
  facts: Record<string, BlobFacts>;
  texts: Record<string, string>;
  promptLog?: CachedLog;
  trustedRead?: CachedTrustedRead;
  reachability?: CachedReachability;
}

/** Change it whenever the shape of the data or the way git's output is parsed changes. */
const FORMAT = 'prompt-release-cache-1';
const FILE = path.join('prompt-release', 'cache-v1.json');

export class PersistentCache {
  private facts = new Map<string, BlobFacts>();
  private texts = new Map<string, string>();
  private usedFacts = new Set<string>();
  private usedTexts = new Set<string>();
  private changed = false;
  promptLog?: CachedLog;
  trustedRead?: CachedTrustedRead;
  reachability?: CachedReachability;

  private constructor(private readonly file?: string) {}

  /** No file: a cache that lives for this process only (verify, tests, read-only repositories). */
  static inMemory(): PersistentCache {
    return new PersistentCache();
  }

  static load(gitDir: string): PersistentCache {
    const cache = new PersistentCache(path.join(gitDir, FILE));
    try {
      const data = JSON.parse(readFileSync(cache.file!, 'utf8')) as CacheFile;
      if (data.format !== FORMAT) return cache;
      cache.facts = new Map(Object.entries(data.facts ?? {}));
      cache.texts = new Map(Object.entries(data.texts ?? {}));
      cache.promptLog = data.promptLog && typeof data.promptLog.tip === 'string' && Array.isArray(data.promptLog.log) ? data.promptLog : undefined;
      cache.trustedRead = data.trustedRead && typeof data.trustedRead.tip === 'string' && Array.isArray(data.trustedRead.log) && Array.isArray(data.trustedRead.firstParentLog) ? data.trustedRead : undefined;
      cache.reachability = data.reachability && typeof data.reachability.tip === 'string' && Array.isArray(data.reachability.checked) && Array.isArray(data.reachability.merged) ? data.reachability : undefined;
    } catch {
      // Missing, half-written or not ours: start empty, and the next save replaces it.
    }
    return cache;
  }

  factsOf(blob: string): BlobFacts | undefined {
    const facts = this.facts.get(blob);
    if (facts) this.usedFacts.add(blob);
    return facts;
  }

  setFacts(blob: string, facts: BlobFacts): void {
    this.facts.set(blob, facts);
    this.usedFacts.add(blob);
    this.changed = true;
  }

  textOf(blob: string): string | undefined {
    const text = this.texts.get(blob);
    if (text !== undefined) this.usedTexts.add(blob);
    return text;
  }

  setText(blob: string, text: string): void {
    this.texts.set(blob, text);
    this.usedTexts.add(blob);
    this.changed = true;
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
   * and writes the file when anything changed. Written whole under a temporary name and
   * renamed, so a reader never sees half a file; a repository that cannot be written to
   * simply keeps no cache.
   */
  finishRun(): void {
    const unused = this.facts.size > this.usedFacts.size || this.texts.size > this.usedTexts.size;
    if (unused) {
      this.facts = new Map([...this.usedFacts].map((b) => [b, this.facts.get(b)!]));
      this.texts = new Map([...this.usedTexts].map((b) => [b, this.texts.get(b)!]));
    }
    this.usedFacts.clear();
    this.usedTexts.clear();
    if (!this.file || (!this.changed && !unused)) return;
    const data: CacheFile = {
      format: FORMAT,
      facts: Object.fromEntries(this.facts),
      texts: Object.fromEntries(this.texts),
      promptLog: this.promptLog,
      trustedRead: this.trustedRead,
      reachability: this.reachability,
    };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(temporary, JSON.stringify(data));
      renameSync(temporary, this.file);
      this.changed = false;
    } catch {
      rmSync(temporary, { force: true });
    }
  }
}
