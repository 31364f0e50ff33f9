import type { Codeowners } from './codeowners';
import { DEFAULT_CONFIG_TEXT } from './config';
import type { Identity } from './identity';
import { githubHandleOf } from './people';
import { kindOf } from './prompts';

export interface KindCount {
  kind: string;
  count: number;
  examples: string[];
}

export interface SetupProposal {
  kinds: KindCount[];
  total: number;
  /** Handle -> the emails history suggests for it. */
  people: Record<string, string[]>;
  /** CODEOWNERS user handles no email in history could be matched to. */
  unmatched: string[];
}

/**
 * What `init` reports and proposes: the prompt files found, by kind, and for each CODEOWNERS
 * user handle the commit emails that look like that person (a GitHub noreply email of the
 * handle, or an email or name whose local part is the handle). Guesses, for a person to check.
 */
export function proposeSetup(paths: string[], codeowners: Codeowners | undefined, authors: Identity[]): SetupProposal {
  const byKind = new Map<string, string[]>();
  for (const path of paths) {
    const kind = kindOf(path);
    if (!kind) continue;
    const list = byKind.get(kind) ?? [];
    list.push(path);
    byKind.set(kind, list);
  }
  const kinds = [...byKind].map(([kind, list]) => ({ kind, count: list.length, examples: list.slice(0, 3) })).sort((a, b) => b.count - a.count);
  const handles = [...new Set((codeowners?.rules ?? []).flatMap((r) => r.owners).filter((o) => o.startsWith('@') && !o.includes('/')))];
  const people: Record<string, string[]> = {};
  const unmatched: string[] = [];
  for (const handle of handles) {
    const name = handle.slice(1).toLowerCase();
    const emails = [
      ...new Set(
        authors
          .filter((a) => githubHandleOf(a.email)?.toLowerCase() === handle.toLowerCase() || a.email.toLowerCase().split('@')[0] === name || a.name.toLowerCase().replace(/\s+/g, '') === name)
          .map((a) => a.email.toLowerCase()),
      ),
    ];
    if (emails.length) people[handle] = emails;
    else unmatched.push(handle);
  }
  return { kinds, total: kinds.reduce((n, k) => n + k.count, 0), people, unmatched };
}

/** The default configuration with the proposed `people:` block. */
export function configWithPeople(people: Record<string, string[]>, unmatched: string[]): string {
  const entries = Object.entries(people);
  if (entries.length === 0 && unmatched.length === 0) return DEFAULT_CONFIG_TEXT;
  const lines = ['people:', '  # Proposed by prompt-release init from CODEOWNERS and the commit history: check each one.'];
  for (const [handle, emails] of entries) lines.push(`  "${handle}": [${emails.join(', ')}]`);
  for (const handle of unmatched) lines.push(`  # "${handle}": []   # no email in the history looks like ${handle}; add theirs`);
  return DEFAULT_CONFIG_TEXT.replace(/^people: \{\}\n/m, lines.join('\n') + '\n');
}
