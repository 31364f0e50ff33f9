import { attentionLabel, attentionList, type AttentionKind } from '../core/reviews/attention';
import { feedbackSummary } from '../core/reviews/feedback';
import type { RepoModel } from '../core/model/model';
import { approvalSignatures, signatureText, signedSummary, signerName } from '../core/reviews/signedEvidence';
import { approvalsText, stateLabel } from '../core/policy/state';

/** Plain data the dashboard renders; built from the models, sent with postMessage. */
export interface DashboardData {
  environments: string[];
  owners: string[];
  prompts: {
    root: string;
    folder: string;
    path: string;
    owners: string[];
    state: string;
    stateLabel: string;
    versions: Record<string, { version: number; since: string } | null>;
    approvals: Record<string, string>;
    released: boolean;
    /** Open feedback on the version in use ("2 reports on v4 in production"), if any. */
    feedback: { open: number; bad: number; label: string } | null;
    /** Environments whose live version is due for review. */
    reviewDue: string[];
    /** Each standing approval and what its signature proves ("signed by @bob (ED25519 SHA256:…)" or "unsigned"). */
    signatures: { by: string; text: string; signed: boolean }[];
    /** "all 2 approvals signed", "1 approval unsigned"; null when nothing is approved. */
    signed: string | null;
  }[];
  /** `signature`: what the release tag's own signature proves ("signed by @dave (ED25519 SHA256:…)" or "unsigned"). */
  recentReleases: { root: string; path: string; environment: string; version: number; by: string; at: string; signature: string; signed: boolean }[];
  pendingReviews: { root: string; path: string; what: string; at: string }[];
  /** The release pipeline at a glance: per environment, how many are live, ready, blocked. */
  pipeline: { environment: string; live: number; ready: number; blocked: number }[];
  /** Prompts per state. */
  states: Record<string, number>;
  /** Content whose gate is open in an environment it is not live in yet. */
  ready: { root: string; path: string; environment: string }[];
  /** Content waiting for an environment's gate, with every reason. */
  blocked: { root: string; path: string; environment: string; reasons: string[] }[];
  /** What someone must act on: disputed live versions, overdue review requests, live versions due for review; most urgent kind first, oldest first within it. */
  attention: { root: string; path: string; kind: AttentionKind; label: string; environment?: string; message: string; since: string; people: string[] }[];
  /** Per environment, how many live versions are due for review. */
  reviewDue: Record<string, number>;
}

export function dashboardData(folders: { name: string; root: string; model: RepoModel }[]): DashboardData {
  const data: DashboardData = { environments: [], owners: [], prompts: [], recentReleases: [], pendingReviews: [], pipeline: [], states: {}, ready: [], blocked: [], attention: [], reviewDue: {} };
  const pipeline = new Map<string, { environment: string; live: number; ready: number; blocked: number }>();
  const envs = new Set<string>();
  const owners = new Set<string>();
  for (const { name, root, model } of folders) {
    model.config.environments.forEach((e) => envs.add(e.name));
    for (const e of model.config.environments) if (!pipeline.has(e.name)) pipeline.set(e.name, { environment: e.name, live: 0, ready: 0, blocked: 0 });
    for (const p of model.prompts) {
      p.owners.forEach((o) => owners.add(o));
      data.states[p.state.kind] = (data.states[p.state.kind] ?? 0) + 1;
      for (const gate of p.gates) if (p.current[gate.environment]) pipeline.get(gate.environment)!.live++;
      // Each prompt's next step only: the first environment in promotion order that does not
      // run this content yet. Later environments wait for it anyway.
      const next = p.governed && !p.unusable ? p.gates.find((g) => p.current[g.environment]?.evidence.contentHash !== p.contentHash) : undefined;
      if (next) {
        const stage = pipeline.get(next.environment)!;
        if (next.allowed) {
          stage.ready++;
          data.ready.push({ root, path: p.path, environment: next.environment });
        } else if (p.reviews.length || p.currentRequests.length || p.releases.length) {
          // Only content someone is working towards releasing counts as blocked, not every draft.
          stage.blocked++;
          data.blocked.push({ root, path: p.path, environment: next.environment, reasons: next.unmet.map((u) => u.message) });
        }
      }
      const approvals = approvalSignatures(model, p);
      const reviewDue = Object.entries(p.live).filter(([, gate]) => gate?.warnings.some((w) => w.code === 'review-due')).map(([env]) => env);
      for (const env of reviewDue) data.reviewDue[env] = (data.reviewDue[env] ?? 0) + 1;
      data.prompts.push({
        root,
        folder: name,
        path: p.path,
        owners: p.owners,
        state: p.state.kind,
        stateLabel: stateLabel(p.state),
        versions: Object.fromEntries(model.config.environments.map((e) => {
          const r = p.current[e.name];
          return [e.name, r ? { version: r.evidence.version, since: r.evidence.releasedAt } : null];
        })),
        approvals: Object.fromEntries(p.gates.map((g) => [g.environment, approvalsText(g, p.gates.map((e) => e.environment))])),
        released: Object.values(p.current).some(Boolean),
        feedback: feedbackSummary(model, p) ?? null,
        reviewDue,
        signatures: approvals.map((a) => ({ by: a.by.name || a.by.email, text: a.text, signed: a.signature.status === 'valid' })),
        signed: signedSummary(approvals) ?? null,
      });
      for (const req of p.currentRequests) {
        data.pendingReviews.push({ root, path: p.path, what: `${req.record.by.name || req.record.by.email} asked ${req.record.reviewers.join(', ')} to review`, at: req.record.time });
      }
      // Change requests are the same in every environment's gate.
      for (const cr of p.gates[0]?.changeRequests ?? []) {
        data.pendingReviews.push({ root, path: p.path, what: `${cr.record.by.name || cr.record.by.email} requested changes: ${cr.record.comment ?? ''}`, at: cr.record.time });
      }
    }
    for (const a of attentionList(model)) {
      data.attention.push({ root, path: a.prompt, kind: a.kind, label: attentionLabel(a.kind), environment: a.environment, message: a.message, since: Number.isFinite(a.since) ? new Date(a.since).toISOString() : '', people: a.people });
    }
    const tagSignatures = new Map(model.tagChecks.map((c) => [c.tag, c.signature]));
    for (const r of model.releases) {
      const signature = tagSignatures.get(r.tag);
      data.recentReleases.push({
        root,
        path: r.evidence.prompt,
        environment: r.evidence.environment,
        version: r.evidence.version,
        by: r.evidence.releasedBy.name || r.evidence.releasedBy.email,
        at: r.evidence.releasedAt,
        signature: signatureText(signature, (email) => signerName(model.people, model.config, email)),
        signed: signature?.status === 'valid',
      });
    }
  }
  data.environments = [...envs];
  data.pipeline = [...pipeline.values()];
  data.owners = [...owners].sort();
  data.recentReleases = data.recentReleases.sort((a, b) => b.at.localeCompare(a.at)).slice(0, 20);
  const urgency: AttentionKind[] = ['disputed', 'overdue', 'review-due'];
  data.attention.sort((a, b) => urgency.indexOf(a.kind) - urgency.indexOf(b.kind) || a.since.localeCompare(b.since));
  data.pendingReviews.sort((a, b) => b.at.localeCompare(a.at));
  return data;
}
