import type { PolicyRule } from '../policy';

/** A release tag must point at a commit on the trusted branch. */
export const trustedCommit = {
  name: 'on the trusted branch',
  order: 30,
  purposes: ['release'],
  check(subject, context) {
    if (context.commitOnTrustedBranch !== false) return [];
    return [
      {
        code: 'not-on-trusted-branch',
        message: `the commit to release is not on the trusted branch ${context.trustedRef}; merge (and push) it there, then release from ${context.trustedRef}`,
      },
    ];
  },
} satisfies PolicyRule;
