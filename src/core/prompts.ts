import picomatch from 'picomatch';
import type { Config } from './config';
import { PROMPT_KINDS } from './detection';

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
  // become one regular expression, so a path is tested once per run of signs, not per glob.
  const groups: { negated: boolean; globs: string[] }[] = [];
  for (const glob of config.prompts) {
    const negated = glob.startsWith('!');
    const last = groups[groups.length - 1];
    if (last && last.negated === negated) last.globs.push(negated ? glob.slice(1) : glob);
    else groups.push({ negated, globs: [negated ? glob.slice(1) : glob] });
  }
  const rules = groups.map((g) => ({ negated: g.negated, match: anyOf(g.globs) }));
  const excluded = config.exclude?.length ? anyOf(config.exclude) : () => false;
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

/** One regular expression for several globs, with picomatch's semantics for each. */
function anyOf(globs: string[]): (path: string) => boolean {
  const sources = globs.map((g) => picomatch.makeRe(g, { dot: true }).source);
  const combined = new RegExp(sources.map((s) => `(?:${s})`).join('|'));
  return (path) => combined.test(path);
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
  return PROMPT_KINDS.find((k) => k.globs.some((g) => picomatch.isMatch(path, g, { dot: true })))?.kind;
}
