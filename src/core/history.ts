import { normalizeEmail, type Identity } from './identity';

/** One commit from `git log --raw`, as plain data. */
export interface LogCommit {
  commit: string;
  author: Identity;
  /** Author time, seconds since the epoch. */
  time: number;
  changes: FileChange[];
}

export interface FileChange {
  path: string;
  status: 'A' | 'M' | 'D' | 'T';
  /** Blob after the change; the zero id for deletions. */
  blob: string;
}

export interface PathEvent {
  commit: string;
  author: Identity;
  time: number;
  status: FileChange['status'];
  blob: string;
}

/** path -> its changes, newest first (the order `git log` prints). */
export type PathHistory = Map<string, PathEvent[]>;

export function indexHistory(log: LogCommit[]): PathHistory {
  const index: PathHistory = new Map();
  for (const c of log) {
    for (const change of c.changes) {
      let events = index.get(change.path);
      if (!events) index.set(change.path, (events = []));
      events.push({ commit: c.commit, author: c.author, time: c.time, status: change.status, blob: change.blob });
    }
  }
  return index;
}

export type Attribution =
  | { ok: true; commit: string; time: number }
  | { ok: false; reason: string };

/**
 * A record counts only when a commit added exactly this content of the file and that
 * commit was authored by the identity the record names. A later edit leaves other content
 * at the path, which then matches no adding commit.
 */
export function attributeRecord(path: string, blob: string, by: Identity, history: PathHistory): Attribution {
  const events = history.get(path) ?? [];
  const adds = events.filter((e) => e.status === 'A');
  if (adds.length === 0) {
    return { ok: false, reason: 'no commit in the history adds it (it may come from a merge resolution), so its author cannot be checked' };
  }
  const added = adds.find((e) => e.blob === blob);
  if (!added) {
    const editor = events.find((e) => e.blob === blob) ?? events[0];
    return { ok: false, reason: `it was edited after it was recorded (commit ${editor.commit.slice(0, 10)} by ${editor.author.email})` };
  }
  if (normalizeEmail(added.author.email) !== normalizeEmail(by.email)) {
    return { ok: false, reason: `commit ${added.commit.slice(0, 10)} that added it was authored by ${added.author.email}, not by ${by.email} whom it names` };
  }
  return { ok: true, commit: added.commit, time: added.time };
}

/**
 * Who wrote the current content: the authors of every commit that changed the prompt
 * since the last released content before it. They may not approve it.
 */
export function authorsOfContent(events: PathEvent[], currentBlob: string, releasedBlobs: Set<string>): Identity[] {
  const authors = new Map<string, Identity>();
  const start = events.findIndex((e) => e.blob === currentBlob && e.status !== 'D');
  if (start < 0) return [];
  for (let i = start; i < events.length; i++) {
    const e = events[i];
    if (i > start && releasedBlobs.has(e.blob) && e.blob !== currentBlob) break;
    if (e.status === 'D') continue;
    authors.set(normalizeEmail(e.author.email), e.author);
  }
  return [...authors.values()];
}
