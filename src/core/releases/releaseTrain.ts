import { findEnvironment } from '../policy/config';
import { includedContent, releasedAsIs } from '../prompts/dependencies';
import type { Identity } from '../ownership/identity';
import type { RepoModel } from '../model/model';
import { headSubject, planRelease, type ReleasePlan } from '../reviews/operations';

export type AllowedPlan = Extract<ReleasePlan, { allowed: true }>;

/** A release train: every prompt whose gate allows the environment goes together; the rest say why not. */
export interface TrainPlan {
  environment: string;
  go: AllowedPlan[];
  /** Content someone is working towards releasing whose gate is closed, with every reason. */
  blocked: { path: string; reasons: string[] }[];
  /** Prompts whose content is already live there. */
  current: number;
  /** Drafts nobody reviewed or asked to review yet: counted, not listed. */
  untouched: number;
}

/** Plans releasing the committed content of every prompt to `environment`; nothing is written. */
export function planTrain(model: RepoModel, environment: string, by: Identity, now: Date): TrainPlan {
  findEnvironment(model.config, environment);
  const plan: TrainPlan = { environment, go: [], blocked: [], current: 0, untouched: 0 };
  for (const prompt of model.prompts) {
    if (!prompt.governed || !prompt.blob || !prompt.contentHash) continue;
    const live = prompt.current[environment];
    if (live && releasedAsIs(live.evidence, prompt.contentHash, includedContent(prompt.includes))) {
      plan.current++;
      continue;
    }
    const release = planRelease(model, headSubject(model, prompt, environment), environment, by, now);
    if (release.allowed) plan.go.push(release);
    else if (prompt.reviews.length || prompt.requests.length || prompt.releases.length || prompt.unusable) plan.blocked.push({ path: prompt.path, reasons: release.gate.unmet.map((u) => u.message) });
    else plan.untouched++;
  }
  return plan;
}
