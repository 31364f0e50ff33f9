import { includedContent, releasedAsIs } from '../../prompts/dependencies';
import { formatIdentity } from '../../ownership/identity';
import { formatTime } from '../../common/words';
import type { PolicyRule } from '../policy';

/**
 * Releasing what is already live in an environment would only add noise to the evidence. The
 * same prompt text with a changed include is not what is live: it may be released again.
 */
export const alreadyCurrent = {
  name: 'not already current',
  order: 40,
  purposes: ['release'],
  check(subject, context) {
    const current = context.currentRelease?.evidence;
    if (!current || !releasedAsIs(current, subject.contentHash, includedContent(subject.includes))) return [];
    return [
      {
        code: 'already-released',
        message: `v${current.version} is already the current version in ${context.env.name} (released ${formatTime(current.releasedAt)} by ${formatIdentity(current.releasedBy)})`,
      },
    ];
  },
} satisfies PolicyRule;
