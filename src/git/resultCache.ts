import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { replaceFileNoFollow } from './safeFs';

/**
 * The last stage of the pipeline, kept between runs: what a read-only command printed, keyed
 * by the ids of everything it read (HEAD, every branch and release tag, the working tree's
 * status, the configuration git sees, the arguments). Nothing changed, nothing is decided
 * again: the same bytes are printed. A result whose words depend on the clock (review
 * expiry, escalation) is never kept. Deleting the folder is always safe.
 *
 * File layout: one JSON header line, then the printed bytes back to back.
 */
export interface RecordedResult {
  key: string;
  exitCode: number;
  /** What was written, in order: 1 = stdout, 2 = stderr. */
  writes: { stream: 1 | 2; text: string | Buffer }[];
}

const FORMAT = 'prompt-release-result-1';

function fileOf(gitDir: string, name: string): string {
  return path.join('prompt-release', `result-${name}.bin`);
}

/** Whether a result (or the first run's marker) is stored under `name`, whatever its key. */
export function hasResult(gitDir: string, name: string): boolean {
  return existsSync(path.join(gitDir, fileOf(gitDir, name)));
}

export function loadResult(gitDir: string, name: string, key: string): RecordedResult | undefined {
  try {
    const bytes = readFileSync(path.join(gitDir, fileOf(gitDir, name)));
    const newline = bytes.indexOf(10);
    if (newline < 0) return undefined;
    const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as { format: string; key: string; exitCode: number; writes: [1 | 2, number][] };
    if (header.format !== FORMAT || header.key !== key) return undefined;
    const writes: RecordedResult['writes'] = [];
    let at = newline + 1;
    for (const [stream, length] of header.writes) {
      writes.push({ stream, text: bytes.subarray(at, at + length) });
      at += length;
    }
    if (at !== bytes.length) return undefined;
    return { key, exitCode: header.exitCode, writes };
  } catch {
    // Missing, half-written or not ours: decide afresh.
    return undefined;
  }
}

export function storeResult(gitDir: string, name: string, result: RecordedResult): void {
  const payloads = result.writes.map((w) => (typeof w.text === 'string' ? Buffer.from(w.text, 'utf8') : w.text));
  const header = JSON.stringify({ format: FORMAT, key: result.key, exitCode: result.exitCode, writes: result.writes.map((w, i) => [w.stream, payloads[i].length]) });
  try {
    // Below the git directory, never through a link: a temporary file renamed into place.
    replaceFileNoFollow(gitDir, fileOf(gitDir, name), Buffer.concat([Buffer.from(header + '\n', 'utf8'), ...payloads]));
  } catch {
    // No stored result this time; the next run decides afresh.
  }
}
