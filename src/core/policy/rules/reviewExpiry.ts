import { formatIdentity } from '../../ownership/identity';
import type { PolicyRule } from '../policy';
import { recordTime } from '../../reviews/records';
import { formatTime, plural } from '../../shared/words';

/** Clocks differ a little between machines; more than this in the future is not believed. */
const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * `reviewEvery: 90d`: the latest counted approval of the content is recent enough. For what
 * is live it is a warning (verify --strict fails on it); a new release needs a fresh approval.
 */
export const reviewExpiry: PolicyRule = {
  name: 'review expiry',
  purposes: ['release', 'live'],
  check(subject, { env, now, purpose }, tally) {
    if (!env.reviewEvery || tally.approvals.length === 0) return [];
    const latest = tally.approvals.reduce((a, b) => (recordTime(b.review) > recordTime(a.review) ? b : a));
    const at = recordTime(latest.review);
    const severity = purpose === 'live' ? ('warning' as const) : undefined;
    if (Number.isNaN(at) || at > now + CLOCK_SKEW_MS) {
      return [{ code: 'review-due', severity, message: `review due in ${env.name}: the latest approval (${formatIdentity(latest.review.record.by)}) is dated in the future, so its age cannot be established; re-approve ${subject.path}` }];
    }
    if (now - at <= env.reviewEvery.ms) return [];
    const days = Math.floor((now - at) / 86_400_000);
    return [
      {
        code: 'review-due',
        severity,
        message: `review due in ${env.name}: the latest approval (${formatIdentity(latest.review.record.by)} at ${formatTime(new Date(at).toISOString())}, ${plural(days, 'day')} ago) is older than reviewEvery (${env.reviewEvery.text}); re-approving the same content renews it without a new release`,
        people: subject.owners,
      },
    ];
  },
};
