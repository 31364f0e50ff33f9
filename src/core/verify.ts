import { PromptReleaseError, type Problem } from './errors';
import type { RepoModel } from './model';
import type { ReleaseEvidence } from './releases';

export interface TagVerdict {
  tag: string;
  ok: boolean;
  problems: string[];
  evidence?: ReleaseEvidence;
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
  const tags = model.tagChecks.map((c) => ({ tag: c.tag, ok: c.problems.length === 0, problems: [...new Set(c.problems)], evidence: c.evidence }));
  const live: LiveVerdict[] = [];
  const byPrompt = new Map<string, typeof model.releases>();
  for (const r of model.releases) byPrompt.set(r.evidence.prompt, [...(byPrompt.get(r.evidence.prompt) ?? []), r]);
  for (const [prompt, releases] of [...byPrompt].sort(([a], [b]) => a.localeCompare(b))) {
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
