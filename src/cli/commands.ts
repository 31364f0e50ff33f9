import { existsSync, readFileSync, renameSync, writeFileSync } from 'fs';
import * as path from 'path';
import { CONFIG_FILE, parseConfig, type Config } from '../core/policy/config';
import { mergeMethodWarning } from '../core/model/pullRequest';
import { initConfigText, initProposal, proposalLines } from '../core/prompts/setup';
import { SIGNING_SETUP_STEPS } from '../core/reviews/signedEvidence';
import { PromptReleaseError } from '../core/common/errors';
import { shortHash } from '../core/prompts/hash';
import { formatIdentity } from '../core/ownership/identity';
import { notAPrompt } from '../core/reviews/operations';
import { unconfirmed } from '../core/policy/rules/criteria';
import type { GateResult } from '../core/policy/policy';
import type { RecordSignature } from '../core/reviews/signatures';
import { formatChangeSummary, formatLineCounts } from '../core/history/changeSummary';
import * as engine from '../usecases/engine';
import type { PromptRepository } from '../git/repository';
import { createFileNoFollow, lstatOrUndefined, refusal } from '../git/safeFs';
import { verifyRepository } from '../usecases/verify';
import { promptHistory } from '../usecases/history';
import { EXIT } from './exitCodes';
import { plural } from '../core/common/words';
import { briefly, formatTime, formatTrusted, printProblems, type Output } from './output';

export async function initCommand(repo: PromptRepository, force: boolean, dryRun: boolean, out: Output): Promise<number> {
  const target = path.join(repo.root, CONFIG_FILE);
  const existing = lstatOrUndefined(target);
  // A link (committed by anyone) is never written through nor taken for the configuration.
  if (existing && (existing.isSymbolicLink() || !existing.isFile())) throw refusal(target, existing, 'file', () => CONFIG_FILE);
  if (existing && !force && !dryRun) {
    throw new PromptReleaseError('invalid-usage', `${CONFIG_FILE} already exists; nothing was changed`, { hint: 'Use --force to replace it (the old file is kept as .bak), or --dry-run to see what init proposes.' });
  }
  const proposal = initProposal(await repo.setupFacts());
  for (const line of proposalLines(proposal)) out.line(line);
  // How this repository merges pull requests, as the file here or the trusted branch says.
  const merging = mergeMethodWarning((await existingConfig(repo, target)) ?? { environments: [] });
  if (merging) out.error(merging);
  const found = { found: proposal.kinds, candidates: proposal.candidates.groups, candidateExclusions: proposal.candidates.exclusions, indexes: proposal.indexes, people: proposal.people, unmatched: proposal.unmatched };
  if (dryRun) {
    out.data({ written: null, ...found });
    out.line(`Nothing was written (--dry-run). Run prompt-release init to write ${CONFIG_FILE} with this proposal.`);
    return EXIT.ok;
  }
  // The old file is kept under a name nothing holds yet: an earlier .bak is never replaced.
  let kept: string | undefined;
  if (lstatOrUndefined(target)) {
    kept = `${CONFIG_FILE}.bak`;
    for (let n = 2; lstatOrUndefined(path.join(repo.root, kept)); n++) kept = `${CONFIG_FILE}.bak.${n}`;
    renameSync(target, path.join(repo.root, kept));
  }
  createFileNoFollow(repo.root, CONFIG_FILE, initConfigText(proposal), { show: () => CONFIG_FILE });
  out.data({ written: CONFIG_FILE, ...found, ...(kept ? { kept } : {}) });
  if (kept) out.line(`Kept the old ${CONFIG_FILE} as ${kept}.`);
  out.line(`Wrote ${CONFIG_FILE}. Review it, then commit it to the trusted branch: the gate uses the version in force there.`);
  out.line('To make approvals and release tags signed evidence (who approved is then proven, not only claimed by a commit author):');
  for (const step of SIGNING_SETUP_STEPS) out.line(`  ${step}`);
  return EXIT.ok;
}

async function existingConfig(repo: PromptRepository, target: string): Promise<Config | undefined> {
  try {
    if (existsSync(target)) return parseConfig(readFileSync(target, 'utf8'));
  } catch {
    // A broken file here is reported by the commands that use it.
  }
  return repo.model().then((m) => (m.config.source === 'file' ? m.config : undefined), () => undefined);
}

export async function reviewCommand(repo: PromptRepository, file: string, verdict: 'approve' | 'request-changes', comment: string | undefined, confirm: string[], out: Output): Promise<number> {
  if (confirm.length && verdict !== 'approve') {
    throw new PromptReleaseError('invalid-usage', '--confirm goes with --approve: a change request confirms nothing', { hint: 'Say what should change with -m.' });
  }
  // One read of the repository: the engine expands "--confirm all" from the policy it reads.
  const result = await engine.review(repo, file, verdict, comment, undefined, confirm);
  const model = result.model;
  out.data({ record: result.record, recordPath: result.recordPath, commit: result.commit });
  const what = verdict === 'approve' ? 'Approved' : 'Requested changes to';
  out.line(`${what} ${file} (${shortHash(result.record.contentHash)}) as ${formatIdentity(result.record.by)}.`);
  if (result.record.confirms?.length) out.line(`  confirmed: ${result.record.confirms.map((c) => `"${c}"`).join(', ')}`);
  if (result.record.includes?.length) out.line(`  covers what it includes: ${briefly(result.record.includes.map((i) => i.path), out)}`);
  out.line(`Recorded in commit ${result.commit.slice(0, 10)} (${result.recordPath}); push it so others see it.`);
  if (verdict === 'approve') {
    const short = model.config.environments.map((env) => ({ env: env.name, missing: unconfirmed(result.record, env.criteria) })).filter((e) => e.missing.length);
    if (short.length) {
      out.error(`note: this approval does not count for ${short.map((s) => s.env).join(' or ')}: it does not confirm ${short.map((s) => `${s.env}'s ${s.missing.map((c) => `"${c}"`).join(', ')}`).join('; ')}`);
      out.error(`hint: to count there, approve again confirming them: prompt-release review ${file} --approve --confirm all (or --confirm "CRITERION" for each)`);
    }
  }
  return EXIT.ok;
}

export async function requestReviewCommand(repo: PromptRepository, file: string, reviewers: string[], comment: string | undefined, out: Output): Promise<number> {
  const result = await engine.requestReview(repo, file, reviewers, comment);
  out.data({ record: result.record, recordPath: result.recordPath, commit: result.commit });
  out.line(`Asked ${reviewers.join(', ')} to review ${file} (${shortHash(result.record.contentHash)}); commit ${result.commit.slice(0, 10)}.`);
  return EXIT.ok;
}

function gateJson(gate: GateResult) {
  return {
    environment: gate.environment,
    allowed: gate.allowed,
    approvals: gate.approvalsCounted,
    required: gate.approvalsRequired,
    unmet: gate.unmet,
    warnings: gate.warnings,
    approvedBy: gate.approvals.map((a) => ({ ...a.review.record.by, at: a.review.record.time, owners: a.owners, confirms: a.review.record.confirms ?? [] })),
    ignored: gate.ignored.map((i) => ({ by: i.review.record.by, reason: i.reason })),
    checks: [...gate.checks.values()].map((c) => ({ name: c.record.name, result: c.record.result, by: c.record.by, at: c.record.time, summary: c.record.summary ?? null, record: c.path })),
  };
}

function printGate(gate: GateResult, file: string, out: Output): void {
  if (gate.allowed) out.line(`${file} may be released to ${gate.environment}: ${gate.approvalsCounted}/${gate.approvalsRequired} approvals.`);
  else {
    out.line(`${file} is blocked for ${gate.environment}:`);
    for (const u of gate.unmet) out.line(`  - ${u.message}`);
  }
  for (const w of gate.warnings) out.line(`  warning: ${w.message}`);
  for (const a of gate.approvals) out.line(`  approved by ${formatIdentity(a.review.record.by)} at ${formatTime(a.review.record.time)}${a.owners.length ? ` (owner: ${a.owners.join(', ')})` : ''}`);
  for (const c of gate.checks.values()) out.line(`  check ${c.record.name} ${c.record.result === 'pass' ? 'passed' : 'failed'} (${formatIdentity(c.record.by)} at ${formatTime(c.record.time)})`);
  const ignored = out.verbose || gate.ignored.length <= 4 ? gate.ignored : gate.ignored.slice(0, 3);
  for (const i of ignored) out.line(`  not counted: ${i.reason}`);
  if (ignored.length < gate.ignored.length) out.line(`  not counted: ${plural(gate.ignored.length - ignored.length, 'more approval')} (--verbose lists every one)`);
}

export async function gateCommand(repo: PromptRepository, file: string, env: string | undefined, version: number | undefined, out: Output): Promise<number> {
  const { plan, trusted } = await engine.prepareRelease(repo, file, env, version);
  out.data({ ...gateJson(plan.gate), trusted });
  printGate(plan.gate, file, out);
  out.line(formatTrusted(trusted));
  return plan.allowed ? EXIT.ok : EXIT.refused;
}

export async function releaseCommand(repo: PromptRepository, file: string, env: string | undefined, version: number | undefined, out: Output): Promise<number> {
  const { plan, trusted, signed } = await engine.release(repo, file, env, version);
  if (!plan.allowed) {
    out.data({ released: false, trusted, gate: gateJson(plan.gate) });
    printGate(plan.gate, file, out);
    out.line(formatTrusted(trusted));
    out.line('Nothing was tagged.');
    return EXIT.refused;
  }
  out.data({ released: true, trusted, tag: plan.tag, signed: !!signed, evidence: plan.evidence });
  out.line(`Released ${file} v${plan.evidence.version} to ${plan.evidence.environment}: tag ${plan.tag}${signed ? ' (signed with your SSH signing key)' : ' (unsigned: no SSH signing setup in git)'}`);
  out.line(formatTrusted(trusted));
  for (const a of plan.evidence.approvals) out.line(`  approved by ${formatIdentity(a.by)} at ${formatTime(a.at)}${a.confirms?.length ? `, confirming ${a.confirms.map((c) => `"${c}"`).join(', ')}` : ''}`);
  for (const c of plan.evidence.checks ?? []) out.line(`  check ${c.name} passed (${formatIdentity(c.by)} at ${formatTime(c.at)}, ${c.record})`);
  for (const i of plan.evidence.includes ?? []) out.line(`  includes ${i.path} (${shortHash(i.contentHash)})`);
  out.line(`Push it: git push --atomic origin refs/tags/${plan.tag}`);
  return EXIT.ok;
}

/** `release --all --env ENV [--dry-run] [--push]`: the plan first, then every tag at once. */
export async function releaseTrainCommand(repo: PromptRepository, env: string | undefined, dryRun: boolean, push: boolean, out: Output): Promise<number> {
  if (!env) throw new PromptReleaseError('invalid-usage', 'release --all needs --env: which environment the train goes to', { hint: 'Usage: prompt-release release --all --env staging [--dry-run]' });
  const plan = await engine.releaseTrain(repo, env, dryRun);
  const go = plan.go.map((p) => ({ path: p.evidence.prompt, version: p.evidence.version, tag: p.tag, approvals: p.evidence.approvals.map((a) => a.by) }));
  out.data({ environment: env, dryRun, trusted: plan.trusted, released: dryRun ? [] : go, ready: go, blocked: plan.blocked, current: plan.current, untouched: plan.untouched });
  out.line(`${dryRun ? 'Would release' : 'Released'} ${go.length} prompt${go.length === 1 ? '' : 's'} to ${env}${go.length ? ':' : '.'}`);
  for (const g of go) out.line(`  ${g.path}  v${g.version}  (${g.tag})`);
  if (plan.blocked.length) {
    out.line(`Blocked (${plan.blocked.length}):`);
    for (const b of plan.blocked) out.line(`  ${b.path}: ${b.reasons.join('; ')}`);
  }
  out.line(`${plan.current} already live in ${env}; ${plan.untouched} not reviewed yet.`);
  out.line(formatTrusted(plan.trusted));
  if (dryRun || go.length === 0) return EXIT.ok;
  if (push) {
    const remote = await repo.writes.pushTags(go.map((g) => g.tag));
    out.line(`Pushed ${go.length} tag${go.length === 1 ? '' : 's'} to ${remote} in one atomic push.`);
  } else {
    out.line(`Push them together: git push --atomic origin ${go.map((g) => `refs/tags/${g.tag}`).join(' ')}`);
  }
  return EXIT.ok;
}

export async function diffCommand(repo: PromptRepository, file: string, from: string | undefined, to: string | undefined, out: Output): Promise<number> {
  const result = await engine.diff(repo, file, from, to);
  const meaning = formatChangeSummary(result.summary);
  out.data({ from: result.left.label, to: result.right.label, identical: result.identical, summary: result.summary, patch: result.patch, includes: result.includes.map((i) => ({ path: i.path, change: i.change, patch: i.patch })) });
  if (out.json) return EXIT.ok;
  if (result.identical) {
    out.line(`No differences between ${result.left.label} and ${result.right.label}${result.left.includes && result.right.includes && result.left.includes.size ? ', nor in what it includes' : ''}.`);
    return EXIT.ok;
  }
  if (result.textIdentical) out.line(`The text of ${file} is the same; what it includes differs:`);
  else out.line(`${capitalized(formatLineCounts(result.summary))}${meaning.length ? '; in meaning:' : '.'}`);
  if (!result.textIdentical) for (const line of meaning) out.line(`  ${line}`);
  for (const inc of result.includes) out.line(`  ${inc.change === 'added' ? 'now includes' : inc.change === 'removed' ? 'no longer includes' : 'included file changed:'} ${inc.path}`);
  out.line();
  process.stdout.write(result.patch);
  for (const inc of result.includes) process.stdout.write(inc.patch);
  return EXIT.ok;
}

export async function historyCommand(repo: PromptRepository, file: string, out: Output): Promise<number> {
  const history = await promptHistory(repo, file);
  out.data({ path: history.path, names: history.names, timeline: history.entries });
  for (const e of history.entries) out.line(`${formatTime(e.time)}  ${e.text}`);
  return EXIT.ok;
}

/** Failing release tags shown in full before the rest are counted (a flood of pushed tags stays readable). */
const FAILED_TAGS_SHOWN = 10;

export async function verifyCommand(repo: PromptRepository, strict: boolean, out: Output): Promise<number> {
  const report = await verifyRepository(repo, { strict });
  const failedTags = report.tags.filter((v) => !v.ok);
  const failedLive = report.live.filter((l) => !l.ok);
  const due = report.live.filter((l) => l.ok && l.warnings.length);
  out.data({
    ok: report.ok,
    strict: report.strict,
    trusted: report.trusted,
    checked: report.tags.length,
    tags: report.tags.map(({ tag, ok, problems, signature, records }) => ({ tag, ok, problems, signature: signatureJson(signature), records })),
    live: report.live,
    warnings: report.warnings,
  });
  printProblems(report.problems, out, 'verify', 'warning');
  out.line(formatTrusted(report.trusted));
  const tagsShown = out.verbose ? failedTags : failedTags.slice(0, FAILED_TAGS_SHOWN);
  for (const v of tagsShown) {
    out.line(`✗ ${v.tag}`);
    for (const p of v.problems) out.line(`    ${p}`);
  }
  if (tagsShown.length < failedTags.length) out.line(`✗ and ${plural(failedTags.length - tagsShown.length, 'more release tag')}: prompt-release verify --verbose lists every one (--json has them all).`);
  for (const l of failedLive) {
    out.line(`✗ ${l.prompt} v${l.version}, live in ${l.environment} (${l.tag}), does not meet today's ${l.environment} policy:`);
    for (const p of l.problems) out.line(`    ${p}`);
    for (const w of l.warnings) out.line(`    warning: ${w}`);
  }
  for (const l of due) {
    out.line(`${strict ? '✗' : '⚠'} ${l.prompt} v${l.version}, live in ${l.environment} (${l.tag})${strict ? ' fails --strict' : ' meets the policy, with a warning'}:`);
    for (const w of l.warnings) out.line(`    ${w}`);
  }
  out.line(
    failedTags.length
      ? `${failedTags.length} of ${plural(report.tags.length, 'release tag')} failed verification.`
      : report.tags.length === 0 ? 'No release tags to verify yet.' : `${report.tags.length === 1 ? '' : 'All '}${plural(report.tags.length, 'release tag')} verified.`,
  );
  out.line(
    failedLive.length
      ? `${failedLive.length} of ${plural(report.live.length, 'live version')} ${failedLive.length === 1 ? 'does' : 'do'} not meet today's policy.`
      : report.live.length === 0 ? 'Nothing is live yet, so no live version to check against today\'s policy.' : `${report.live.length === 1 ? '1 live version meets' : `All ${report.live.length} live versions meet`} today's policy.`,
  );
  if (due.length) {
    out.line(
      strict
        ? `${due.length} live version${due.length === 1 ? ' is' : 's are'} due for review, which --strict counts as a failure: re-approve the same content to renew it (no new release needed).`
        : `Warning: ${due.length} live version${due.length === 1 ? ' is' : 's are'} due for review (verify --strict fails on this): re-approve the same content to renew it (no new release needed).`,
    );
  }
  return report.ok ? EXIT.ok : EXIT.refused;
}

/** A tag's signature for --json, in the form verify gives cited records: the signer's email, key type and fingerprint, "unsigned", or why it does not count. */
function signatureJson(signature: RecordSignature | undefined) {
  if (!signature || signature.status === 'unsigned') return 'unsigned';
  if (signature.status === 'valid') return { email: signature.email, keyType: signature.keyType, fingerprint: signature.fingerprint };
  return { invalid: signature.reason, ...(signature.fingerprint ? { keyType: signature.keyType, fingerprint: signature.fingerprint } : {}) };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
