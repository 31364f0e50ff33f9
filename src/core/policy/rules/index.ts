import type { PolicyRule } from '../policy';
import { alreadyCurrent } from './alreadyCurrent';
import { approvalCount } from './approvals';
import { noOpenChangeRequest } from './changeRequests';
import { requiredChecks } from './checks';
import { reviewCriteria } from './criteria';
import { includedContent } from './dependencies';
import { ownerApproval } from './ownerApproval';
import { promotionOrder } from './promotion';
import { reviewExpiry } from './reviewExpiry';
import { requiredSignatures } from './signatures';
import { trustedCommit } from './trustedCommit';
import { usablePrompt } from './usablePrompt';
import { workingCopy } from './workingCopy';

/** Every rule of the release policy, in the order their messages read best. */
export const POLICY_RULES: readonly PolicyRule[] = [
  usablePrompt,
  workingCopy,
  trustedCommit,
  alreadyCurrent,
  includedContent,
  reviewCriteria,
  requiredSignatures,
  approvalCount,
  ownerApproval,
  noOpenChangeRequest,
  requiredChecks,
  reviewExpiry,
  promotionOrder,
];
