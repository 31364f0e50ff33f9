import type { PolicyRule } from '../policy';

/** A release covers committed content only. */
export const workingCopy = {
  name: 'committed content',
  order: 20,
  purposes: ['release'],
  check(subject) {
    if (subject.workingCopy === 'untracked') {
      return [{ code: 'not-committed', message: `${subject.path} is not committed yet; commit it and have it reviewed` }];
    }
    if (subject.workingCopy === 'modified' || subject.workingCopy === 'deleted') {
      return [{ code: 'uncommitted', message: `the working copy of ${subject.path} has uncommitted changes; commit them (they need review) or discard them` }];
    }
    return [];
  },
} satisfies PolicyRule;
