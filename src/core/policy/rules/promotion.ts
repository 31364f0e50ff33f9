import { includeDifferences, includedContent } from '../../prompts/dependencies';
import type { PolicyRule } from '../policy';
import { scalarValue, setting } from '../settings';

declare module '../config' {
  interface EnvironmentPolicy {
    /** The content must have been released to the environment before this one first. */
    requirePrevious: boolean;
  }
  interface PolicyRecord {
    requirePrevious: boolean;
  }
}

/**
 * `requirePrevious`: the content went through the environment before, in a release the gate
 * trusts, with the same includes: a partial changed since it was there has not been there.
 */
export const promotionOrder = {
  name: 'promotion order',
  order: 130,
  purposes: ['release', 'live'],
  settings: [
    setting({
      key: 'requirePrevious',
      order: 30,
      meaning: 'the content must have been released to the environment above first (promotion), with the same includes',
      default: (index) => index > 0,
      defaultText: 'true except for the first environment',
      schema: { type: 'boolean' },
      parse(node, { env, fail }) {
        const value = scalarValue(node);
        if (typeof value !== 'boolean') fail(`"requirePrevious" of "${env}" must be true or false`);
        return value as boolean;
      },
      record: (value) => value,
    }),
  ],
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
} satisfies PolicyRule;
