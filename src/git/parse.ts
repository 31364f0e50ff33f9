import type { FileChange, LogCommit } from '../core/history';
import type { RawTag } from '../core/releases';

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

export const LOG_FORMAT = '--format=%x01%H%x00%at%x00%ae%x00%an%x00';

/** `git log -z --raw --no-renames` with LOG_FORMAT. */
export function parseLog(output: string): LogCommit[] {
  const commits: LogCommit[] = [];
  for (const chunk of output.split('\x01')) {
    if (!chunk) continue;
    const fields = chunk.split('\0');
    const [commit, at, email, name] = fields;
    const changes: FileChange[] = [];
    for (let i = 4; i + 1 < fields.length; i++) {
      const meta = fields[i].replace(/^\s+/, '');
      if (!meta.startsWith(':')) continue;
      const parts = meta.split(' ');
      const status = parts[4]?.[0] as FileChange['status'];
      changes.push({ path: fields[i + 1], status, blob: parts[3] });
      i++;
    }
    commits.push({ commit, time: Number(at), author: { email, name }, changes });
  }
  return commits;
}

export const TAG_FORMAT =
  '--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(taggername)%00%(taggeremail:trim)%00%(taggerdate:unix)%00%(contents)%00%1e';

/** `git for-each-ref` with TAG_FORMAT: a tag message cannot contain NUL, so NUL+RS ends a record. */
export function parseTags(output: string): RawTag[] {
  const tags: RawTag[] = [];
  for (const record of output.split('\0\x1e')) {
    const fields = record.replace(/^\n/, '').split('\0');
    if (fields.length < 8) continue;
    const [ref, objectType, object, peeled, taggerName, taggerEmail, taggerTime, message] = fields;
    tags.push({
      name: ref.replace(/^refs\/tags\//, ''),
      objectType,
      commit: peeled || object,
      message,
      tagger: taggerEmail ? { name: taggerName, email: taggerEmail.replace(/^<|>$/g, '') } : undefined,
      taggerTime: taggerTime ? Number(taggerTime) : undefined,
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
