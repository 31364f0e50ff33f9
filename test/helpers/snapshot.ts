import { createHash } from 'crypto';
import { parseCodeowners } from '../../src/core/codeowners';
import { parseConfig } from '../../src/core/config';
import { contentHash } from '../../src/core/hash';
import type { LogCommit } from '../../src/core/history';
import type { Identity } from '../../src/core/identity';
import { analyze, type RepoModel, type RepoSnapshot } from '../../src/core/model';
import { newRecordPath, serializeRecord, type ReviewRecord, type Verdict } from '../../src/core/records';
import { formatTagMessage, releaseTagName, sealEvidence } from '../../src/core/releases';

export function blobId(text: string): string {
  const bytes = Buffer.from(text);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Builds the plain data the git layer would read, commit by commit, so the domain can be
 * tested without git: every record is added by a commit authored as the record says,
 * unless a test says otherwise.
 */
export class SnapshotBuilder {
  private files = new Map<string, string>();
  private log: LogCommit[] = [];
  private tags: RepoSnapshot['tags'] = [];
  private clock = Date.parse('2026-11-01T10:00:00Z');
  private commitCount = 0;
  workingChanges = new Map<string, 'modified' | 'deleted'>();

  constructor(
    private configText = '',
    private codeownersText?: string,
  ) {}

  private tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  commit(author: Identity, files: Record<string, string>): string {
    const commit = (++this.commitCount).toString(16).padStart(40, '0');
    const time = this.tick();
    this.log.unshift({
      commit,
      author,
      time: Date.parse(time) / 1000,
      changes: Object.entries(files).map(([path, text]) => ({ path, status: this.files.has(path) ? 'M' : 'A', blob: blobId(text) })),
    });
    for (const [path, text] of Object.entries(files)) this.files.set(path, text);
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
    const path = newRecordPath(record);
    this.commit(options.committedBy ?? by, { [path]: serializeRecord(record) });
    return path;
  }

  /** Releases the current content the way the engine would, trusting the caller's gate. */
  release(prompt: string, environment: string, version: number, by: Identity, approvals: string[] = []): string {
    const text = this.files.get(prompt)!;
    const head = this.log[0].commit;
    const evidence = sealEvidence({
      format: 'prompt-release/1',
      environment,
      prompt,
      contentHash: contentHash(Buffer.from(text)),
      blob: blobId(text),
      commit: head,
      version,
      sequence: this.tags.filter((t) => t.name.startsWith(`prompt-release/${environment}/`)).length + 1,
      approvals: approvals.map((record) => {
        const r = JSON.parse(this.files.get(record)!);
        return { by: r.by, at: r.time, record, owners: [] };
      }),
      policy: { approvals: 1, ownerApproval: false, requirePrevious: false },
      releasedBy: by,
      releasedAt: this.tick(),
    });
    const name = releaseTagName(environment, prompt, version, 1);
    this.tags.push({ name, objectType: 'tag', commit: head, message: formatTagMessage(evidence) });
    return name;
  }

  text(path: string): string | undefined {
    return this.files.get(path);
  }

  build(): RepoModel {
    const config = parseConfig(this.configText);
    const isRecord = (p: string) => p.startsWith('.promptrelease/records/');
    const prompts = [...this.files.keys()].filter((p) => !isRecord(p) && p !== '.promptrelease.yaml' && !p.endsWith('CODEOWNERS'));
    return analyze({
      head: { commit: this.log[0]?.commit ?? '0'.repeat(40), branch: 'refs/heads/main' },
      config,
      codeowners: this.codeownersText === undefined ? undefined : parseCodeowners(this.codeownersText, '.github/CODEOWNERS'),
      prompts: prompts.map((path) => ({ path, blob: blobId(this.files.get(path)!), bytes: Buffer.from(this.files.get(path)!) })),
      untrackedPrompts: [],
      workingChanges: this.workingChanges,
      records: [...this.files.keys()].filter(isRecord).map((path) => ({ path, blob: blobId(this.files.get(path)!), text: this.files.get(path)! })),
      log: this.log,
      tags: this.tags,
    });
  }
}
