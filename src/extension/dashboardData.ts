import type { RepoModel } from '../core/model';
import { stateLabel } from '../core/state';

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
  }[];
  recentReleases: { root: string; path: string; environment: string; version: number; by: string; at: string }[];
  pendingReviews: { root: string; path: string; what: string; at: string }[];
}

export function dashboardData(folders: { name: string; root: string; model: RepoModel }[]): DashboardData {
  const data: DashboardData = { environments: [], owners: [], prompts: [], recentReleases: [], pendingReviews: [] };
  const envs = new Set<string>();
  const owners = new Set<string>();
  for (const { name, root, model } of folders) {
    model.config.environments.forEach((e) => envs.add(e.name));
    for (const p of model.prompts) {
      p.owners.forEach((o) => owners.add(o));
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
        approvals: Object.fromEntries(p.gates.map((g) => [g.environment, `${g.approvalsCounted}/${g.approvalsRequired}`])),
        released: Object.values(p.current).some(Boolean),
      });
      for (const req of p.currentRequests) {
        data.pendingReviews.push({ root, path: p.path, what: `${req.record.by.name || req.record.by.email} asked ${req.record.reviewers.join(', ')} to review`, at: req.record.time });
      }
      // Change requests are the same in every environment's gate.
      for (const cr of p.gates[0]?.changeRequests ?? []) {
        data.pendingReviews.push({ root, path: p.path, what: `${cr.record.by.name || cr.record.by.email} requested changes: ${cr.record.comment ?? ''}`, at: cr.record.time });
      }
    }
    for (const r of model.releases) {
      data.recentReleases.push({ root, path: r.evidence.prompt, environment: r.evidence.environment, version: r.evidence.version, by: r.evidence.releasedBy.name || r.evidence.releasedBy.email, at: r.evidence.releasedAt });
    }
  }
  data.environments = [...envs];
  data.owners = [...owners].sort();
  data.recentReleases = data.recentReleases.sort((a, b) => b.at.localeCompare(a.at)).slice(0, 20);
  data.pendingReviews.sort((a, b) => b.at.localeCompare(a.at));
  return data;
}
