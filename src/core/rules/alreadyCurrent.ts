import { formatIdentity } from '../identity';
import { formatTime } from '../words';
import type { PolicyRule } from '../policy';

/** Releasing what is already live in an environment would only add noise to the evidence. */
export const alreadyCurrent: PolicyRule = {
  name: 'not already current',
  purposes: ['release'],
  check(subject, context) {
    const current = context.currentRelease?.evidence;
    if (!current || current.contentHash !== subject.contentHash) return [];
    return [
      {
        code: 'already-released',
        message: `v${current.version} is already the current version in ${context.env.name} (released ${formatTime(current.releasedAt)} by ${formatIdentity(current.releasedBy)})`,
      },
    ];
  },
};
