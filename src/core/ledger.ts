import type { Problem } from './errors';
import { CommitGraph, ZERO_OID, type LogCommit } from './history';
import type { People } from './people';
import { isRecordPath, parseRecord, type PromptRecord, type ReviewRecord, type StoredRecord } from './records';

/**
 * Every record ever added on the trusted branch, each attributed to the commit that added
 * it. Deleting a record later does not withdraw it; editing one is reported as tampering
 * and the record stands as first committed.
 */
export class RecordLedger {
  readonly records: StoredRecord[] = [];
  readonly problems: Problem[] = [];
  /** Record files someone rewrote after they were added. */
  readonly edited = new Set<string>();
  readonly graph: CommitGraph;
  private readonly byPrompt = new Map<string, StoredRecord[]>();
  private readonly byPath = new Map<string, StoredRecord>();

  /** `log` is the trusted branch's history of the records folder, parents first. */
  constructor(
    log: LogCommit[],
    texts: Map<string, string>,
    private readonly people: People,
    parsed: Map<string, PromptRecord | { error: string }> = new Map(),
  ) {
    this.graph = new CommitGraph(log);
    const seen = new Set<string>();
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
        if (seen.has(change.blob) || change.blob === ZERO_OID) continue;
        seen.add(change.blob);
        // A new record has no source; one with a source (an edit, a changed rename, a merge of two versions) rewrites evidence.
        const editsExisting = change.sources.some((s) => s.blob !== ZERO_OID);
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
          this.problems.push({ severity: 'error', message: `review record is unusable: ${parsedRecord.error}`, location: { file: change.path }, cause: 'review records are unusable' });
          continue;
        }
        if (!people.mayRecordFor(c.author.email, parsedRecord.by.email)) {
          this.problems.push({
            severity: 'error',
            message: `review record does not count: commit ${short} that added it was authored by ${c.author.email}, not by ${parsedRecord.by.email} whom it names`,
            location: { file: change.path },
            cause: 'review records do not count: the commit that added each was authored by someone other than the person it names',
          });
          continue;
        }
        const stored: StoredRecord = { path: change.path, blob: change.blob, record: parsedRecord, commit: c.commit, order, commitTime: c.time };
        this.records.push(stored);
        if (!this.byPath.has(change.path)) this.byPath.set(change.path, stored);
        let list = this.byPrompt.get(parsedRecord.prompt);
        if (!list) this.byPrompt.set(parsedRecord.prompt, (list = []));
        list.push(stored);
      }
    });
  }

  /** Records about a file under any of its names, in commit order. */
  about(paths: string[]): StoredRecord[] {
    const result = paths.flatMap((p) => this.byPrompt.get(p) ?? []);
    return paths.length > 1 ? result.sort((a, b) => a.order! - b.order!) : result;
  }

  /** The record first added at a path (a release cites records by path). */
  findByPath(path: string): StoredRecord | undefined {
    return this.byPath.get(path);
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
