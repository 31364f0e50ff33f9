import { CODEOWNERS_LOCATIONS } from '../core/codeowners';
import { CONFIG_FILE } from '../core/config';
import { indexHistory } from '../core/history';
import { RECORDS_DIR } from '../core/prompts';
import { isRecordPath, parseRecord } from '../core/records';
import { parseTagMessage, TAG_REF_PREFIX, type ReleaseEvidence } from '../core/releases';
import { recordsToCheck, verifyReleases, type TagAtCommit, type TagVerdict } from '../core/verify';
import { LOG_FORMAT, parseLog, parseTags, TAG_FORMAT } from './parse';
import type { PromptRepository } from './repository';

/**
 * Loads the evidence for every tag in the release namespace with a fixed number of git
 * processes (list tags, one log, two batch reads) and re-checks each one.
 */
export async function verifyRepository(repo: PromptRepository): Promise<TagVerdict[]> {
  const tags = parseTags(await repo.git.run(['for-each-ref', TAG_FORMAT, TAG_REF_PREFIX]));
  if (tags.length === 0) return [];
  const evidences = new Map<string, ReleaseEvidence>();
  for (const tag of tags) {
    const parsed = tag.objectType === 'tag' ? parseTagMessage(tag.message) : undefined;
    if (parsed && 'evidence' in parsed) evidences.set(tag.name, parsed.evidence);
  }

  const commits = [...new Set(tags.map((t) => t.commit))];
  const prompts = [...new Set([...evidences.values()].map((e) => e.prompt))];
  const stdin = [...commits, '--', RECORDS_DIR, ...prompts.map((p) => `:(literal)${p}`)].join('\n') + '\n';
  const log = parseLog(
    await repo.git.run(['log', '--stdin', '-z', '--raw', '--no-renames', '--no-abbrev', '--no-ext-diff', '--no-textconv', LOG_FORMAT], { input: stdin }),
  );
  const history = indexHistory(log);

  // Every record version ever committed, to find all reviews of each released content.
  const recordBlobs = new Map<string, string>();
  for (const [file, events] of history) {
    if (!isRecordPath(file)) continue;
    for (const e of events) if (e.status !== 'D') recordBlobs.set(e.blob, file);
  }
  const blobList = [...recordBlobs.keys()];
  const blobContents = await repo.readObjects(blobList);
  const reviewsByContent = new Map<string, string[]>();
  blobList.forEach((blob, i) => {
    const parsed = blobContents[i] ? parseRecord(blobContents[i]!.toString('utf8')) : undefined;
    if (!parsed || 'error' in parsed || parsed.type !== 'review') return;
    const key = `${parsed.prompt}\0${parsed.contentHash}`;
    const list = reviewsByContent.get(key) ?? [];
    list.push(recordBlobs.get(blob)!);
    reviewsByContent.set(key, list);
  });

  // One batch read of everything at every tagged commit.
  const requests: string[] = [];
  const plans = tags.map((tag) => {
    const ev = evidences.get(tag.name);
    if (!ev) return undefined;
    const records = recordsToCheck(ev, reviewsByContent);
    const start = requests.length;
    requests.push(`${tag.commit}:${CONFIG_FILE}`, ...CODEOWNERS_LOCATIONS.map((f) => `${tag.commit}:${f}`), `${tag.commit}:${ev.prompt}`);
    requests.push(...records.map((r) => `${tag.commit}:${r}`));
    return { start, records };
  });
  const objects = await repo.readObjectsWithIds(requests);

  const inputs: TagAtCommit[] = tags.map((tag, i) => {
    const plan = plans[i];
    if (!plan) return { tag, records: new Map() };
    const at = (k: number) => objects[plan.start + k];
    const ownersIndex = CODEOWNERS_LOCATIONS.findIndex((_, k) => at(1 + k));
    const base = 1 + CODEOWNERS_LOCATIONS.length;
    return {
      tag,
      config: at(0),
      codeowners: ownersIndex >= 0 ? { file: CODEOWNERS_LOCATIONS[ownersIndex], object: at(1 + ownersIndex)! } : undefined,
      prompt: at(base),
      records: new Map(plan.records.map((r, k) => [r, at(base + 1 + k)])),
    };
  });
  return verifyReleases(inputs, history);
}
