/** The prompts of the in-editor fixture repository, one per state (see test/runner/promptFixtures.ts). */
export const PROMPTS = {
  draft: 'prompts/draft.prompt.md',
  inReview: 'prompts/review.prompt.md',
  changes: 'prompts/changes.prompt.md',
  approved: 'prompts/approved.prompt.md',
  released: 'prompts/released.prompt.md',
  modified: 'prompts/modified.prompt.md',
  unowned: 'notes/unowned.prompt.md',
};

export const ERIN = { name: 'Erin Reviewer', email: 'erin@example.com' };
