import { indexHistory, releasesUnderNames, renameIndex, type LogCommit, type PathEvent } from './history';
import { checkTags, releasesByPrompt, type TagFacts } from '../releases/integrity';
import type { CheckRecord, CommentRecord, FeedbackRecord, ReviewRecord, ReviewRequestRecord, StoredRecord } from '../reviews/records';
import { orderReleases, parseTagMessage, type RawTag, type Release } from '../releases/releases';
import type { TrustedPolicy } from '../policy/trustedPolicy';

/** What one prompt's history is read from: its own log, not the whole repository's. */
export interface PromptHistoryInput {
  path: string;
  /** The file's history as `git log --follow` shows it, parents first. */
  log: LogCommit[];
  /** The blob and mode at HEAD, when the file is committed. */
  current?: { blob: string; mode: string };
  policy: TrustedPolicy;
  tags: RawTag[];
  tagFacts: Omit<TagFacts, 'modeOf'>;
}

/** One prompt's versions, records and releases: what `history` shows, and nothing it decides. */
export interface PromptHistory {
  path: string;
  /** The path and every earlier name, newest first. */
  names: string[];
  /** Changes under any of its names, newest first. */
  events: PathEvent[];
  reviews: StoredRecord<ReviewRecord>[];
  checks: StoredRecord<CheckRecord>[];
  feedback: StoredRecord<FeedbackRecord>[];
  requests: StoredRecord<ReviewRequestRecord>[];
  comments: StoredRecord<CommentRecord>[];
  /** Releases of this path that passed the integrity check, oldest first. */
  releases: Release[];
}

export function promptHistoryOf(input: PromptHistoryInput): PromptHistory {
  const { path, log, policy } = input;
  const names = [path, ...(renameIndex(log).get(path) ?? [])];
  const index = indexHistory(log);
  const order = new Map(log.map((c, i) => [c.commit, i]));
  const events = names.flatMap((name) => index.get(name) ?? []).sort((a, b) => order.get(b.commit)! - order.get(a.commit)!);
  const modes = new Map<string, string>();
  for (const c of log) for (const ch of c.changes) modes.set(`${ch.path}\0${ch.blob}`, ch.mode);
  if (input.current) modes.set(`${path}\0${input.current.blob}`, input.current.mode);
  // Release checks compare a prompt's own tags with each other only, so its tags are enough.
  const own = input.tags.filter((t) => {
    const parsed = t.objectType === 'tag' ? parseTagMessage(t.message) : undefined;
    return parsed !== undefined && 'evidence' in parsed && names.includes(parsed.evidence.prompt);
  });
  const checks = checkTags(
    own,
    {
      ...input.tagFacts,
      modeOf: (p, blob) => modes.get(`${p}\0${blob}`),
      signers: policy.signers,
      signaturesRequired: (env) => policy.config.environments.some((e) => e.name === env && e.signatures === 'required'),
    },
    policy.ledger,
  );
  const byPrompt = releasesByPrompt(checks);
  const mine = policy.ledger.about(names);
  return {
    path,
    names,
    events,
    reviews: mine.filter((r): r is StoredRecord<ReviewRecord> => r.record.type === 'review'),
    checks: mine.filter((r): r is StoredRecord<CheckRecord> => r.record.type === 'check'),
    feedback: mine.filter((r): r is StoredRecord<FeedbackRecord> => r.record.type === 'feedback'),
    requests: mine.filter((r): r is StoredRecord<ReviewRequestRecord> => r.record.type === 'review-request'),
    comments: mine.filter((r): r is StoredRecord<CommentRecord> => r.record.type === 'comment'),
    releases: orderReleases(releasesUnderNames(names, (n) => byPrompt.get(n), (n) => index.get(n))),
  };
}
