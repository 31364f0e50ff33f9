import type { PolicyRule } from '../policy';
import { plural } from '../../common/words';
import { scalarValue, setting } from '../settings';

declare module '../config' {
  interface EnvironmentPolicy {
    /** Distinct approvals of the exact content, not counting its authors. */
    approvals: number;
  }
  interface PolicyRecord {
    approvals: number;
  }
}

/** `approvals: N`: N distinct people, none of them an author, approved the exact content. */
export const approvalCount = {
  name: 'approvals',
  order: 80,
  purposes: ['release', 'live'],
  settings: [
    setting({
      key: 'approvals',
      order: 10,
      meaning: 'distinct approvals of the exact content; its authors do not count',
      default: 1,
      defaultText: '1',
      schema: { type: 'integer', minimum: 0 },
      parse(node, { env, fail }) {
        const value = scalarValue(node);
        if (!Number.isInteger(value) || (value as number) < 0) fail(`"approvals" of "${env}" must be a whole number ≥ 0`);
        return value as number;
      },
      record: (value) => value,
    }),
  ],
  check(_subject, { env }, tally) {
    const missing = Math.max(0, env.approvals - tally.approvals.length);
    const ownerMissing = env.ownerApproval && !tally.approvals.some((a) => a.owners.length > 0);
    // When an owner is also missing, the owner rule says both in one sentence.
    if (missing === 0 || ownerMissing) return [];
    return [{ code: 'approvals', message: `needs ${plural(missing, 'more approval')} (has ${tally.approvals.length} of ${env.approvals})` }];
  },
} satisfies PolicyRule;
