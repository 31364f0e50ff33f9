import { Authorship } from '../ownership/authorship';
import type { Codeowners } from '../ownership/codeowners';
import { ownersOf } from '../ownership/codeowners';
import type { Config } from '../policy/config';
import { formatMissing, includeDifferences, includedContent, releasedAsIs, resolveIncludes, type Dependency, type FileAt, type IncludedContent, type MissingDependency } from '../prompts/dependencies';
import type { Problem } from '../common/errors';
import type { BlobFacts } from '../prompts/hash';
import { indexHistory, releasesUnderNames, renameIndex, type LogCommit, type PathEvent, type PathHistory } from '../history/history';
import type { Identity } from '../ownership/identity';
import { checkTags, releasesByPrompt, type TagCheck, type TagFacts } from '../releases/integrity';
import type { RecordLedger } from '../reviews/ledger';
import type { People } from '../ownership/people';
import { evaluate, tallyReviews, type EvaluationContext, type GateResult, type ReviewTally, type Subject, type WorkingCopyState } from '../policy/policy';
import { POLICY_RULES } from '../policy/rules';
import { promptMatcher } from '../prompts/prompts';
import type { CheckRecord, CommentRecord, FeedbackRecord, ReviewRecord, ReviewRequestRecord, StoredRecord } from '../reviews/records';
import { orderReleases, type RawTag, type Release } from '../releases/releases';
import { stateOf, type PromptState } from '../policy/state';
import type { TrustedPolicy } from '../policy/trustedPolicy';

export interface TrustedRef {
  /** Its full ref name, e.g. refs/remotes/origin/main or refs/heads/main: never a short name another ref could shadow. */
  ref: string;
  commit: string;
}

/** Everything the git layer reads for one refresh, as plain data. */
export interface RepoSnapshot {
  head: { commit: string; branch?: string };
  trusted: TrustedRef;
  /** Whether HEAD is the trusted tip or one of its ancestors: only such a commit can be tagged. */
  headOnTrusted: boolean;
  /** A shallow clone hides who wrote what: nothing can be decided. */
  shallow: boolean;
  /** The policy in force and the record ledger, from the trusted branch. */
  policy: TrustedPolicy;
  /** Files at HEAD that the effective or the editor's globs select, with what their content is. */
  prompts: { path: string; blob: string; mode: string; facts?: BlobFacts }[];
  /** Policy files at HEAD (reviewable like prompts). */
  policyFiles: { path: string; blob: string; facts?: BlobFacts }[];
  untrackedPrompts: string[];
  /** Paths whose working copy differs from HEAD. */
  workingChanges: Map<string, 'modified' | 'deleted'>;
  /** History of the prompt files: the trusted branch, then commits only HEAD has; parents first. */
  promptLog: LogCommit[];
  tags: RawTag[];
  tagFacts: Omit<TagFacts, 'modeOf'>;
  /** Globs the editor shows as prompts (a setting); what the gate decides never depends on them. */
  displayGlobs?: string[];
  /** Files at HEAD that prompts include but that are not prompts themselves (a Prompty sample, a partial outside the globs). */
  dependencyFiles?: { path: string; blob: string; mode: string; facts?: BlobFacts }[];
  /** When the snapshot was read (ms since the epoch): ages (review expiry, escalation) are measured from it. */
  now?: number;
  /**
   * A read for an action on one file (a sign-off): `prompts` holds that prompt alone (its
   * includes are in dependencyFiles); the policy, records, releases and history are whole.
   */
  focus?: string;
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
  /** Attributed records about this prompt (under any of its names), every content, in commit order. */
  reviews: StoredRecord<ReviewRecord>[];
  requests: StoredRecord<ReviewRequestRecord>[];
  comments: StoredRecord<CommentRecord>[];
  checks: StoredRecord<CheckRecord>[];
  feedback: StoredRecord<FeedbackRecord>[];
  /** The standing verdict of each reviewer on the current content. */
  currentReviews: StoredRecord<ReviewRecord>[];
  currentRequests: StoredRecord<ReviewRequestRecord>[];
  /** This prompt's releases that passed the integrity check, every environment, oldest first. */
  releases: Release[];
  /** The version now in each environment. */
  current: Record<string, Release | undefined>;
  /** Version number of the current content, if it was ever released. */
  version?: number;
  gates: GateResult[];
  state: PromptState;
  /** Why the prompt cannot be reviewed or released (binary, oversized, symlink, …). */
  unusable?: string;
  /** False for a file only the editor's prompt setting shows: the trusted policy does not make it a prompt. */
  governed: boolean;
  /** What it includes (partials, files, linked prompt files), transitively, with exact contents. */
  includes: Dependency[];
  missingIncludes: MissingDependency[];
  /** Prompts that include it, directly or through another include. */
  usedBy: string[];
  /** The live decision on the version current in each environment (review due, disputed). */
  live: Record<string, GateResult | undefined>;
}

export interface RepoModel {
  head: RepoSnapshot['head'];
  trusted: TrustedRef;
  headOnTrusted: boolean;
  shallow: boolean;
  config: Config;
  codeowners?: Codeowners;
  people: People;
  ledger: RecordLedger;
  policy: TrustedPolicy;
  prompts: PromptStatus[];
  byPath: Map<string, PromptStatus>;
  /** The policy files at HEAD, reviewable like prompts. */
  policyFiles: Map<string, PromptStatus>;
  /** Releases that passed the integrity check. */
  releases: Release[];
  tagChecks: TagCheck[];
  history: PathHistory;
  /** A file's changes under its current and every earlier name, newest first: a rename does not cut its history. */
  historyOf(path: string): PathEvent[];
  problems: Problem[];
  /** The gate's view of released content: which release of it, if any, meets today's policy in an environment. */
  trustedRelease(environment: string, path: string, contentHash: string, includes?: IncludedContent[]): Release | undefined;
  /** Decides one content against one environment: the same evaluator for the gate and verify. */
  decide(subject: Subject, environment: string, purpose: EvaluationContext['purpose'], extra?: Partial<EvaluationContext>): GateResult;
  /** The subject a content is: at HEAD, or (for verify and rollback) at the commit it was released from. */
  subjectOf(path: string, blob: string, hash: string, commit?: string): Subject;
  /** When the snapshot was read, ms since the epoch. */
  now: number;
  /** Each prompt's decision with the key of its inputs: the next refresh reuses those whose key is unchanged. */
  decisions: Map<string, { key: () => string; status: PromptStatus }>;
  /** The prompts this refresh decided afresh (the others were reused): work proportional to what changed. */
  decided: string[];
  /** Set on a model of one prompt (see RepoSnapshot.focus): `prompts` is that prompt alone. */
  focus?: string;
}

const SHALLOW_REASON = 'this clone is shallow, so who wrote the content and who approved it cannot be established; fetch the full history (git fetch --unshallow)';

/**
 * The model of one refresh. With the previous refresh's model, a prompt whose inputs have the
 * same ids (its content, names, includes, authors, owners, records, releases, and the policy
 * in force) keeps its earlier decision: a sign-off re-decides the prompt it is about.
 */
export function analyze(snapshot: RepoSnapshot, previous?: RepoModel): RepoModel {
  const { policy } = snapshot;
  const { config, codeowners, people, ledger } = policy;
  const problems: Problem[] = [...policy.problems];
  const renames = renameIndex(snapshot.promptLog);
  const history = indexHistory(snapshot.promptLog);
  const order = new Map(snapshot.promptLog.map((c, i) => [c.commit, i]));
  const namesOf = (path: string) => [path, ...(renames.get(path) ?? [])];
  const modes = new Map<string, string>();
  for (const c of snapshot.promptLog) for (const ch of c.changes) modes.set(`${ch.path}\0${ch.blob}`, ch.mode);
  for (const p of snapshot.prompts) modes.set(`${p.path}\0${p.blob}`, p.mode);
  const now = snapshot.now ?? Date.now();
  const isGovernedPath = promptMatcher(config);
  const headFiles = new Map<string, FileAt>();
  for (const f of [...(snapshot.dependencyFiles ?? []), ...snapshot.prompts, ...snapshot.policyFiles.map((p) => ({ ...p, mode: '100644' }))]) headFiles.set(f.path, f);
  const filesAtCommit = snapshot.tagFacts.filesAtCommit;
  const factsByBlob = new Map<string, BlobFacts>();
  for (const f of headFiles.values()) if (f.facts) factsByBlob.set(f.blob, f.facts);
  /** What a content includes at HEAD, or at a release's commit (the git layer read those files). */
  const resolutions = new Map<string, { includes: Dependency[]; missingIncludes: MissingDependency[] }>();
  const partialFiles = new Map<string, string[]>();
  for (const p of headFiles.keys()) {
    const name = p.slice(p.lastIndexOf('/') + 1);
    if (name.startsWith('_') && name.endsWith('.prompt')) partialFiles.set(name, [...(partialFiles.get(name) ?? []), p]);
  }
  const headPartials = (name: string) => partialFiles.get(name) ?? [];
  /** What each release's evidence says its prompt included, by `commit\0prompt`. */
  const claimedAt = new Map<string, string[]>();
  const NOTHING_INCLUDED = { includes: [] as Dependency[], missingIncludes: [] as MissingDependency[] };
  const includesOf = (path: string, blob: string | undefined, facts: BlobFacts | undefined, commit?: string) => {
    // Most prompts reference nothing: no lookup, no key.
    if (facts && !facts.references) return NOTHING_INCLUDED;
    const key = `${commit ?? ''}\0${path}\0${blob}\0${commit === undefined ? '' : (claimedAt.get(`${commit}\0${path}`) ?? []).join(' ')}`;
    let known = resolutions.get(key);
    if (known) return known;
    const atHead = commit === undefined || commit === snapshot.head.commit;
    const lookup = atHead ? (p: string) => headFiles.get(p) ?? null : (p: string) => filesAtCommit?.get(`${commit}:${p}`);
    // At a release commit only the files its evidence names are known; each is checked there.
    const partialsNamed = atHead ? headPartials : (name: string) => (claimedAt.get(`${commit}\0${path}`) ?? []).filter((p) => p === name || p.endsWith(`/${name}`));
    const resolved = resolveIncludes(path, facts, lookup, isGovernedPath, partialsNamed, { maxBytes: config.maxPromptBytes });
    const missingIncludes = [
      ...resolved.missing,
      // Fail closed: what could not be read cannot be approved.
      ...resolved.unknown.map((target) => ({ via: path, line: 0, kind: 'file' as const, target, reason: 'its content could not be read at that commit' })),
    ];
    resolutions.set(key, (known = { includes: resolved.includes, missingIncludes }));
    return known;
  };
  const tagChecks = checkTags(
    snapshot.tags,
    {
      ...snapshot.tagFacts,
      modeOf: (path, blob) => modes.get(`${path}\0${blob}`),
      signers: policy.signers,
      signaturesRequired: (env) => config.environments.some((e) => e.name === env && e.signatures === 'required'),
      includesAt: (commit, prompt, blob, claimed) => {
        claimedAt.set(`${commit}\0${prompt}`, claimed);
        return includedContent(includesOf(prompt, blob, factsByBlob.get(blob) ?? snapshot.tagFacts.factsOf?.(blob), commit).includes);
      },
      unresolvedIncludesAt: (commit, prompt, blob, claimed) => {
        claimedAt.set(`${commit}\0${prompt}`, claimed);
        return includesOf(prompt, blob, factsByBlob.get(blob) ?? snapshot.tagFacts.factsOf?.(blob), commit).missingIncludes.map(formatMissing);
      },
    },
    ledger,
  );
  for (const check of tagChecks) {
    if (check.problems.length) problems.push({ severity: 'error', message: `release tag ${check.tag} is not trusted: ${check.problems[0]}`, subject: check.tag, cause: 'release tags are not trusted (prompt-release verify says why)' });
  }
  const releasesOf = releasesByPrompt(tagChecks);
  const releasesUnderNamesMemo = new Map<string, Release[]>();
  const environments = config.environments;

  // Content reviewed and released is a checkpoint: authors before it had their work approved.
  const trustedBlobs = new Map<string, boolean>();
  const authorship = new Authorship(snapshot.promptLog, people, (blob) => isTrustedBlob(blob));
  const liveGates = new Map<string, GateResult>();
  /** The tally depends only on the content, its names and its owners: the same for every environment. */
  const tallies = new Map<string, ReviewTally>();
  const inProgress = new Set<string>();

  const model: RepoModel = {
    head: snapshot.head,
    trusted: snapshot.trusted,
    headOnTrusted: snapshot.headOnTrusted,
    shallow: snapshot.shallow,
    config,
    codeowners,
    people,
    ledger,
    policy,
    prompts: [],
    byPath: new Map(),
    policyFiles: new Map(),
    releases: [...releasesOf.values()].flat(),
    tagChecks,
    history,
    historyOf: (path) => namesOf(path).flatMap((name) => history.get(name) ?? []).sort((a, b) => order.get(b.commit)! - order.get(a.commit)!),
    problems,
    trustedRelease,
    decide,
    subjectOf,
    now,
    decisions: new Map(),
    decided: [],
    ...(snapshot.focus !== undefined ? { focus: snapshot.focus } : {}),
  };
  // What every decision shares: the rules files in force (by blob), where HEAD stands, and the clock when a rule reads it.
  const sharedKey = JSON.stringify([
    [...policy.inForce].sort(),
    snapshot.trusted.ref,
    snapshot.headOnTrusted,
    snapshot.shallow,
    environments.some((e) => e.reviewEvery) ? now : 0,
  ]);

  const releasesByBlob = new Map<string, Release[]>();
  for (const r of model.releases) releasesByBlob.set(r.evidence.blob, [...(releasesByBlob.get(r.evidence.blob) ?? []), r]);
  const isGoverned = promptMatcher(config);
  for (const file of snapshot.prompts) {
    model.prompts.push(memoisedStatus({ ...file, workingCopy: snapshot.workingChanges.get(file.path) ?? 'clean' }));
  }
  for (const path of snapshot.untrackedPrompts) model.prompts.push(memoisedStatus({ path, workingCopy: 'untracked' }));
  model.prompts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  model.byPath = new Map(model.prompts.map((p) => [p.path, p]));
  for (const p of model.prompts) {
    for (const dep of p.includes) model.byPath.get(dep.path)?.usedBy.push(p.path);
    for (const m of p.missingIncludes) {
      problems.push({ severity: 'error', message: formatMissing(m), location: { file: m.via, ...(m.line ? { line: m.line } : {}) }, prompt: p.path, cause: 'includes that cannot be resolved' });
    }
    for (const gate of Object.values(p.live)) {
      for (const w of gate?.warnings ?? []) problems.push({ severity: 'warning', message: `${p.path}: ${w.message}`, location: { file: p.path }, prompt: p.path, cause: 'live versions due for review' });
    }
  }
  for (const file of snapshot.policyFiles) {
    const status = promptStatus({ ...file, mode: '100644', workingCopy: snapshot.workingChanges.get(file.path) ?? 'clean' }, true);
    model.policyFiles.set(file.path, status);
  }

  const ownerless = model.prompts.filter((p) => p.governed && p.owners.length === 0);
  for (const p of ownerless) {
    problems.push({ severity: 'warning', message: `${p.path} has no owner in CODEOWNERS`, location: { file: p.path }, prompt: p.path, cause: 'prompts have no owner in CODEOWNERS' });
  }
  const unresolved = new Set(model.prompts.flatMap((p) => people.unresolved(p.owners)));
  for (const handle of unresolved) {
    const message = handle.includes('/')
      ? `team ${handle} has no members: list them under "people" in .promptrelease.yaml`
      : `owner ${handle} is recognised only by GitHub noreply commit emails (…+${handle.slice(1)}@users.noreply.github.com): list their other emails under "people" in .promptrelease.yaml`;
    const cause = handle.includes('/') ? 'teams have no members under "people" in .promptrelease.yaml' : 'owners are recognised only by GitHub noreply commit emails: list their other emails under "people" in .promptrelease.yaml';
    problems.push({ severity: 'warning', message, location: codeownersLocation(codeowners, handle), subject: handle, cause });
  }
  if (snapshot.shallow) problems.unshift({ severity: 'error', message: SHALLOW_REASON });
  return model;

  function memoisedStatus(file: { path: string; blob?: string; mode?: string; facts?: BlobFacts; workingCopy: WorkingCopyState }): PromptStatus {
    // A key is computed only when there is an earlier decision to compare with: a one-shot command never pays for it.
    let known: string | undefined;
    const key = () => (known ??= decisionKey(file));
    const earlier = previous?.decisions.get(file.path);
    if (earlier && earlier.key() === key()) {
      earlier.status.usedBy = [];
      model.decisions.set(file.path, { key, status: earlier.status });
      return earlier.status;
    }
    const status = promptStatus(file);
    model.decided.push(file.path);
    model.decisions.set(file.path, { key, status });
    return status;
  }

  /** The ids of everything a prompt's decision reads. */
  function decisionKey(file: { path: string; blob?: string; mode?: string; facts?: BlobFacts; workingCopy: WorkingCopyState }): string {
    const names = namesOf(file.path);
    const { includes, missingIncludes } = file.blob ? includesOf(file.path, file.blob, file.facts) : NOTHING_INCLUDED;
    const authors = file.blob ? authorsWithIncludes(authorship.authorsOf(file.blob), includes) : new Map<string, Identity>();
    return JSON.stringify([
      sharedKey,
      file.path,
      names,
      file.blob ?? null,
      file.mode ?? null,
      file.facts ?? null,
      file.workingCopy,
      includes.map((d) => [d.path, d.blob]),
      missingIncludes,
      [...authors].map(([k, who]) => [k, who.email, who.name]),
      ledger.about(names).map((r) => [r.path, r.blob, r.commit ?? null, r.order ?? null, !!r.pending, r.signature?.status ?? null]),
      // A release's live decision reads who wrote what it released.
      releasesOfPrompt(file.path).map((r) => [r.tag, [...authorship.authorsOf(r.evidence.blob).keys()]]),
    ]);
  }

  function subjectOf(path: string, blob: string, hash: string, commit?: string): Subject {
    const facts = factsByBlob.get(blob) ?? snapshot.tagFacts.factsOf?.(blob);
    const { includes, missingIncludes } = includesOf(path, blob, facts, commit);
    return {
      path,
      names: namesOf(path),
      blob,
      contentHash: hash,
      owners: ownersOf(codeowners, path).owners,
      authors: authorsWithIncludes(authorship.authorsOf(blob), includes),
      workingCopy: 'clean',
      unusable: usability({ mode: modes.get(`${path}\0${blob}`) }, isGoverned(path), config.maxPromptBytes, snapshot.shallow),
      includes,
      missingIncludes,
    };
  }

  /** Whoever wrote an included file wrote part of what is approved. */
  function authorsWithIncludes(own: Map<string, Identity>, includes: Dependency[]): Map<string, Identity> {
    if (includes.length === 0) return own;
    const all = new Map(own);
    for (const dep of includes) for (const [key, who] of authorship.authorsOf(dep.blob)) all.set(key, who);
    return all;
  }


  function context(environment: string, purpose: EvaluationContext['purpose'], extra: Partial<EvaluationContext> = {}): EvaluationContext {
    const index = environments.findIndex((e) => e.name === environment);
    return {
      purpose,
      env: environments[index],
      previousEnv: index > 0 ? environments[index - 1].name : undefined,
      people,
      ledger,
      trustedRelease,
      trustedRef: snapshot.trusted.ref,
      now,
      ...extra,
    };
  }

  function decide(subject: Subject, environment: string, purpose: EvaluationContext['purpose'], extra: Partial<EvaluationContext> = {}): GateResult {
    const ctx = context(environment, purpose, extra);
    const key = `${subject.names.join('\0')}\0${subject.contentHash}\0${subject.owners.join(' ')}\0${subject.blob}\0${subject.includes.map((i) => i.path + ':' + i.contentHash).join(' ')}\0${ctx.env.signatures ?? ''}`;
    let tally = tallies.get(key);
    if (!tally) tallies.set(key, (tally = tallyReviews(subject, ctx)));
    return evaluate(subject, ctx, POLICY_RULES, tally);
  }

  /** A release the gate relies on: whole, on the trusted branch, and its content (with these includes, when given) meets today's policy there. */
  function trustedRelease(environment: string, path: string, hash: string, includes?: IncludedContent[]): Release | undefined {
    if (!environments.some((e) => e.name === environment)) return undefined;
    return releasesOfPrompt(path).find(
      (r) => r.evidence.environment === environment && (includes ? releasedAsIs(r.evidence, hash, includes) : r.evidence.contentHash === hash) && meetsPolicy(r),
    );
  }

  /** A prompt's releases under its name and, for what it released under them, its earlier names: a rename keeps its releases. */
  function releasesOfPrompt(path: string): Release[] {
    let list = releasesUnderNamesMemo.get(path);
    if (!list) releasesUnderNamesMemo.set(path, (list = orderReleases(releasesUnderNames(namesOf(path), (n) => releasesOf.get(n), (n) => history.get(n)))));
    return list;
  }

  function meetsPolicy(release: Release): boolean {
    return liveDecision(release)?.allowed ?? false;
  }

  /** Today's decision on a released content where it was released: what verify, promotion and "review due" rely on. */
  function liveDecision(release: Release): GateResult | undefined {
    const key = release.tag;
    const known = liveGates.get(key);
    if (known !== undefined) return known;
    // A release whose decision depends on itself (through promotion order) is not relied on.
    if (inProgress.has(key)) return undefined;
    inProgress.add(key);
    const ev = release.evidence;
    const gate = decide(subjectOf(ev.prompt, ev.blob, ev.contentHash, ev.commit), ev.environment, 'live');
    inProgress.delete(key);
    liveGates.set(key, gate);
    return gate;
  }

  function isTrustedBlob(blob: string): boolean {
    const known = trustedBlobs.get(blob);
    if (known !== undefined) return known;
    trustedBlobs.set(blob, false);
    const ok = (releasesByBlob.get(blob) ?? []).some((r) => meetsPolicy(r));
    trustedBlobs.set(blob, ok);
    return ok;
  }

  function promptStatus(
    file: { path: string; blob?: string; mode?: string; facts?: BlobFacts; workingCopy: WorkingCopyState },
    policyFile = false,
  ): PromptStatus {
    const { owners, line } = ownersOf(codeowners, file.path);
    const hash = file.facts?.contentHash;
    const names = namesOf(file.path);
    const mine = ledger.about(names);
    const reviews = mine.filter((r): r is StoredRecord<ReviewRecord> => r.record.type === 'review');
    const requests = mine.filter((r): r is StoredRecord<ReviewRequestRecord> => r.record.type === 'review-request');
    const comments = mine.filter((r): r is StoredRecord<CommentRecord> => r.record.type === 'comment');
    const checks = mine.filter((r): r is StoredRecord<CheckRecord> => r.record.type === 'check');
    const feedback = mine.filter((r): r is StoredRecord<FeedbackRecord> => r.record.type === 'feedback');
    const promptReleases = releasesOfPrompt(file.path);
    const current: Record<string, Release | undefined> = {};
    for (const r of promptReleases) current[r.evidence.environment] = r;
    const { includes, missingIncludes } = file.blob && !policyFile ? includesOf(file.path, file.blob, file.facts) : { includes: [], missingIncludes: [] };
    const ownAuthors = file.blob ? (policyFile ? policy.authorship : authorship).authorsOf(file.blob) : new Map();
    const authors = authorsWithIncludes(ownAuthors, includes);
    const governed = policyFile || isGoverned(file.path);
    const unusable = usability(file, governed, config.maxPromptBytes, snapshot.shallow);
    const subject: Subject = { path: file.path, names, blob: file.blob, contentHash: hash, owners, authors, workingCopy: file.workingCopy, unusable, includes, missingIncludes };
    // A verdict stands for this content only while what it includes is as it was then.
    const included = includedContent(includes);
    const { approvals, changeRequests } = ledger.verdicts(reviews.filter((r) => r.record.contentHash === hash && includeDifferences(r.record.includes, included).length === 0));
    const gates = policyFile
      ? []
      : environments.map((env) =>
          decide(subject, env.name, 'release', { currentRelease: current[env.name], commitOnTrustedBranch: snapshot.headOnTrusted }),
        );
    const status: PromptStatus = {
      path: file.path,
      blob: file.blob,
      contentHash: hash,
      size: file.facts?.size ?? 0,
      owners,
      ownersLine: line,
      authors: [...authors.values()],
      workingCopy: file.workingCopy,
      reviews,
      requests,
      comments,
      checks,
      feedback,
      currentReviews: [...approvals, ...changeRequests].sort((a, b) => (a.order ?? 0) - (b.order ?? 0)),
      currentRequests: requests.filter((r) => r.record.contentHash === hash),
      releases: promptReleases,
      current,
      version: promptReleases.find((r) => r.evidence.contentHash === hash)?.evidence.version,
      gates,
      state: { kind: 'draft' },
      unusable,
      governed,
      includes,
      missingIncludes,
      usedBy: [],
      live: {},
    };
    if (!policyFile) {
      for (const env of environments) {
        const release = current[env.name];
        if (release) status.live[env.name] = liveDecision(release);
      }
    }
    status.state = stateOf(status, environments.map((e) => e.name));
    return status;
  }
}

function usability(file: { mode?: string; facts?: BlobFacts }, governed: boolean, maxBytes: number, shallow: boolean): string | undefined {
  if (!governed) return 'it is not a prompt under the trusted policy (it matches none of its "prompts" globs; the editor setting promptRelease.prompts only shows files)';
  if (file.mode === '120000') return 'it is a symbolic link: its content is whatever it points at, so it cannot be reviewed';
  if (file.mode === '160000') return 'it is a submodule, not a file';
  if (shallow) return SHALLOW_REASON;
  if (!file.facts) return undefined;
  if (file.facts.size > maxBytes) return `it is ${file.facts.size} bytes, more than maxPromptBytes (${maxBytes})`;
  if (file.facts.binary) return 'it is a binary file, not text';
  return undefined;
}

function codeownersLocation(codeowners: Codeowners | undefined, handle: string) {
  const rule = codeowners?.rules.find((r) => r.owners.includes(handle));
  return codeowners && rule ? { file: codeowners.file, line: rule.line } : undefined;
}
