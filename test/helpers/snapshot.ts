import { createHash } from 'crypto';
import { includedContent, type FileAt, type IncludedContent } from '../../src/core/prompts/dependencies';
import { blobFacts, contentHash } from '../../src/core/prompts/hash';
import { ZERO_OID, type FileChange, type LogCommit } from '../../src/core/history/history';
import type { Identity } from '../../src/core/ownership/identity';
import { analyze, type RepoModel, type RepoSnapshot } from '../../src/core/model/model';
import { promptMatcher } from '../../src/core/prompts/prompts';
import { headSubject, planRelease, type ReleasePlan } from '../../src/core/reviews/operations';
import {
  isRecordPath,
  newRecordPath,
  serializeRecord,
  type CheckRecord,
  type FeedbackRecord,
  type PromptRecord,
  type ReviewRecord,
  type ReviewRequestRecord,
  type Verdict,
} from '../../src/core/reviews/records';
import { formatTagMessage, releaseTagName, sealEvidence, type RawTag, type ReleaseEvidence } from '../../src/core/releases/releases';
import { isPolicyFile, trustedPolicy } from '../../src/core/policy/trustedPolicy';

export function blobId(text: string): string {
  const bytes = Buffer.from(text);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

const ADMIN: Identity = { name: 'Admin', email: 'admin@example.com' };

export const DAY = 86_400_000;

/** Options every record-making helper takes. */
export interface RecordOptions {
  /** Who commits the record (default: whom it names). */
  committedBy?: Identity;
  /** The time the record states (default: the builder's clock). */
  time?: string;
  /** The author time of the commit that adds it, ms (default: the builder's clock). */
  commitAt?: number;
  /** What the prompt included (default: what it includes now, as the tools would write). */
  includes?: IncludedContent[];
}

/** Files at release commits, looked up on demand: `<commit>:<path>` as the git layer keys them. */
class FilesAtCommit extends Map<string, FileAt | null> {
  constructor(private readonly lookup: (key: string) => FileAt | null | undefined) {
    super();
  }
  override get(key: string): FileAt | null | undefined {
    return this.lookup(key);
  }
}

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
  /** When the snapshot is read, ms since the epoch; default: the builder's clock (its last commit). */
  now?: number;

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

  /** Lets time pass: later commits and records are made that much later. */
  advance(ms: number): void {
    this.clock += ms;
  }

  /** The builder's clock, ms since the epoch. */
  get time(): number {
    return this.clock;
  }

  /** A commit on the trusted branch; `null` deletes a file. Returns its id. `at`: its author time in ms (the clock is left alone). */
  commit(author: Identity, files: Record<string, string | null>, options: { coAuthors?: Identity[]; renames?: Record<string, string>; at?: number } = {}): string {
    const commit = (++this.commitCount).toString(16).padStart(40, '0');
    const time = options.at !== undefined ? new Date(options.at).toISOString() : this.tick();
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

  review(by: Identity, prompt: string, verdict: Verdict, options: RecordOptions & { comment?: string; confirms?: string[] } = {}): string {
    const record: ReviewRecord = {
      ...this.base(prompt, by, options),
      type: 'review',
      verdict,
      ...(options.comment ? { comment: options.comment } : {}),
      ...this.includesOf(prompt, options),
      ...(options.confirms ? { confirms: options.confirms } : {}),
    };
    return this.record(record, options.committedBy ?? by, options.commitAt);
  }

  /** A check result on the current content of a prompt (and, by default, what it includes now). */
  check(by: Identity, prompt: string, name: string, result: 'pass' | 'fail', options: RecordOptions & { summary?: string } = {}): string {
    const record: CheckRecord = {
      ...this.base(prompt, by, options),
      type: 'check',
      name,
      result,
      ...(options.summary ? { summary: options.summary } : {}),
      ...this.includesOf(prompt, options),
    };
    return this.record(record, options.committedBy ?? by, options.commitAt);
  }

  requestReview(by: Identity, prompt: string, reviewers: string[], options: RecordOptions = {}): string {
    const record: ReviewRequestRecord = { ...this.base(prompt, by, options), type: 'review-request', reviewers };
    return this.record(record, options.committedBy ?? by, options.commitAt);
  }

  /** Feedback on a released version (environment and version given) or, without them, the current content. */
  feedback(by: Identity, prompt: string, body: string, options: RecordOptions & { environment?: string; version?: number; rating?: 'good' | 'bad'; text?: string } = {}): string {
    const base = this.base(prompt, by, options);
    const text = options.text;
    const record: FeedbackRecord = {
      ...base,
      ...(text !== undefined ? { contentHash: contentHash(Buffer.from(text)), blob: blobId(text) } : {}),
      type: 'feedback',
      id: createHash('sha1').update(body + base.time).digest('hex').slice(0, 8),
      ...(options.environment ? { environment: options.environment, version: options.version } : {}),
      ...(options.rating ? { rating: options.rating } : {}),
      body,
    };
    return this.record(record, options.committedBy ?? by, options.commitAt);
  }

  private base(prompt: string, by: Identity, options: RecordOptions) {
    const text = this.files.get(prompt)!;
    return { format: 1 as const, prompt, contentHash: contentHash(Buffer.from(text)), blob: blobId(text), by, time: options.time ?? this.tick() };
  }

  /** What the tools would record as the prompt's includes: what the model resolves now. */
  private includesOf(prompt: string, options: RecordOptions): { includes?: IncludedContent[] } {
    const includes = options.includes ?? includedContent(this.build().byPath.get(prompt)?.includes ?? []);
    return includes.length ? { includes } : {};
  }

  record(record: PromptRecord, committedBy: Identity = record.by, at?: number): string {
    const path = newRecordPath(record);
    this.commit(committedBy, { [path]: serializeRecord(record) }, { at });
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
      ...this.includeEvidence(prompt),
      policy: { approvals: 1, ownerApproval: false, requirePrevious: false },
      releasedBy: by,
      releasedAt: this.tick(),
    });
    const name = releaseTagName(environment, prompt, version, this.tags.filter((t) => t.name.startsWith(releaseTagName(environment, prompt, version, 1))).length + 1);
    this.tags.push({ name, objectType: 'tag', targetType: 'commit', commit: head, message: formatTagMessage(evidence) });
    return name;
  }

  /** What a release made now would list as included (the integrity check compares it with the commit). */
  private includeEvidence(prompt: string) {
    const includes = this.build().byPath.get(prompt)?.includes ?? [];
    return includes.length ? { includes: includes.map((d) => ({ path: d.path, blob: d.blob, contentHash: d.contentHash })) } : {};
  }

  /**
   * A release the way the CLI plans it (planRelease on a fresh model, HEAD's content): the
   * tag is created only when the gate allows it. Returns the plan either way.
   */
  releasePlanned(prompt: string, environment: string, by: Identity, options: { forge?: (evidence: Omit<ReleaseEvidence, 'digest'>) => Omit<ReleaseEvidence, 'digest'> } = {}): ReleasePlan {
    const model = this.build();
    let plan = planRelease(model, headSubject(model, model.byPath.get(prompt)!, environment), environment, by, new Date(this.clock));
    if (plan.allowed && options.forge) {
      // A hand-made tag: the evidence altered and sealed again, as someone with tag rights could.
      const { digest: _digest, ...unsealed } = plan.evidence;
      const evidence = sealEvidence(options.forge(unsealed));
      plan = { ...plan, evidence, message: formatTagMessage(evidence) };
    }
    if (plan.allowed) {
      this.tick();
      this.tags.push({ name: plan.tag, objectType: 'tag', targetType: 'commit', commit: plan.evidence.commit, message: plan.message });
    }
    return plan;
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
      // As git rewrites parents in a path-limited log: each kept commit's parent is the one kept before it (the history is linear).
      log: history((p) => isRecordPath(p) || isPolicyFile(p)).map((c, i, kept) => ({ ...c, parents: i ? [kept[i - 1].commit] : [] })),
      texts,
    });
    const isPrompt = promptMatcher(policy.config);
    const prompts = [...this.files.keys()].filter((p) => isPrompt(p) && !isPolicyFile(p));
    // Everything else at HEAD a prompt may include (a Prompty sample, a partial outside the globs).
    const others = [...this.files.keys()].filter((p) => !isPrompt(p) && !isPolicyFile(p) && !isRecordPath(p));
    const head = this.log[this.log.length - 1]?.commit ?? '0'.repeat(40);
    const fileAt = (text: string): FileAt => ({ blob: blobId(text), mode: '100644', facts: blobFacts(Buffer.from(text)) });
    const snapshot: RepoSnapshot = {
      head: { commit: head, branch: 'refs/heads/main' },
      trusted: { ref: 'main', commit: head },
      headOnTrusted: true,
      shallow: this.shallow,
      policy,
      prompts: prompts.map((path) => ({ path, blob: blobId(this.files.get(path)!), mode: '100644', facts: blobFacts(Buffer.from(this.files.get(path)!)) })),
      policyFiles: [...this.files.keys()].filter(isPolicyFile).map((path) => ({ path, blob: blobId(this.files.get(path)!), facts: blobFacts(Buffer.from(this.files.get(path)!)) })),
      dependencyFiles: others.map((path) => ({ path, ...fileAt(this.files.get(path)!) })),
      now: this.now ?? this.clock,
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
        factsOf: (blob) => (texts.has(blob) ? blobFacts(Buffer.from(texts.get(blob)!)) : undefined),
        filesAtCommit: new FilesAtCommit((key) => {
          const colon = key.indexOf(':');
          const files = this.fileAt.get(key.slice(0, colon));
          if (!files) return undefined;
          const text = files.get(key.slice(colon + 1));
          return text === undefined ? null : fileAt(text);
        }),
      },
    };
    return analyze(snapshot);
  }
}
