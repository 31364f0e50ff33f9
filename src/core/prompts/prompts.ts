import type { Config } from '../policy/config';
import { PROMPT_KINDS } from './detection';
import { PromptReleaseError } from '../common/errors';
import { promptGlobProblem, promptGlobsMatcher } from './glob';

/** Review, request and comment records live here; they are never prompts themselves. */
export const RECORDS_DIR = '.promptrelease/records';

export type PromptMatcher = (path: string) => boolean;

/**
 * Globs with gitignore order: a path is a prompt when the last glob that matches it is not
 * a `!` exclusion; `exclude` globs remove paths whatever comes before.
 */
export function promptMatcher(config: Pick<Config, 'prompts'> & { exclude?: string[] }): PromptMatcher {
  const key = JSON.stringify([config.prompts, config.exclude ?? []]);
  let matcher = compiledMatchers.get(key);
  if (!matcher) compiledMatchers.set(key, (matcher = compileMatcher(config)));
  return matcher;
}

/** One compiled matcher per set of globs, each remembering its answers: the same paths recur in every commit of a history. */
const compiledMatchers = new Map<string, PromptMatcher>();

function compileMatcher(config: Pick<Config, 'prompts'> & { exclude?: string[] }): PromptMatcher {
  // The last glob that matches decides (as in .gitignore). Neighbouring globs of the same sign
  // become one automaton, so a path is tested once per run of signs, not per glob.
  const groups: { negated: boolean; globs: string[] }[] = [];
  for (const glob of config.prompts) {
    const negated = glob.startsWith('!');
    const last = groups[groups.length - 1];
    if (last && last.negated === negated) last.globs.push(negated ? glob.slice(1) : glob);
    else groups.push({ negated, globs: [negated ? glob.slice(1) : glob] });
  }
  const rules = groups.map((g) => ({ negated: g.negated, match: globsMatcher(g.globs) }));
  const excluded = globsMatcher(config.exclude ?? []);
  const answers = new Map<string, boolean>();
  const decide = (path: string): boolean => {
    if (path.startsWith('.promptrelease/') || excluded(path)) return false;
    for (let i = rules.length - 1; i >= 0; i--) if (rules[i].match(path)) return !rules[i].negated;
    return false;
  };
  return (path) => {
    let answer = answers.get(path);
    if (answer === undefined) answers.set(path, (answer = decide(path)));
    return answer;
  };
}

/** The configuration refuses a glob it cannot match; an editor setting can still hold one, so say which. */
function globsMatcher(globs: string[]): (path: string) => boolean {
  for (const glob of globs) {
    const problem = promptGlobProblem(glob);
    if (problem) {
      throw new PromptReleaseError('invalid-config', `prompt glob "${glob}" cannot be used: ${problem}`, {
        hint: 'Fix the glob in the promptRelease.prompts setting or in .promptrelease.yaml.',
      });
    }
  }
  return promptGlobsMatcher(globs);
}

/**
 * Git pathspecs that cover the prompt globs, so a log touches only prompt history; exclusions
 * are applied afterwards. Globs git cannot express (braces, extglobs) widen to the whole tree
 * rather than miss a file.
 */
export function promptPathspecs(config: Pick<Config, 'prompts'>): string[] | undefined {
  const positive = config.prompts.filter((g) => !g.startsWith('!'));
  if (positive.some((g) => /[{}()!+@]/.test(g))) return undefined;
  return positive.map((g) => `:(glob)${g}`);
}

/** The kind of prompt a path is by the default table, for reports like `init`'s. */
export function kindOf(path: string): string | undefined {
  return KIND_MATCHERS.find((k) => k.match(path))?.kind;
}

const KIND_MATCHERS = PROMPT_KINDS.map((k) => ({ kind: k.kind, match: globsMatcher(k.globs) }));
