import { createHash } from 'crypto';
import { blobFacts, contentHash } from '../../src/core/hash';
import { ZERO_OID, type FileChange, type LogCommit } from '../../src/core/history';
import type { Identity } from '../../src/core/identity';
import { analyze, type RepoModel, type RepoSnapshot } from '../../src/core/model';
import { promptMatcher } from '../../src/core/prompts';
import { isRecordPath, newRecordPath, serializeRecord, type PromptRecord, type ReviewRecord, type Verdict } from '../../src/core/records';
import { formatTagMessage, releaseTagName, sealEvidence, type RawTag } from '../../src/core/releases';
import { isPolicyFile, trustedPolicy } from '../../src/core/trustedPolicy';

export function blobId(text: string): string {
  const bytes = Buffer.from(text);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

const ADMIN: Identity = { name: 'Admin', email: 'admin@example.com' };

/**
 * Builds the plain data the git layer would read from a linear trusted branch, commit by
 * commit, so the domain can be tested without git: every record is added by a commit
 * authored as the record says, unless a test says otherwise.
 */
export class SnapshotBuilder {
  private files = new Map<string, string>();
  private log: LogCommit[] = [];
  private tags: RawTag[] = [];
  private fileAt = new Map<string, Map<string, string>>();
  private clock = Date.parse('2026-11-01T10:00:00Z');
  private commitCount = 0;
  workingChanges = new Map<string, 'modified' | 'deleted'>();
  shallow = false;

  constructor(configText = '', codeownersText?: string) {
    const files: Record<string, string> = {};
    if (configText) files['.promptrelease.yaml'] = configText;
    if (codeownersText !== undefined) files['.github/CODEOWNERS'] = codeownersText;
    if (Object.keys(files).length) this.commit(ADMIN, files);
  }

  private tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  /** A commit on the trusted branch; `null` deletes a file. Returns its id. */
  commit(author: Identity, files: Record<string, string | null>, options: { coAuthors?: Identity[]; renames?: Record<string, string> } = {}): string {
    const commit = (++this.commitCount).toString(16).padStart(40, '0');
    const time = this.tick();
    const changes: FileChange[] = [];
    for (const [from, to] of Object.entries(options.renames ?? {})) {
      const text = this.files.get(from)!;
      changes.push({ path: to, status: 'R', blob: blobId(text), mode: '100644', sources: [{ path: from, blob: blobId(text) }] });
      this.files.delete(from);
      this.files.set(to, text);
    }
    for (const [path, text] of Object.entries(files)) {
      const before = this.files.get(path);
      if (text === null) {
        changes.push({ path, status: 'D', blob: ZERO_OID, mode: '000000', sources: before ? [{ path, blob: blobId(before) }] : [] });
        this.files.delete(path);
        continue;
      }
      changes.push({ path, status: before === undefined ? 'A' : 'M', blob: blobId(text), mode: '100644', sources: before === undefined ? [] : [{ path, blob: blobId(before) }] });
      this.files.set(path, text);
    }
    this.log.push({ commit, parents: this.log.length ? [this.log[this.log.length - 1].commit] : [], author, coAuthors: options.coAuthors ?? [], time: Date.parse(time) / 1000, changes });
    this.fileAt.set(commit, new Map(this.files));
    return commit;
  }

  review(by: Identity, prompt: string, verdict: Verdict, options: { committedBy?: Identity; comment?: string } = {}): string {
    const text = this.files.get(prompt)!;
    const record: ReviewRecord = {
      format: 1,
      type: 'review',
      prompt,
      contentHash: contentHash(Buffer.from(text)),
      blob: blobId(text),
      verdict,
      by,
      time: this.tick(),
      ...(options.comment ? { comment: options.comment } : {}),
    };
    return this.record(record, options.committedBy ?? by);
  }

  record(record: PromptRecord, committedBy: Identity = record.by): string {
    const path = newRecordPath(record);
    this.commit(committedBy, { [path]: serializeRecord(record) });
    return path;
  }

  /** Releases the current content the way the engine would, trusting the caller's gate. */
  release(prompt: string, environment: string, version: number, by: Identity, approvals: string[] = [], options: { sequence?: number } = {}): string {
    const text = this.files.get(prompt)!;
    const head = this.log[this.log.length - 1].commit;
    const evidence = sealEvidence({
      format: 'prompt-release/1',
      environment,
      prompt,
      contentHash: contentHash(Buffer.from(text)),
      blob: blobId(text),
      commit: head,
      version,
      sequence: options.sequence ?? this.tags.filter((t) => t.name.startsWith(`prompt-release/${environment}/${prompt}/`)).length + 1,
      approvals: approvals.map((record) => {
        const r = JSON.parse(this.files.get(record)!);
        return { by: r.by, at: r.time, record, owners: [] };
      }),
      policy: { approvals: 1, ownerApproval: false, requirePrevious: false },
      releasedBy: by,
      releasedAt: this.tick(),
    });
    const name = releaseTagName(environment, prompt, version, this.tags.filter((t) => t.name.startsWith(releaseTagName(environment, prompt, version, 1))).length + 1);
    this.tags.push({ name, objectType: 'tag', targetType: 'commit', commit: head, message: formatTagMessage(evidence) });
    return name;
  }

  text(path: string): string | undefined {
    return this.files.get(path);
  }

  build(): RepoModel {
    const texts = new Map<string, string>();
    for (const state of this.fileAt.values()) for (const text of state.values()) texts.set(blobId(text), text);
    const history = (keep: (path: string) => boolean) =>
      this.log.map((c) => ({ ...c, changes: c.changes.filter((ch) => keep(ch.path)) })).filter((c) => c.changes.length > 0);
    const policy = trustedPolicy({
      log: history((p) => isRecordPath(p) || isPolicyFile(p)),
      firstParentLog: history(isPolicyFile),
      texts,
    });
    const isPrompt = promptMatcher(policy.config);
    const prompts = [...this.files.keys()].filter((p) => isPrompt(p) && !isPolicyFile(p));
    const head = this.log[this.log.length - 1]?.commit ?? '0'.repeat(40);
    const snapshot: RepoSnapshot = {
      head: { commit: head, branch: 'refs/heads/main' },
      trusted: { ref: 'main', commit: head },
      headOnTrusted: true,
      shallow: this.shallow,
      policy,
      prompts: prompts.map((path) => ({ path, blob: blobId(this.files.get(path)!), mode: '100644', facts: blobFacts(Buffer.from(this.files.get(path)!)) })),
      policyFiles: [...this.files.keys()].filter(isPolicyFile).map((path) => ({ path, blob: blobId(this.files.get(path)!), facts: blobFacts(Buffer.from(this.files.get(path)!)) })),
      untrackedPrompts: [],
      workingChanges: this.workingChanges,
      promptLog: history((p) => isPrompt(p)),
      tags: this.tags,
      tagFacts: {
        onTrustedBranch: new Set(this.tags.map((t) => t.name)),
        promptAtCommit: new Map(
          this.tags.map((t) => {
            const prompt = /^prompt-release\/[^/]+\/(.+)\/v\d+(?:-\d+)?$/.exec(t.name)?.[1] ?? '';
            const text = this.fileAt.get(t.commit)?.get(decodeURIComponent(prompt));
            return [t.name, text === undefined ? undefined : { oid: blobId(text), type: 'blob' }];
          }),
        ),
        contentHashOf: (blob) => (texts.has(blob) ? contentHash(Buffer.from(texts.get(blob)!)) : undefined),
      },
    };
    return analyze(snapshot);
  }
}
