import { formatMissing } from '../../prompts/dependencies';
import { formatIdentity } from '../../ownership/identity';
import type { PolicyRule, Requirement } from '../policy';

/**
 * What a prompt includes is part of what is approved: every include must resolve, and an
 * approval made when an include had other content does not count (the tally sets it aside;
 * this rule says why, when it matters).
 */
export const includedContent = {
  name: 'included content',
  order: 50,
  purposes: ['release', 'live'],
  check(subject, { env }, tally) {
    const unmet: Requirement[] = subject.missingIncludes.map((m) => ({
      code: 'missing-dependency',
      message: m.reason.startsWith('not found')
        ? `${formatMissing(m)}; fix the reference or add the file, then have the prompt reviewed`
        : `${formatMissing(m)}; ${subject.path} cannot be released while what it includes cannot be established`,
    }));
    const short = tally.approvals.length < env.approvals || (env.ownerApproval && !tally.approvals.some((a) => a.owners.length > 0));
    if (short && tally.stale.length) {
      const who = tally.stale.map((s) => formatIdentity(s.review.record.by)).join(', ');
      const changes = [...new Set(tally.stale.flatMap((s) => s.changes))].join('; ');
      unmet.push({
        code: 'dependency-changed',
        message: `what ${subject.path} includes changed after ${who} approved it (${changes}); the approval no longer counts: review the prompt again with its new includes`,
      });
    }
    return unmet;
  },
} satisfies PolicyRule;
