import { readFileSync } from 'fs';
import * as path from 'path';
import { createTwoFilesPatch } from 'diff';
import { summarizeChange } from '../core/changeSummary';
import { planTrain, type TrainPlan } from '../core/releaseTrain';
import { PromptReleaseError } from '../core/errors';
import { contentHash } from '../core/hash';
import type { PromptStatus, RepoModel } from '../core/model';
import {
  defaultEnvironment,
  furthestRelease,
  headSubject,
  planRelease,
  planReview,
  rollbackSubject,
  planReviewRequest,
  commentCommitMessage,
  planComment,
  planCheck,
  planFeedback,
  checkCommitMessage,
  feedbackCommitMessage,
  checkConfirmations,
  type CheckInput,
  requireCommitted,
  requirePrompt,
  reviewCommitMessage,
  type CommentInput,
  type ReleasePlan,
} from '../core/operations';
import type { Verdict } from '../core/records';
import { someOf } from '../core/words';
import type { PromptRepository } from './repository';

/** The operations both the CLI and the editor offer, over one repository. */

/**
 * The model to act on: the one the caller already holds (the editor's) when git still says the
 * same (HEAD, the trusted tip, this file's working copy), else a fresh read.
 */
async function currentModel(repo: PromptRepository, file: string, known?: RepoModel): Promise<RepoModel> {
  if (known && (await repo.stillDescribes(known, file))) return known;
  return repo.model();
}

export async function review(repo: PromptRepository, file: string, verdict: Verdict, comment?: string, known?: RepoModel, confirms: string[] = []) {
  const [model, by] = await Promise.all([currentModel(repo, file, known), repo.identity()]);
  const prompt = requirePrompt(model, file);
  const record = planReview(prompt, verdict, by, comment, new Date(), model.people, checkConfirmations(model.config, confirms));
  // The model was just checked against HEAD (or read from it): its HEAD is the parent.
  const { commit, path: recordPath } = await repo.commitRecord(record, by, reviewCommitMessage(record), model.head);
  return { record, commit, recordPath };
}

export async function requestReview(repo: PromptRepository, file: string, reviewers: string[], comment?: string, known?: RepoModel) {
  const [model, by] = await Promise.all([currentModel(repo, file, known), repo.identity()]);
  const prompt = requirePrompt(model, file);
  const record = planReviewRequest(prompt, reviewers, by, comment, new Date(), model.people);
  const { commit, path: recordPath } = await repo.commitRecord(record, by, reviewCommitMessage(record), model.head);
  return { record, commit, recordPath };
}

export async function comment(repo: PromptRepository, file: string, input: CommentInput, known?: RepoModel) {
  const [model, by] = await Promise.all([currentModel(repo, file, known), repo.identity()]);
  const record = planComment(requirePrompt(model, file), input, by, new Date());
  const { commit, path: recordPath } = await repo.commitRecord(record, by, commentCommitMessage(record), model.head);
  return { record, commit, recordPath };
}

/** Records a check result on the committed content (and what it includes). */
export async function check(repo: PromptRepository, file: string, input: CheckInput, known?: RepoModel) {
  const [model, by] = await Promise.all([currentModel(repo, file, known), repo.identity()]);
  const record = planCheck(requirePrompt(model, file), model, input, by, new Date());
  const { commit, path: recordPath } = await repo.commitRecord(record, by, checkCommitMessage(record), model.head);
  return { record, commit, recordPath };
}

/** Records feedback on the version in use (see planFeedback for which one). */
export async function feedback(repo: PromptRepository, file: string, input: { environment?: string; body: string; rating?: 'good' | 'bad' }, known?: RepoModel) {
  const [model, by] = await Promise.all([currentModel(repo, file, known), repo.identity()]);
  const record = planFeedback(model, requirePrompt(model, file), input, by, new Date());
  const { commit, path: recordPath } = await repo.commitRecord(record, by, feedbackCommitMessage(record), model.head);
  return { record, commit, recordPath };
}

export interface ReleaseOutcome {
  plan: ReleasePlan;
  environment: string;
  prompt: PromptStatus;
}

/**
 * Evaluates the gate for the committed content, or, for a rollback, for an earlier released
 * version (the same evaluator, today's policy and records); tags only when it allows.
 */
export async function prepareRelease(repo: PromptRepository, file: string, environment?: string, version?: number, known?: RepoModel): Promise<ReleaseOutcome> {
  const [model, by] = await Promise.all([currentModel(repo, file, known), repo.identity()]);
  const prompt = requirePrompt(model, file);
  if (model.policyFiles.has(prompt.path)) {
    throw new PromptReleaseError('not-a-prompt', `${prompt.path} is a policy file: it is reviewed, never released`, { hint: 'An owner approves a change to it with: prompt-release review ' + prompt.path + ' --approve' });
  }
  if (version !== undefined && version !== prompt.version) {
    const hash = prompt.releases.find((r) => r.evidence.version === version)?.evidence.contentHash;
    const env = environment ?? defaultEnvironment(model, prompt, hash);
    const subject = rollbackSubject(model, prompt, version, env);
    return { plan: planRelease(model, subject, env, by, new Date()), environment: env, prompt };
  }
  requireCommitted(prompt);
  const env = environment ?? defaultEnvironment(model, prompt);
  return { plan: planRelease(model, headSubject(model, prompt, env), env, by, new Date()), environment: env, prompt };
}

export async function release(repo: PromptRepository, file: string, environment?: string, version?: number, known?: RepoModel): Promise<ReleaseOutcome> {
  const outcome = await prepareRelease(repo, file, environment, version, known);
  if (outcome.plan.allowed) {
    await repo.createTag(outcome.plan.tag, outcome.plan.evidence.commit, outcome.plan.message, outcome.plan.evidence.releasedBy);
  }
  return outcome;
}

/** A release train: plans every release the gate allows in `environment`, then tags them together. */
export async function releaseTrain(repo: PromptRepository, environment: string, dryRun: boolean, options: { known?: RepoModel; expected?: string[] } = {}): Promise<TrainPlan> {
  // A held model may plan (a dry run); tags are only ever created from a fresh read.
  const [model, by] = await Promise.all([dryRun && options.known ? options.known : repo.model(), repo.identity()]);
  if (!model.headOnTrusted) {
    throw new PromptReleaseError('gate-blocked', `HEAD is not on the trusted branch ${model.trusted.ref}, so nothing can be released from it`, { hint: `Check out ${model.trusted.ref} (and pull) first.` });
  }
  const plan = planTrain(model, environment, by, new Date());
  const tags = plan.go.map((p) => p.tag).sort();
  if (!dryRun && options.expected && JSON.stringify(tags) !== JSON.stringify([...options.expected].sort())) {
    throw new PromptReleaseError('gate-blocked', `what is ready to release to ${environment} changed while you confirmed (now: ${someOf(tags) || 'nothing'}); nothing was tagged`, {
      hint: 'Look at the new plan and release again.',
    });
  }
  if (!dryRun) await repo.createTags(plan.go.map((p) => ({ name: p.tag, commit: p.evidence.commit, message: p.message, by: p.evidence.releasedBy })));
  return plan;
}

export interface DiffSide {
  label: string;
  text: string;
}

/**
 * One side of a diff: an environment's current version, vN, the last approved content,
 * the committed content (HEAD) or the working copy.
 */
export async function resolveSide(repo: PromptRepository, model: RepoModel, prompt: PromptStatus, spec: string): Promise<DiffSide> {
  const blobSide = async (blob: string, label: string): Promise<DiffSide> => {
    const [bytes] = await repo.readObjects([blob]);
    if (!bytes) throw new PromptReleaseError('not-found', `the content of ${label} (${blob.slice(0, 10)}) is not in this repository`, { hint: 'Fetch it: git fetch --tags' });
    return { label, text: bytes.toString('utf8') };
  };
  if (spec === 'working') {
    try {
      return { label: `${prompt.path} (working copy)`, text: readFileSync(path.join(repo.root, prompt.path), 'utf8') };
    } catch {
      return { label: `${prompt.path} (deleted in the working copy)`, text: '' };
    }
  }
  if (spec === 'HEAD' || spec === 'committed') {
    if (!prompt.blob) throw new PromptReleaseError('not-committed', `${prompt.path} is not committed yet`);
    return blobSide(prompt.blob, `${prompt.path} (committed)`);
  }
  if (spec === 'approved') {
    const approvals = prompt.reviews.filter((r) => r.record.verdict === 'approve');
    const last = approvals[approvals.length - 1];
    if (!last) throw new PromptReleaseError('not-found', `${prompt.path} has never been approved`, { hint: 'Compare with an environment or a version instead.' });
    return blobSide(last.record.blob, `${prompt.path} (approved by ${last.record.by.email})`);
  }
  const version = /^v(\d+)$/.exec(spec);
  if (version) {
    const found = prompt.releases.find((r) => r.evidence.version === Number(version[1]));
    if (!found) throw new PromptReleaseError('not-found', `${prompt.path} has no released version ${spec}`, { hint: `Released versions: ${[...new Set(prompt.releases.map((r) => 'v' + r.evidence.version))].join(', ') || 'none'}.` });
    return blobSide(found.evidence.blob, `${prompt.path} (${spec})`);
  }
  if (model.config.environments.some((e) => e.name === spec)) {
    const current = prompt.current[spec];
    if (!current) throw new PromptReleaseError('not-found', `${prompt.path} has not been released to ${spec}`, { hint: 'Compare with "approved" or a version (vN) instead.' });
    return blobSide(current.evidence.blob, `${prompt.path} (${spec}, v${current.evidence.version})`);
  }
  throw new PromptReleaseError('invalid-usage', `"${spec}" is not an environment, a version (vN), "approved", "HEAD" or "working"`);
}

/** Where to compare from when the user names nothing: the furthest environment the prompt reached. */
export function defaultDiffBase(model: RepoModel, prompt: PromptStatus): string {
  const reached = furthestRelease(model, prompt);
  if (!reached) {
    throw new PromptReleaseError('not-found', `${prompt.path} has not been released anywhere yet`, { hint: 'Use --from approved, or --from HEAD.' });
  }
  return reached.environment;
}

export async function diff(repo: PromptRepository, file: string, from?: string, to = 'working') {
  const model = await repo.model();
  const prompt = requirePrompt(model, file);
  const [left, right] = await Promise.all([
    resolveSide(repo, model, prompt, from ?? defaultDiffBase(model, prompt)),
    resolveSide(repo, model, prompt, to),
  ]);
  const patch = createTwoFilesPatch(left.label, right.label, left.text, right.text, undefined, undefined, { context: 3 });
  return { left, right, patch, identical: left.text === right.text, summary: summarizeChange(prompt.path, left.text, right.text) };
}

/** Content hashes of older blobs of a prompt, for its history. */
export async function hashBlobs(repo: PromptRepository, blobs: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(blobs)];
  const contents = await repo.readObjects(unique);
  return new Map(unique.map((b, i) => [b, contents[i] ? contentHash(contents[i]!) : '']));
}
