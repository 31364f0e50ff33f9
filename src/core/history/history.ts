import type { Identity } from '../ownership/identity';

/** One commit from `git log --raw -c -M --parents`, as plain data. */
export interface LogCommit {
  commit: string;
  /** Parents as git printed them (rewritten to the nearest listed ancestors when a log is path-limited). */
  parents: string[];
  author: Identity;
  /** People named in `Co-authored-by:` trailers. */
  coAuthors: Identity[];
  /** Author time, seconds since the epoch: shown to people, never used to order evidence. */
  time: number;
  changes: FileChange[];
}

export const ZERO_OID = '0000000000000000000000000000000000000000';

export interface FileChange {
  path: string;
  /** A: added, M: modified, D: deleted, T: type changed, R: renamed, C: copied; merge entries are M. */
  status: 'A' | 'M' | 'D' | 'T' | 'R' | 'C';
  /** Blob after the change; the zero id for deletions. */
  blob: string;
  /** File mode after the change: 100644/100755 files, 120000 symlinks, 160000 submodules. */
  mode: string;
  /**
   * What the content came from: the previous blob at this path, the source of a rename or
   * copy, or, in a merge, the blob of each parent. Absent for an addition.
   */
  sources: { path: string; blob: string }[];
  /** True when the change is a merge's own content: it differs from every parent. */
  merge?: boolean;
}

export interface PathEvent {
  commit: string;
  author: Identity;
  /** People named in the commit's `Co-authored-by:` trailers, as written. */
  coAuthors?: Identity[];
  time: number;
  status: FileChange['status'];
  blob: string;
  /** For a rename: the path it was renamed from. */
  from?: string;
}

/** path -> its changes, newest first (the order people read a history in). */
export type PathHistory = Map<string, PathEvent[]>;

/** Indexes a parents-first log by path, newest first. */
export function indexHistory(log: LogCommit[]): PathHistory {
  const index: PathHistory = new Map();
  for (let i = log.length - 1; i >= 0; i--) {
    const c = log[i];
    for (const change of c.changes) {
      let events = index.get(change.path);
      if (!events) index.set(change.path, (events = []));
      const from = change.status === 'R' ? change.sources.find((s) => s.path !== change.path)?.path : undefined;
      events.push({ commit: c.commit, author: c.author, ...(c.coAuthors.length ? { coAuthors: c.coAuthors } : {}), time: c.time, status: change.status, blob: change.blob, ...(from ? { from } : {}) });
    }
  }
  return index;
}

/**
 * The rename rule, step one, the same for a whole-repository read and one prompt's history:
 * the commits of a log (read without rename detection) where a followed file was added or
 * deleted, or added by a merge against every parent (a rename made in the merge itself), each
 * with the parent git's rename detection (`git diff-tree -M`, default similarity) compares it with.
 */
export function renameCandidates(log: LogCommit[], follows: (path: string) => boolean, sides?: Map<string, { added: boolean; deleted: boolean }>): { commit: string; firstParent: string }[] {
  const found: { commit: string; firstParent: string }[] = [];
  for (const c of log) {
    if (c.parents.length === 0) continue;
    // What a whole-tree read saw of a single-parent commit: a rename needs a deletion and an addition.
    const seen = c.parents.length === 1 ? sides?.get(c.commit) : undefined;
    const candidate = c.changes.some(
      (ch) =>
        follows(ch.path) &&
        (ch.merge ? ch.blob !== ZERO_OID && ch.sources.every((s) => s.blob === ZERO_OID) : (ch.status === 'A' && seen?.deleted !== false) || (ch.status === 'D' && seen?.added !== false)),
    );
    if (candidate) found.push({ commit: c.commit, firstParent: c.parents[0] });
  }
  return found;
}

/**
 * The rename rule, step two: a rename found in a commit takes the place of the deletion and
 * the addition it shows as without rename detection. In a merge, the renamed file came from
 * what each parent had under the old name (authorship follows every side), not only the first
 * parent's. Applying the same renames again changes nothing.
 */
export function applyRenames(log: LogCommit[], renames: Map<string, FileChange[]>): void {
  for (const c of log) {
    const renamed = renames.get(c.commit);
    if (!renamed?.length) continue;
    const byPath = new Map(c.changes.map((ch) => [ch.path, ch]));
    const placed = renamed.map((r) => {
      const applied = byPath.get(r.path);
      if (applied?.status === 'R') return applied;
      const from = r.sources[0]?.path;
      const combined = from === undefined ? undefined : byPath.get(from);
      if (!combined?.merge) return r;
      const sides = combined.sources.filter((s) => s.blob !== ZERO_OID).map((s) => ({ path: from!, blob: s.blob }));
      return { ...r, sources: sides.length ? sides : r.sources, merge: true };
    });
    const gone = new Set(placed.flatMap((r) => [r.path, ...r.sources.map((x) => x.path)]));
    c.changes = [...c.changes.filter((ch) => !gone.has(ch.path)), ...placed];
  }
}

/** Earlier paths of a file, following renames in the log: newest name first. */
export function renameIndex(log: LogCommit[]): Map<string, string[]> {
  const previous = new Map<string, Set<string>>();
  for (const c of log) {
    for (const change of c.changes) {
      if (change.status !== 'R') continue;
      for (const s of change.sources) {
        if (s.path === change.path) continue;
        let set = previous.get(change.path);
        if (!set) previous.set(change.path, (set = new Set()));
        set.add(s.path);
      }
    }
  }
  const result = new Map<string, string[]>();
  for (const path of previous.keys()) {
    const seen = new Set<string>([path]);
    const queue = [path];
    const order: string[] = [];
    while (queue.length) {
      for (const p of previous.get(queue.shift()!) ?? []) {
        if (seen.has(p)) continue;
        seen.add(p);
        order.push(p);
        queue.push(p);
      }
    }
    result.set(path, order);
  }
  return result;
}

/**
 * Ancestry among the commits of a log. Commit order is the only order evidence has: a time
 * written in a record or a commit can be anything its writer chose.
 */
export class CommitGraph {
  private readonly parents = new Map<string, string[]>();
  private readonly ancestorCache = new Map<string, Set<string>>();

  constructor(log: LogCommit[]) {
    for (const c of log) this.parents.set(c.commit, c.parents);
  }

  has(commit: string): boolean {
    return this.parents.has(commit);
  }

  /** Is `a` a proper ancestor of `b`? */
  isAncestor(a: string, b: string): boolean {
    if (a === b) return false;
    return this.ancestorsOf(b).has(a);
  }

  private ancestorsOf(commit: string): Set<string> {
    const cached = this.ancestorCache.get(commit);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [...(this.parents.get(commit) ?? [])];
    while (stack.length) {
      const c = stack.pop()!;
      if (seen.has(c)) continue;
      seen.add(c);
      for (const p of this.parents.get(c) ?? []) if (!seen.has(p)) stack.push(p);
    }
    this.ancestorCache.set(commit, seen);
    return seen;
  }
}

/**
 * The releases of a prompt under any of its names. A release made under an earlier name is
 * this prompt's when the content it released is one this prompt had under that name (a file
 * later re-created at the old path is another prompt).
 */
export function releasesUnderNames<R extends { evidence: { blob: string } }>(names: string[], releasesOf: (name: string) => R[] | undefined, eventsOf: (name: string) => PathEvent[] | undefined): R[] {
  const [path, ...earlier] = names;
  const own = releasesOf(path) ?? [];
  if (earlier.length === 0) return own;
  const inherited = earlier.flatMap((name) => {
    const blobs = new Set((eventsOf(name) ?? []).map((e) => e.blob));
    return (releasesOf(name) ?? []).filter((r) => blobs.has(r.evidence.blob));
  });
  return [...inherited, ...own];
}
