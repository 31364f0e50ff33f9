import { findEnvironment, policyRecord, type Config } from '../policy/config';
import { PromptReleaseError } from '../common/errors';
import { shortHash } from '../prompts/hash';
import { formatIdentity, type Identity } from '../ownership/identity';
import type { PromptStatus, RepoModel } from '../model/model';
import { approvalsForEvidence, type GateResult } from '../policy/policy';
import type { CheckRecord, CommentRecord, FeedbackRecord, ReviewRecord, ReviewRequestRecord, Verdict } from './records';
import { includedContent, releasedAsIs, type Dependency, type IncludedContent } from '../prompts/dependencies';
import { closest } from '../common/words';
import { randomBytes } from 'crypto';
import { formatTagMessage, releaseTagName, sealEvidence, type Release, type ReleaseEvidence } from '../releases/releases';
import { promptMatcher } from '../prompts/prompts';
import type { People } from '../ownership/people';
import { isPolicyFile, type PendingPolicyChange } from '../policy/trustedPolicy';

/** The prompt (or policy file) at a path, or a clear reason why it cannot be worked on. */
export function requirePrompt(model: RepoModel, path: string): PromptStatus {
  const prompt = model.byPath.get(path) ?? model.policyFiles.get(path);
  if (prompt) return prompt;
  throw notAPrompt(model.config, path, false);
}

/**
 * For a path not found among the prompts: is it no prompt at all, or nowhere? `known` says
 * the caller found the file (then only the first can be true).
 */
export function notAPrompt(config: Config, path: string, known: boolean, shownGlobs?: string[]): PromptReleaseError | undefined {
  const shown = shownGlobs?.length ? promptMatcher({ prompts: shownGlobs })(path) : false;
  if (!promptMatcher(config)(path) && !isPolicyFile(path) && !shown) {
    return new PromptReleaseError('not-a-prompt', `${path} is not a prompt: it matches none of the "prompts" globs`, {
      hint: `Globs in use: ${config.prompts.join(', ')}. Add one to .promptrelease.yaml (and commit it) to include this file.`,
    });
  }
  if (known) return undefined;
  return new PromptReleaseError('not-found', `${path} does not exist in the repository`, {
    hint: 'Check the path, relative to where you run the command.',
  });
}

export function requireCommitted(prompt: PromptStatus): asserts prompt is PromptStatus & { blob: string; contentHash: string } {
  if (!prompt.blob || !prompt.contentHash) {
    throw new PromptReleaseError('not-committed', `${prompt.path} is not committed yet`, {
      hint: `Commit it first: git add -- ${prompt.path} && git commit`,
    });
  }
}

/** Committed and something a reviewer can sign off on (text, not a link, history known). */
export function requireReviewable(prompt: PromptStatus): asserts prompt is PromptStatus & { blob: string; contentHash: string } {
  // A link or a submodule is committed but has no content of its own: say what it is.
  if (!prompt.blob || !prompt.unusable) requireCommitted(prompt);
  if (prompt.unusable) {
    throw new PromptReleaseError(prompt.unusable.includes('binary') ? 'binary-prompt' : prompt.unusable.includes('bytes') ? 'oversized-prompt' : 'unusable-prompt', `${prompt.path} cannot be reviewed: ${prompt.unusable}`);
  }
}

function requireCleanWorkingCopy(prompt: PromptStatus, action: string): void {
  if (prompt.workingCopy === 'modified' || prompt.workingCopy === 'deleted') {
    throw new PromptReleaseError('uncommitted-changes', `cannot ${action} ${prompt.path}: the working copy differs from the committed content`, {
      hint: `A sign-off covers committed content only. Commit the change (git commit -- ${prompt.path}) or discard it (git restore -- ${prompt.path}), then try again.`,
    });
  }
}

/** Every review criterion the policy names, in environment order. */
export function allCriteria(config: Config): string[] {
  return [...new Set(config.environments.flatMap((e) => e.criteria))];
}

/**
 * Checks what a reviewer says they confirmed against the policy's criteria, word for word;
 * "all" stands for every criterion the policy names (unless one is called "all").
 */
export function checkConfirmations(config: Config, confirms: string[]): string[] {
  const known = allCriteria(config);
  if (confirms.includes('all') && !known.includes('all')) {
    if (known.length === 0) throw new PromptReleaseError('invalid-usage', '--confirm all: the policy in force has no review criteria to confirm', { hint: 'Leave out --confirm.' });
    confirms = [...known, ...confirms.filter((c) => c !== 'all')];
  }
  for (const c of confirms) {
    if (known.includes(c)) continue;
    const guess = closest(c, known);
    throw new PromptReleaseError('invalid-usage', `"${c}" is not a review criterion of the policy`, {
      hint: known.length ? `${guess ? `Did you mean "${guess}"? ` : ''}Criteria: ${known.map((k) => `"${k}"`).join(', ')}.` : 'The policy in force has no criteria.',
    });
  }
  return [...new Set(confirms)];
}

export function planReview(prompt: PromptStatus, verdict: Verdict, by: Identity, comment: string | undefined, now: Date, people: People, confirms: string[] = []): ReviewRecord {
  requireReviewable(prompt);
  requireCleanWorkingCopy(prompt, verdict === 'approve' ? 'approve' : 'request changes to');
  if (verdict === 'approve' && prompt.authors.some((a) => people.samePerson(a.email, by.email))) {
    const others = prompt.owners.filter((o) => ![...people.emailsOf(o)].some((e) => people.samePerson(e, by.email)));
    throw new PromptReleaseError('self-approval', `${by.email} cannot approve ${prompt.path}: you wrote part of this content (self-approval)`, {
      hint: others.length ? `Ask another reviewer, e.g. a code owner (${others.join(', ')}).` : 'Ask another reviewer: no other code owner is listed for it in CODEOWNERS.',
    });
  }
  return {
    ...reviewBase({ prompt: prompt.path, contentHash: prompt.contentHash!, blob: prompt.blob! }, verdict, by, comment, now),
    ...(prompt.includes.length ? { includes: includedContent(prompt.includes) } : {}),
    ...(verdict === 'approve' && confirms.length ? { confirms } : {}),
  };
}

/** What every review record says: about which content, the verdict, whose, when and why (a change request must say why). */
function reviewBase(about: Pick<ReviewRecord, 'prompt' | 'contentHash' | 'blob'>, verdict: Verdict, by: Identity, comment: string | undefined, now: Date): ReviewRecord {
  if (verdict === 'request-changes' && !comment?.trim()) {
    throw new PromptReleaseError('invalid-usage', 'a change request needs a reason', { hint: 'Add -m "what should change".' });
  }
  return { format: 1, type: 'review', ...about, verdict, by, time: now.toISOString(), ...(comment?.trim() ? { comment: comment.trim() } : {}) };
}

/**
 * A review of a pending rules transition, bound to it: the file's committed content when it
 * has one; a deletion (`review <deleted file>`) names the content in force it removes.
 */
export function planRulesReview(model: RepoModel, file: string, verdict: Verdict, by: Identity, comment: string | undefined, now: Date, confirms: string[] = []): ReviewRecord {
  const deletion = model.policy.pending.find((p) => p.file === file && p.transition.deleted);
  if (deletion && !model.policyFiles.has(file) && !model.byPath.has(file)) return planDeletionReview(model, deletion, verdict, by, comment, now);
  const record = planReview(requirePrompt(model, file), verdict, by, comment, now, model.people, confirms);
  const transition = model.policyFiles.has(file) ? model.policy.bindings.get(file) : undefined;
  return transition ? { ...record, transition } : record;
}

function planDeletionReview(model: RepoModel, deletion: PendingPolicyChange, verdict: Verdict, by: Identity, comment: string | undefined, now: Date): ReviewRecord {
  if (verdict === 'approve' && deletion.writers.some((w) => model.people.samePerson(w.email, by.email))) {
    throw new PromptReleaseError('self-approval', `${by.email} cannot approve the deletion of ${deletion.file}: you deleted it (self-approval)`, {
      hint: `Ask another owner (${deletion.owners.join(', ')}).`,
    });
  }
  const about = { prompt: deletion.file, contentHash: deletion.contentHash, blob: model.policy.inForce.get(deletion.file) ?? deletion.blob };
  return { ...reviewBase(about, verdict, by, comment, now), transition: deletion.transition };
}

/** What a person or a run says about a check; the record adds whose and on what content. */
export type CheckInput = Pick<CheckRecord, 'name' | 'result' | 'summary' | 'details' | 'command' | 'exitCode'>;

/** Most of a long report stays out of the record; what is kept is its end, where results are. */
export const MAX_CHECK_DETAILS = 16_000;

/** A check result on the committed content and what it includes. */
export function planCheck(prompt: PromptStatus, model: RepoModel, input: CheckInput, by: Identity, now: Date): CheckRecord {
  requireReviewable(prompt);
  requireCleanWorkingCopy(prompt, 'record a check of');
  for (const dep of prompt.includes) {
    const included = model.byPath.get(dep.path);
    if (included && included.workingCopy !== 'clean') requireCleanWorkingCopy(included, `record a check of ${prompt.path}, which includes`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(input.name)) {
    throw new PromptReleaseError('invalid-usage', `"${input.name}" is not a check name: use letters, digits, ".", ":", "_" and "-"`, { hint: 'For example: --name eval or --name promptfoo:brand' });
  }
  const details = input.details && input.details.length > MAX_CHECK_DETAILS ? '…' + input.details.slice(-MAX_CHECK_DETAILS) : input.details;
  return {
    format: 1,
    type: 'check',
    prompt: prompt.path,
    contentHash: prompt.contentHash,
    blob: prompt.blob,
    name: input.name,
    result: input.result,
    by,
    time: now.toISOString(),
    ...(input.summary?.trim() ? { summary: input.summary.trim() } : {}),
    ...(details ? { details } : {}),
    ...(input.command !== undefined ? { command: input.command, exitCode: input.exitCode } : {}),
    ...(prompt.includes.length ? { includes: includedContent(prompt.includes) } : {}),
  };
}

export function checkCommitMessage(record: CheckRecord): string {
  return `prompt-release: check ${record.name} ${record.result === 'pass' ? 'passed' : 'failed'} on ${record.prompt} (${shortHash(record.contentHash)})\n\nRecorded by ${formatIdentity(record.by)}.\n`;
}

/**
 * Feedback on the version in use: in the named environment, else the furthest one it is
 * live in, else (never released) the committed content.
 */
export function planFeedback(model: RepoModel, prompt: PromptStatus, input: { environment?: string; body: string; rating?: 'good' | 'bad' }, by: Identity, now: Date): FeedbackRecord {
  if (!input.body.trim()) throw new PromptReleaseError('invalid-usage', 'feedback needs some text', { hint: 'Add -m "what you saw".' });
  let target: { blob: string; contentHash: string; environment?: string; version?: number; includes: IncludedContent[] };
  const released = (r: Release) => (r.evidence.includes ?? []).map((i) => ({ path: i.path, contentHash: i.contentHash }));
  if (input.environment) {
    findEnvironment(model.config, input.environment);
    const live = prompt.current[input.environment];
    if (!live) {
      throw new PromptReleaseError('not-found', `${prompt.path} has no version in ${input.environment}, so there is nothing in use there to give feedback on`, {
        hint: `Released to: ${Object.keys(prompt.current).filter((e) => prompt.current[e]).join(', ') || 'nowhere yet'}. Leave out --env for the committed content.`,
      });
    }
    target = { blob: live.evidence.blob, contentHash: live.evidence.contentHash, environment: input.environment, version: live.evidence.version, includes: released(live) };
  } else {
    const furthest = furthestRelease(model, prompt);
    if (furthest) {
      const ev = furthest.release.evidence;
      target = { blob: ev.blob, contentHash: ev.contentHash, environment: furthest.environment, version: ev.version, includes: released(furthest.release) };
    } else {
      requireCommitted(prompt);
      target = { blob: prompt.blob, contentHash: prompt.contentHash, includes: includedContent(prompt.includes) };
    }
  }
  return {
    format: 1,
    type: 'feedback',
    prompt: prompt.path,
    contentHash: target.contentHash,
    blob: target.blob,
    id: randomBytes(4).toString('hex'),
    ...(target.environment ? { environment: target.environment, version: target.version } : {}),
    ...(input.rating ? { rating: input.rating } : {}),
    body: input.body.trim(),
    ...(target.includes.length ? { includes: target.includes } : {}),
    by,
    time: now.toISOString(),
  };
}

export function feedbackCommitMessage(record: FeedbackRecord): string {
  const on = record.environment ? `v${record.version} in ${record.environment}` : shortHash(record.contentHash);
  return `prompt-release: feedback on ${record.prompt} (${on})${record.rating ? `, rated ${record.rating}` : ''}\n\nRecorded by ${formatIdentity(record.by)}.\n`;
}

export function planReviewRequest(prompt: PromptStatus, reviewers: string[], by: Identity, comment: string | undefined, now: Date, people: People): ReviewRequestRecord {
  requireReviewable(prompt);
  requireCleanWorkingCopy(prompt, 'request review of');
  if (reviewers.length === 0) throw new PromptReleaseError('invalid-usage', 'name at least one reviewer (an owner handle or an email)');
  for (const who of reviewers) {
    const email = /^[^\s@<>]+@[^\s@<>]+$/.test(who);
    if (!email && (!who.startsWith('@') || people.emailsOf(who).size === 0)) {
      throw new PromptReleaseError('unknown-reviewer', `unknown reviewer "${who}": it is neither an email nor a handle listed under "people" in .promptrelease.yaml`, {
        hint: prompt.owners.length ? `Owners of ${prompt.path}: ${prompt.owners.join(', ')}.` : 'Name reviewers by email, or add their handle under "people".',
      });
    }
  }
  return {
    format: 1,
    type: 'review-request',
    prompt: prompt.path,
    contentHash: prompt.contentHash,
    blob: prompt.blob,
    reviewers,
    by,
    time: now.toISOString(),
    ...(comment?.trim() ? { comment: comment.trim() } : {}),
  };
}

export function reviewCommitMessage(record: ReviewRecord | ReviewRequestRecord): string {
  const what = record.type === 'review' ? (record.verdict === 'approve' ? 'approve' : 'request changes to') : 'request review of';
  return `prompt-release: ${what} ${record.prompt} (${shortHash(record.contentHash)})\n\nRecorded by ${formatIdentity(record.by)}.\n`;
}

/** The environment a release goes to when none is named: the one after where this content already is. */
export function defaultEnvironment(model: RepoModel, prompt: PromptStatus, contentHash = prompt.contentHash): string {
  const envs = model.config.environments;
  // At HEAD, what it includes now counts too; an older version (a rollback) is its own content.
  const includes = contentHash === prompt.contentHash ? includedContent(prompt.includes) : undefined;
  let next = 0;
  envs.forEach((env, i) => {
    const live = prompt.current[env.name];
    if (live && (includes ? releasedAsIs(live.evidence, contentHash, includes) : live.evidence.contentHash === contentHash)) next = i + 1;
  });
  if (next >= envs.length) {
    throw new PromptReleaseError('invalid-usage', `${prompt.path} v${prompt.version} is already released to every environment`, {
      hint: 'Pass --env to re-release an older version (rollback) or edit the prompt for a new version.',
    });
  }
  return envs[next].name;
}

export function gateFor(model: RepoModel, prompt: PromptStatus, environment: string): GateResult {
  findEnvironment(model.config, environment);
  return prompt.gates.find((g) => g.environment === environment)!;
}

export type ReleasePlan =
  | { allowed: false; gate: GateResult }
  | { allowed: true; gate: GateResult; tag: string; evidence: ReleaseEvidence; message: string };

/** What a release is of: the committed content at HEAD, or an earlier released version (a rollback). */
export interface ReleaseSubject {
  prompt: PromptStatus;
  blob: string;
  contentHash: string;
  /** The commit to tag: HEAD, or the commit the version was first released from. */
  commit: string;
  gate: GateResult;
  /** What the content includes at that commit. */
  includes: Dependency[];
}

/** The committed content at HEAD, gated as the model already decided it. */
export function headSubject(model: RepoModel, prompt: PromptStatus, environment: string): ReleaseSubject {
  requireCommitted(prompt);
  return { prompt, blob: prompt.blob, contentHash: prompt.contentHash, commit: model.head.commit, gate: gateFor(model, prompt, environment), includes: prompt.includes };
}

/**
 * An earlier version released again: the same evaluator decides it, for that content, with
 * today's policy and today's records; the tag points at the trusted commit it was first released from.
 */
export function rollbackSubject(model: RepoModel, prompt: PromptStatus, version: number, environment: string): ReleaseSubject {
  findEnvironment(model.config, environment);
  const earlier = prompt.releases.find((r) => r.evidence.version === version);
  if (!earlier) {
    const known = [...new Set(prompt.releases.map((r) => `v${r.evidence.version}`))];
    throw new PromptReleaseError('not-found', `${prompt.path} has no released version v${version} to roll back to`, {
      hint: known.length ? `Released versions: ${known.join(', ')}.` : 'It has never been released.',
    });
  }
  const ev = earlier.evidence;
  const subject = model.subjectOf(prompt.path, ev.blob, ev.contentHash, ev.commit);
  const gate = model.decide(subject, environment, 'release', { currentRelease: prompt.current[environment], commitOnTrustedBranch: true });
  return { prompt, blob: ev.blob, contentHash: ev.contentHash, commit: ev.commit, gate, includes: subject.includes };
}

/** Decides the version number, the tag and its evidence; nothing is written here. */
export function planRelease(model: RepoModel, subject: ReleaseSubject, environment: string, by: Identity, now: Date): ReleasePlan {
  const { gate, prompt } = subject;
  if (!gate.allowed) return { allowed: false, gate };
  const env = findEnvironment(model.config, environment);
  const versions = prompt.releases.map((r) => r.evidence.version);
  const version = prompt.releases.find((r) => r.evidence.contentHash === subject.contentHash)?.evidence.version ?? (versions.length ? Math.max(...versions) : 0) + 1;
  const inEnv = prompt.releases.filter((r) => r.evidence.environment === environment);
  const repeat = inEnv.filter((r) => r.evidence.version === version).length + 1;
  const evidence = sealEvidence({
    format: 'prompt-release/1',
    environment,
    prompt: prompt.path,
    contentHash: subject.contentHash,
    blob: subject.blob,
    commit: subject.commit,
    version,
    sequence: Math.max(0, ...inEnv.map((r) => r.evidence.sequence)) + 1,
    approvals: approvalsForEvidence(gate).map((a) => ({
      by: a.review.record.by,
      at: a.review.record.time,
      record: a.review.path,
      owners: a.owners,
      ...(env.criteria.length ? { confirms: env.criteria } : {}),
    })),
    ...(subject.includes.length ? { includes: subject.includes.map((d) => ({ path: d.path, blob: d.blob, contentHash: d.contentHash })) } : {}),
    ...(env.checks.length
      ? { checks: env.checks.map((name) => gate.checks.get(name)!).map((c) => ({ name: c.record.name, by: c.record.by, at: c.record.time, record: c.path })) }
      : {}),
    policy: policyRecord(env),
    releasedBy: by,
    releasedAt: now.toISOString(),
  });
  return { allowed: true, gate, tag: releaseTagName(environment, prompt.path, version, repeat), evidence, message: formatTagMessage(evidence) };
}

export interface CommentInput {
  /** Absent to start a new thread. */
  thread?: string;
  startLine: number;
  endLine: number;
  body: string;
  resolves?: boolean;
  reopens?: boolean;
}

/** A line comment on the committed content; threads are anchored to content and lines. */
export function planComment(prompt: PromptStatus, input: CommentInput, by: Identity, now: Date): CommentRecord {
  requireReviewable(prompt);
  if (!input.body.trim() && !input.resolves && !input.reopens) throw new PromptReleaseError('invalid-usage', 'a comment needs some text');
  const existing = input.thread ? prompt.comments.find((c) => c.record.thread === input.thread) : undefined;
  return {
    format: 1,
    type: 'comment',
    prompt: prompt.path,
    // Replies stay anchored where the thread started, so the thread moves as one.
    contentHash: existing?.record.contentHash ?? prompt.contentHash,
    blob: existing?.record.blob ?? prompt.blob,
    thread: input.thread ?? randomBytes(6).toString('hex'),
    startLine: existing?.record.startLine ?? input.startLine,
    endLine: existing?.record.endLine ?? input.endLine,
    body: input.body.trim(),
    by,
    time: now.toISOString(),
    ...(input.resolves ? { resolves: true } : {}),
    ...(input.reopens ? { reopens: true } : {}),
  };
}

export function commentCommitMessage(record: CommentRecord): string {
  const what = record.resolves ? 'resolve a thread on' : record.reopens ? 'reopen a thread on' : 'comment on';
  return `prompt-release: ${what} ${record.prompt} lines ${record.startLine}-${record.endLine}\n\nRecorded by ${formatIdentity(record.by)}.\n`;
}

/** The release in the furthest environment the prompt reached: what "production" means for diffs. */
export function furthestRelease(model: RepoModel, prompt: PromptStatus): { environment: string; release: Release } | undefined {
  for (const env of [...model.config.environments].reverse()) {
    const release = prompt.current[env.name];
    if (release) return { environment: env.name, release };
  }
  return undefined;
}
