import { existsSync } from 'fs';
import * as path from 'path';
import { notAPrompt } from '../core/reviews/operations';
import { shownHistory, type ShownHistory } from '../core/history/shownHistory';
import { readPromptHistory } from '../git/readers/history';
import type { PromptRepository } from '../git/repository';

/**
 * A prompt's history, as `prompt-release history <path>` and the editor's history view show
 * it: read from that path's own history (renames followed by one rule), never the whole
 * repository's, and built by one core function. `file` is repository-relative.
 */
export async function promptHistory(repo: PromptRepository, file: string): Promise<ShownHistory> {
  const read = await readPromptHistory(repo, file);
  const refused = notAPrompt(read.config, file, read.committed || existsSync(path.join(repo.root, file)), repo.displayGlobs);
  if (refused) throw refused;
  return shownHistory(read);
}
