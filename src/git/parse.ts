import type { FileChange, LogCommit } from '../core/history/history';
import type { Identity } from '../core/ownership/identity';
import type { RawTag } from '../core/releases/releases';
import { splitTagObject } from '../core/reviews/signedEvidence';

export interface TreeEntry {
  mode: string;
  type: string;
  blob: string;
  path: string;
}

/** `git ls-tree -r -z` output. */
export function parseLsTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const line of output.split('\0')) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    const [mode, type, blob] = line.slice(0, tab).split(' ');
    entries.push({ mode, type, blob, path: line.slice(tab + 1) });
  }
  return entries;
}

/** Commit id, parents, author time, email, name, then Co-authored-by values separated by US. */
export const LOG_FORMAT = '--format=%x01%H%x00%P%x00%at%x00%ae%x00%an%x00%(trailers:key=Co-authored-by,valueonly,separator=%x1f)%x00';

/** Flags every history read uses: raw changes with full ids, merges as combined diffs, renames followed, no programs. */
export const LOG_FLAGS = ['-z', '--raw', '-c', '-M', '--no-abbrev', '--no-ext-diff', '--no-textconv', '--no-color', LOG_FORMAT];

/**
 * Rename detection, the same for every history read (see renameCandidates): git's default
 * similarity, content only, no programs. Reads `<commit> <parent>` lines on stdin.
 */
export const RENAME_DETECTION = ['diff-tree', '-z', '-r', '--raw', '-M', '--diff-filter=R', '--no-abbrev', '--no-ext-diff', '--no-textconv', '--stdin', LOG_FORMAT];

function parseCoAuthors(text: string): Identity[] {
  return text
    .split('\x1f')
    .map((t) => /^(.*?)\s*<([^<>]+)>\s*$/.exec(t.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1], email: m[2] }));
}

/**
 * `git log` with LOG_FLAGS. A raw entry is `:modes… blobs… STATUS` then one path (two for a
 * rename or copy); a merge's combined entry starts with one colon per parent. `keep` drops
 * the changes of other files while reading, and then the commits left with none that are not
 * merges: a whole-history log is mostly other files, and building objects for them only to
 * throw them away costs more than git's read.
 *
 * `sides`, when given, learns for each commit whether its diff added and deleted anything at
 * all, kept paths or not: in a read of the whole tree (no pathspec), a commit that deleted
 * nothing holds no rename target, and one that added nothing no rename source.
 */
export interface CommitSides {
  added: boolean;
  deleted: boolean;
}

export function parseLog(output: string, keep?: (path: string) => boolean, sides?: Map<string, CommitSides>): LogCommit[] {
  const commits: LogCommit[] = [];
  // Where each header field after the commit id starts and stops (parents, time, email, name,
  // trailers): sliced only for a commit that is kept. Reused from commit to commit.
  const bounds: number[] = new Array(10).fill(0);
  const headerField = (k: number) => output.slice(bounds[2 * k], bounds[2 * k + 1]);
  let start = output.indexOf('\x01');
  while (start !== -1) {
    const next = output.indexOf('\x01', start + 1);
    const end = next === -1 ? output.length : next;
    let at = start + 1;
    const field = (): string => {
      let stop = output.indexOf('\0', at);
      if (stop === -1 || stop > end) stop = end;
      const text = output.slice(at, stop);
      at = stop + 1;
      return text;
    };
    const commit = field();
    for (let k = 0; k < 5; k++) {
      let stop = output.indexOf('\0', at);
      if (stop === -1 || stop > end) stop = end;
      bounds[2 * k] = at;
      bounds[2 * k + 1] = stop;
      at = stop + 1;
    }
    const changes: FileChange[] = [];
    let added = false;
    let deleted = false;
    while (at < end) {
      // The meta field is read in place: most changes of a whole-history log are not kept, and
      // slicing each one cost a string and a regular expression per changed file.
      while (at < end && (output.charCodeAt(at) === 10 || output.charCodeAt(at) === 32 || output.charCodeAt(at) === 9 || output.charCodeAt(at) === 13)) at++;
      let metaEnd = output.indexOf('\0', at);
      if (metaEnd === -1 || metaEnd > end) metaEnd = end;
      const metaStart = at;
      at = metaEnd + 1;
      if (output.charCodeAt(metaStart) !== 58) continue;
      let colons = 0;
      while (output.charCodeAt(metaStart + colons) === 58) colons++;
      const lastSpace = output.lastIndexOf(' ', metaEnd - 1);
      const letter = output[lastSpace >= metaStart ? lastSpace + 1 : metaStart] as FileChange['status'];
      const path = field();
      const target = colons === 1 && (letter === 'R' || letter === 'C') ? field() : undefined;
      if (letter === 'A') added = true;
      else if (letter === 'D') deleted = true;
      if (keep && !keep(path) && !(target !== undefined && keep(target))) continue;
      const parts = output.slice(metaStart + colons, metaEnd).split(' ');
      // colons parents' modes + the result's mode, then as many blobs, then the status letters.
      const modes = parts.slice(0, colons + 1);
      const blobs = parts.slice(colons + 1, 2 * colons + 2);
      if (colons > 1) {
        changes.push({ path, status: 'M', blob: blobs[colons], mode: modes[colons], sources: blobs.slice(0, colons).map((b) => ({ path, blob: b })), merge: true });
      } else if (target !== undefined) {
        changes.push({ path: target, status: letter, blob: blobs[1], mode: modes[1], sources: [{ path, blob: blobs[0] }] });
      } else {
        changes.push({ path, status: letter, blob: blobs[1], mode: modes[1], sources: letter === 'A' ? [] : [{ path, blob: blobs[0] }] });
      }
    }
    sides?.set(commit, { added, deleted });
    start = next;
    // With a filter, a commit that kept no change and is not a merge says nothing of the kept paths.
    const parentList = headerField(0);
    if (keep && changes.length === 0 && !parentList.includes(' ')) continue;
    const trailers = headerField(4);
    commits.push({
      commit,
      parents: parentList ? parentList.split(' ').filter(Boolean) : [],
      time: Number(headerField(1)),
      author: { email: headerField(2), name: headerField(3) },
      coAuthors: trailers ? parseCoAuthors(trailers) : [],
      changes,
    });
  }
  return commits;
}

/** Last, for annotated tags only, the whole tag object (%(raw)): a signature covers its exact bytes. Never a tagged blob's content. */
export const TAG_FORMAT =
  '--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(taggername)%00%(taggeremail:trim)%00%(taggerdate:unix)%00%(*objecttype)%00%(contents)%00%(if:equals=tag)%(objecttype)%(then)%(raw)%(end)%00%1e';

/** `git for-each-ref` with TAG_FORMAT: a tag message cannot contain NUL, so NUL+RS ends a record. */
export function parseTags(output: string): RawTag[] {
  const tags: RawTag[] = [];
  for (const record of output.split('\0\x1e')) {
    const fields = record.replace(/^\n/, '').split('\0');
    if (fields.length < 9) continue;
    const [ref, objectType, object, peeled, taggerName, taggerEmail, taggerTime, peeledType, message] = fields;
    // The whole tag object comes last: what a signature covers is its own bytes, split as git splits them.
    const signed = objectType === 'tag' && fields.length >= 10 ? splitTagObject(fields.slice(9).join('\0')) : undefined;
    tags.push({
      name: ref.replace(/^refs\/tags\//, ''),
      objectType,
      commit: peeled || object,
      targetType: objectType === 'tag' ? peeledType : objectType,
      message,
      tagger: taggerEmail ? { name: taggerName, email: taggerEmail.replace(/^<|>$/g, '') } : undefined,
      taggerTime: taggerTime ? Number(taggerTime) : undefined,
      ...(signed?.signature ? { signature: signed.signature, payload: signed.payload } : {}),
    });
  }
  return tags;
}

export type StatusCode = 'modified' | 'deleted' | 'untracked';

/** `git status --porcelain=v1 -z --no-renames`: path -> how the working copy differs from HEAD. */
export function parseStatus(output: string): Map<string, StatusCode> {
  const result = new Map<string, StatusCode>();
  for (const entry of output.split('\0')) {
    if (entry.length < 4) continue;
    const xy = entry.slice(0, 2);
    const path = entry.slice(3);
    if (xy === '??') result.set(path, 'untracked');
    else if (xy.includes('D')) result.set(path, 'deleted');
    else if (xy[0] === 'A') result.set(path, 'untracked');
    else result.set(path, 'modified');
  }
  return result;
}

export interface BatchObject {
  oid: string;
  type: string;
  bytes: Buffer;
}

/** Splits `git cat-file --batch` output into one entry per request, in order; missing ones are undefined. */
export function parseCatFileBatch(output: Buffer, count: number): (BatchObject | undefined)[] {
  const results: (BatchObject | undefined)[] = [];
  let pos = 0;
  while (results.length < count && pos < output.length) {
    const eol = output.indexOf(0x0a, pos);
    const header = output.toString('utf8', pos, eol);
    pos = eol + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      results.push(undefined);
      continue;
    }
    const [oid, type, size] = header.split(' ');
    results.push({ oid, type, bytes: output.subarray(pos, pos + Number(size)) });
    pos += Number(size) + 1;
  }
  while (results.length < count) results.push(undefined);
  return results;
}

/** `git cat-file --batch-check` lines: `<oid> <type> <size>` or `<name> missing`. */
export function parseBatchCheck(output: string, count: number): ({ oid: string; type: string } | undefined)[] {
  const lines = output.split('\n').slice(0, count);
  const result = lines.map((line) => {
    const [oid, type] = line.split(' ');
    return type && type !== 'missing' && type !== 'ambiguous' ? { oid, type } : undefined;
  });
  while (result.length < count) result.push(undefined);
  return result;
}

/**
 * A log read while git is still writing it. Nothing is parsed until the first `commits(keep)`
 * says which paths to keep; from then on each complete commit is parsed as it arrives, so
 * little is left when git ends. Another `keep` (a configuration that changed the prompt globs)
 * parses the whole text again.
 */
export class StreamedLog {
  /** What came and is not parsed yet: all of it until a filter is given, then an unfinished commit. */
  private pending = '';
  private live?: { keep: (path: string) => boolean; sides: Map<string, CommitSides>; commits: LogCommit[] };
  private ended = false;
  /** The whole text, once git has ended (the runner has it whole anyway). */
  readonly done: Promise<string>;

  constructor(read: (onText: (text: string) => void) => Promise<string>) {
    this.done = read((text) => this.take(text)).then((whole) => {
      this.ended = true;
      return whole;
    });
    this.done.catch(() => undefined);
  }

  /** The commits with the changes of kept paths, and what each commit added or deleted at all. */
  async commits(keep: (path: string) => boolean): Promise<{ log: LogCommit[]; sides: Map<string, CommitSides> }> {
    if (!this.live) {
      this.live = { keep, sides: new Map(), commits: [] };
      if (!this.ended) this.parseComplete();
    }
    const whole = await this.done;
    if (this.live.keep !== keep) {
      const sides = new Map<string, CommitSides>();
      return { log: parseLog(whole, keep, sides), sides };
    }
    if (this.pending) {
      for (const c of parseLog(this.pending, keep, this.live.sides)) this.live.commits.push(c);
      this.pending = '';
    }
    return { log: this.live.commits, sides: this.live.sides };
  }

  private take(text: string): void {
    this.pending += text;
    if (this.live) this.parseComplete();
  }

  /** Parses every commit whose start marker has a later one after it: those are whole. */
  private parseComplete(): void {
    const cut = this.pending.lastIndexOf('\x01');
    if (cut <= 0) return;
    for (const c of parseLog(this.pending.slice(0, cut), this.live!.keep, this.live!.sides)) this.live!.commits.push(c);
    this.pending = this.pending.slice(cut);
  }
}
