import type { PolicyRule } from '../policy';

/** `requirePrevious`: the content went through the environment before, in a release the gate trusts. */
export const promotionOrder: PolicyRule = {
  name: 'promotion order',
  purposes: ['release', 'live'],
  check(subject, context) {
    const { env, previousEnv } = context;
    if (!env.requirePrevious || !previousEnv || !subject.contentHash) return [];
    if (context.trustedRelease(previousEnv, subject.path, subject.contentHash)) return [];
    return [
      {
        code: 'previous-environment',
        message: `must be released to ${previousEnv} first (this content has no verified release there that meets today's ${previousEnv} policy)`,
      },
    ];
  },
};
