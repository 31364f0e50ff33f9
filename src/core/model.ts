import type { Codeowners } from './codeowners';
import { ownersOf } from './codeowners';
import type { Config } from './config';
import type { Problem } from './errors';
import { contentHash, looksBinary } from './hash';
import { attributeRecord, authorsOfContent, indexHistory, type LogCommit, type PathHistory } from './history';
import type { Identity } from './identity';
import { People } from './people';
import { evaluateGate, latestPerReviewer, type GateResult, type WorkingCopyState } from './policy';
import { parseRecord, type CommentRecord, type PromptRecord, type ReviewRecord, type ReviewRequestRecord, type StoredRecord } from './records';
import { orderReleases, parseReleaseTagName, parseTagMessage, type RawTag, type Release } from './releases';
import { stateOf, type PromptState } from './state';

/** Everything the git layer reads for one refresh, as plain data. */
export interface RepoSnapshot {
  head: { commit: string; branch?: string };
  config: Config;
  codeowners?: Codeowners;
  /** Committed prompt files at HEAD with their bytes. */
  prompts: { path: string; blob: string; bytes: Uint8Array }[];
  /** Prompt files in the working tree that are not committed. */
  untrackedPrompts: string[];
  /** Paths whose working copy differs from HEAD. */
  workingChanges: Map<string, 'modified' | 'deleted'>;
  records: { path: string; blob: string; text: string }[];
  log: LogCommit[];
  tags: RawTag[];
}

export interface PromptStatus {
  path: string;
  /** Absent for a prompt that is not committed. */
  blob?: string;
  contentHash?: string;
  size: number;
  owners: string[];
  ownersLine?: number;
  authors: Identity[];
  workingCopy: WorkingCopyState;
  /** Attributed records about this prompt, every content, oldest first. */
  reviews: StoredRecord<ReviewRecord>[];
  requests: StoredRecord<ReviewRequestRecord>[];
  comments: StoredRecord<CommentRecord>[];
  /** Latest verdict per reviewer for the current content. */
  currentReviews: StoredRecord<ReviewRecord>[];
  currentRequests: StoredRecord<ReviewRequestRecord>[];
  /** This prompt's releases in every environment, oldest first. */
  releases: Release[];
  /** The version now in each environment. */
  current: Record<string, Release | undefined>;
  /** Version number of the current content, if it was ever released. */
  version?: number;
  gates: GateResult[];
  state: PromptState;
  /** Why the prompt cannot be reviewed or released (binary, oversized). */
  unusable?: string;
}

export interface RepoModel {
  head: RepoSnapshot['head'];
  config: Config;
  codeowners?: Codeowners;
  people: People;
  prompts: PromptStatus[];
  byPath: Map<string, PromptStatus>;
  releases: Release[];
  history: PathHistory;
  problems: Problem[];
}

export function analyze(snapshot: RepoSnapshot): RepoModel {
  const { config } = snapshot;
  const people = new People(config.people);
  const history = indexHistory(snapshot.log);
  const problems: Problem[] = [];

  const records = attributedRecords(snapshot.records, history, problems);
  const releases = parseReleases(snapshot.tags, problems);

  const byPrompt = groupBy(records, (r) => r.record.prompt);
  const releasesByPrompt = groupBy(releases, (r) => r.evidence.prompt);

  const prompts: PromptStatus[] = [];
  for (const file of snapshot.prompts) {
    prompts.push(
      promptStatus({
        path: file.path,
        blob: file.blob,
        bytes: file.bytes,
        workingCopy: snapshot.workingChanges.get(file.path) ?? 'clean',
      }),
    );
  }
  for (const path of snapshot.untrackedPrompts) prompts.push(promptStatus({ path, workingCopy: 'untracked' }));
  prompts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  for (const p of prompts) {
    if (p.owners.length === 0) problems.push({ severity: 'warning', message: `${p.path} has no owner in CODEOWNERS`, location: { file: p.path } });
  }
  const unresolved = new Set(prompts.flatMap((p) => people.unresolved(p.owners)));
  for (const handle of unresolved) {
    problems.push({
      severity: 'warning',
      message: `owner ${handle} has no git identity: add it under "people" in .promptrelease.yaml`,
      location: codeownersLocation(snapshot.codeowners, handle),
    });
  }

  return {
    head: snapshot.head,
    config,
    codeowners: snapshot.codeowners,
    people,
    prompts,
    byPath: new Map(prompts.map((p) => [p.path, p])),
    releases,
    history,
    problems,
  };

  function promptStatus(file: { path: string; blob?: string; bytes?: Uint8Array; workingCopy: WorkingCopyState }): PromptStatus {
    const { owners, line } = ownersOf(snapshot.codeowners, file.path);
    const hash = file.bytes ? contentHash(file.bytes) : undefined;
    const mine = byPrompt.get(file.path) ?? [];
    const reviews = mine.filter((r): r is StoredRecord<ReviewRecord> => r.record.type === 'review');
    const requests = mine.filter((r): r is StoredRecord<ReviewRequestRecord> => r.record.type === 'review-request');
    const comments = mine.filter((r): r is StoredRecord<CommentRecord> => r.record.type === 'comment');
    const promptReleases = orderReleases(releasesByPrompt.get(file.path) ?? []);
    const current: Record<string, Release | undefined> = {};
    for (const r of promptReleases) current[r.evidence.environment] = r;
    const releasedBlobs = new Set(promptReleases.map((r) => r.evidence.blob));
    const authors = file.blob ? authorsOfContent(history.get(file.path) ?? [], file.blob, releasedBlobs) : [];
    const currentReviews = latestPerReviewer(reviews.filter((r) => r.record.contentHash === hash));
    const unusable = usability(file.bytes, config.maxPromptBytes);
    const gates = config.environments.map((env, index) =>
      evaluateGate({
        env,
        previousEnv: index > 0 ? config.environments[index - 1].name : undefined,
        path: file.path,
        contentHash: hash,
        owners,
        people,
        authors,
        latestReviews: currentReviews,
        releases: promptReleases,
        currentRelease: current[env.name],
        workingCopy: file.workingCopy,
      }),
    );
    const version = promptReleases.find((r) => r.evidence.contentHash === hash)?.evidence.version;
    const status: PromptStatus = {
      path: file.path,
      blob: file.blob,
      contentHash: hash,
      size: file.bytes?.length ?? 0,
      owners,
      ownersLine: line,
      authors,
      workingCopy: file.workingCopy,
      reviews,
      requests,
      comments,
      currentReviews,
      currentRequests: requests.filter((r) => r.record.contentHash === hash),
      releases: promptReleases,
      current,
      version,
      gates,
      state: { kind: 'draft' },
      unusable,
    };
    status.state = stateOf(status, config.environments.map((e) => e.name));
    return status;
  }
}

function usability(bytes: Uint8Array | undefined, maxBytes: number): string | undefined {
  if (!bytes) return undefined;
  if (bytes.length > maxBytes) return `it is ${bytes.length} bytes, more than maxPromptBytes (${maxBytes})`;
  if (looksBinary(bytes)) return 'it is a binary file, not text';
  return undefined;
}

function attributedRecords(files: RepoSnapshot['records'], history: PathHistory, problems: Problem[]): StoredRecord[] {
  const result: StoredRecord[] = [];
  for (const file of files) {
    const parsed = parseRecord(file.text);
    if ('error' in parsed) {
      problems.push({ severity: 'error', message: `review record is unusable: ${parsed.error}`, location: { file: file.path } });
      continue;
    }
    const attribution = attributeRecord(file.path, file.blob, parsed.by, history);
    if (!attribution.ok) {
      problems.push({ severity: 'error', message: `review record does not count: ${attribution.reason}`, location: { file: file.path } });
      continue;
    }
    result.push({ path: file.path, blob: file.blob, record: parsed as PromptRecord });
  }
  return result.sort((a, b) => (a.record.time < b.record.time ? -1 : a.record.time > b.record.time ? 1 : a.path.localeCompare(b.path)));
}

function parseReleases(tags: RawTag[], problems: Problem[]): Release[] {
  const releases: Release[] = [];
  for (const tag of tags) {
    const parsed = tag.objectType === 'tag' ? parseTagMessage(tag.message) : { error: 'it is a lightweight tag, so prompt-release did not create it' };
    if ('error' in parsed) {
      problems.push({ severity: 'error', message: `release tag ${tag.name} is not trusted: ${parsed.error}` });
      continue;
    }
    const named = parseReleaseTagName(tag.name);
    const ev = parsed.evidence;
    if (!named || named.environment !== ev.environment || named.prompt !== ev.prompt || named.version !== ev.version) {
      problems.push({ severity: 'error', message: `release tag ${tag.name} is not trusted: its name does not match its evidence` });
      continue;
    }
    releases.push({ tag: tag.name, evidence: ev });
  }
  return releases;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(item);
  }
  return map;
}

function codeownersLocation(codeowners: Codeowners | undefined, handle: string) {
  const rule = codeowners?.rules.find((r) => r.owners.includes(handle));
  return codeowners && rule ? { file: codeowners.file, line: rule.line } : undefined;
}
