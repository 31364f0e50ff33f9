/*
 * The runtime loader for Node applications: reads prompts from a directory written by
 * `prompt-release export`, and refuses any whose bytes are not the released ones recorded in
 * its lock file. No dependencies beyond Node itself.
 *
 *   const { createPromptLoader } = require('prompt-release-control');
 *   const prompts = createPromptLoader('./prompts-production');
 *   const text = prompts.load('prompts/support.prompt.md');
 *   const tone = prompts.load('prompts/_tone.prompt'); // a file the exported prompts include
 *
 * Loading a prompt also checks every file it includes, so a template engine that reads a
 * partial from the directory reads the released one.
 */
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import * as path from 'path';

const LOCK_FILE = 'prompt-release.lock.json';
const LOCK_FORMAT = 'prompt-release-lock/1';

export interface LoadedEntry {
  path: string;
  version: number;
  tag: string;
  contentHash: string;
  approvers: string[];
  releasedAt: string;
  releasedBy: string;
}

/** A file exported prompts include, at the content their releases pin. */
export interface LoadedInclude {
  path: string;
  contentHash: string;
  /** The exported prompts that include it. */
  includedBy: string[];
}

/** Raised for a missing lock, an unknown prompt, or content that is not the released content. */
export class PromptIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromptIntegrityError';
  }
}

export interface PromptLoader {
  /** The environment the directory was exported from. */
  environment: string;
  /** Every prompt the lock file lists. */
  entries: LoadedEntry[];
  /** Every file the exported prompts include. */
  includes: LoadedInclude[];
  /**
   * The text of a prompt, after checking its bytes and those of every file it includes against
   * the lock file; or the text of an included file, after checking its bytes.
   */
  load(promptPath: string): string;
  /** The lock entry of a prompt (version, tag, approvers), without reading it. */
  entry(promptPath: string): LoadedEntry;
}

export function createPromptLoader(directory: string): PromptLoader {
  const lockPath = path.join(directory, LOCK_FILE);
  let lock: { format?: string; environment?: string; prompts?: LoadedEntry[]; includes?: LoadedInclude[] };
  try {
    lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  } catch (err) {
    throw new PromptIntegrityError(`cannot read ${lockPath}: ${(err as Error).message}. Export the prompts with "prompt-release export --env ENV --out ${directory}".`);
  }
  if (lock.format !== LOCK_FORMAT || !Array.isArray(lock.prompts) || typeof lock.environment !== 'string' || (lock.includes !== undefined && !Array.isArray(lock.includes))) {
    throw new PromptIntegrityError(`${lockPath} is not a ${LOCK_FORMAT} lock file written by prompt-release export`);
  }
  const environment = lock.environment;
  const entries = lock.prompts;
  const includes = lock.includes ?? [];
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const includeByPath = new Map(includes.map((e) => [e.path, e]));
  const normalize = (file: string) => file.split(path.sep).join('/').replace(/^\.\//, '');
  const entry = (promptPath: string): LoadedEntry => {
    const normalized = normalize(promptPath);
    const found = byPath.get(normalized);
    if (!found) throw new PromptIntegrityError(`${normalized} is not in ${lockPath}: it was not released to ${environment}, or the directory was exported without it`);
    return found;
  };
  /** The bytes of a locked file, if they hash to what the lock says. */
  const read = (file: string, expected: string, what: string): Buffer => {
    const absolute = path.resolve(directory, ...file.split('/'));
    const relative = path.relative(path.resolve(directory), absolute);
    if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) throw new PromptIntegrityError(`${file} points outside ${directory}`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(absolute);
    } catch (err) {
      throw new PromptIntegrityError(`cannot read ${absolute}: ${(err as Error).message}`);
    }
    const hash = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
    if (hash !== expected) {
      throw new PromptIntegrityError(`${file} in ${directory} is not the released content: ${what} has ${expected}, the file has ${hash}. Export again, or find out who changed it.`);
    }
    return bytes;
  };
  const readInclude = (inc: LoadedInclude) => read(inc.path, inc.contentHash, `the version ${inc.includedBy.join(', ')} ${inc.includedBy.length === 1 ? 'was' : 'were'} released with`);
  return {
    environment,
    entries,
    includes,
    entry,
    load(promptPath: string): string {
      const normalized = normalize(promptPath);
      const found = byPath.get(normalized);
      if (!found) {
        const inc = includeByPath.get(normalized);
        if (inc) return readInclude(inc).toString('utf8');
        return entry(normalized).path; // throws: neither a prompt nor an include of one
      }
      const bytes = read(found.path, found.contentHash, `v${found.version} (${found.tag})`);
      for (const inc of includes) if (inc.includedBy.includes(found.path)) readInclude(inc);
      return bytes.toString('utf8');
    },
  };
}

/** One prompt, checked against the lock file of its directory. */
export function loadPrompt(directory: string, promptPath: string): string {
  return createPromptLoader(directory).load(promptPath);
}
