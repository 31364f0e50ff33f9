import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from 'fs';
import * as path from 'path';
import { findEnvironment } from '../core/policy/config';
import { changelogEntries, changelogMarkdown } from '../core/releases/changelog';
import { checkDrift, describeConflict, liveRelease, LOCK_FILE, lockFile, parseLockFile, planExport, safeRelativePath, type LockFile } from '../core/delivery/delivery';
import { PromptReleaseError } from '../core/common/errors';
import { contentHash, shortHash } from '../core/prompts/hash';
import { notAPrompt } from '../core/reviews/operations';
import type { Release } from '../core/releases/releases';
import { verifyModel } from '../core/releases/verify';
import type { PromptRepository } from '../git/repository';
import { checkFolders, listTreeNoFollow, lstatOrUndefined, readFileNoFollow, refusal, removeFileNoFollow, replaceFileNoFollow, type TreeEntry } from '../git/safeFs';
import { EXIT } from './exitCodes';
import { briefly, type Output } from './output';

/** `show <path> --env ENV`: the content of the version live in ENV, checked by verify first. */
export async function showCommand(repo: PromptRepository, file: string, environment: string | undefined, out: Output): Promise<number> {
  if (!environment) throw new PromptReleaseError('invalid-usage', 'show needs --env: which environment\'s version to print', { hint: 'Usage: prompt-release show <path> --env production' });
  const model = await repo.model();
  findEnvironment(model.config, environment);
  const report = verifyModel(model);
  const { release, problems } = liveRelease(model, report, file, environment);
  if (!release) {
    const refused = notAPrompt(model.config, file, model.byPath.has(file) || model.releases.some((r) => r.evidence.prompt === file));
    if (refused) throw refused;
    throw new PromptReleaseError('not-found', `${file} has never been released to ${environment}`, { hint: `See where it stands with: prompt-release status ${file}` });
  }
  if (problems.length) {
    throw new PromptReleaseError('gate-blocked', `${file} v${release.evidence.version} in ${environment} (${release.tag}) fails verification: ${problems.join('; ')}`, { hint: 'Run prompt-release verify for every finding.' });
  }
  const [bytes] = await repo.readObjects([release.evidence.blob]);
  if (!bytes) throw new PromptReleaseError('not-found', `the content of ${release.tag} is not in this clone`, { hint: 'Fetch it: git fetch --tags' });
  const ev = release.evidence;
  out.data({ path: file, environment, version: ev.version, tag: release.tag, contentHash: ev.contentHash, approvals: ev.approvals.map((a) => ({ by: a.by, at: a.at, owners: a.owners })), releasedBy: ev.releasedBy, releasedAt: ev.releasedAt, content: bytes.toString('utf8') });
  if (!out.json) process.stdout.write(bytes);
  return EXIT.ok;
}

/**
 * `export --env ENV --out DIR [paths…]`: the live version of each prompt written under DIR at
 * its repository path, with prompt-release.lock.json. Verifies first and refuses, naming them,
 * versions that fail. Never writes over files it did not export itself.
 */
export async function exportCommand(repo: PromptRepository, environment: string | undefined, outDir: string | undefined, paths: string[], out: Output): Promise<number> {
  if (!environment || !outDir) throw new PromptReleaseError('invalid-usage', 'export needs --env and --out', { hint: 'Usage: prompt-release export --env production --out ./released-prompts' });
  const model = await repo.model();
  findEnvironment(model.config, environment);
  for (const p of paths) {
    const refused = notAPrompt(model.config, p, model.byPath.has(p) || model.releases.some((r) => r.evidence.prompt === p));
    if (refused) throw refused;
  }
  const report = verifyModel(model);
  const plan = planExport(model, report, environment, paths);
  if (plan.refused.length) {
    throw new PromptReleaseError('gate-blocked', `nothing was exported: ${plan.refused.length} version${plan.refused.length === 1 ? '' : 's'} live in ${environment} fail${plan.refused.length === 1 ? 's' : ''} verification: ${plan.refused.slice(0, 3).map((r) => `${r.path} (${r.tag}): ${r.problems.join(", ")}`).join('; ')}${plan.refused.length > 3 ? `; and ${plan.refused.length - 3} more` : ''}`, {
      hint: 'Run prompt-release verify for every finding; export the others by naming their paths.',
    });
  }
  if (plan.conflicts.length) {
    throw new PromptReleaseError('gate-blocked', `nothing was exported: ${plan.conflicts.map((c) => describeConflict(c, environment)).join('. ')}.`, {
      hint: 'An exported folder holds one content per file; each prompt there runs with the includes it was approved and released with.',
    });
  }
  const target = path.resolve(outDir);
  // Prompts first, then what they include; a file that is both is written once (planning made them agree).
  const writes = new Map<string, { blob: string; contentHash: string; what: string }>();
  for (const e of plan.entries) writes.set(e.path, { blob: e.blob, contentHash: e.contentHash, what: e.tag });
  for (const i of plan.includes) if (!writes.has(i.path)) writes.set(i.path, { blob: i.blob, contentHash: i.contentHash, what: `${i.path} as included by ${i.includedBy.join(', ')}` });
  const files = [...writes];
  const contents = await repo.readObjects(files.map(([, w]) => w.blob));
  files.forEach(([, w], i) => {
    if (!contents[i] || contentHash(contents[i]!) !== w.contentHash) throw new PromptReleaseError('not-found', `the content of ${w.what} is not in this clone, or not what its evidence says`, { hint: 'Fetch it: git fetch --tags' });
  });
  // What an export can have written: the content of every release tag that passed the integrity check (a hand-made one is not among them).
  const folder = examineExportFolder(repo.root, target, [...writes.keys()], releasedContents(model.releases));
  // Everything is checked before anything is written: a refusal leaves the folder as it was.
  const into = (p: string) => (folder.rel ? `${folder.rel}/${p}` : p);
  files.forEach(([p], i) => replaceFileNoFollow(folder.base, into(p), contents[i]!));
  // Only files holding exactly a released content of their path are removed; anything else stays (verify --lock reports it).
  for (const old of folder.stale) removeFileNoFollow(folder.base, into(old));
  const lock = lockFile(model, environment, plan);
  replaceFileNoFollow(folder.base, into(LOCK_FILE), JSON.stringify(lock, null, 2) + '\n');
  out.data({ out: target, lock: path.join(target, LOCK_FILE), ...lock, removed: folder.stale, leftAlone: folder.leftAlone, previousLockProblems: folder.lockDisagreements });
  if (folder.lockDisagreements.length) {
    out.line(`The ${LOCK_FILE} that was in ${target} did not match the files there and the release tags, so it was not trusted: ${briefly(folder.lockDisagreements, out, '; ')}. It was rewritten from the repository.`);
  } else if (!folder.hadLock && folder.stale.length + folder.replaced.length > 0) {
    out.line(`${target} held released files but no ${LOCK_FILE}; they were checked against the release tags and replaced.`);
  }
  if (plan.entries.length === 0) {
    out.line(`Nothing is live in ${environment}${paths.length ? ' among the prompts named' : ' yet'}, so no prompt was exported; ${folder.existed ? 'wrote' : `created ${target} with`} a ${LOCK_FILE} that lists none.`);
  } else {
    const included = plan.includes.length ? ` and the ${plan.includes.length === 1 ? 'file' : `${plan.includes.length} files`} ${plan.entries.length === 1 ? 'it includes' : 'they include'}` : '';
    out.line(`Exported ${plan.entries.length} prompt${plan.entries.length === 1 ? '' : 's'} live in ${environment}${included} to ${target}, with ${LOCK_FILE}.`);
  }
  for (const e of plan.entries) out.line(`  ${e.path}  v${e.version}  ${shortHash(e.contentHash)}  (${e.tag})`);
  for (const i of plan.includes) out.line(`  ${i.path}  ${shortHash(i.contentHash)}  (included by ${briefly(i.includedBy, out)})`);
  if (folder.stale.length) out.line(`Removed what an earlier export wrote and is no longer live: ${briefly(folder.stale, out)}`);
  if (folder.leftAlone.length) out.line(`Left alone, as no export wrote ${folder.leftAlone.length === 1 ? 'it' : 'them'}: ${briefly(folder.leftAlone, out)}`);
  const asIncludes = new Set(plan.includes.map((i) => i.path));
  const notExported = plan.unreleased.filter((p) => !asIncludes.has(p));
  const onlyIncluded = plan.unreleased.filter((p) => asIncludes.has(p));
  if (notExported.length) out.line(`Never released to ${environment}, so not exported: ${briefly(notExported, out)}`);
  if (onlyIncluded.length) out.line(`Never released to ${environment} itself, so exported only as what the prompts above include: ${briefly(onlyIncluded, out)}`);
  return EXIT.ok;
}

/** Every content each path was released with, prompts and what they include, by the given release tags. */
function releasedContents(releases: Release[]): Map<string, Set<string>> {
  const released = new Map<string, Set<string>>();
  const add = (p: string, hash: string) => released.set(p, (released.get(p) ?? new Set<string>()).add(hash));
  for (const r of releases) {
    add(r.evidence.prompt, r.evidence.contentHash);
    for (const i of r.evidence.includes ?? []) add(i.path, i.contentHash);
  }
  return released;
}

interface ExportFolder {
  /** The folder every component below which is checked, and the export folder relative to it. */
  base: string;
  rel: string;
  existed: boolean;
  hadLock: boolean;
  /** Files to be written that are there already, holding a released content of their path. */
  replaced: string[];
  /** Files holding a released content of their path that this export does not write: removed. */
  stale: string[];
  /** What no export wrote, off the paths this export writes: never touched. */
  leftAlone: string[];
  /** Where a lock file found in the folder disagrees with the files and the release tags. */
  lockDisagreements: string[];
}

/**
 * Where the export folder hangs: the repository root when it lies inside the work tree (every
 * folder from there down is content a contributor controls), else its nearest existing parent,
 * which the user chose. From there down, no component may be a link.
 */
function exportAnchor(root: string, target: string): { base: string; rel: string } {
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // The root as git gave it.
  }
  for (const r of new Set([root, real])) {
    const rel = path.relative(r, target);
    if (rel === '') throw new PromptReleaseError('invalid-usage', `--out ${target} is the repository itself; nothing was written`, { hint: 'Export into a folder of its own: --out released-prompts' });
    if (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel)) return { base: r, rel: rel.split(path.sep).join('/') };
  }
  let base = path.dirname(target);
  while (!existsSync(base) && path.dirname(base) !== base) base = path.dirname(base);
  return { base, rel: path.relative(base, target).split(path.sep).join('/') };
}

/**
 * What the export folder holds, read without following any link, judged against the
 * repository: a file is what an export wrote only when its bytes are a content its path was
 * released with (re-hashed here). A lock file found there is never trusted to say so; where it
 * disagrees, that is reported. Refuses, writing nothing, when a link or anything but a folder
 * stands on a path this export writes, when it would replace a file no export wrote, and when
 * a folder without a lock file holds anything no export wrote.
 */
function examineExportFolder(root: string, target: string, writes: string[], released: Map<string, Set<string>>): ExportFolder {
  const { base, rel } = exportAnchor(root, target);
  const existed = checkFolders(base, rel, false) !== undefined;
  const listed = existed ? listTreeNoFollow(target) : [];
  const entries = new Map(listed.map((e) => [e.path, e]));
  const hashes = new Map(listed.flatMap((e) => (e.kind === 'file' ? [[e.path, contentHash(e.bytes)] as const] : [])));
  const isReleased = (p: string) => released.get(p)?.has(hashes.get(p) ?? '') ?? false;
  const where = (p: string) => path.join(target, ...p.split('/'));
  const describe = (e: TreeEntry, wanted: 'file' | 'folder') =>
    e.kind === 'link' ? `${where(e.path)} is a symbolic link${e.to ? ` (to ${e.to})` : ''}` : `${where(e.path)} is ${e.kind === 'folder' ? 'a folder' : e.kind === 'file' ? 'a file' : 'not a regular file'}, where a ${wanted} goes`;
  const blocked = new Set<string>();
  const foreign: string[] = [];
  const replaced: string[] = [];
  for (const p of [...writes, LOCK_FILE]) {
    const segments = p.split('/');
    const inTheWay = segments.slice(0, -1).map((_, i) => entries.get(segments.slice(0, i + 1).join('/'))).find((e) => e && e.kind !== 'folder');
    if (inTheWay) {
      blocked.add(describe(inTheWay, 'folder'));
      continue;
    }
    const e = entries.get(p);
    if (!e) continue;
    if (e.kind !== 'file') blocked.add(describe(e, 'file'));
    else if (p !== LOCK_FILE && !isReleased(p)) foreign.push(p);
    else if (p !== LOCK_FILE) replaced.push(p);
  }
  if (blocked.size) {
    throw new PromptReleaseError('unsafe-path', `nothing was exported: ${briefly(blocked, { verbose: false }, '; ')}. An export never writes through a link, nor over anything but a file it wrote`, {
      hint: 'A link in the output folder can point anywhere on this machine. Remove it, or export into an empty or new folder.',
    });
  }
  if (foreign.length) {
    throw new PromptReleaseError('invalid-usage', `${target} already holds ${briefly(foreign, { verbose: false })}, which no earlier export wrote; nothing was written`, {
      hint: `${foreign.length === 1 ? 'Its content is' : 'Their contents are'} no version released at that path by any release tag in this clone (git fetch --tags if some are missing). Move ${foreign.length === 1 ? 'it' : 'them'} away, or export into an empty or new folder.`,
    });
  }
  const lockEntry = entries.get(LOCK_FILE);
  let lock: LockFile | undefined;
  if (lockEntry?.kind === 'file') {
    const parsed = parseLockFile(lockEntry.bytes.toString('utf8'));
    if ('error' in parsed) throw new PromptReleaseError('invalid-lock', `${where(LOCK_FILE)} cannot be read: ${parsed.error}; nothing was written`, { location: { file: where(LOCK_FILE) }, hint: 'Move it away if it is yours, or export into an empty or new folder.' });
    lock = parsed;
  }
  const written = new Set(writes);
  const stale: string[] = [];
  const leftAlone: string[] = [];
  for (const e of listed) {
    if (e.path === LOCK_FILE || e.kind === 'folder' || written.has(e.path)) continue;
    if (e.kind === 'file' && isReleased(e.path)) stale.push(e.path);
    else leftAlone.push(e.path);
  }
  if (!lock && leftAlone.length) {
    throw new PromptReleaseError('invalid-usage', `${target} is not empty and holds no ${LOCK_FILE}, so it is not an earlier export; nothing was written`, { hint: 'Export into an empty or new folder.' });
  }
  const lockDisagreements = new Set<string>();
  const lockedContent = new Map<string, string>();
  for (const e of lock ? [...lock.prompts, ...(lock.includes ?? [])] : []) {
    lockedContent.set(e.path, e.contentHash);
    const found = entries.get(e.path);
    if (!safeRelativePath(e.path)) lockDisagreements.add(`it lists ${e.path}, which is not a file inside the folder`);
    else if (!found) lockDisagreements.add(`it lists ${e.path}, which is not there`);
    else if (found.kind !== 'file') lockDisagreements.add(`it lists ${e.path}, which is ${found.kind === 'link' ? 'a symbolic link' : 'not a file'}`);
    else if (hashes.get(e.path) !== e.contentHash) lockDisagreements.add(`it says ${e.path} is ${shortHash(e.contentHash)}, the file there is ${shortHash(hashes.get(e.path)!)}`);
    else if (!released.get(e.path)?.has(e.contentHash)) lockDisagreements.add(`it lists ${e.path} ${shortHash(e.contentHash)}, which no release tag holds`);
  }
  if (lock) for (const p of [...replaced, ...stale]) if (!lockedContent.has(p)) lockDisagreements.add(`it does not list ${p}, which an export wrote`);
  return { base, rel, existed, hadLock: !!lock, replaced, stale, leftAlone, lockDisagreements: [...lockDisagreements] };
}

/** `verify --lock FILE`: the deployed directory against its lock file, and the lock against the repository. */
export async function verifyLockCommand(repo: PromptRepository, lockPath: string, out: Output): Promise<number> {
  const absolute = path.resolve(lockPath);
  if (!existsSync(absolute)) throw new PromptReleaseError('not-found', `${absolute} does not exist`, { hint: `Point --lock at the ${LOCK_FILE} an export wrote.` });
  const lock = parseLockFile(readFileSync(absolute, 'utf8'));
  if ('error' in lock) throw new PromptReleaseError('invalid-lock', `${absolute} cannot be read: ${lock.error}`, { location: { file: absolute } });
  const model = await repo.model();
  const report = verifyModel(model);
  const files = filesUnder(path.dirname(absolute));
  files.delete(LOCK_FILE);
  const drift = checkDrift(lock, files, model, report);
  out.data({ ok: drift.ok, lock: absolute, environment: lock.environment, checked: drift.checked, includes: drift.includes, problems: drift.problems });
  for (const p of drift.problems) out.line(`✗ ${p}`);
  const included = drift.includes ? `; the ${drift.includes === 1 ? 'file' : `${drift.includes} files`} ${drift.checked === 1 ? 'it includes' : 'they include'} ${drift.includes === 1 ? 'is' : 'are'} what ${drift.checked === 1 ? 'it was' : 'they were'} released with` : '';
  out.line(drift.ok ? `${drift.checked === 1 ? 'The exported prompt is' : `All ${drift.checked} exported prompts are`} the approved, current ${lock.environment} version${drift.checked === 1 ? '' : 's'}${included}.` : `${drift.problems.length} problem${drift.problems.length === 1 ? '' : 's'} in ${path.dirname(absolute)} against ${LOCK_FILE}.`);
  return drift.ok ? EXIT.ok : EXIT.refused;
}

/** Every regular file under a folder, by forward-slash relative path, with its content hash. */
function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) files.set(rel, contentHash(readFileSync(path.join(dir, rel))));
      else files.set(rel, 'not a regular file');
    }
  };
  walk('');
  return files;
}

/** `changelog --env ENV [--since REF|DATE]`: Markdown release notes of what changed in ENV. */
export async function changelogCommand(repo: PromptRepository, environment: string | undefined, since: string | undefined, out: Output): Promise<number> {
  if (!environment) throw new PromptReleaseError('invalid-usage', 'changelog needs --env: which environment\'s releases to describe', { hint: 'Usage: prompt-release changelog --env production [--since v2026.11 | --since 2026-11-01]' });
  const model = await repo.model();
  findEnvironment(model.config, environment);
  let inPeriod = (_r: Release) => true;
  let title = `Prompt releases to ${environment}`;
  if (since !== undefined) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(since)) {
      inPeriod = (r) => r.evidence.releasedAt >= since;
      title += ` since ${since}`;
    } else {
      // Released from a commit the revision does not contain: after it.
      const before = await repo.commitsOf(since);
      inPeriod = (r) => !before.has(r.evidence.commit);
      title += ` since ${since}`;
    }
  }
  const entries = changelogEntries(model.releases, environment, inPeriod);
  const blobs = [...new Set(entries.flatMap((e) => [e.to.evidence.blob, ...(e.from ? [e.from.evidence.blob] : [])]))];
  const contents = await repo.readObjects(blobs);
  const texts = new Map<string, string>();
  blobs.forEach((b, i) => contents[i] && texts.set(b, contents[i]!.toString('utf8')));
  const markdown = changelogMarkdown(title, entries, texts);
  out.data({ environment, since: since ?? null, entries: entries.map((e) => ({ path: e.path, from: e.from?.evidence.version ?? null, to: e.to.evidence.version, tag: e.to.tag })), markdown });
  if (!out.json) process.stdout.write(markdown);
  return EXIT.ok;
}

const HOOK_MARKER = '# prompt-release pre-push guard';

/**
 * `install-hook [--remove]`: an opt-in pre-push hook that refuses to push release tags when
 * verify fails. It never replaces a hook it did not write, and removes only its own.
 */
export async function installHookCommand(repo: PromptRepository, remove: boolean, out: Output): Promise<number> {
  const hook = await repo.hookPath('pre-push');
  // A link at the hook's name is never read through, written through nor removed.
  const there = lstatOrUndefined(hook);
  if (there && (there.isSymbolicLink() || !there.isFile())) throw refusal(hook, there, 'file');
  const existing = there ? (readFileNoFollow(hook)?.toString('utf8') ?? '') : undefined;
  const ours = existing?.includes(HOOK_MARKER);
  if (remove) {
    if (!ours) throw new PromptReleaseError('not-found', existing ? `${hook} is not the prompt-release guard; it was left alone` : `there is no pre-push hook at ${hook}`);
    rmSync(hook);
    out.line(`Removed the prompt-release pre-push guard (${hook}).`);
    return EXIT.ok;
  }
  if (existing && !ours) {
    throw new PromptReleaseError('invalid-usage', `${hook} already exists and is not the prompt-release guard; nothing was changed`, {
      hint: `Call the guard from your hook instead: node ${cliPath()} verify`,
    });
  }
  const script = [
    '#!/bin/sh',
    `${HOOK_MARKER}: refuses to push a release tag that fails prompt-release verify.`,
    '# Remove it with: prompt-release install-hook --remove (or delete this file).',
    'release=no',
    'while read local_ref local_sha remote_ref remote_sha; do',
    '  case "$remote_ref" in refs/tags/prompt-release/*) release=yes ;; esac',
    'done',
    '[ "$release" = yes ] || exit 0',
    `if ! ${shellQuote(process.execPath)} ${shellQuote(cliPath())} verify; then`,
    '  echo "prompt-release: a release tag fails verification (above); the push was refused." >&2',
    '  exit 1',
    'fi',
    '',
  ].join('\n');
  // A hooks folder in the work tree (core.hooksPath) is content anyone can commit: no link on the way there.
  const inTree = path.relative(repo.root, hook);
  if (inTree && !inTree.startsWith('..') && !path.isAbsolute(inTree) && inTree.split(path.sep)[0] !== '.git') {
    replaceFileNoFollow(repo.root, inTree, script, { mode: 0o755 });
  } else {
    mkdirSync(path.dirname(hook), { recursive: true });
    replaceFileNoFollow(path.dirname(hook), path.basename(hook), script, { mode: 0o755 });
  }
  out.line(`Installed the pre-push guard at ${hook}: pushing release tags now runs prompt-release verify first.`);
  out.line('Remove it with: prompt-release install-hook --remove');
  return EXIT.ok;
}

function cliPath(): string {
  return path.resolve(process.argv[1]);
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
