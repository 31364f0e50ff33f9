import { formatIdentity } from '../../ownership/identity';
import type { PolicyRule } from '../policy';
import { plural } from '../../common/words';
import { scalarValue, setting } from '../settings';

declare module '../config' {
  interface EnvironmentPolicy {
    /** At least one approval must come from a code owner of the prompt. */
    ownerApproval: boolean;
  }
  interface PolicyRecord {
    ownerApproval: boolean;
  }
}

/** `ownerApproval: true`: one approval comes from a code owner of the prompt who did not write it. */
export const ownerApproval = {
  name: 'owner approval',
  order: 90,
  purposes: ['release', 'live'],
  settings: [
    setting({
      key: 'ownerApproval',
      order: 20,
      meaning: 'one approver must be a code owner of the prompt',
      default: false,
      defaultText: 'false',
      schema: { type: 'boolean' },
      parse(node, { env, fail }) {
        const value = scalarValue(node);
        if (typeof value !== 'boolean') fail(`"ownerApproval" of "${env}" must be true or false`);
        return value as boolean;
      },
      record: (value) => value,
      // An owner's approval is an approval: asking for one means at least one.
      settle(policy) {
        if (policy.ownerApproval && policy.approvals < 1) policy.approvals = 1;
      },
    }),
  ],
  check(subject, { env, people }, tally) {
    if (!env.ownerApproval || tally.approvals.some((a) => a.owners.length > 0)) return [];
    if (subject.owners.length === 0) {
      return [{ code: 'no-owner', message: `${subject.path} has no code owner in CODEOWNERS, so no owner can approve it; add an owner` }];
    }
    const missing = Math.max(1, env.approvals - tally.approvals.length);
    const unresolved = people.unresolved(subject.owners);
    const notes: string[] = [];
    if (unresolved.length) notes.push(`${unresolved.join(', ')} ${unresolved.length === 1 ? 'has' : 'have'} no email under "people" in .promptrelease.yaml`);
    const eligible = subject.owners.filter((o) => [...people.emailsOf(o)].some((e) => !subject.authors.has(people.personOf(e))));
    if (eligible.length === 0 && unresolved.length < subject.owners.length) {
      const writers = [...subject.authors.values()].map(formatIdentity).join(', ');
      notes.push(`every owner wrote part of this content (${writers}), so none can approve it: add another owner to CODEOWNERS`);
    }
    const note = notes.length ? `; ${notes.join('; ')}` : '';
    return [
      {
        code: 'owner-approval',
        message:
          missing === 1
            ? `needs 1 more approval from a code owner (${subject.owners.join(', ')})${note}`
            : `needs ${plural(missing, 'more approval')}, at least 1 from a code owner (${subject.owners.join(', ')})${note}`,
        people: subject.owners,
      },
    ];
  },
} satisfies PolicyRule;
