import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { findEnvironment } from '../core/config';
import { changelogEntries, changelogMarkdown } from '../core/changelog';
import { checkDrift, describeConflict, liveRelease, LOCK_FILE, lockFile, lockedPaths, parseLockFile, planExport, safeRelativePath } from '../core/delivery';
import { PromptReleaseError } from '../core/errors';
import { contentHash, shortHash } from '../core/hash';
import { notAPrompt } from '../core/operations';
import type { Release } from '../core/releases';
import { verifyModel } from '../core/verify';
import type { PromptRepository } from '../git/repository';
import { EXIT } from './exitCodes';
import { listed, type Output } from './output';

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
  const previous = new Set(previousExport(target));
  // Prompts first, then what they include; a file that is both is written once (planning made them agree).
  const writes = new Map<string, { blob: string; contentHash: string; what: string }>();
  for (const e of plan.entries) writes.set(e.path, { blob: e.blob, contentHash: e.contentHash, what: e.tag });
  for (const i of plan.includes) if (!writes.has(i.path)) writes.set(i.path, { blob: i.blob, contentHash: i.contentHash, what: `${i.path} as included by ${i.includedBy.join(', ')}` });
  const files = [...writes];
  const contents = await repo.readObjects(files.map(([, w]) => w.blob));
  files.forEach(([, w], i) => {
    if (!contents[i] || contentHash(contents[i]!) !== w.contentHash) throw new PromptReleaseError('not-found', `the content of ${w.what} is not in this clone, or not what its evidence says`, { hint: 'Fetch it: git fetch --tags' });
  });
  const foreign = files.map(([p]) => p).filter((p) => !previous.has(p) && existsSync(path.join(target, ...p.split('/'))));
  if (foreign.length) {
    throw new PromptReleaseError('invalid-usage', `${target} already holds ${foreign.join(', ')}, which no earlier export wrote; nothing was written`, { hint: 'Move those files away, or export into an empty or new folder.' });
  }
  // Only files a previous export wrote are replaced or removed; anything else stays (verify --lock reports it).
  for (const old of previous) rmSync(path.join(target, ...old.split('/')), { force: true });
  files.forEach(([p], i) => {
    const file = path.join(target, ...p.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, contents[i]!);
  });
  const lock = lockFile(model, environment, plan);
  writeFileSync(path.join(target, LOCK_FILE), JSON.stringify(lock, null, 2) + '\n');
  out.data({ out: target, lock: path.join(target, LOCK_FILE), ...lock });
  const included = plan.includes.length ? ` and the ${plan.includes.length === 1 ? 'file' : `${plan.includes.length} files`} ${plan.entries.length === 1 ? 'it includes' : 'they include'}` : '';
  out.line(`Exported ${plan.entries.length} prompt${plan.entries.length === 1 ? '' : 's'} live in ${environment}${included} to ${target}, with ${LOCK_FILE}.`);
  for (const e of plan.entries) out.line(`  ${e.path}  v${e.version}  ${shortHash(e.contentHash)}  (${e.tag})`);
  for (const i of plan.includes) out.line(`  ${i.path}  ${shortHash(i.contentHash)}  (included by ${listed(i.includedBy, out)})`);
  const asIncludes = new Set(plan.includes.map((i) => i.path));
  const notExported = plan.unreleased.filter((p) => !asIncludes.has(p));
  const onlyIncluded = plan.unreleased.filter((p) => asIncludes.has(p));
  if (notExported.length) out.line(`Never released to ${environment}, so not exported: ${listed(notExported, out)}`);
  if (onlyIncluded.length) out.line(`Never released to ${environment} itself, so exported only as what the prompts above include: ${listed(onlyIncluded, out)}`);
  return EXIT.ok;
}

/** Files the lock file in `dir` lists: what an earlier export wrote. A non-empty folder without one is refused. */
function previousExport(dir: string): string[] {
  if (!existsSync(dir) || readdirSync(dir).length === 0) return [];
  const lockPath = path.join(dir, LOCK_FILE);
  if (!existsSync(lockPath)) {
    throw new PromptReleaseError('invalid-usage', `${dir} is not empty and holds no ${LOCK_FILE}, so it is not an earlier export; nothing was written`, { hint: 'Export into an empty or new folder.' });
  }
  const lock = parseLockFile(readFileSync(lockPath, 'utf8'));
  if ('error' in lock) throw new PromptReleaseError('invalid-lock', `${lockPath} cannot be read: ${lock.error}; nothing was written`, { location: { file: lockPath } });
  // A path that leaves the folder was not written by an export: it is never removed.
  return lockedPaths(lock).filter(safeRelativePath);
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
  const existing = existsSync(hook) ? readFileSync(hook, 'utf8') : undefined;
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
  mkdirSync(path.dirname(hook), { recursive: true });
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
  writeFileSync(hook, script, { mode: 0o755 });
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
