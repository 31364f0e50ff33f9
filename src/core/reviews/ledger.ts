import { createHash } from 'crypto';
import type { Problem } from '../common/errors';
import { CommitGraph, ZERO_OID, type LogCommit } from '../history/history';
import type { People } from '../ownership/people';
import { isRecordPath, parseRecord, type PromptRecord, type ReviewRecord, type StoredRecord } from './records';
import { canonicalRecordBytes, checkSignature, RECORD_NAMESPACE, toRecordSignature, type AllowedSigners, type RecordSignature } from './signatures';

/**
 * Every record ever added on the trusted branch, each attributed to the commit that added
 * it. Deleting a record later does not withdraw it; editing one is reported as tampering
 * and the record stands as first committed.
 *
 * A record is its canonical bytes, wherever and however often they are committed. Its first
 * occurrence that can be attributed to the person it names is the record and its place in
 * commit order: one validly signed by that person (whoever committed it: evidence survives
 * squash merges, rebases and cherry-picks), or, unsigned, one in a commit that person
 * authored. A copy committed by someone else is reported and never takes the record's place;
 * a later copy of a counted record is a duplicate and never moves it.
 */
export class RecordLedger {
  readonly records: StoredRecord[] = [];
  readonly problems: Problem[] = [];
  /** Record files someone rewrote after they were added. */
  readonly edited = new Set<string>();
  readonly graph: CommitGraph;
  private readonly byPrompt = new Map<string, StoredRecord[]>();
  /** Identities (canonical bytes) first committed at each path, in commit order. */
  private readonly pathIdentities = new Map<string, string[]>();
  private readonly counted = new Map<string, StoredRecord>();

  /** `log` is the trusted branch's history of the records folder, parents first; `signers` the signers file in force. */
  constructor(
    log: LogCommit[],
    texts: Map<string, string>,
    private readonly people: People,
    parsed: Map<string, PromptRecord | { error: string }> = new Map(),
    readonly signers?: AllowedSigners,
  ) {
    this.graph = new CommitGraph(log);
    const identities = new Map<string, { identity: string; signature: RecordSignature }>();
    const reported = new Set<string>();
    const report = (blob: string, problem: Problem) => {
      if (reported.has(blob)) return;
      reported.add(blob);
      this.problems.push(problem);
    };
    log.forEach((c, order) => {
      for (const change of c.changes) {
        if (!isRecordPath(change.path)) continue;
        const short = c.commit.slice(0, 10);
        if (change.status === 'D') {
          this.problems.push({
            severity: 'warning',
            message: `review record ${change.path} was deleted in commit ${short} by ${c.author.email}; a record cannot be withdrawn, so it still counts`,
            location: { file: change.path },
            cause: 'review records were deleted; a record cannot be withdrawn, so they still count',
          });
          continue;
        }
        if (change.blob === ZERO_OID) continue;
        const known = identities.get(change.blob);
        // A later copy of a counted record (a merge, a rename, a replay) is the same record: it keeps its first place.
        if (known && this.counted.has(known.identity)) {
          this.notePath(change.path, known.identity);
          const from = change.status === 'R' ? change.sources.find((s) => s.path !== change.path)?.path : undefined;
          if (from) {
            this.problems.push({
              severity: 'warning',
              message: `review record ${from} was moved to ${change.path} in commit ${short} by ${c.author.email}: records stay where they were first committed, so the move is ignored and the record counts as first committed`,
              location: { file: change.path },
            });
          }
          continue;
        }
        // A new record has no source; one with another source (an edit, a changed rename, a merge of two versions) rewrites evidence.
        const editsExisting = change.sources.some((s) => s.blob !== ZERO_OID && s.blob !== change.blob);
        if (editsExisting) {
          this.edited.add(change.path);
          this.problems.push({
            severity: 'error',
            message: `review record ${change.path} was edited after it was recorded (commit ${short} by ${c.author.email}): records are append-only, so the edit is ignored and the record counts as first committed (tampering)`,
            location: { file: change.path },
            cause: 'review records were edited after they were recorded (tampering): each counts as first committed',
          });
          continue;
        }
        const text = texts.get(change.blob);
        let record = parsed.get(change.blob);
        if (!record) parsed.set(change.blob, (record = text === undefined ? { error: 'its content could not be read' } : parseRecord(text)));
        const parsedRecord = record;
        if ('error' in parsedRecord) {
          report(change.blob, { severity: 'error', message: `review record is unusable: ${parsedRecord.error}`, location: { file: change.path }, cause: 'review records are unusable' });
          continue;
        }
        let facts = known;
        if (!facts) {
          const bytes = canonicalRecordBytes(parsedRecord);
          facts = { identity: createHash('sha256').update(bytes).digest('hex'), signature: this.signatureOf(parsedRecord, bytes, c.time * 1000) };
          identities.set(change.blob, facts);
        }
        const { identity, signature } = facts;
        this.notePath(change.path, identity);
        if (this.counted.has(identity)) continue;
        const named = parsedRecord.by.email;
        if (signature.status !== 'valid' && !people.mayRecordFor(c.author.email, named)) {
          const why = signature.status === 'invalid' ? `its signature does not prove ${named} made it (${signature.reason}), and ` : '';
          report(change.blob, {
            severity: 'error',
            message: `review record does not count: ${why}commit ${short} that added it was authored by ${c.author.email}, not by ${named} whom it names`,
            location: { file: change.path },
            cause: 'review records do not count: the commit that added each was authored by someone other than the person it names',
          });
          continue;
        }
        const stored: StoredRecord = { path: change.path, blob: change.blob, record: parsedRecord, commit: c.commit, order, commitTime: c.time, signature };
        this.records.push(stored);
        this.counted.set(identity, stored);
        let list = this.byPrompt.get(parsedRecord.prompt);
        if (!list) this.byPrompt.set(parsedRecord.prompt, (list = []));
        list.push(stored);
      }
    });
  }

  /** What a record's own signature proves against the signers in force. */
  private signatureOf(record: PromptRecord, bytes: Buffer, when: number): RecordSignature {
    if (typeof record.signature !== 'string' || !record.signature) return { status: 'unsigned' };
    if (!this.signers) return { status: 'invalid', reason: 'no signers file is in force (signers: in .promptrelease.yaml), so no signature can be checked' };
    return toRecordSignature(checkSignature(this.signers, record.by.email, record.signature, bytes, RECORD_NAMESPACE, when), record.by.email);
  }

  private notePath(path: string, identity: string): void {
    const list = this.pathIdentities.get(path);
    if (!list) this.pathIdentities.set(path, [identity]);
    else if (!list.includes(identity)) list.push(identity);
  }

  /** Records about a file under any of its names, in commit order. */
  about(paths: string[]): StoredRecord[] {
    const result = paths.flatMap((p) => this.byPrompt.get(p) ?? []);
    return paths.length > 1 ? result.sort((a, b) => a.order! - b.order!) : result;
  }

  /**
   * The record a release cites by path: the counted record whose bytes were first added at
   * that path (a copy at the path resolves to the record it copies, never to itself).
   */
  findByPath(path: string): StoredRecord | undefined {
    for (const identity of this.pathIdentities.get(path) ?? []) {
      const stored = this.counted.get(identity);
      if (stored) return stored;
    }
    return undefined;
  }

  /**
   * Each reviewer's standing verdict on one content: a change request stays open until the
   * same person approves in a commit that descends from it; where two verdicts are on
   * unrelated branches, the change request stands.
   */
  verdicts(reviews: StoredRecord<ReviewRecord>[]): { approvals: StoredRecord<ReviewRecord>[]; changeRequests: StoredRecord<ReviewRecord>[] } {
    const byPerson = new Map<string, StoredRecord<ReviewRecord>[]>();
    for (const r of reviews) {
      const key = this.people.personOf(r.record.by.email);
      let list = byPerson.get(key);
      if (!list) byPerson.set(key, (list = []));
      list.push(r);
    }
    const approvals: StoredRecord<ReviewRecord>[] = [];
    const changeRequests: StoredRecord<ReviewRecord>[] = [];
    for (const list of byPerson.values()) {
      const requests = list.filter((r) => r.record.verdict === 'request-changes');
      const approves = list.filter((r) => r.record.verdict === 'approve');
      const open = requests.filter((cr) => !approves.some((a) => this.graph.isAncestor(cr.commit!, a.commit!)));
      if (open.length > 0) changeRequests.push(open[open.length - 1]);
      else if (approves.length > 0) approvals.push(approves[approves.length - 1]);
    }
    return { approvals: sortByOrder(approvals), changeRequests: sortByOrder(changeRequests) };
  }
}

function sortByOrder<T extends StoredRecord>(list: T[]): T[] {
  return list.sort((a, b) => a.order! - b.order!);
}
