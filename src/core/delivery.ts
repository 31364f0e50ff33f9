import { formatIdentity } from './identity';
import type { RepoModel } from './model';
import type { Release } from './releases';
import type { VerifyReport } from './verify';

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

export interface LockFile {
  format: typeof LOCK_FORMAT;
  environment: string;
  /** The trusted branch the export was verified against. */
  trusted: { ref: string; commit: string };
  prompts: LockEntry[];
  /** Prompts asked for (or present) that were never released to this environment. */
  unreleased: string[];
}

export interface ExportPlan {
  entries: (LockEntry & { blob: string })[];
  unreleased: string[];
  /** Live versions that fail verification: an export refuses them, by name. */
  refused: { path: string; tag: string; problems: string[] }[];
}

/**
 * What exporting `environment` means: the version live there of each prompt (all prompts, or
 * `paths`), each one checked by verify: its tag whole and on the trusted branch, its content
 * meeting today's policy. Prompts never released there are listed, not skipped silently.
 */
export function planExport(model: RepoModel, report: VerifyReport, environment: string, paths?: string[]): ExportPlan {
  const wanted = paths?.length ? new Set(paths) : undefined;
  const plan: ExportPlan = { entries: [], unreleased: [], refused: [] };
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
    plan.entries.push({ ...lockEntry(release), blob: release.evidence.blob });
  }
  for (const path of wanted ?? []) if (!candidates.has(path)) plan.unreleased.push(path);
  return plan;
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
    unreleased: plan.unreleased,
  };
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
  return lock;
}

export interface DriftReport {
  ok: boolean;
  /** What makes the deployed directory differ from an approved, current release set. */
  problems: string[];
  checked: number;
}

/**
 * Drift: every file of a deployed directory has the hash its lock entry names, no file is
 * missing or extra, and each entry is a verified release that is still the live one.
 * `files` maps each file under the directory (but the lock itself) to its content hash.
 */
export function checkDrift(lock: LockFile, files: Map<string, string>, model: RepoModel, report: VerifyReport): DriftReport {
  const problems: string[] = [];
  const locked = new Set(lock.prompts.map((e) => e.path));
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
    const live = report.live.find((l) => l.prompt === entry.path && l.environment === lock.environment);
    if (live && live.tag !== entry.tag) problems.push(`${entry.path}: v${entry.version} is no longer current in ${lock.environment}; v${live.version} is (${live.tag})`);
    else if (live && !live.ok) problems.push(`${entry.path}: v${entry.version} does not meet today's ${lock.environment} policy: ${live.problems.join('; ')}`);
    else if (!live) problems.push(`${entry.path}: nothing is live in ${lock.environment} for it any more`);
  }
  for (const path of [...files.keys()].sort()) if (!locked.has(path)) problems.push(`${path} is in the directory but not in the lock file`);
  return { ok: problems.length === 0, problems, checked: lock.prompts.length };
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
