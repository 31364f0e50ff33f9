import { verifyModel, type VerifyReport } from '../core/verify';
import type { PromptRepository } from './repository';

/** Reads the repository once and verifies every release tag and every live version. */
export async function verifyRepository(repo: PromptRepository): Promise<VerifyReport> {
  return verifyModel(await repo.model());
}
