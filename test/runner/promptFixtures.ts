import * as fs from 'fs';
import * as path from 'path';
/* Workspaces for the in-editor suites: real repositories with prompts in every state, made with the real CLI. */
import { ALICE, BOB, CAROL, DAVE, STANDARD_CONFIG, TempRepo, type Person } from '../helpers/gitFixture';
import { ERIN, PROMPTS } from '../helpers/statePrompts';
import { buildRealisticRepo } from '../helpers/realisticRepo';
import { renamedTwice } from '../helpers/renamedPrompt';

export { ERIN, PROMPTS };

async function ok(repo: TempRepo, who: Person, ...args: string[]): Promise<void> {
  const result = await repo.cli(who, ...args);
  if (result.code !== 0) throw new Error(`prompt-release ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
}

/**
 * Carol writes every prompt; Alice and @prompt-team own prompts/**; notes/ has no owner.
 * The editor runs as `viewer` (repo-local user config).
 */
export async function createStatesRepo(viewer: Person = ALICE): Promise<string> {
  const repo = new TempRepo({ author: viewer, name: 'support-prompts' });
  const text = (name: string) => `---\ndescription: ${name}\n---\nYou are the ${name} assistant.\nAnswer in two sentences.\nBe kind.\n`;
  repo.commit(CAROL, 'Add prompts', {
    '.promptrelease.yaml': STANDARD_CONFIG,
    '.github/CODEOWNERS': 'prompts/** @alice @prompt-team\nnotes/\n',
    ...Object.fromEntries(Object.entries(PROMPTS).map(([name, file]) => [file, text(name)])),
  });
  await ok(repo, CAROL, 'request-review', PROMPTS.inReview, '--reviewer', '@alice', '--reviewer', ERIN.email);
  await ok(repo, BOB, 'review', PROMPTS.changes, '--request-changes', '-m', 'Too long; keep it to one sentence.');
  await ok(repo, ERIN, 'review', PROMPTS.approved, '--approve');
  for (const file of [PROMPTS.released, PROMPTS.modified]) {
    await ok(repo, ERIN, 'review', file, '--approve');
    await ok(repo, ALICE, 'review', file, '--approve');
    await ok(repo, DAVE, 'release', file, '--env', 'staging');
    await ok(repo, DAVE, 'release', file, '--env', 'production');
  }
  repo.commit(CAROL, 'Tune modified prompt', { [PROMPTS.modified]: text('modified') + 'Never guess.\n' });
  return repo.dir;
}

/**
 * A pull request branch checked out: main (the trusted branch) has Carol's prompt; on the branch
 * "feature" Carol reworded it and Bob approved the new words, recorded on the branch only. The
 * editor runs as Alice.
 */
export async function createBranchRepo(): Promise<string> {
  const repo = new TempRepo({ author: ALICE, name: 'pull-request' });
  repo.commit(CAROL, 'Add prompts', {
    '.promptrelease.yaml': STANDARD_CONFIG,
    '.github/CODEOWNERS': 'prompts/** @alice @prompt-team\n',
    'prompts/greeting.prompt.md': 'You are a friendly assistant.\nGreet {{name}} warmly.\n',
  });
  repo.git('switch', '-q', '-c', 'feature');
  repo.commit(CAROL, 'Warmer greeting', { 'prompts/greeting.prompt.md': 'You are a warm, friendly assistant.\nGreet {{name}} by name.\n' });
  await ok(repo, BOB, 'review', 'prompts/greeting.prompt.md', '--approve');
  return repo.dir;
}

/** A prompt renamed twice (git mv, then on a side branch merged back) with releases and reviews under its names; the editor runs as Erin. */
export async function createRenamedRepo(): Promise<string> {
  const repo = new TempRepo({ author: ERIN, name: 'renamed-prompt' });
  await renamedTwice(repo);
  return repo.dir;
}

/** A folder that is not a git repository. */
export function createPlainFolder(): string {
  const repo = new TempRepo({ init: false });
  repo.write('prompts/loose.prompt.md', 'Not in git.\n');
  return repo.dir;
}

/** Two repositories in one multi-root workspace: the states repository and a small one. */
export async function createMultiRootWorkspace(): Promise<string> {
  const first = await createStatesRepo();
  const second = new TempRepo({ author: ALICE, name: 'agent-instructions' });
  second.commit(CAROL, 'Add agent instructions', {
    '.github/CODEOWNERS': '* @bob\n',
    '.promptrelease.yaml': 'people:\n  "@bob": [bob@example.com]\n',
    'AGENTS.md': 'Run the tests before you commit.\n',
  });
  const file = path.join(first, '..', `prc-multi-${path.basename(first)}.code-workspace`);
  fs.writeFileSync(file, JSON.stringify({ folders: [{ path: first }, { path: second.dir }] }, null, 2));
  return file;
}

/** How big the scale run's repository is: the issue's "1,000 prompts, a few thousand commits". */
export const SCALE = { prompts: 1000, otherFiles: 1000, commits: 3000 };

/**
 * 1,000 prompts among 1,000 other files, 3,000 commits by 25 people with renames, merges and
 * review records. The editor runs as a reviewer who wrote none of it.
 */
export function createScaleRepo(): string {
  const repo = new TempRepo({ init: false, name: 'large-prompt-library' });
  buildRealisticRepo(repo.dir, SCALE);
  repo.git('config', 'user.name', ERIN.name);
  repo.git('config', 'user.email', ERIN.email);
  repo.git('config', 'commit.gpgsign', 'false');
  return repo.dir;
}
