import { formatIdentity } from '../../ownership/identity';
import type { PolicyRule } from '../policy';
import { recordTime } from '../../reviews/records';
import { formatTime, plural } from '../../common/words';
import { DURATION_PATTERN, parseDuration, type Duration } from '../../common/duration';

declare module '../config' {
  interface EnvironmentPolicy {
    /** A live version whose latest approval is older than this is due for review. */
    reviewEvery?: Duration;
  }
  interface PolicyRecord {
    reviewEvery?: string;
  }
}
import { scalarValue, setting } from '../settings';

/** Clocks differ a little between machines; more than this in the future is not believed. */
const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * `reviewEvery: 90d`: the latest counted approval of the content is recent enough. For what
 * is live it is a warning (verify --strict fails on it); a new release needs a fresh approval.
 */
export const reviewExpiry = {
  name: 'review expiry',
  order: 120,
  purposes: ['release', 'live'],
  settings: [
    setting({
      key: 'reviewEvery',
      order: 60,
      meaning: 'a length of time (`30m`, `12h`, `90d`, `12w`): a live version whose latest approval is older is due for review, and a new release needs a younger one',
      default: undefined,
      defaultText: 'none',
      schema: { type: 'string', pattern: DURATION_PATTERN, examples: ['90d', '12w'] },
      parse(node, { env, fail }) {
        const duration = parseDuration(String(scalarValue(node) ?? ''));
        if (!duration) fail(`"reviewEvery" of "${env}" must be a length of time like 90d, 12w or 24h`);
        return duration;
      },
      record: (value) => value?.text,
    }),
  ],
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
} satisfies PolicyRule;
