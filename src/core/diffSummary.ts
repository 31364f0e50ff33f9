import { diffLines } from 'diff';

export interface DiffSummary {
  added: number;
  removed: number;
}

/** Lines added and removed between two texts, for a release confirmation. */
export function summarizeDiff(before: string, after: string): DiffSummary {
  let added = 0;
  let removed = 0;
  for (const part of diffLines(before, after)) {
    if (part.added) added += part.count ?? 0;
    if (part.removed) removed += part.count ?? 0;
  }
  return { added, removed };
}

export function formatDiffSummary(summary: DiffSummary): string {
  if (summary.added === 0 && summary.removed === 0) return 'no line changes';
  return `+${summary.added} −${summary.removed} line${summary.added + summary.removed === 1 ? '' : 's'}`;
}
