import type { PolicyRule } from '../policy';
import { alreadyCurrent } from './alreadyCurrent';
import { approvalCount } from './approvals';
import { noOpenChangeRequest } from './changeRequests';
import { ownerApproval } from './ownerApproval';
import { promotionOrder } from './promotion';
import { trustedCommit } from './trustedCommit';
import { usablePrompt } from './usablePrompt';
import { workingCopy } from './workingCopy';

/** Every rule of the release policy, in the order their messages read best. */
export const POLICY_RULES: readonly PolicyRule[] = [
  usablePrompt,
  workingCopy,
  trustedCommit,
  alreadyCurrent,
  approvalCount,
  ownerApproval,
  noOpenChangeRequest,
  promotionOrder,
];
