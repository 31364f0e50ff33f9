import type { EnvironmentPolicy } from '../config';
import { formatIdentity } from '../../ownership/identity';
import type { PolicyRule, Requirement } from '../policy';
import type { StoredRecord } from '../../reviews/records';
import { scalarValue, setting } from '../settings';

declare module '../config' {
  interface EnvironmentPolicy {
    /** `signatures: required`: records and release tags count only when signed by a key the trusted signers file lists for their person. */
    signatures?: 'required';
  }
}

/**
 * Why a record does not count in an environment with `signatures: required`, or undefined
 * when it does (or the environment does not ask): only a record validly signed, by a key the
 * trusted signers file lists for the person it names, is evidence there.
 */
export function unsignedReason(stored: StoredRecord, env: EnvironmentPolicy): string | undefined {
  if (env.signatures !== 'required') return undefined;
  const sig = stored.signature;
  if (sig?.status === 'valid') return undefined;
  const who = stored.record.by.email;
  if (!sig || sig.status === 'unsigned') return `${who}'s record ${stored.path} is not signed, and ${env.name} requires signatures`;
  return `${who}'s record ${stored.path} has a signature that does not count (${sig.reason}), and ${env.name} requires signatures`;
}

/**
 * `signatures: required`: approvals, change requests and check results count only when
 * validly signed. Unsigned ones are set aside before anything is counted (see tallyReviews);
 * this rule says what was set aside: an unsigned change request is shown to the author as a
 * warning but cannot block.
 */
export const requiredSignatures = {
  name: 'signatures required',
  order: 70,
  purposes: ['release', 'live'],
  settings: [
    setting({
      key: 'signatures',
      order: 70,
      meaning: '`required` (the only value): approvals, change requests and check results count here only when signed by a key the trusted signers file lists for the person they name; an unsigned change request is shown but cannot block',
      default: undefined,
      defaultText: 'none',
      schema: { type: 'string', enum: ['required'] },
      parse(node, { env, fail }) {
        if (scalarValue(node) !== 'required') fail(`"signatures" of "${env}" accepts only "required" (records count only when signed by a key the signers file lists); leave it out to accept unsigned records`);
        return 'required' as const;
      },
    }),
  ],
  check(subject, { env }, tally) {
    if (env.signatures !== 'required' || tally.unsigned.length === 0) return [];
    const found: Requirement[] = [];
    const approvals = tally.ignored.filter((i) => i.rule === 'signatures required');
    const short = tally.approvals.length < env.approvals || (env.ownerApproval && !tally.approvals.some((a) => a.owners.length > 0));
    if (short && approvals.length) {
      const who = approvals.map((i) => formatIdentity(i.review.record.by)).join(', ');
      found.push({
        code: 'signatures',
        message: `approvals for ${env.name} must be signed with a key the trusted signers file lists for the approver; the approval${approvals.length === 1 ? '' : 's'} by ${who} ${approvals.length === 1 ? 'is' : 'are'} not validly signed (${approvals.map((i) => i.reason).join('; ')}): set up git signing (git config gpg.format ssh; git config user.signingKey <key>) and approve again: prompt-release review ${subject.path} --approve`,
      });
    }
    for (const { record, reason } of tally.unsigned) {
      const r = record.record;
      if (r.type === 'review' && r.verdict === 'request-changes') {
        found.push({
          code: 'changes-requested',
          severity: 'warning',
          message: `changes requested by ${formatIdentity(r.by)}${r.comment ? `: "${r.comment}"` : ''} do not count and cannot block: ${reason}`,
          people: [r.by.email],
        });
      } else if (r.type === 'check' && env.checks.includes(r.name) && !tally.checks.has(r.name)) {
        found.push({ code: 'checks', severity: 'warning', message: `the "${r.name}" ${r.result} does not count: ${reason}; record it again with git signing set up` });
      }
    }
    return found;
  },
} satisfies PolicyRule;
