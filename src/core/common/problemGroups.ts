import { formatLocation, type Problem } from './errors';
import { someOf } from './words';

/** How many names a grouped line shows before "and N more". */
export const GROUP_NAMES_SHOWN = 3;

/** Problems that share a cause, shown as one entry ("12 prompts have no owner in CODEOWNERS"). */
export interface ProblemGroup {
  first: Problem;
  problems: Problem[];
  /** One line for all of them. */
  text: string;
  /** The line names only some of them: --verbose (or --json) lists every one. */
  abbreviated: boolean;
}

/** What a grouped line names for a problem: its prompt, its subject (an owner, a tag) or its file. */
function nameOf(p: Problem): string {
  return p.prompt ?? p.subject ?? p.location?.file ?? p.message;
}

/** One line for one problem: where, then what. */
export function problemText(p: Problem): string {
  return `${p.location ? formatLocation(p.location) + ': ' : ''}${p.message}`;
}

/** Groups problems by cause (and identical ones by text), in order of first appearance. */
export function groupProblems(problems: Problem[]): ProblemGroup[] {
  const groups = new Map<string, Problem[]>();
  for (const p of problems) {
    const key = p.cause ? `${p.severity}\0${p.cause}` : `${p.severity}\0${p.location ? formatLocation(p.location) : ''}\0${p.message}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(p);
  }
  return [...groups.values()].map((list) => {
    const first = list[0];
    if (list.length > 1 && first.cause) {
      // Each name once, with how often when it repeats (one prompt with three unresolved includes).
      const counts = new Map<string, number>();
      for (const p of list) counts.set(nameOf(p), (counts.get(nameOf(p)) ?? 0) + 1);
      const names = [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name));
      return { first, problems: list, text: `${list.length} ${first.cause} (${someOf(names, GROUP_NAMES_SHOWN)})`, abbreviated: names.length > GROUP_NAMES_SHOWN + 1 };
    }
    return { first, problems: list, text: problemText(first), abbreviated: false };
  });
}
