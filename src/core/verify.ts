import { ownersOf, parseCodeowners } from './codeowners';
import { parseConfig, type Config } from './config';
import { PromptReleaseError } from './errors';
import { contentHash } from './hash';
import { attributeRecord, authorsOfContent, type PathHistory } from './history';
import { normalizeEmail } from './identity';
import { People } from './people';
import { latestPerReviewer } from './policy';
import { parseRecord, type PromptRecord, type ReviewRecord, type StoredRecord } from './records';
import { parseReleaseTagName, parseTagMessage, type RawTag, type ReleaseEvidence } from './releases';

export interface ObjectAtCommit {
  oid: string;
  bytes: Uint8Array;
}

/** What the git layer read at one release tag's commit. */
export interface TagAtCommit {
  tag: RawTag;
  config?: ObjectAtCommit;
  codeowners?: { file: string; object: ObjectAtCommit };
  prompt?: ObjectAtCommit;
  /** Record files at the commit: the approvals the evidence names and every review of the released content. */
  records: Map<string, ObjectAtCommit | undefined>;
}

export interface TagVerdict {
  tag: string;
  ok: boolean;
  problems: string[];
  evidence?: ReleaseEvidence;
}

/** Re-checks every release tag against the evidence at its commit, as CI does. */
export function verifyReleases(tags: TagAtCommit[], history: PathHistory): TagVerdict[] {
  const evidences = new Map<string, ReleaseEvidence>();
  for (const t of tags) {
    const parsed = t.tag.objectType === 'tag' ? parseTagMessage(t.tag.message) : undefined;
    if (parsed && 'evidence' in parsed) evidences.set(t.tag.name, parsed.evidence);
  }
  return tags.map((t) => verifyTag(t, evidences, history));
}

function verifyTag(t: TagAtCommit, evidences: Map<string, ReleaseEvidence>, history: PathHistory): TagVerdict {
  const problems: string[] = [];
  const verdict = (evidence?: ReleaseEvidence): TagVerdict => ({ tag: t.tag.name, ok: problems.length === 0, problems: [...new Set(problems)], evidence });
  if (t.tag.objectType !== 'tag') {
    problems.push('it is a lightweight tag in the release namespace: prompt-release did not create it');
    return verdict();
  }
  const parsed = parseTagMessage(t.tag.message);
  if ('error' in parsed) {
    problems.push(parsed.error);
    return verdict();
  }
  const ev = parsed.evidence;
  const named = parseReleaseTagName(t.tag.name);
  if (!named || named.environment !== ev.environment || named.prompt !== ev.prompt || named.version !== ev.version) {
    problems.push(`its name does not match its evidence (${ev.environment}, ${ev.prompt}, v${ev.version})`);
  }
  if (t.tag.commit !== ev.commit) problems.push(`it points at commit ${t.tag.commit.slice(0, 10)} but its evidence names ${ev.commit.slice(0, 10)}`);

  if (!t.prompt) {
    problems.push(`${ev.prompt} does not exist at commit ${ev.commit.slice(0, 10)}`);
  } else {
    if (t.prompt.oid !== ev.blob) problems.push(`the prompt at the commit is blob ${t.prompt.oid.slice(0, 10)}, not the released ${ev.blob.slice(0, 10)}`);
    if (contentHash(t.prompt.bytes) !== ev.contentHash) problems.push(`the content hash of ${ev.prompt} at the commit does not match the released ${ev.contentHash}`);
  }

  let config: Config | undefined;
  try {
    config = t.config ? parseConfig(Buffer.from(t.config.bytes).toString('utf8')) : parseConfig('');
  } catch (err) {
    problems.push(`the configuration at the commit is invalid: ${(err as Error).message}`);
  }
  const envIndex = config?.environments.findIndex((e) => e.name === ev.environment) ?? -1;
  const env = config?.environments[envIndex];
  if (config && !env) problems.push(`environment ${ev.environment} is not configured at the commit`);
  if (env && (env.approvals !== ev.policy?.approvals || env.ownerApproval !== ev.policy?.ownerApproval || env.requirePrevious !== ev.policy?.requirePrevious)) {
    problems.push(`the policy in the tag (${JSON.stringify(ev.policy)}) is not the committed policy of ${ev.environment}`);
  }

  let owners: string[] = [];
  try {
    const co = t.codeowners ? parseCodeowners(Buffer.from(t.codeowners.object.bytes).toString('utf8'), t.codeowners.file) : undefined;
    owners = ownersOf(co, ev.prompt).owners;
  } catch (err) {
    problems.push(`CODEOWNERS at the commit is invalid: ${err instanceof PromptReleaseError ? err.message : String(err)}`);
  }
  const people = new People(config?.people ?? {});

  const earlierBlobs = new Set(
    [...evidences.values()].filter((o) => o.prompt === ev.prompt && o.releasedAt < ev.releasedAt).map((o) => o.blob),
  );
  const authors = new Set(authorsOfContent(history.get(ev.prompt) ?? [], ev.blob, earlierBlobs).map((a) => normalizeEmail(a.email)));

  // Every attributed review of this content present at the commit, to find open change requests.
  const reviews: StoredRecord<ReviewRecord>[] = [];
  for (const [recordPath, object] of t.records) {
    if (!object) continue;
    const record = parseRecord(Buffer.from(object.bytes).toString('utf8'));
    if ('error' in record || record.type !== 'review' || record.prompt !== ev.prompt || record.contentHash !== ev.contentHash) continue;
    if (!attributeRecord(recordPath, object.oid, record.by, history).ok) continue;
    reviews.push({ path: recordPath, blob: object.oid, record });
  }

  const counted = new Set<string>();
  let ownerApproved = false;
  for (const approval of ev.approvals) {
    const who = approval.by?.email ?? '?';
    const object = t.records.get(approval.record);
    if (!object) {
      problems.push(`the approval by ${who} (${approval.record}) is missing at the commit`);
      continue;
    }
    const record = parseRecord(Buffer.from(object.bytes).toString('utf8')) as PromptRecord | { error: string };
    if ('error' in record) {
      problems.push(`the approval record ${approval.record} is unusable: ${record.error}`);
      continue;
    }
    if (record.type !== 'review' || record.verdict !== 'approve' || record.prompt !== ev.prompt || record.contentHash !== ev.contentHash || normalizeEmail(record.by.email) !== normalizeEmail(who)) {
      problems.push(`the record ${approval.record} is not an approval of this content by ${who}`);
      continue;
    }
    const attribution = attributeRecord(approval.record, object.oid, record.by, history);
    if (!attribution.ok) {
      problems.push(`the approval by ${who} does not count: ${attribution.reason}`);
      continue;
    }
    if (authors.has(normalizeEmail(who))) {
      problems.push(`the approval by ${who} is a self-approval: they wrote part of this content`);
      continue;
    }
    counted.add(normalizeEmail(who));
    if (people.ownersMatching(who, owners).length > 0) ownerApproved = true;
  }
  if (env) {
    if (counted.size < env.approvals) problems.push(`it has ${counted.size} valid approval(s) of the ${env.approvals} the policy requires`);
    if (env.ownerApproval && !ownerApproved) problems.push(`none of its approvals is from a code owner (${owners.join(', ') || 'the prompt has no owner'})`);
    for (const cr of latestPerReviewer(reviews).filter((r) => r.record.verdict === 'request-changes')) {
      problems.push(`it was released while ${cr.record.by.email} had requested changes (${cr.path})`);
    }
    if (env.requirePrevious && envIndex > 0) {
      const previous = config!.environments[envIndex - 1].name;
      const reached = [...evidences.values()].some(
        (o) => o.environment === previous && o.prompt === ev.prompt && o.contentHash === ev.contentHash && o.releasedAt <= ev.releasedAt,
      );
      if (!reached) problems.push(`it was not released to ${previous} first`);
    }
  }
  for (const other of evidences.values()) {
    if (other.prompt !== ev.prompt) continue;
    if (other.contentHash === ev.contentHash && other.version !== ev.version) problems.push(`the same content is also released as v${other.version}`);
    if (other.contentHash !== ev.contentHash && other.version === ev.version) problems.push(`v${ev.version} also names different content (${other.environment})`);
  }
  return verdict(ev);
}

/** Which record files to read at a tag's commit: those its evidence names and all reviews of its content. */
export function recordsToCheck(ev: ReleaseEvidence, reviewsByContent: Map<string, string[]>): string[] {
  const paths = new Set(ev.approvals.map((a) => a.record));
  for (const p of reviewsByContent.get(`${ev.prompt}\0${ev.contentHash}`) ?? []) paths.add(p);
  return [...paths];
}
