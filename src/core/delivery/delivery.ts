import { formatIdentity } from '../ownership/identity';
import type { RepoModel } from '../model/model';
import type { Release } from '../releases/releases';
import type { VerifyReport } from '../releases/verify';
import { someOf } from '../common/words';

/** The file an export writes next to the prompts, and a loader and `verify --lock` read. */
export const LOCK_FILE = 'prompt-release.lock.json';
export const LOCK_FORMAT = 'prompt-release-lock/1';

/** One exported prompt: exactly which release it is and what its bytes hash to. */
export interface LockEntry {
  path: string;
  version: number;
  tag: string;
  commit: string;
  contentHash: string;
  approvers: string[];
  releasedAt: string;
  releasedBy: string;
}

/**
 * A file exported prompts include (a partial, a Prompty file, a linked prompt file), at exactly
 * the content their release evidence pins. Every prompt in `includedBy` pins this content.
 */
export interface IncludeLockEntry {
  path: string;
  contentHash: string;
  blob: string;
  includedBy: string[];
}

export interface LockFile {
  format: typeof LOCK_FORMAT;
  environment: string;
  /** The trusted branch the export was verified against. */
  trusted: { ref: string; commit: string };
  prompts: LockEntry[];
  /** What the exported prompts include; absent in lock files written before includes were exported. */
  includes?: IncludeLockEntry[];
  /** Prompts asked for (or present) that were never released to this environment. */
  unreleased: string[];
}

export interface ExportPlan {
  entries: (LockEntry & { blob: string })[];
  /** What the entries include, each at the one content every prompt including it pins. */
  includes: IncludeLockEntry[];
  unreleased: string[];
  /** Live versions that fail verification: an export refuses them, by name. */
  refused: { path: string; tag: string; problems: string[] }[];
  /** Files that would have to be written with two contents: an export refuses them all. */
  conflicts: IncludeConflict[];
}

/** One version of a file a conflict is about, and who wants it. */
export interface PinnedVersion {
  contentHash: string;
  /** Prompts whose live release includes the file at this content, with their tags. */
  pinnedBy: { prompt: string; tag: string }[];
  /** The file's own live release in the environment, when it is a prompt released there with this content. */
  releasedAs?: { version: number; tag: string };
}

export interface IncludeConflict {
  path: string;
  versions: PinnedVersion[];
}

/**
 * What exporting `environment` means: the version live there of each prompt (all prompts, or
 * `paths`), each one checked by verify: its tag whole and on the trusted branch, its content
 * meeting today's policy. Prompts never released there are listed, not skipped silently.
 */
export function planExport(model: RepoModel, report: VerifyReport, environment: string, paths?: string[]): ExportPlan {
  const wanted = paths?.length ? new Set(paths) : undefined;
  const plan: ExportPlan = { entries: [], includes: [], unreleased: [], refused: [], conflicts: [] };
  const liveByPrompt = new Map(report.live.filter((l) => l.environment === environment).map((l) => [l.prompt, l]));
  const candidates = new Set([...model.prompts.filter((p) => p.governed).map((p) => p.path), ...liveByPrompt.keys()]);
  for (const path of [...candidates].sort()) {
    if (wanted && !wanted.has(path)) continue;
    const live = liveByPrompt.get(path);
    const release = live && model.releases.find((r) => r.tag === live.tag);
    if (!live || !release) {
      plan.unreleased.push(path);
      continue;
    }
    const tagVerdict = report.tags.find((t) => t.tag === live.tag);
    const problems = [...(tagVerdict && !tagVerdict.ok ? tagVerdict.problems : []), ...(live.ok ? [] : live.problems)];
    if (problems.length) {
      plan.refused.push({ path, tag: live.tag, problems });
      continue;
    }
    const unsafe = (release.evidence.includes ?? []).filter((i) => !safeRelativePath(i.path)).map((i) => i.path);
    if (unsafe.length || !safeRelativePath(path)) {
      plan.refused.push({ path, tag: live.tag, problems: [`its evidence names a path an export cannot write: ${[...(safeRelativePath(path) ? [] : [path]), ...unsafe].join(', ')}`] });
      continue;
    }
    plan.entries.push({ ...lockEntry(release), blob: release.evidence.blob });
  }
  for (const path of wanted ?? []) if (!candidates.has(path)) plan.unreleased.push(path);
  planIncludes(model, liveByPrompt, plan);
  return plan;
}

/**
 * Each include of the exported prompts, at the content their evidence pins. A file pinned at two
 * contents, or pinned at one while it is itself a prompt live in the environment with another,
 * cannot be written truthfully: that is a conflict, and the export refuses.
 */
function planIncludes(model: RepoModel, liveByPrompt: Map<string, { tag: string; version: number }>, plan: ExportPlan): void {
  const byPath = new Map<string, Map<string, { blob: string; pinnedBy: { prompt: string; tag: string }[] }>>();
  for (const entry of plan.entries) {
    const release = model.releases.find((r) => r.tag === entry.tag);
    for (const inc of release?.evidence.includes ?? []) {
      const versions = byPath.get(inc.path) ?? new Map();
      byPath.set(inc.path, versions);
      const version = versions.get(inc.contentHash) ?? { blob: inc.blob, pinnedBy: [] };
      versions.set(inc.contentHash, version);
      if (!version.pinnedBy.some((p: { prompt: string }) => p.prompt === entry.path)) version.pinnedBy.push({ prompt: entry.path, tag: entry.tag });
    }
  }
  for (const [path, versions] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // The file's own release in this environment, exported or not: one path, one content.
    const own = liveByPrompt.get(path);
    const ownRelease = own && model.releases.find((r) => r.tag === own.tag);
    if (versions.size > 1 || (ownRelease && !versions.has(ownRelease.evidence.contentHash))) {
      const listed: PinnedVersion[] = [...versions].map(([contentHash, v]) => ({ contentHash, pinnedBy: v.pinnedBy, ...(ownRelease?.evidence.contentHash === contentHash ? { releasedAs: { version: ownRelease.evidence.version, tag: ownRelease.tag } } : {}) }));
      if (ownRelease && !versions.has(ownRelease.evidence.contentHash)) listed.push({ contentHash: ownRelease.evidence.contentHash, pinnedBy: [], releasedAs: { version: ownRelease.evidence.version, tag: ownRelease.tag } });
      plan.conflicts.push({ path, versions: listed });
      continue;
    }
    const [[contentHash, v]] = [...versions];
    plan.includes.push({ path, contentHash, blob: v.blob, includedBy: v.pinnedBy.map((p) => p.prompt).sort() });
  }
}

/** What an export refuses over conflicting includes: the file, each version, who pins it, and the way out. */
export function describeConflict(conflict: IncludeConflict, environment: string): string {
  const versions = conflict.versions.map((v) => {
    const who = [
      ...(v.pinnedBy.length ? [`included by ${someOf(v.pinnedBy.map((p) => `${p.prompt} (${p.tag})`))}`] : []),
      ...(v.releasedAs ? [`released itself as v${v.releasedAs.version} (${v.releasedAs.tag})`] : []),
    ];
    return `${short(v.contentHash)} ${who.join(' and ')}`;
  });
  const dependents = [...new Set(conflict.versions.flatMap((v) => v.pinnedBy.map((p) => p.prompt)))].sort();
  return `${conflict.path} is pinned at ${conflict.versions.length} different contents in ${environment}: ${versions.join('; ')}. Review and release ${someOf(dependents)} to ${environment} again with the ${conflict.path} they should share, so that they agree`;
}

/** A forward-slash path inside the export folder: not absolute, no "." or ".." segment, not the lock file. */
export function safeRelativePath(path: string): boolean {
  if (!path || path.startsWith('/') || path.includes('\\') || /^[A-Za-z]:/.test(path) || path.includes('\0')) return false;
  if (path === LOCK_FILE) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

export function lockEntry(release: Release): LockEntry {
  const ev = release.evidence;
  return {
    path: ev.prompt,
    version: ev.version,
    tag: release.tag,
    commit: ev.commit,
    contentHash: ev.contentHash,
    approvers: ev.approvals.map((a) => formatIdentity(a.by)),
    releasedAt: ev.releasedAt,
    releasedBy: formatIdentity(ev.releasedBy),
  };
}

export function lockFile(model: RepoModel, environment: string, plan: ExportPlan): LockFile {
  return {
    format: LOCK_FORMAT,
    environment,
    trusted: { ref: model.trusted.ref, commit: model.trusted.commit },
    prompts: plan.entries.map(({ blob: _blob, ...entry }) => entry),
    includes: plan.includes,
    unreleased: plan.unreleased,
  };
}

/** Every file a lock file says its export wrote: prompts and what they include. */
export function lockedPaths(lock: LockFile): string[] {
  return [...new Set([...lock.prompts.map((e) => e.path), ...(lock.includes ?? []).map((e) => e.path)])];
}

/** Reads a lock file's text, or says what is wrong with it. */
export function parseLockFile(text: string): LockFile | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { error: `it is not JSON (${(err as Error).message})` };
  }
  const lock = data as LockFile;
  if (!lock || lock.format !== LOCK_FORMAT) return { error: `it is not a ${LOCK_FORMAT} lock file` };
  if (typeof lock.environment !== 'string' || !Array.isArray(lock.prompts)) return { error: 'it has no environment or no prompts list' };
  for (const [i, e] of lock.prompts.entries()) {
    if (typeof e?.path !== 'string' || typeof e.contentHash !== 'string' || typeof e.tag !== 'string' || typeof e.version !== 'number') return { error: `entry ${i + 1} lacks path, version, tag or contentHash` };
  }
  if (lock.includes !== undefined && !Array.isArray(lock.includes)) return { error: 'its includes are not a list' };
  for (const [i, e] of (lock.includes ?? []).entries()) {
    if (typeof e?.path !== 'string' || typeof e.contentHash !== 'string' || !Array.isArray(e.includedBy) || !e.includedBy.every((p) => typeof p === 'string')) return { error: `include ${i + 1} lacks path, contentHash or includedBy` };
  }
  return lock;
}

export interface DriftReport {
  ok: boolean;
  /** What makes the deployed directory differ from an approved, current release set. */
  problems: string[];
  /** Prompt entries checked. */
  checked: number;
  /** Include entries checked. */
  includes: number;
}

/**
 * Drift: every file of a deployed directory has the hash its lock entry names, no file is
 * missing or extra, and each entry is a verified release that is still the live one. Each
 * include is the content that every prompt including it pins, in its tag and in the release
 * live now, and every include a prompt's tag lists is in the lock.
 * `files` maps each file under the directory (but the lock itself) to its content hash.
 */
export function checkDrift(lock: LockFile, files: Map<string, string>, model: RepoModel, report: VerifyReport): DriftReport {
  const problems: string[] = [];
  const includes = lock.includes ?? [];
  const locked = new Set([...lock.prompts.map((e) => e.path), ...includes.map((e) => e.path)]);
  const includeByPath = new Map(includes.map((e) => [e.path, e]));
  const entryByPath = new Map(lock.prompts.map((e) => [e.path, e]));
  const liveOf = (prompt: string) => report.live.find((l) => l.prompt === prompt && l.environment === lock.environment);
  const evidenceOf = (tag: string) => report.tags.find((t) => t.tag === tag)?.evidence ?? model.releases.find((r) => r.tag === tag)?.evidence;
  for (const entry of lock.prompts) {
    const hash = files.get(entry.path);
    if (hash === undefined) problems.push(`${entry.path} is in the lock file but missing from the directory`);
    else if (hash !== entry.contentHash) problems.push(`${entry.path} was changed after export: its content is ${short(hash)}, the lock says v${entry.version} ${short(entry.contentHash)}`);
    const tag = report.tags.find((t) => t.tag === entry.tag);
    if (!tag) {
      problems.push(`${entry.path}: its release tag ${entry.tag} does not exist in this repository (fetch tags, or it was never released)`);
      continue;
    }
    if (!tag.ok) problems.push(`${entry.path}: its release tag ${entry.tag} fails verification: ${tag.problems.join('; ')}`);
    const ev = tag.evidence;
    if (ev && (ev.prompt !== entry.path || ev.environment !== lock.environment || ev.contentHash !== entry.contentHash || ev.version !== entry.version)) {
      problems.push(`${entry.path}: the lock entry does not match its tag ${entry.tag} (the tag releases ${ev.prompt} v${ev.version} to ${ev.environment})`);
    }
    for (const inc of ev?.includes ?? []) {
      if (!includeByPath.get(inc.path)?.includedBy.includes(entry.path)) problems.push(`${entry.path} includes ${inc.path} (${entry.tag}), which the lock file does not list for it: export again`);
    }
    const live = liveOf(entry.path);
    if (live && live.tag !== entry.tag) problems.push(`${entry.path}: v${entry.version} is no longer current in ${lock.environment}; v${live.version} is (${live.tag})`);
    else if (live && !live.ok) problems.push(`${entry.path}: v${entry.version} does not meet today's ${lock.environment} policy: ${live.problems.join('; ')}`);
    else if (!live) problems.push(`${entry.path}: nothing is live in ${lock.environment} for it any more`);
  }
  for (const inc of includes) {
    const hash = files.get(inc.path);
    const entry = entryByPath.get(inc.path);
    if (hash === undefined) {
      if (!entry) problems.push(`${inc.path} is in the lock file but missing from the directory`);
    } else if (hash !== inc.contentHash) problems.push(`${inc.path} was changed after export: its content is ${short(hash)}, the lock says ${short(inc.contentHash)} (included by ${someOf(inc.includedBy)})`);
    if (entry && entry.contentHash !== inc.contentHash) problems.push(`${inc.path} is locked as v${entry.version} ${short(entry.contentHash)} and as the include ${short(inc.contentHash)}: one file cannot be both`);
    if (inc.includedBy.length === 0) problems.push(`${inc.path} is locked as an include of no prompt`);
    for (const prompt of inc.includedBy) {
      const by = entryByPath.get(prompt);
      if (!by) {
        problems.push(`${inc.path} is locked as included by ${prompt}, which is not in the lock file`);
        continue;
      }
      const pinned = evidenceOf(by.tag)?.includes?.find((i) => i.path === inc.path);
      if (evidenceOf(by.tag) && pinned?.contentHash !== inc.contentHash) {
        problems.push(`${inc.path}: the lock says ${prompt} includes it as ${short(inc.contentHash)}, but its tag ${by.tag} ${pinned ? `pins ${short(pinned.contentHash)}` : 'does not include it'}`);
      }
      const live = liveOf(prompt);
      const liveEvidence = live && live.tag !== by.tag ? evidenceOf(live.tag) : undefined;
      const now = liveEvidence?.includes?.find((i) => i.path === inc.path);
      if (liveEvidence && now?.contentHash !== inc.contentHash) {
        problems.push(`${inc.path}: ${prompt} live in ${lock.environment} now (${live!.tag}) ${now ? `includes it as ${short(now.contentHash)}` : 'no longer includes it'}, not ${short(inc.contentHash)}`);
      }
    }
    const own = liveOf(inc.path);
    const ownEvidence = own && evidenceOf(own.tag);
    if (ownEvidence && ownEvidence.contentHash !== inc.contentHash) {
      problems.push(`${inc.path}: it is live in ${lock.environment} itself as v${ownEvidence.version} ${short(ownEvidence.contentHash)} (${own!.tag}), not the included ${short(inc.contentHash)}`);
    }
  }
  for (const path of [...files.keys()].sort()) if (!locked.has(path)) problems.push(`${path} is in the directory but not in the lock file`);
  return { ok: problems.length === 0, problems, checked: lock.prompts.length, includes: includes.length };
}

function short(hash: string): string {
  return hash.replace(/^sha256:/, '').slice(0, 12);
}

/** The release in force for a prompt in an environment, for `show`. */
export function liveRelease(model: RepoModel, report: VerifyReport, path: string, environment: string): { release?: Release; problems: string[] } {
  const live = report.live.find((l) => l.prompt === path && l.environment === environment);
  if (!live) return { problems: [] };
  const release = model.releases.find((r) => r.tag === live.tag);
  const tag = report.tags.find((t) => t.tag === live.tag);
  return { release, problems: [...(tag && !tag.ok ? tag.problems : []), ...(live.ok ? [] : live.problems)] };
}
