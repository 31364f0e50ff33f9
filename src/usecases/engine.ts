import { readFileSync } from 'fs';
import * as path from 'path';
import { createTwoFilesPatch } from 'diff';
import { summarizeChange } from '../core/history/changeSummary';
import { planTrain, type TrainPlan } from '../core/releases/releaseTrain';
import { PromptReleaseError } from '../core/common/errors';
import { contentHash } from '../core/prompts/hash';
import type { PromptStatus, RepoModel, TrustedRef } from '../core/model/model';
import { localBranchName } from '../core/policy/trustedRef';
import {
  defaultEnvironment,
  furthestRelease,
  headSubject,
  planRelease,
  planRulesReview,
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
} from '../core/reviews/operations';
import type { PromptRecord, Verdict } from '../core/reviews/records';
import { canonicalRecordBytes, checkSignature, GIT_NAMESPACE, RECORD_NAMESPACE } from '../core/reviews/signatures';
import type { Identity } from '../core/ownership/identity';
import { someOf } from '../core/common/words';
import type { PromptRepository, TagSigner } from '../git/repository';
import { readSigningSetup, signBytes, type SigningSetup } from '../git/signing';

/** The operations both the CLI and the editor offer, over one repository. */

/**
 * Signs a record with the user's git signing setup (gpg.format=ssh, user.signingKey) when
 * there is one, before anything is written: a signing failure records nothing. Where the
 * policy in force requires signatures and `required` is set, no setup is refused up front.
 */
async function signRecord<T extends PromptRecord>(repo: PromptRepository, model: RepoModel, record: T, required: boolean, setupRead?: Promise<SigningSetup | undefined>): Promise<T> {
  const setup = required ? await requireSigningSetup(repo, model, setupRead) : await (setupRead ?? readSigningSetup(repo.root));
  if (!setup) return record;
  const signature = await signBytes(setup, canonicalRecordBytes(record), RECORD_NAMESPACE);
  return { ...record, signature };
}

/**
 * The signing setup to sign evidence with; where the policy in force requires signatures and
 * there is none, refuses (before anything runs or is written), saying how to set git signing up.
 */
export async function requireSigningSetup(repo: PromptRepository, model: RepoModel, setupRead?: Promise<SigningSetup | undefined>) {
  const setup = await (setupRead ?? readSigningSetup(repo.root));
  const signing = model.config.environments.filter((e) => e.signatures === 'required').map((e) => e.name);
  if (!setup && signing.length) {
    throw new PromptReleaseError('unknown-identity', `${signing.join(', ')} ${signing.length === 1 ? 'requires' : 'require'} signed records, and git has no SSH signing key set up here, so nothing was recorded`, {
      hint: 'Set up git signing with an SSH key listed for your email in the signers file: git config gpg.format ssh && git config user.signingKey ~/.ssh/id_ed25519.pub (then run this again).',
    });
  }
  return setup;
}

/** A read started early whose failure is reported where it is awaited, not as an unhandled rejection. */
function settledLater<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

/**
 * The model to act on: the one the caller already holds (the editor's) when git still says the
 * same (HEAD, the trusted tip, this file's working copy), else a fresh read. `focused` reads
 * only that prompt's decision (the policy, records, releases and history stay whole): for a
 * record about the prompt alone, not one that also vouches for what it includes.
 */
async function currentModel(repo: PromptRepository, file: string, known?: RepoModel, focused = false): Promise<RepoModel> {
  if (known && (await repo.stillDescribes(known, file))) return known;
  return repo.model(focused ? { focus: file } : {});
}

export async function review(repo: PromptRepository, file: string, verdict: Verdict, comment?: string, known?: RepoModel, confirms: string[] = []) {
  // The signing setup is read while the model is: it is needed only once the record is planned.
  const setupRead = settledLater(readSigningSetup(repo.root));
  const [model, by] = await Promise.all([currentModel(repo, file, known, true), repo.identity()]);
  // A rules file's review names the transition it approves (and may approve a deletion).
  const record = await signRecord(repo, model, planRulesReview(model, file, verdict, by, comment, new Date(), checkConfirmations(model.config, confirms)), true, setupRead);
  // The model was just checked against HEAD (or read from it): its HEAD is the parent.
  const { commit, path: recordPath } = await repo.writes.commitRecord(record, by, reviewCommitMessage(record), model.head);
  return { record, commit, recordPath, model };
}

export async function requestReview(repo: PromptRepository, file: string, reviewers: string[], comment?: string, known?: RepoModel) {
  const [model, by] = await Promise.all([currentModel(repo, file, known, true), repo.identity()]);
  const prompt = requirePrompt(model, file);
  const record = planReviewRequest(prompt, reviewers, by, comment, new Date(), model.people);
  const { commit, path: recordPath } = await repo.writes.commitRecord(record, by, reviewCommitMessage(record), model.head);
  return { record, commit, recordPath };
}

export async function comment(repo: PromptRepository, file: string, input: CommentInput, known?: RepoModel) {
  const [model, by] = await Promise.all([currentModel(repo, file, known, true), repo.identity()]);
  const record = planComment(requirePrompt(model, file), input, by, new Date());
  const { commit, path: recordPath } = await repo.writes.commitRecord(record, by, commentCommitMessage(record), model.head);
  return { record, commit, recordPath };
}

/** Records a check result on the committed content (and what it includes). */
export async function check(repo: PromptRepository, file: string, input: CheckInput, known?: RepoModel) {
  const [model, by] = await Promise.all([currentModel(repo, file, known), repo.identity()]);
  const record = await signRecord(repo, model, planCheck(requirePrompt(model, file), model, input, by, new Date()), true);
  const { commit, path: recordPath } = await repo.writes.commitRecord(record, by, checkCommitMessage(record), model.head);
  return { record, commit, recordPath };
}

/** Records feedback on the version in use (see planFeedback for which one). */
export async function feedback(repo: PromptRepository, file: string, input: { environment?: string; body: string; rating?: 'good' | 'bad' }, known?: RepoModel) {
  const [model, by] = await Promise.all([currentModel(repo, file, known), repo.identity()]);
  const record = await signRecord(repo, model, planFeedback(model, requirePrompt(model, file), input, by, new Date()), false);
  const { commit, path: recordPath } = await repo.writes.commitRecord(record, by, feedbackCommitMessage(record), model.head);
  return { record, commit, recordPath };
}

export interface ReleaseOutcome {
  plan: ReleasePlan;
  /** The trusted branch (full ref name) and commit the gate decided against. */
  trusted: TrustedRef;
  environment: string;
  prompt: PromptStatus;
  /** Whether the tag was signed (with the releaser's own git signing setup). */
  signed?: boolean;
}

const SIGNING_STEPS = 'Configure git signing (git config gpg.format ssh; git config user.signingKey ~/.ssh/id_ed25519.pub)';

/**
 * How the releaser signs release tags to `environment`: with their git signing setup when they
 * have one. An environment with `signatures: required` needs that setup, and a key the trusted
 * signers file lists for the releaser: anything else is refused here, before anything is written.
 */
export async function releaseSigner(repo: PromptRepository, model: RepoModel, environment: string, by: Identity): Promise<TagSigner | undefined> {
  const required = model.config.environments.some((e) => e.name === environment && e.signatures === 'required');
  const setup = await readSigningSetup(repo.root);
  const signers = model.policy.signers;
  const refuse = (why: string, hint: string) => new PromptReleaseError('gate-blocked', `${environment} requires signed release tags (signatures: required), but ${why}; nothing was tagged`, { hint });
  if (!required) return setup ? (payload) => signBytes(setup, payload, GIT_NAMESPACE) : undefined;
  if (!signers) {
    throw refuse(`no signers file is in force on ${model.trusted.ref}, so no signature can count`, `Add a signers file (git's allowed-signers format) and name it under "signers:" in .promptrelease.yaml on ${model.trusted.ref}, through review; run prompt-release signers for the steps.`);
  }
  if (!setup) {
    throw refuse(`you (${by.email}) have no SSH signing setup in git`, `${SIGNING_STEPS}, and have your public key added to ${signers.file} for ${by.email} through review.`);
  }
  if (!signers.signers.some((s) => s.key.fingerprint === setup.fingerprint)) {
    throw refuse(`your signing key ${setup.fingerprint} is not in the signers file ${signers.file}`, `Add the line "${by.email} ${setup.publicKey.split(/\s+/).slice(0, 2).join(' ')}" to ${signers.file} on ${model.trusted.ref}, through review; or set user.signingKey to the key listed for you there.`);
  }
  return async (payload) => {
    const signature = await signBytes(setup, payload, GIT_NAMESPACE);
    const check = checkSignature(signers, by.email, signature, payload, GIT_NAMESPACE, Date.now());
    if (!check.ok) {
      throw refuse(`your signature would not count: ${check.reason}`, `The signers file ${signers.file} must list your key ${setup.fingerprint} for ${by.email}, valid now and for the git namespace; run prompt-release signers to see who may sign.`);
    }
    return signature;
  };
}

/**
 * Who would release. Deciding never needs an identity (a CI runner has none): only a tag that
 * is written names its releaser, so only then is an unknown identity an error.
 */
function releaser(repo: PromptRepository, forWriting: boolean): Promise<Identity> {
  return forWriting ? repo.identity() : repo.identity().catch(() => ({ name: 'unknown releaser', email: 'unknown' }));
}

/**
 * Evaluates the gate for the committed content, or, for a rollback, for an earlier released
 * version (the same evaluator, today's policy and records); tags only when it allows.
 */
export async function prepareRelease(repo: PromptRepository, file: string, environment?: string, version?: number, known?: RepoModel, forWriting = false): Promise<ReleaseOutcome & { model: RepoModel }> {
  const [model, by] = await Promise.all([currentModel(repo, file, known), releaser(repo, forWriting)]);
  const prompt = requirePrompt(model, file);
  if (model.policyFiles.has(prompt.path)) {
    throw new PromptReleaseError('not-a-prompt', `${prompt.path} is a policy file: it is reviewed, never released`, { hint: 'An owner approves a change to it with: prompt-release review ' + prompt.path + ' --approve' });
  }
  if (version !== undefined && version !== prompt.version) {
    const hash = prompt.releases.find((r) => r.evidence.version === version)?.evidence.contentHash;
    const env = environment ?? defaultEnvironment(model, prompt, hash);
    const subject = rollbackSubject(model, prompt, version, env);
    return { plan: planRelease(model, subject, env, by, new Date()), environment: env, prompt, trusted: model.trusted, model };
  }
  requireCommitted(prompt);
  const env = environment ?? defaultEnvironment(model, prompt);
  return { plan: planRelease(model, headSubject(model, prompt, env), env, by, new Date()), environment: env, prompt, trusted: model.trusted, model };
}

export async function release(repo: PromptRepository, file: string, environment?: string, version?: number, known?: RepoModel): Promise<ReleaseOutcome> {
  const { model, ...outcome } = await prepareRelease(repo, file, environment, version, known, true);
  if (!outcome.plan.allowed) return outcome;
  const sign = await releaseSigner(repo, model, outcome.environment, outcome.plan.evidence.releasedBy);
  await repo.writes.createTag(outcome.plan.tag, outcome.plan.evidence.commit, outcome.plan.message, outcome.plan.evidence.releasedBy, sign);
  return { ...outcome, signed: !!sign };
}

/** A release train: plans every release the gate allows in `environment`, then tags them together. */
export async function releaseTrain(repo: PromptRepository, environment: string, dryRun: boolean, options: { known?: RepoModel; expected?: string[] } = {}): Promise<TrainPlan & { trusted: TrustedRef }> {
  // A held model may plan (a dry run); tags are only ever created from a fresh read.
  const [model, by] = await Promise.all([dryRun && options.known ? options.known : repo.model(), releaser(repo, !dryRun)]);
  if (!model.headOnTrusted) {
    throw new PromptReleaseError('gate-blocked', `HEAD is not on the trusted branch ${model.trusted.ref}, so nothing can be released from it`, { hint: `Check out the trusted branch (git switch ${localBranchName(model.trusted.ref)}) and pull first.` });
  }
  const plan = planTrain(model, environment, by, new Date());
  const tags = plan.go.map((p) => p.tag).sort();
  if (!dryRun && options.expected && JSON.stringify(tags) !== JSON.stringify([...options.expected].sort())) {
    throw new PromptReleaseError('gate-blocked', `what is ready to release to ${environment} changed while you confirmed (now: ${someOf(tags) || 'nothing'}); nothing was tagged`, {
      hint: 'Look at the new plan and release again.',
    });
  }
  if (!dryRun && plan.go.length) {
    const sign = await releaseSigner(repo, model, environment, by);
    await repo.writes.createTags(plan.go.map((p) => ({ name: p.tag, commit: p.evidence.commit, message: p.message, by: p.evidence.releasedBy })), sign);
  }
  return { ...plan, trusted: model.trusted };
}

export interface DiffSide {
  label: string;
  text: string;
  /**
   * What the prompt included on this side, by path (text; undefined when the file was not
   * there). Absent when the side does not say (an approval records hashes, not contents).
   */
  includes?: Map<string, string | undefined>;
}

/** One included file compared between the two sides. */
export interface IncludeDiff {
  path: string;
  /** added: only the right side includes it; removed: only the left. */
  change: 'added' | 'removed' | 'changed';
  patch: string;
}

/**
 * One side of a diff: an environment's current version, vN, the last approved content,
 * the committed content (HEAD) or the working copy, each with what it included.
 */
export async function resolveSide(repo: PromptRepository, model: RepoModel, prompt: PromptStatus, spec: string): Promise<DiffSide> {
  const readBlobs = async (blobs: string[], label: string): Promise<string[]> => {
    const read = await repo.readObjects(blobs);
    return read.map((bytes, i) => {
      if (!bytes) throw new PromptReleaseError('not-found', `the content of ${label} (${blobs[i].slice(0, 10)}) is not in this repository`, { hint: 'Fetch it: git fetch --tags' });
      return bytes.toString('utf8');
    });
  };
  const blobSide = async (blob: string, label: string, includes?: { path: string; blob: string }[]): Promise<DiffSide> => {
    const [text, ...included] = await readBlobs([blob, ...(includes ?? []).map((i) => i.blob)], label);
    return { label, text, ...(includes ? { includes: new Map(includes.map((inc, i) => [inc.path, included[i]])) } : {}) };
  };
  const headIncludes = prompt.includes.map((d) => ({ path: d.path, blob: d.blob }));
  if (spec === 'working') {
    const readWorking = (file: string) => {
      try {
        return readFileSync(path.join(repo.root, file), 'utf8');
      } catch {
        return undefined;
      }
    };
    const text = readWorking(prompt.path);
    const includes = new Map(headIncludes.map((i) => [i.path, readWorking(i.path)]));
    return text === undefined ? { label: `${prompt.path} (deleted in the working copy)`, text: '', includes } : { label: `${prompt.path} (working copy)`, text, includes };
  }
  if (spec === 'HEAD' || spec === 'committed') {
    if (!prompt.blob) throw new PromptReleaseError('not-committed', `${prompt.path} is not committed yet`);
    return blobSide(prompt.blob, `${prompt.path} (committed)`, headIncludes);
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
    return blobSide(found.evidence.blob, `${prompt.path} (${spec})`, found.evidence.includes ?? []);
  }
  if (model.config.environments.some((e) => e.name === spec)) {
    const current = prompt.current[spec];
    if (!current) throw new PromptReleaseError('not-found', `${prompt.path} has not been released to ${spec}`, { hint: 'Compare with "approved" or a version (vN) instead.' });
    return blobSide(current.evidence.blob, `${prompt.path} (${spec}, v${current.evidence.version})`, current.evidence.includes ?? []);
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

/** The included files that differ between two sides; none when either side does not say what it included. */
function includeDiffs(left: DiffSide, right: DiffSide): IncludeDiff[] {
  if (!left.includes || !right.includes) return [];
  const diffs: IncludeDiff[] = [];
  for (const file of [...new Set([...left.includes.keys(), ...right.includes.keys()])].sort()) {
    const before = left.includes.get(file);
    const after = right.includes.get(file);
    if (before === after) continue;
    const change = !left.includes.has(file) ? 'added' : !right.includes.has(file) ? 'removed' : 'changed';
    diffs.push({ path: file, change, patch: createTwoFilesPatch(`${file} (${left.label})`, `${file} (${right.label})`, before ?? '', after ?? '', undefined, undefined, { context: 3 }) });
  }
  return diffs;
}

/** A prompt's diff is the diff of everything approved with it: its text and each file it includes. */
export async function diff(repo: PromptRepository, file: string, from?: string, to = 'working') {
  const model = await repo.model();
  const prompt = requirePrompt(model, file);
  const [left, right] = await Promise.all([
    resolveSide(repo, model, prompt, from ?? defaultDiffBase(model, prompt)),
    resolveSide(repo, model, prompt, to),
  ]);
  const patch = createTwoFilesPatch(left.label, right.label, left.text, right.text, undefined, undefined, { context: 3 });
  const includes = includeDiffs(left, right);
  const textIdentical = left.text === right.text;
  return { left, right, patch: textIdentical ? '' : patch, textIdentical, includes, identical: textIdentical && includes.length === 0, summary: summarizeChange(prompt.path, left.text, right.text) };
}

/** Content hashes of older blobs of a prompt, for its history. */
export async function hashBlobs(repo: PromptRepository, blobs: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(blobs)];
  const contents = await repo.readObjects(unique);
  return new Map(unique.map((b, i) => [b, contents[i] ? contentHash(contents[i]!) : '']));
}
