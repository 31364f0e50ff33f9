import { includeDifferences, type FileAt, type IncludedContent } from '../prompts/dependencies';
import type { BlobFacts } from '../prompts/hash';
import { normalizeEmail } from '../ownership/identity';
import type { RecordLedger } from '../reviews/ledger';
import { orderReleases, parseReleaseTagName, parseTagMessage, type RawTag, type Release, type ReleaseEvidence } from './releases';
import { tagSignature, tagSignatureProblem } from '../reviews/signedEvidence';
import type { AllowedSigners, RecordSignature } from '../reviews/signatures';

/** What the git layer knows about each release tag beyond the tag itself. */
export interface TagFacts {
  /** Tags whose commit is on the trusted branch. */
  onTrustedBranch: Set<string>;
  /** The object at `<tag's commit>:<evidence prompt>`, per tag: its id and type, or undefined when absent. */
  promptAtCommit: Map<string, { oid: string; type: string } | undefined>;
  /** File mode of each blob as the trusted history shows it at a path (`path\0blob`). */
  modeOf(path: string, blob: string): string | undefined;
  /** sha256 content hash of a blob, when it was read. */
  contentHashOf(blob: string): string | undefined;
  /** Facts (with references) of a released blob, when it was read. */
  factsOf?(blob: string): BlobFacts | undefined;
  /** Files the released prompts include, at the release commits (`<commit>:<path>`); null: absent. */
  filesAtCommit?: Map<string, FileAt | null>;
  /** What a released content includes at its commit, recomputed from the files there. */
  includesAt?(commit: string, prompt: string, blob: string, claimed: string[]): IncludedContent[];
  /** What cannot be established of what it includes there (a limit reached, a dynamic partial…), as messages. */
  unresolvedIncludesAt?(commit: string, prompt: string, blob: string, claimed: string[]): string[];
  /** The signers file in force: whose keys a tag's signature may be made with. */
  signers?: AllowedSigners;
  /** Whether an environment of the trusted policy requires signed release tags (signatures: required). */
  signaturesRequired?(environment: string): boolean;
}

export interface TagCheck {
  tag: string;
  evidence?: ReleaseEvidence;
  /** Integrity problems: any one means the tag is not a release the tools made on the trusted branch. */
  problems: string[];
  /** What the tag's own SSH signature proves (unsigned for a tag without one). */
  signature?: RecordSignature;
}

/**
 * Integrity of every tag under the release namespace: an annotated tag of a commit on the
 * trusted branch, an evidence block that is whole and names this tag, the exact content at
 * that commit, a regular file, and approval records that are on the trusted branch and say
 * what the evidence claims. Whether the content meets today's policy is the evaluator's job.
 */
export function checkTags(tags: RawTag[], facts: TagFacts, ledger: RecordLedger): TagCheck[] {
  const checks = tags.map((tag) => checkTag(tag, facts, ledger));
  const valid = checks.filter((c) => c.problems.length === 0 && c.evidence);
  for (const check of valid) {
    const ev = check.evidence!;
    for (const other of valid) {
      if (other === check || other.evidence!.prompt !== ev.prompt) continue;
      const o = other.evidence!;
      if (o.contentHash === ev.contentHash && o.version !== ev.version) check.problems.push(`the same content is also released as v${o.version} (${other.tag})`);
      if (o.contentHash !== ev.contentHash && o.version === ev.version) check.problems.push(`v${ev.version} also names different content (${other.tag})`);
      if (o.environment === ev.environment && o.sequence === ev.sequence) check.problems.push(`${other.tag} claims the same place (${ev.sequence}) in ${ev.environment}'s order`);
    }
  }
  return checks;
}

function checkTag(tag: RawTag, facts: TagFacts, ledger: RecordLedger): TagCheck {
  const problems: string[] = [];
  const signature = tag.objectType === 'tag' ? tagSignature(tag, facts.signers) : undefined;
  const result = (evidence?: ReleaseEvidence): TagCheck => ({ tag: tag.name, evidence, problems, ...(signature ? { signature } : {}) });
  if (tag.objectType !== 'tag') {
    problems.push('it is a lightweight tag in the release namespace: prompt-release did not create it');
    return result();
  }
  if (tag.targetType && tag.targetType !== 'commit') {
    problems.push(`it tags a ${tag.targetType}, not a commit`);
    return result();
  }
  const parsed = parseTagMessage(tag.message);
  if ('error' in parsed) {
    problems.push(parsed.error);
    return result();
  }
  const ev = parsed.evidence;
  if (signature && facts.signaturesRequired?.(ev.environment)) {
    const unproven = tagSignatureProblem(signature, ev, facts.signers?.file);
    if (unproven) problems.push(unproven);
  }
  const named = parseReleaseTagName(tag.name);
  if (!named || named.environment !== ev.environment || named.prompt !== ev.prompt || named.version !== ev.version) {
    problems.push(`its name does not match its evidence (${ev.environment}, ${ev.prompt}, v${ev.version})`);
  }
  if (tag.commit !== ev.commit) problems.push(`it points at commit ${tag.commit.slice(0, 10)} but its evidence names ${ev.commit.slice(0, 10)}`);
  if (!facts.onTrustedBranch.has(tag.name)) problems.push(`its commit ${tag.commit.slice(0, 10)} is not on the trusted branch`);

  const object = facts.promptAtCommit.get(tag.name);
  if (!object) {
    problems.push(`${ev.prompt} does not exist at commit ${tag.commit.slice(0, 10)}`);
  } else if (object.type !== 'blob') {
    problems.push(`${ev.prompt} is a ${object.type === 'commit' ? 'submodule' : object.type} at the commit, not a file`);
  } else {
    if (object.oid !== ev.blob) problems.push(`the prompt at the commit is blob ${object.oid.slice(0, 10)}, not the released ${ev.blob.slice(0, 10)}`);
    const mode = facts.modeOf(ev.prompt, object.oid);
    if (mode === '120000') problems.push(`${ev.prompt} is a symbolic link at the commit, not a file`);
    const hash = facts.contentHashOf(object.oid);
    if (hash !== undefined && hash !== ev.contentHash) problems.push(`the content hash of ${ev.prompt} at the commit does not match the released ${ev.contentHash}`);
    if (hash === undefined) problems.push(`the content of ${ev.prompt} at the commit could not be read`);
  }

  if (facts.includesAt && object?.type === 'blob') {
    const actual = facts.includesAt(ev.commit, ev.prompt, ev.blob, (ev.includes ?? []).map((i) => i.path));
    const differences = includeDifferences(ev.includes ?? [], actual);
    if (differences.length) problems.push(`its evidence does not list what ${ev.prompt} includes at the commit (${differences.join('; ')})`);
    const unresolved = facts.unresolvedIncludesAt?.(ev.commit, ev.prompt, ev.blob, (ev.includes ?? []).map((i) => i.path)) ?? [];
    if (unresolved.length) problems.push(`what ${ev.prompt} includes at the commit cannot be established, so its evidence cannot be recomputed: ${unresolved.join('; ')}`);
    for (const claimed of ev.includes ?? []) {
      const at = facts.filesAtCommit?.get(`${ev.commit}:${claimed.path}`);
      if (at && at.blob !== claimed.blob) problems.push(`the included ${claimed.path} at the commit is blob ${at.blob.slice(0, 10)}, not ${claimed.blob.slice(0, 10)} as its evidence says`);
    }
  }
  for (const check of ev.checks ?? []) {
    const stored = ledger.findByPath(check?.record);
    const r = stored?.record;
    if (!r || r.type !== 'check' || r.result !== 'pass' || r.name !== check.name || r.contentHash !== ev.contentHash || normalizeEmail(r.by.email) !== normalizeEmail(check.by?.email ?? '')) {
      problems.push(`the "${check?.name}" check it cites (${check?.record}) is not a passing result for this content on the trusted branch`);
    }
  }
  for (const approval of ev.approvals) {
    const who = approval?.by?.email ?? '?';
    const stored = ledger.findByPath(approval?.record);
    if (!stored) {
      problems.push(`the approval by ${who} it cites (${approval?.record}) is not a record on the trusted branch`);
      continue;
    }
    const r = stored.record;
    if (r.type !== 'review' || r.verdict !== 'approve' || r.contentHash !== ev.contentHash || normalizeEmail(r.by.email) !== normalizeEmail(who)) {
      const edited = ledger.edited.has(approval.record) ? ' (it was edited after it was recorded: as first committed it says something else)' : '';
      problems.push(`the record ${approval.record} it cites is not an approval of this content by ${who}${edited}`);
    } else if ((approval.confirms ?? []).some((c) => !(r.confirms ?? []).includes(c))) {
      problems.push(`the approval by ${who} it cites (${approval.record}) does not confirm the criteria the evidence says it does`);
    }
  }
  return result(ev);
}

/** Releases whose tags passed the integrity check, by prompt, oldest first per environment. */
export function releasesByPrompt(checks: TagCheck[]): Map<string, Release[]> {
  const byPrompt = new Map<string, Release[]>();
  for (const c of checks) {
    if (c.problems.length || !c.evidence) continue;
    let list = byPrompt.get(c.evidence.prompt);
    if (!list) byPrompt.set(c.evidence.prompt, (list = []));
    list.push({ tag: c.tag, evidence: c.evidence });
  }
  for (const [k, list] of byPrompt) byPrompt.set(k, orderReleases(list));
  return byPrompt;
}
