/*
 * Writing files without ever following a link. A repository's content is data a hostile
 * contributor controls, and that includes symbolic links: a committed `out/prompts -> /etc`
 * or `.promptrelease/records/ab -> ~/.ssh` must not turn one of our writes into a write
 * somewhere else. Every writer of the tool goes through here:
 *
 * - A write names a base folder the caller vouches for (the repository root, the git
 *   directory, a folder outside the repository the user named) and a path below it. Every
 *   component of that path is looked at with lstat: a symbolic link, or anything but a folder
 *   where a folder is expected, is refused, naming it. Missing folders are created one at a
 *   time (mkdir never follows a link at its last component).
 * - A file is written under a temporary name in its own folder (O_CREAT|O_EXCL, O_NOFOLLOW
 *   where the platform has it, mode 0644), then renamed over the target; a target that is a
 *   link is refused, never written through. A new file (a record, a configuration) is created
 *   exclusively instead, so nothing already there is ever replaced.
 * - Before the rename the folder is checked to still be where the walk found it, so a link
 *   swapped in meanwhile is caught too.
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, unlinkSync, writeSync, type Stats } from 'fs';
import * as path from 'path';
import { PromptReleaseError } from '../core/common/errors';

/** 0 where the platform has no O_NOFOLLOW (Windows): there the lstat checks stand alone. */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export interface SafeWriteOptions {
  /** How a path is named in a refusal; absolute paths by default. */
  show?: (absolute: string) => string;
  /** File mode of a written file; 0o644 by default. */
  mode?: number;
}

/** What a path component turned out to be, when it is not what a write can go through. */
export function refusal(absolute: string, stats: Stats, expected: 'folder' | 'file', show: (p: string) => string = (p) => p): PromptReleaseError {
  if (stats.isSymbolicLink()) {
    let to = '';
    try {
      to = ` (to ${readlinkSync(absolute)})`;
    } catch {
      // The link's target is only a detail of the message.
    }
    return new PromptReleaseError('unsafe-path', `${show(absolute)} is a symbolic link${to}; prompt-release never writes through a link, so nothing was written there`, {
      hint: 'A link inside the repository or the output folder can point anywhere on this machine. Remove it (or, for your own output folder, name the real folder it points to) and try again.',
    });
  }
  return new PromptReleaseError('unsafe-path', `${show(absolute)} is not a ${expected}${stats.isDirectory() ? ' but a folder' : ''}; nothing was written there`, {
    hint: `Move it away; a ${expected} is needed at that path.`,
  });
}

/** What is at a path itself (a link is not followed), or undefined when nothing is. */
export function lstatOrUndefined(absolute: string): Stats | undefined {
  try {
    return lstatSync(absolute);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The components of a relative path, which must stay below its base. */
function segmentsOf(relative: string): string[] {
  const segments = relative.split(/[\\/]/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) throw new PromptReleaseError('unsafe-path', `${relative} leaves the folder it is written in; nothing was written`);
  return segments;
}

/**
 * Checks each folder from `base` down along `folders`: every existing component must be a real
 * folder, never a link. With `create`, missing ones are made (one mkdir each, which never follows
 * a link). Returns the folder's absolute path, or undefined when one is missing and not created.
 */
export function checkFolders(base: string, folders: string, create: boolean, options: SafeWriteOptions = {}): string | undefined {
  let current = base;
  for (const segment of segmentsOf(folders)) {
    current = path.join(current, segment);
    let stats = lstatOrUndefined(current);
    if (!stats) {
      if (!create) return undefined;
      try {
        mkdirSync(current, { mode: 0o755 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      stats = lstatSync(current);
    }
    if (!stats.isDirectory() || stats.isSymbolicLink()) throw refusal(current, stats, 'folder', options.show);
  }
  return current;
}

/** The folder is still the one the walk checked: no component was swapped for a link meanwhile. */
function assertStillThere(base: string, folders: string[], folder: string, options: SafeWriteOptions): void {
  let expected: string;
  let actual: string;
  try {
    expected = path.join(realpathSync(base), ...folders);
    actual = realpathSync(folder);
  } catch {
    throw new PromptReleaseError('unsafe-path', `${(options.show ?? ((p: string) => p))(folder)} changed while it was being written; nothing was written there`, { hint: 'Something else is changing this folder; try again when it is done.' });
  }
  if (expected !== actual) {
    throw new PromptReleaseError('unsafe-path', `${(options.show ?? ((p: string) => p))(folder)} now leads to ${actual}, not where it was checked; nothing was written there`, {
      hint: 'A link was put in its path while writing. Remove it and try again.',
    });
  }
}

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/**
 * Where a file write goes: its folder checked (and made) link by link, and whatever is at the
 * name already refused unless it is a regular file.
 */
function fileTarget(base: string, relative: string, options: SafeWriteOptions): { segments: string[]; name: string; folder: string; target: string } {
  const segments = segmentsOf(relative);
  const name = segments.pop();
  if (!name) throw new PromptReleaseError('unsafe-path', `no file name in ${relative}`);
  const folder = checkFolders(base, segments.join('/'), true, options)!;
  const target = path.join(folder, name);
  const existing = lstatOrUndefined(target);
  if (existing && (!existing.isFile() || existing.isSymbolicLink())) throw refusal(target, existing, 'file', options.show);
  return { segments, name, folder, target };
}

/**
 * Writes `data` to `base/relative`, replacing a regular file there, through a temporary file in
 * the same folder renamed over it. A link (at the file or at any folder on the way) is refused.
 */
export function replaceFileNoFollow(base: string, relative: string, data: string | Buffer, options: SafeWriteOptions = {}): string {
  const { segments, name, folder, target } = fileTarget(base, relative, options);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let attempt = 0; ; attempt++) {
    const temporary = path.join(folder, `.${name}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
    let fd: number;
    try {
      fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, options.mode ?? 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 5) continue;
      throw err;
    }
    try {
      try {
        writeAll(fd, bytes);
      } finally {
        closeSync(fd);
      }
      assertStillThere(base, segments, folder, options);
      const now = lstatOrUndefined(target);
      if (now && (!now.isFile() || now.isSymbolicLink())) throw refusal(target, now, 'file', options.show);
      // rename replaces the name itself; it never writes through a link at the target.
      renameSync(temporary, target);
      return target;
    } catch (err) {
      rmSync(temporary, { force: true });
      throw err;
    }
  }
}

/**
 * Creates `base/relative` with `data`, exclusively: it fails when anything (a file, a link,
 * even one leading nowhere) is already at that name, so nothing is ever replaced.
 */
export function createFileNoFollow(base: string, relative: string, data: string | Buffer, options: SafeWriteOptions = {}): string {
  const { segments, name, folder, target } = fileTarget(base, relative, options);
  assertStillThere(base, segments, folder, options);
  // O_EXCL with O_CREAT never follows a link at the last component, even without O_NOFOLLOW.
  const fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, options.mode ?? 0o644);
  try {
    writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  } finally {
    closeSync(fd);
  }
  return target;
}

/** Removes the regular file `base/relative` without following links; a link or folder on the way is refused. */
export function removeFileNoFollow(base: string, relative: string, options: SafeWriteOptions = {}): boolean {
  const segments = segmentsOf(relative);
  const name = segments.pop();
  if (!name) return false;
  const folder = checkFolders(base, segments.join('/'), false, options);
  if (!folder) return false;
  const target = path.join(folder, name);
  const existing = lstatOrUndefined(target);
  if (!existing) return false;
  if (!existing.isFile() || existing.isSymbolicLink()) throw refusal(target, existing, 'file', options.show);
  assertStillThere(base, segments, folder, options);
  unlinkSync(target);
  return true;
}

/** Reads a regular file without following a link at its name; undefined when it is not one. */
export function readFileNoFollow(absolute: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(absolute, constants.O_RDONLY | NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** One entry under a folder, by forward-slash path relative to it. */
export type TreeEntry = { path: string; kind: 'file'; bytes: Buffer } | { path: string; kind: 'folder' } | { path: string; kind: 'link'; to: string } | { path: string; kind: 'other' };

/**
 * Everything under `folder`, never descending into a link: files with their bytes, folders,
 * links (with where they point) and anything else, each by relative forward-slash path.
 */
export function listTreeNoFollow(folder: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(folder, ...sub.split('/').filter(Boolean)), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      const absolute = path.join(folder, ...rel.split('/'));
      if (entry.isSymbolicLink()) {
        let to = '';
        try {
          to = readlinkSync(absolute);
        } catch {
          // Only shown.
        }
        entries.push({ path: rel, kind: 'link', to });
      } else if (entry.isDirectory()) {
        entries.push({ path: rel, kind: 'folder' });
        walk(rel);
      } else if (entry.isFile()) {
        const bytes = readFileNoFollow(absolute);
        entries.push(bytes ? { path: rel, kind: 'file', bytes } : { path: rel, kind: 'other' });
      } else {
        entries.push({ path: rel, kind: 'other' });
      }
    }
  };
  walk('');
  return entries;
}
