import { includeDifferences, includedContent } from '../../prompts/dependencies';
import type { PolicyRule } from '../policy';

/**
 * `requirePrevious`: the content went through the environment before, in a release the gate
 * trusts, with the same includes: a partial changed since it was there has not been there.
 */
export const promotionOrder: PolicyRule = {
  name: 'promotion order',
  purposes: ['release', 'live'],
  check(subject, context) {
    const { env, previousEnv } = context;
    if (!env.requirePrevious || !previousEnv || !subject.contentHash) return [];
    const includes = includedContent(subject.includes);
    if (context.trustedRelease(previousEnv, subject.path, subject.contentHash, includes)) return [];
    const other = context.trustedRelease(previousEnv, subject.path, subject.contentHash);
    if (other) {
      return [
        {
          code: 'previous-environment',
          message: `must be released to ${previousEnv} first with what it includes now (the release of v${other.evidence.version} there had other includes: ${includeDifferences(other.evidence.includes, includes).join('; ')})`,
        },
      ];
    }
    return [
      {
        code: 'previous-environment',
        message: `must be released to ${previousEnv} first (this content has no verified release there that meets today's ${previousEnv} policy)`,
      },
    ];
  },
};
