import { mergeMethodWarning } from '../core/model/pullRequest';
import { branchApprovalLines } from './prReport';
import { attentionLabel, attentionList, attentionOf } from '../core/reviews/attention';
import { formatMissing } from '../core/prompts/dependencies';
import { feedbackOf, feedbackSummary } from '../core/reviews/feedback';
import type { GateResult } from '../core/policy/policy';
import { existsSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import { CONFIG_FILE, findEnvironment, parseConfig } from '../core/policy/config';
import { formatLocation, PromptReleaseError, type Problem } from '../core/common/errors';
import { gitBlobId, shortHash } from '../core/prompts/hash';
import { formatIdentity, type Identity } from '../core/ownership/identity';
import type { PromptStatus, RepoModel } from '../core/model/model';
import { promptMatcher } from '../core/prompts/prompts';
import { approvalSignatures } from '../core/reviews/signedEvidence';
import { approvalsText, stateLabel, type PromptState } from '../core/policy/state';
import { closest, plural } from '../core/common/words';
import type { PromptRepository } from '../git/repository';
import { hasResult, loadResult, storeResult } from '../git/resultCache';
import { EXIT } from './exitCodes';
import { briefly, consoleOutput, formatTime, formatTrusted, printProblems, type Output, type Written } from './output';

export interface StatusOptions {
  paths: string[];
  summary?: boolean;
  state?: string;
  owner?: string;
  env?: string;
  mine?: boolean;
}

/** The key of the marker the first status leaves: no content hash looks like it. */
const FIRST_RUN = 'first-run';

const STATES: PromptState['kind'][] = ['draft', 'in-review', 'changes-requested', 'approved', 'released', 'modified'];
/** Up to this many prompts get the detailed view; more get one line each. */
const DETAILED_LIMIT = 5;

/**
 * Status, reusing what an earlier run printed when nothing it rests on has changed (see
 * src/git/resultCache.ts). --mine depends on who runs it, and a policy with review expiry or
 * escalation on the clock: those are decided every time.
 */
export async function statusCommand(repo: PromptRepository, options: StatusOptions, out: Output, cwd: string): Promise<number> {
  if (options.mine) return decideStatus(repo, options, out, cwd);
  if (!hasResult(repo.gitDir, 'status')) {
    // The first status here: nothing to reuse, so no reason to wait for the key's reads. A
    // marker (a key no read produces) makes the next run read its key first and keep its answer:
    // a result is only ever stored by a run that read what it rests on before deciding.
    const exitCode = await decideStatus(repo, options, out, cwd);
    storeResult(repo.gitDir, 'status', { key: FIRST_RUN, exitCode, writes: [] });
    return exitCode;
  }
  const key = await repo.inputsKey(statusKeyParts(repo, options, out, cwd));
  const stored = loadResult(repo.gitDir, 'status', key);
  if (stored) {
    for (const w of stored.writes) (w.stream === 1 ? process.stdout : process.stderr).write(w.text);
    return stored.exitCode;
  }
  const writes: Written[] = [];
  let timeSensitive = true;
  const exitCode = await decideStatus(repo, options, consoleOutput(out.json, out.verbose, writes), cwd, (model) => {
    timeSensitive = !!model.config.escalateAfter || model.config.environments.some((e) => e.reviewEvery);
  });
  if (!timeSensitive) storeResult(repo.gitDir, 'status', { key, exitCode, writes });
  return exitCode;
}

/** What status's answer rests on besides git: the arguments, the working configuration file, the paths asked about, this program. */
function statusKeyParts(repo: PromptRepository, options: StatusOptions, out: Output, cwd: string): string[] {
  const read = (file: string) => {
    try {
      return gitBlobId(readFileSync(file));
    } catch {
      return 'absent';
    }
  };
  let program = '';
  try {
    const stat = statSync(__filename);
    program = `${__filename}\0${stat.size}\0${stat.mtimeMs}`;
  } catch {
    program = String(Math.random()); // unknown program: never reuse
  }
  return [
    'status',
    program,
    JSON.stringify(options),
    path.relative(repo.root, cwd),
    String(out.json),
    String(out.verbose),
    String(!!process.stdout.isTTY),
    read(path.join(repo.root, CONFIG_FILE)),
    ...options.paths.map((p) => `${p}\0${existsSync(path.resolve(cwd, p))}`),
  ];
}

async function decideStatus(repo: PromptRepository, options: StatusOptions, out: Output, cwd: string, seen?: (model: RepoModel) => void): Promise<number> {
  const [model, me] = await Promise.all([repo.model(), options.mine ? repo.identity() : Promise.resolve(undefined)]);
  seen?.(model);
  const filters = options.paths.map((p) => repo.relativePath(p, cwd));
  for (const f of filters) requireSomething(repo, model, f);
  const state = options.state === undefined ? undefined : stateFilter(options.state, model.config.environments.map((e) => e.name));
  if (options.env) findEnvironment(model.config, options.env);
  const prompts = model.prompts.filter(
    (p) =>
      (filters.length === 0 || filters.some((f) => p.path === f || p.path.startsWith(f.replace(/\/?$/, '/')))) &&
      (!state || (p.state.kind === state.kind && (!state.environment || ('environment' in p.state && p.state.environment === state.environment)))) &&
      (!options.owner || p.owners.some((o) => o.toLowerCase() === options.owner!.toLowerCase())) &&
      (!options.env || p.current[options.env] !== undefined) &&
      (!me || isMine(model, p, me)),
  );
  const shown = new Set(prompts.map((p) => p.path));
  const problems = relevantProblems(model.problems, shown, filters.length > 0 || prompts.length < model.prompts.length);
  const notice = workingConfigNotice(repo, model);
  // Built only when asked for: a JSON entry for each of 840 prompts is 10 ms a person never sees.
  if (out.json) out.data({ head: model.head, trusted: model.trusted, prompts: prompts.map((p) => statusJson(model, p)), summary: summarize(model, prompts), problems, ...(notice ? { workingConfig: notice.line.replace(/^\w+: /, '') } : {}) });
  if (!out.json) {
    if (!model.head.branch) out.line('HEAD is detached: reading only; check out a branch to review or release.\n');
    if (prompts.length === 0) out.line(model.prompts.length ? 'No prompts match these filters.' : `No prompts found (globs: ${model.config.prompts.join(', ')}).`);
    else if (options.summary) printSummary(model, prompts, out);
    else if (prompts.length <= DETAILED_LIMIT) for (const p of prompts) printPrompt(model, p, out);
    else {
      printTable(model, prompts, out);
      out.line();
      printSummary(model, prompts, out);
    }
    if (!model.headOnTrusted) for (const line of await branchApprovalLines(repo, model.trusted, shown)) out.line(line);
    out.line(formatTrusted(model.trusted));
    printProblems(problems, out, 'status');
    if (notice) out.error(notice.line);
    const unsigned = unsignedNotice(model);
    if (unsigned) out.error(unsigned);
  }
  const merging = mergeMethodWarning(model.config);
  if (merging) out.error(merging);
  // A configuration that does not parse is a configuration error, even one not committed yet.
  return notice?.error ? EXIT.environment : EXIT.ok;
}

/** The words status prints for each state ("in review", "approved for staging"), as --state takes them. */
const STATE_WORDS: Record<PromptState['kind'], string> = {
  draft: 'draft',
  'in-review': 'in review',
  'changes-requested': 'changes requested',
  approved: 'approved for',
  released: 'released to',
  modified: 'modified since release',
};

/**
 * --state in the words status prints ("in review", "approved for staging", "released to
 * production", "modified since release") or as an id (in-review), in any case; "approved" and
 * "released" alone mean for any environment. Anything else is refused with the words accepted.
 */
function stateFilter(text: string, environments: string[]): { kind: PromptState['kind']; environment?: string } {
  const words = text.trim().toLowerCase().replace(/[-_\s]+/g, ' ');
  for (const kind of STATES) {
    const said = STATE_WORDS[kind];
    if (words === kind.replace(/-/g, ' ') || words === said) return { kind };
    if (kind === 'modified' && words === 'modified since release') return { kind };
    if ((kind === 'approved' || kind === 'released') && words.startsWith(said + ' ')) {
      const env = environments.find((e) => e.toLowerCase() === words.slice(said.length + 1));
      if (env) return { kind, environment: env };
    }
  }
  const accepted = STATES.flatMap((k) => (k === 'approved' || k === 'released' ? [k, ...environments.map((e) => `${STATE_WORDS[k]} ${e}`)] : [STATE_WORDS[k]]));
  const guess = closest(words, accepted);
  throw new PromptReleaseError('invalid-usage', `unknown state "${text}"`, {
    hint: `${guess ? `Did you mean "${guess}"? ` : ''}States, as status prints them: ${accepted.map((a) => `"${a}"`).join(', ')} (or the ids ${STATES.join(', ')}; any case).`,
  });
}

/** A path given to status must name a prompt or a folder that holds some; anything else is a usage error. */
function requireSomething(repo: PromptRepository, model: RepoModel, rel: string): void {
  if (model.prompts.some((p) => p.path === rel || p.path.startsWith(rel.replace(/\/?$/, '/')))) return;
  if (!existsSync(path.join(repo.root, rel))) throw new PromptReleaseError('not-found', `${rel} does not exist`, { hint: 'Check the path, relative to where you run the command.' });
  if (!promptMatcher(model.config)(rel)) {
    throw new PromptReleaseError('not-a-prompt', `${rel} is not a prompt and holds none: it matches none of the "prompts" globs`, {
      hint: 'Run prompt-release status without paths to list every prompt.',
    });
  }
}

function isMine(model: RepoModel, p: PromptStatus, me: Identity): boolean {
  const { people } = model;
  if (people.ownersMatching(me.email, p.owners).length) return true;
  if (p.authors.some((a) => people.samePerson(a.email, me.email))) return true;
  return p.currentRequests.some((r) => r.record.reviewers.some((who) => (who.startsWith('@') ? people.emailsOf(who).has(me.email.toLowerCase()) : people.samePerson(who, me.email))));
}

/** Where a prompt is live: "v2 in staging, v1 in production". */
export function whereLive(model: RepoModel, p: PromptStatus): string {
  const live = model.config.environments.filter((e) => p.current[e.name]).map((e) => `v${p.current[e.name]!.evidence.version} in ${e.name}`);
  return live.length ? live.join(', ') : 'not released';
}

export function statusJson(model: RepoModel, p: PromptStatus) {
  return {
    path: p.path,
    owners: p.owners,
    contentHash: p.contentHash ?? null,
    shortHash: p.contentHash ? shortHash(p.contentHash) : null,
    state: p.state,
    stateLabel: stateLabel(p.state),
    live: whereLive(model, p),
    workingCopy: p.workingCopy,
    version: p.version ?? null,
    unusable: p.unusable ?? null,
    includes: p.includes.map((d) => ({ path: d.path, contentHash: d.contentHash, via: d.via, line: d.line, kind: d.kind })),
    missingIncludes: p.missingIncludes.map((m) => ({ ...m, message: formatMissing(m) })),
    usedBy: p.usedBy,
    checks: checkResults(model, p),
    approvals: approvalSignatures(model, p).map((a) => ({ by: a.by, at: a.at, record: a.record, signature: a.signature, signed: a.text })),
    environments: model.config.environments.map((env, i) => {
      const gate = p.gates[i];
      const current = p.current[env.name];
      const live = p.live[env.name];
      return {
        name: env.name,
        approvals: gate.approvalsCounted,
        required: gate.approvalsRequired,
        allowed: gate.allowed,
        unmet: gate.unmet.map((u) => u.message),
        checks: env.checks.map((name) => ({ name, result: gate.checks.get(name)?.record.result ?? null })),
        current: current ? { version: current.evidence.version, since: current.evidence.releasedAt, tag: current.tag, contentHash: current.evidence.contentHash } : null,
        live: live ? { ok: live.allowed, problems: live.unmet.map((u) => u.message), warnings: live.warnings.map((w) => w.message) } : null,
      };
    }),
    feedback: {
      ...(feedbackSummary(model, p) ?? { open: 0, bad: 0, label: null }),
      reports: feedbackOf(model, p).map((f) => ({ ...f.stored.record, record: f.stored.path, open: f.open, answeredBy: f.answeredBy ?? null })),
    },
    attention: attentionOf(model, p),
  };
}

/** The standing result of every check on the current content (and its includes), required or not. */
function checkResults(model: RepoModel, p: PromptStatus) {
  const standing = p.gates[0]?.checks ?? new Map();
  const names = [...new Set([...model.config.environments.flatMap((e) => e.checks), ...standing.keys()])];
  return names.map((name) => {
    const c = standing.get(name);
    return {
      name,
      requiredIn: model.config.environments.filter((e) => e.checks.includes(name)).map((e) => e.name),
      result: c?.record.result ?? null,
      by: c?.record.by ?? null,
      at: c?.record.time ?? null,
      summary: c?.record.summary ?? null,
      record: c?.path ?? null,
    };
  });
}

/** "eval passed · lint not run" for the checks an environment requires. */
function checksLine(gate: GateResult, names: string[]): string {
  return names
    .map((name) => {
      const result = gate.checks.get(name)?.record.result;
      return `${name} ${result === 'pass' ? 'passed' : result === 'fail' ? 'failed' : 'not run'}`;
    })
    .join(', ');
}

function printPrompt(model: RepoModel, p: PromptStatus, out: Output): void {
  const working = p.workingCopy === 'clean' ? '' : p.workingCopy === 'untracked' ? ' (not committed)' : ` (working copy ${p.workingCopy})`;
  out.line(`${p.path}  [${stateLabel(p.state)}]${working}  ${whereLive(model, p)}`);
  out.line(`  owners      ${p.owners.length ? p.owners.join(', ') : '(none — add one to CODEOWNERS)'}`);
  out.line(`  content     ${p.contentHash ? shortHash(p.contentHash) : '—'}${p.unusable ? `  ⚠ ${p.unusable}` : ''}`);
  if (p.includes.length) out.line(`  includes    ${p.includes.length > 4 ? `${plural(p.includes.length, 'file')}: ` : ''}${briefly(p.includes.map((d) => d.path), out)}`);
  const missing = out.verbose ? p.missingIncludes : p.missingIncludes.slice(0, 3);
  for (const m of missing) out.line(`  ⚠ ${formatMissing(m)}`);
  if (missing.length < p.missingIncludes.length) out.line(`  ⚠ and ${plural(p.missingIncludes.length - missing.length, 'more include')} that cannot be resolved (--verbose lists every one)`);
  if (p.usedBy.length) out.line(`  used by     ${plural(p.usedBy.length, 'prompt')}: ${briefly(p.usedBy, out)}`);
  const names = model.config.environments.map((e) => e.name);
  model.config.environments.forEach((env, i) => {
    const gate = p.gates[i];
    const current = p.current[env.name];
    const version = current ? `v${current.evidence.version} since ${formatTime(current.evidence.releasedAt)}` : 'not released';
    const checks = env.checks.length ? ` · checks ${checksLine(gate, env.checks)}` : '';
    out.line(`  ${env.name.padEnd(11)} ${version} · approvals ${approvalsText(gate, names, env.checks.length ? ['checks'] : [])}${checks}`);
    for (const w of p.live[env.name]?.warnings ?? []) out.line(`  ⚠ ${w.message}`);
  });
  for (const a of approvalSignatures(model, p)) out.line(`  approved    by ${formatIdentity(a.by)} at ${formatTime(a.at)}: ${a.text}`);
  const feedback = feedbackSummary(model, p);
  if (feedback) out.line(`  feedback    ${feedback.label}: prompt-release history ${p.path} shows them`);
  out.line();
}

/** One line per prompt: readable at a thousand prompts. */
function printTable(model: RepoModel, prompts: PromptStatus[], out: Output): void {
  const width = Math.min(60, Math.max(...prompts.map((p) => p.path.length)));
  const stateWidth = Math.max(...prompts.map((p) => stateLabel(p.state).length));
  const names = model.config.environments.map((e) => e.name);
  for (const p of prompts) {
    const envs = model.config.environments.map((e, i) => `${e.name} ${p.current[e.name] ? `v${p.current[e.name]!.evidence.version}` : '-'} ${approvalsText(p.gates[i], names)}`).join(' · ');
    out.line(`${p.path.padEnd(width)}  ${stateLabel(p.state).padEnd(stateWidth)}  ${envs}  ${p.owners.join(' ') || '(no owner)'}`);
  }
}

function summarize(model: RepoModel, prompts: PromptStatus[]) {
  const byState = Object.fromEntries(STATES.map((s) => [s, prompts.filter((p) => p.state.kind === s).length]));
  const environments = model.config.environments.map((env, i) => ({
    name: env.name,
    live: prompts.filter((p) => p.current[env.name]).length,
    ready: prompts.filter((p) => p.gates[i].allowed).length,
  }));
  return { prompts: prompts.length, byState, environments, noOwner: prompts.filter((p) => p.governed && p.owners.length === 0).length };
}

function printSummary(model: RepoModel, prompts: PromptStatus[], out: Output): void {
  const s = summarize(model, prompts);
  const states = STATES.filter((k) => s.byState[k]).map((k) => `${s.byState[k]} ${k.replace(/-/g, ' ')}`);
  out.line(`${plural(s.prompts, 'prompt')}: ${states.join(' · ')}`);
  for (const e of s.environments) out.line(`  ${e.name.padEnd(11)} ${String(e.live).padStart(5)} live · ${e.ready} ready to release`);
  if (s.noOwner) out.line(`  ${plural(s.noOwner, 'prompt')} without an owner`);
}

/** With filters, per-prompt problems only for the prompts shown; repository-wide problems always. */
function relevantProblems(problems: Problem[], shown: Set<string>, filtered: boolean): Problem[] {
  return problems.filter((p) => !filtered || !p.prompt || shown.has(p.prompt));
}

/** The configuration being edited is not the one in force: say so, since the gate ignores the working copy. */
/** One line, not one per record: where no environment requires signatures, approvals prove only who committed them. */
function unsignedNotice(model: RepoModel): string | undefined {
  if (model.config.environments.some((e) => e.signatures === 'required')) return undefined;
  if (!model.policy.ledger.records.some((r) => r.record.type === 'review')) return undefined;
  return 'note: approvals are unsigned: no environment has signatures: required, so an approval shows only which commit author recorded it; to have approvers prove it, commit an allowed-signers file, name it with signers: in .promptrelease.yaml and set signatures: required on an environment';
}

/**
 * The configuration in the working tree, when it is not the one in force: an error with its
 * line when it does not parse (a configuration error), else what the gate uses instead.
 */
function workingConfigNotice(repo: PromptRepository, model: RepoModel): { line: string; error?: boolean } | undefined {
  const file = path.join(repo.root, CONFIG_FILE);
  const working = existsSync(file) ? readFileSync(file) : undefined;
  const inForce = model.policy.configText;
  if (working === undefined || working.toString('utf8') === inForce) return undefined;
  const blob = gitBlobId(working);
  const committedAndPending = model.policy.pending.find((p) => p.file === CONFIG_FILE && p.blob === blob);
  try {
    parseConfig(working.toString('utf8'), CONFIG_FILE);
  } catch (err) {
    if (!(err instanceof PromptReleaseError)) throw err;
    const where = err.location ? `${err.location.file}${err.location.line ? `:${err.location.line}` : ''}${err.location.col ? `:${err.location.col}` : ''}` : CONFIG_FILE;
    // The committed newest version's error is already among the problems; a working copy's is said here.
    if (model.problems.some((p) => p.severity === 'error' && p.location?.file === CONFIG_FILE && p.message.startsWith(err.message))) return undefined;
    return { line: `error: ${where}: ${err.message} (in your working tree: the gate keeps using the version in force on ${model.trusted.ref}; fix it before you commit it)`, error: true };
  }
  if (committedAndPending) return { line: `note: ${CONFIG_FILE} as committed on ${model.trusted.ref} is not in force yet: it waits for an owner's approval (prompt-release review ${CONFIG_FILE} --approve); the gate uses the version in force until then` };
  return { line: `note: ${CONFIG_FILE} in your working tree differs from the version in force on ${model.trusted.ref}; the gate uses the version in force until the change is committed there${model.policy.pending.some((p) => p.file === CONFIG_FILE) ? ' and approved by an owner' : ''}` };
}

/** `status --attention`: what someone must act on, most urgent first (disputed, overdue, review due). */
export async function attentionCommand(repo: PromptRepository, paths: string[], out: Output, cwd: string): Promise<number> {
  const model = await repo.model();
  const filters = paths.map((p) => repo.relativePath(p, cwd));
  for (const f of filters) requireSomething(repo, model, f);
  const items = attentionList(model).filter((a) => filters.length === 0 || filters.some((f) => a.prompt === f || a.prompt.startsWith(f.replace(/\/?$/, '/'))));
  out.data({ head: model.head, trusted: model.trusted, attention: items });
  if (items.length === 0) {
    out.line('Nothing needs attention: no change request on a live version, no overdue review request, no live version due for review.');
    out.line(formatTrusted(model.trusted));
    return EXIT.ok;
  }
  const width = Math.min(60, Math.max(...items.map((a) => a.prompt.length)));
  const kindWidth = Math.max(...items.map((a) => attentionLabel(a.kind).length));
  for (const a of items) {
    out.line(`${attentionLabel(a.kind).padEnd(kindWidth)}  ${a.prompt.padEnd(width)}  ${a.message}${a.people.length ? ` — for ${briefly(a.people, out)}` : ''}`);
  }
  const counts = (['disputed', 'overdue', 'review-due'] as const).map((k) => [k, items.filter((a) => a.kind === k).length] as const).filter(([, n]) => n);
  out.line();
  out.line(`${plural(items.length, 'item')} need${items.length === 1 ? 's' : ''} attention: ${counts.map(([k, n]) => `${n} ${attentionLabel(k)}`).join(' · ')}.`);
  out.line(formatTrusted(model.trusted));
  return EXIT.ok;
}
