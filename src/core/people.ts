import { normalizeEmail } from './identity';

/**
 * Resolves CODEOWNERS owners (@user, @org/team, emails) to the emails of the people they
 * stand for, following nested handles in the `people` map and ignoring cycles.
 */
export class People {
  private readonly cache = new Map<string, Set<string>>();

  constructor(private readonly people: Record<string, string[]>) {}

  emailsOf(owner: string): Set<string> {
    const cached = this.cache.get(owner);
    if (cached) return cached;
    const result = new Set<string>();
    this.collect(owner, result, new Set());
    this.cache.set(owner, result);
    return result;
  }

  private collect(owner: string, into: Set<string>, seen: Set<string>): void {
    if (!owner.startsWith('@')) {
      into.add(normalizeEmail(owner));
      return;
    }
    if (seen.has(owner)) return;
    seen.add(owner);
    for (const member of this.people[owner] ?? []) this.collect(member, into, seen);
  }

  /** The owners (as written in CODEOWNERS) that this email belongs to. */
  ownersMatching(email: string, owners: string[]): string[] {
    const normalized = normalizeEmail(email);
    return owners.filter((owner) => this.emailsOf(owner).has(normalized));
  }

  /** Owners that resolve to nobody: a handle missing from `people`. */
  unresolved(owners: string[]): string[] {
    return owners.filter((owner) => this.emailsOf(owner).size === 0);
  }
}
