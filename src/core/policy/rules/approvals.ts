import type { PolicyRule } from '../policy';
import { plural } from '../../shared/words';

/** `approvals: N`: N distinct people, none of them an author, approved the exact content. */
export const approvalCount: PolicyRule = {
  name: 'approvals',
  purposes: ['release', 'live'],
  check(_subject, { env }, tally) {
    const missing = Math.max(0, env.approvals - tally.approvals.length);
    const ownerMissing = env.ownerApproval && !tally.approvals.some((a) => a.owners.length > 0);
    // When an owner is also missing, the owner rule says both in one sentence.
    if (missing === 0 || ownerMissing) return [];
    return [{ code: 'approvals', message: `needs ${plural(missing, 'more approval')} (has ${tally.approvals.length} of ${env.approvals})` }];
  },
};
