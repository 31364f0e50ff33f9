import { verifyModel, type VerifyReport } from '../core/releases/verify';
import type { PromptRepository } from '../git/repository';

export interface VerifyOptions {
  /** Warnings on live versions (a review that is due) fail verification too. */
  strict?: boolean;
}

/** Reads the repository once and verifies every release tag and every live version. */
export async function verifyRepository(repo: PromptRepository, options: VerifyOptions = {}): Promise<VerifyReport & { strict: boolean }> {
  const report = verifyModel(await repo.model());
  const strict = !!options.strict;
  return { ...report, strict, ok: report.ok && (!strict || report.live.every((l) => l.warnings.length === 0)) };
}
