import { formatLocation, type Problem } from './errors';

/** Problems that share a cause, shown as one entry ("12 prompts have no owner in CODEOWNERS"). */
export interface ProblemGroup {
  first: Problem;
  problems: Problem[];
  /** One line for all of them. */
  text: string;
}

/** Groups problems by cause (and identical ones by text), in order of first appearance. */
export function groupProblems(problems: Problem[]): ProblemGroup[] {
  const groups = new Map<string, Problem[]>();
  for (const p of problems) {
    const key = p.cause ?? `${p.severity}\0${p.location ? formatLocation(p.location) : ''}\0${p.message}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()].map((list) => {
    const first = list[0];
    if (list.length > 1 && first.cause) {
      const names = list.slice(0, 3).map((p) => p.prompt ?? p.subject).join(', ');
      return { first, problems: list, text: `${list.length} ${first.cause} (${names}${list.length > 3 ? ', …' : ''})` };
    }
    return { first, problems: list, text: `${first.location ? formatLocation(first.location) + ': ' : ''}${first.message}` };
  });
}
