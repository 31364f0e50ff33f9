import type { Problem } from '../core/common/errors';
import { groupProblems, problemText } from '../core/common/problemGroups';
import { plural, someOf } from '../core/common/words';

/** Where a command writes: text for people, one JSON document for machines. */
export interface Output {
  json: boolean;
  /** --verbose: every problem on its own line instead of one line per kind. */
  verbose: boolean;
  line(text?: string): void;
  error(text: string): void;
  data(value: unknown): void;
}

/** One write of a command, as `record` keeps it: 1 = stdout, 2 = stderr. */
export interface Written {
  stream: 1 | 2;
  text: string;
}

/** Writes to the console; with `record`, also keeps every write in order (a result reused later prints the same bytes). */
export function consoleOutput(json: boolean, verbose = false, record?: Written[]): Output {
  const write = (stream: 1 | 2, text: string) => {
    (stream === 1 ? process.stdout : process.stderr).write(text);
    record?.push({ stream, text });
  };
  return {
    json,
    verbose,
    line: (text = '') => {
      if (!json) write(1, text + '\n');
    },
    error: (text) => write(2, text + '\n'),
    data: (value) => {
      if (json) write(1, JSON.stringify(value, null, 2) + '\n');
    },
  };
}

/**
 * Problems on stderr, one line per kind: "error: 2000 review records are unusable (a, b, c and
 * 1997 more)", then how to see every one. With --verbose, one line per problem. `severity`
 * overrides how they are labelled (verify reports what does not fail it as warnings).
 */
export function printProblems(problems: Problem[], out: Output, command: string, severity?: Problem['severity']): void {
  if (out.json || problems.length === 0) return;
  if (out.verbose) {
    for (const p of problems) out.error(`${severity ?? p.severity}: ${problemText(p)}`);
    return;
  }
  const groups = groupProblems(problems);
  for (const g of groups) out.error(`${severity ?? g.first.severity}: ${g.text}`);
  if (groups.some((g) => g.abbreviated)) {
    out.error(`hint: ${plural(problems.length, 'problem')} in ${plural(groups.length, 'line')}; prompt-release ${command} --verbose lists every one (--json has them all).`);
  }
}

/**
 * A list inside a line: the first few and how many more ("a, b, c and 12 more"); every one with
 * --verbose. Sentences are separated with "; ".
 */
export function briefly(items: Iterable<string>, out: Pick<Output, 'verbose'>, separator = ', '): string {
  const unique = [...new Set(items)];
  if (out.verbose) return unique.join(separator);
  if (separator === ', ') return someOf(unique);
  return unique.length <= 4 ? unique.join(separator) : `${unique.slice(0, 3).join(separator)}${separator}and ${unique.length - 3} more`;
}

export { formatTime } from '../core/common/words';

/** The root every decision rested on, by full ref name and commit: what a command that decides prints. */
export function formatTrusted(trusted: { ref: string; commit: string }): string {
  return `Trusted: ${trusted.ref} at ${trusted.commit.slice(0, 10)}.`;
}
