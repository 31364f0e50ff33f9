import { formatIdentity } from '../../ownership/identity';
import type { PolicyRule } from '../policy';
import type { ReviewRecord } from '../../reviews/records';
import { listSetting, setting } from '../settings';

declare module '../config' {
  interface EnvironmentPolicy {
    /** What an approval for this environment confirms, word for word. */
    criteria: string[];
  }
  interface PolicyRecord {
    criteria?: string[];
  }
}

/** `criteria: [...]`: an approval counts for the environment only if it confirms each one. */
export const reviewCriteria = {
  name: 'review criteria',
  order: 60,
  purposes: ['release', 'live'],
  settings: [
    setting({
      key: 'criteria',
      order: 50,
      meaning: 'what each approval for this environment confirms, word for word; an approval that does not confirm all of them (`--confirm` in the CLI, a checklist in the editor) does not count here',
      default: () => [],
      defaultText: 'none',
      schema: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1 }, examples: [['brand voice', 'no legal claims']] },
      parse: (node, context) => listSetting('criteria', node, context, 'a short sentence', '["brand voice", "no legal claims"]'),
      record: (value) => (value.length ? value : undefined),
    }),
  ],
  excludes(approval, _subject, { env }) {
    const missing = unconfirmed(approval.review.record, env.criteria);
    if (missing.length === 0) return undefined;
    return `${approval.review.record.by.email} did not confirm ${env.name}'s ${missing.length === 1 ? 'criterion' : 'criteria'}: ${missing.map((c) => `"${c}"`).join(', ')}`;
  },
  check(subject, { env }, tally) {
    const set = tally.ignored.filter((i) => i.rule === 'review criteria');
    const short = tally.approvals.length < env.approvals || (env.ownerApproval && !tally.approvals.some((a) => a.owners.length > 0));
    if (!short || set.length === 0) return [];
    const who = set.map((i) => formatIdentity(i.review.record.by)).join(', ');
    return [
      {
        code: 'criteria',
        message: `approvals for ${env.name} must confirm each of its criteria (${env.criteria.map((c) => `"${c}"`).join(', ')}); ${who} did not confirm all of them: approve ${subject.path} again confirming them (--confirm in the CLI, the checklist in the editor)`,
      },
    ];
  },
} satisfies PolicyRule;

/** The criteria a review did not confirm, word for word. */
export function unconfirmed(review: ReviewRecord, criteria: string[]): string[] {
  const confirmed = new Set(review.confirms ?? []);
  return criteria.filter((c) => !confirmed.has(c));
}
