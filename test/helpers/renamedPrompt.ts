/* A prompt renamed twice, for the history tests of the CLI (test/e2e/history.test.ts) and the editor (test/integration/history.itest.ts). */
import { ALICE, BOB, CAROL, DAVE, STANDARD_CONFIG, type Person, type TempRepo } from './gitFixture';

export const FIRST = 'prompts/first.prompt.md';
export const SECOND = 'prompts/second.prompt.md';
export const THIRD = 'prompts/third.prompt.md';

export const LINES = ['You are a support assistant.', 'Greet {{name}} warmly.', 'Answer in two sentences.', 'Never promise refunds.', 'Sign off politely.'];
export const text = (lines: string[]) => lines.join('\n') + '\n';

async function ok(repo: TempRepo, who: Person, ...args: string[]): Promise<void> {
  const result = await repo.cli(who, ...args);
  if (result.code !== 0) throw new Error(`prompt-release ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
}

/**
 * A prompt renamed twice: first with git mv on main (its staging release and Bob's approval
 * were made under that first name), then on a side branch merged back while main changed it
 * under its second name, with a co-authored commit between; Alice approves it under its third
 * name. Returns the commits by role.
 */
export async function renamedTwice(repo: TempRepo): Promise<Record<'added' | 'firstRename' | 'coAuthored' | 'secondRename' | 'onMain' | 'merge', string>> {
  const added = repo.commit(CAROL, 'Add the support prompt', {
    '.promptrelease.yaml': STANDARD_CONFIG,
    '.github/CODEOWNERS': 'prompts/** @alice\n',
    [FIRST]: text(LINES),
  });
  await ok(repo, BOB, 'review', FIRST, '--approve', '-m', 'Fine under its first name');
  await ok(repo, DAVE, 'release', FIRST, '--env', 'staging');
  repo.gitAs(CAROL, 'mv', FIRST, SECOND);
  const firstRename = repo.commit(CAROL, 'Rename the support prompt');
  repo.write(SECOND, text([...LINES, "Use the customer's language."]));
  repo.gitAs(CAROL, 'add', '-A');
  repo.gitAs(CAROL, 'commit', '-q', '-m', "Answer in the customer's language\n\nCo-authored-by: Dave Releaser <dave@example.com>");
  const coAuthored = repo.git('rev-parse', 'HEAD').trim();
  repo.git('checkout', '-q', '-b', 'side');
  repo.gitAs(BOB, 'mv', SECOND, THIRD);
  const secondRename = repo.commit(BOB, 'Move the prompt on a side branch');
  repo.git('checkout', '-q', 'main');
  // Main changes the prompt under its second name meanwhile: git log --follow loses this one.
  repo.write(SECOND, text(['You are a patient support assistant.', ...LINES.slice(1), "Use the customer's language."]));
  const onMain = repo.commit(DAVE, 'Be patient');
  repo.gitAs(CAROL, 'merge', '-q', '--no-ff', '--no-edit', 'side');
  const merge = repo.git('rev-parse', 'HEAD').trim();
  if (repo.git('ls-files', 'prompts').trim() !== THIRD) throw new Error('the merge did not keep the third name');
  await ok(repo, ALICE, 'review', THIRD, '--approve', '-m', 'Good under its new name');
  return { added, firstRename, coAuthored, secondRename, onMain, merge };
}
