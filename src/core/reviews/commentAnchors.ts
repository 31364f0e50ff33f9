import { diffLines } from 'diff';

/**
 * Where lines commented on one version are in another: the same lines, moved by what was
 * added or removed above them, when every one of them is unchanged; otherwise nowhere (the
 * thread stays on the version it was written on). Lines are 1-based and inclusive.
 */
export function carryLines(original: string, current: string, startLine: number, endLine: number): { startLine: number; endLine: number } | undefined {
  if (original === current) return { startLine, endLine };
  let oldLine = 1;
  let newLine = 1;
  const mapped = new Map<number, number>();
  for (const part of diffLines(original, current)) {
    const count = part.count ?? 0;
    if (part.added) newLine += count;
    else if (part.removed) oldLine += count;
    else {
      for (let i = 0; i < count; i++) mapped.set(oldLine + i, newLine + i);
      oldLine += count;
      newLine += count;
    }
  }
  const start = mapped.get(startLine);
  const end = mapped.get(endLine);
  if (start === undefined || end === undefined || end - start !== endLine - startLine) return undefined;
  for (let line = startLine; line <= endLine; line++) if (mapped.get(line) !== start + (line - startLine)) return undefined;
  return { startLine: start, endLine: end };
}
