import picomatch from 'picomatch';
import type { Config } from './config';

/** Review, request and comment records live here; they are never prompts themselves. */
export const RECORDS_DIR = '.promptrelease/records';

export type PromptMatcher = (path: string) => boolean;

export function promptMatcher(config: Pick<Config, 'prompts'>): PromptMatcher {
  const match = picomatch(config.prompts, { dot: true });
  return (path) => !path.startsWith('.promptrelease/') && match(path);
}

/**
 * Git pathspecs that cover the prompt globs, so a log touches only prompt history.
 * Globs git cannot express (braces, extglobs) widen to the whole tree rather than miss a file.
 */
export function promptPathspecs(config: Pick<Config, 'prompts'>): string[] | undefined {
  if (config.prompts.some((g) => /[{}()!+@]/.test(g))) return undefined;
  return config.prompts.map((g) => `:(glob)${g}`);
}
