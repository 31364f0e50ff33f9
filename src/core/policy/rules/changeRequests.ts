import { formatIdentity } from '../../ownership/identity';
import { formatTime } from '../../common/words';
import type { PolicyRule } from '../policy';

/** An open change request blocks until the same person approves in a later commit. */
export const noOpenChangeRequest = {
  name: 'no open change request',
  order: 100,
  purposes: ['release', 'live'],
  check(_subject, _context, tally) {
    return tally.changeRequests.map((cr) => ({
      code: 'changes-requested' as const,
      message: `changes requested by ${formatIdentity(cr.record.by)} on ${formatTime(cr.record.time)}${cr.record.comment ? `: "${cr.record.comment}"` : ''}; they must approve a new version or this content`,
      people: [cr.record.by.email],
    }));
  },
} satisfies PolicyRule;
