import { byCodeUnits } from '../common/words';
import { PromptReleaseError, type Problem } from '../common/errors';
import type { RepoModel } from '../model/model';
import type { ReleaseEvidence } from './releases';
import type { RecordSignature } from '../reviews/signatures';

/** A record a release cites, and what its signature proves today (checked in pure Node against the trusted signers). */
export interface CitedRecord {
  kind: 'approval' | 'check';
  record: string;
  by: string;
  /** `unsigned`, the signer's email, key type and fingerprint, or why the signature does not count; absent when the path is no record. */
  signature?: 'unsigned' | { email: string; keyType: string; fingerprint: string } | { invalid: string; keyType?: string; fingerprint?: string };
}

export interface TagVerdict {
  tag: string;
  ok: boolean;
  problems: string[];
  evidence?: ReleaseEvidence;
  /** What the tag's SSH signature proves: who signed it with which key, or unsigned. */
  signature?: RecordSignature;
  /** Each record the release cites, with its signature. */
  records?: CitedRecord[];
}

/** Whether the version live in an environment meets today's trusted policy with today's records. */
export interface LiveVerdict {
  prompt: string;
  environment: string;
  tag: string;
  version: number;
  ok: boolean;
  problems: string[];
  /** Not failures unless verify runs with --strict: a review that is due. */
  warnings: string[];
}

export interface VerifyReport {
  ok: boolean;
  trusted: { ref: string; commit: string };
  tags: TagVerdict[];
  live: LiveVerdict[];
  /** Not failures: policy changes awaiting approval, records that do not count, deleted records. */
  warnings: string[];
  /** The same, as problems: what the text output groups by kind. */
  problems: Problem[];
}

/**
 * Verify = the integrity of every tag in the release namespace + today's policy for what is
 * live. A release that met an earlier policy and is no longer current is history, not a failure.
 */
export function verifyModel(model: RepoModel): VerifyReport {
  if (model.shallow) {
    throw new PromptReleaseError('shallow-clone', 'this clone is shallow, so the records and authors behind each release cannot be established; nothing was verified', {
      hint: 'Fetch the full history first: git fetch --unshallow --tags (in GitHub Actions: actions/checkout with fetch-depth: 0).',
    });
  }
  const tags: TagVerdict[] = model.tagChecks.map((c) => {
    const problems = [...c.problems];
    const records = c.evidence ? citedRecords(model, c.evidence, problems) : undefined;
    return { tag: c.tag, ok: problems.length === 0, problems: [...new Set(problems)], evidence: c.evidence, signature: c.signature, ...(records ? { records } : {}) };
  });
  const live: LiveVerdict[] = [];
  const byPrompt = new Map<string, typeof model.releases>();
  for (const r of model.releases) byPrompt.set(r.evidence.prompt, [...(byPrompt.get(r.evidence.prompt) ?? []), r]);
  for (const [prompt, releases] of [...byPrompt].sort(([a], [b]) => byCodeUnits(a, b))) {
    for (const env of model.config.environments) {
      const current = releases.filter((r) => r.evidence.environment === env.name).pop();
      if (!current) continue;
      const ev = current.evidence;
      const gate = model.decide(model.subjectOf(prompt, ev.blob, ev.contentHash, ev.commit), env.name, 'live');
      live.push({ prompt, environment: env.name, tag: current.tag, version: ev.version, ok: gate.allowed, problems: gate.unmet.map((u) => u.message), warnings: gate.warnings.map((w) => w.message) });
    }
    for (const env of new Set(releases.map((r) => r.evidence.environment))) {
      if (!model.config.environments.some((e) => e.name === env)) {
        const current = releases.filter((r) => r.evidence.environment === env).pop()!;
        live.push({ prompt, environment: env, tag: current.tag, version: current.evidence.version, ok: false, problems: [`environment ${env} is not in the trusted policy, so nothing may be live there`], warnings: [] });
      }
    }
  }
  const warnings = model.policy.problems.map((p) => (p.location ? `${p.location.file}: ${p.message}` : p.message));
  return {
    ok: tags.every((t) => t.ok) && live.every((l) => l.ok),
    trusted: model.trusted,
    tags,
    live,
    warnings,
    problems: model.policy.problems,
  };
}

/**
 * The records a release cites with what their signatures prove; in an environment whose
 * trusted policy requires signatures, a cited approval or check that is not validly signed
 * makes the release fail.
 */
function citedRecords(model: RepoModel, ev: ReleaseEvidence, problems: string[]): CitedRecord[] {
  const env = model.config.environments.find((e) => e.name === ev.environment);
  const required = env?.signatures === 'required';
  const cited: CitedRecord[] = [
    ...(ev.approvals ?? []).map((a) => ({ kind: 'approval' as const, record: a?.record, by: a?.by?.email ?? '?' })),
    ...(ev.checks ?? []).map((c) => ({ kind: 'check' as const, record: c?.record, by: c?.by?.email ?? '?' })),
  ];
  return cited.map((c) => {
    const stored = typeof c.record === 'string' ? model.policy.ledger.findByPath(c.record) : undefined;
    if (!stored) return c;
    const sig: RecordSignature = stored.signature ?? { status: 'unsigned' };
    if (required && sig.status !== 'valid') {
      const why = sig.status === 'unsigned' ? 'is not signed' : `is not validly signed (${sig.reason})`;
      problems.push(`the ${c.kind} by ${c.by} it cites (${c.record}) ${why}, and ${ev.environment} requires signatures`);
    }
    const signature: CitedRecord['signature'] =
      sig.status === 'valid'
        ? { email: sig.email, keyType: sig.keyType, fingerprint: sig.fingerprint }
        : sig.status === 'unsigned'
          ? 'unsigned'
          : { invalid: sig.reason, ...(sig.keyType ? { keyType: sig.keyType, fingerprint: sig.fingerprint } : {}) };
    return { ...c, signature };
  });
}
