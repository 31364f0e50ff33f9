import type { PolicyRule } from '../policy';

/** A file that cannot be a release artifact (binary, symlink, submodule, not a prompt under the trusted policy) is never released. */
export const usablePrompt = {
  name: 'usable prompt',
  order: 10,
  purposes: ['release', 'live'],
  check(subject) {
    return subject.unusable ? [{ code: 'unusable', message: `${subject.path} cannot be released: ${subject.unusable}` }] : [];
  },
} satisfies PolicyRule;
