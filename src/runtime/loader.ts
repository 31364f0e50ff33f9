/*
 * The runtime loader for Node applications: reads prompts from a directory written by
 * `prompt-release export`, and refuses any whose bytes are not the released ones recorded in
 * its lock file. No dependencies beyond Node itself.
 *
 *   const { createPromptLoader } = require('prompt-release-control');
 *   const prompts = createPromptLoader('./prompts-production');
 *   const text = prompts.load('prompts/support.prompt.md');
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
  /** The text of a prompt, after checking its bytes against the lock file. */
  load(promptPath: string): string;
  /** The lock entry of a prompt (version, tag, approvers), without reading it. */
  entry(promptPath: string): LoadedEntry;
}

export function createPromptLoader(directory: string): PromptLoader {
  const lockPath = path.join(directory, LOCK_FILE);
  let lock: { format?: string; environment?: string; prompts?: LoadedEntry[] };
  try {
    lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  } catch (err) {
    throw new PromptIntegrityError(`cannot read ${lockPath}: ${(err as Error).message}. Export the prompts with "prompt-release export --env ENV --out ${directory}".`);
  }
  if (lock.format !== LOCK_FORMAT || !Array.isArray(lock.prompts) || typeof lock.environment !== 'string') {
    throw new PromptIntegrityError(`${lockPath} is not a ${LOCK_FORMAT} lock file written by prompt-release export`);
  }
  const entries = lock.prompts;
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const entry = (promptPath: string): LoadedEntry => {
    const normalized = promptPath.split(path.sep).join('/').replace(/^\.\//, '');
    const found = byPath.get(normalized);
    if (!found) throw new PromptIntegrityError(`${normalized} is not in ${lockPath}: it was not released to ${lock.environment}, or the directory was exported without it`);
    return found;
  };
  return {
    environment: lock.environment,
    entries,
    entry,
    load(promptPath: string): string {
      const found = entry(promptPath);
      const file = path.join(directory, ...found.path.split('/'));
      if (path.relative(directory, file).startsWith('..')) throw new PromptIntegrityError(`${found.path} points outside ${directory}`);
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        throw new PromptIntegrityError(`cannot read ${file}: ${(err as Error).message}`);
      }
      const hash = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
      if (hash !== found.contentHash) {
        throw new PromptIntegrityError(`${found.path} in ${directory} is not the released content: v${found.version} (${found.tag}) has ${found.contentHash}, the file has ${hash}. Export again, or find out who changed it.`);
      }
      return bytes.toString('utf8');
    },
  };
}

/** One prompt, checked against the lock file of its directory. */
export function loadPrompt(directory: string, promptPath: string): string {
  return createPromptLoader(directory).load(promptPath);
}
