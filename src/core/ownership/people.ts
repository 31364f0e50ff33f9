import { normalizeEmail } from './identity';

/** `12345+handle@users.noreply.github.com` or `handle@users.noreply.github.com`: GitHub's private commit email. */
const GITHUB_NOREPLY = /^(?:\d+\+)?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)@users\.noreply\.github\.com$/i;

/** The GitHub handle a noreply email stands for, e.g. `@octocat`. */
export function githubHandleOf(email: string): string | undefined {
  const match = GITHUB_NOREPLY.exec(normalizeEmail(email));
  return match ? `@${match[1]}` : undefined;
}

/**
 * Who is who. Owners (CODEOWNERS `@user`, `@org/team`, emails) resolve to emails through the
 * `people` map of the trusted configuration; that map alone grants owner rights.
 *
 * Separately, emails are grouped into persons so that counting and self-approval see people,
 * not addresses: the emails listed directly under one `@user` handle, and a GitHub noreply
 * email with its handle, are one person. Only the trusted policy joins identities: a
 * `.mailmap` is a file anyone can commit, so it decides nothing (not who counts as whom, not
 * who wrote what); git may use it to show names, and that is all.
 */
export class People {
  private readonly cache = new Map<string, Set<string>>();
  private readonly parent = new Map<string, string>();

  constructor(private readonly people: Record<string, string[]>) {
    for (const [handle, members] of Object.entries(people)) {
      // A team (`@org/team`) lists members; a user handle's own emails are one person.
      if (handle.includes('/')) continue;
      this.union(handle.toLowerCase(), handle.toLowerCase());
      for (const m of members) if (!m.startsWith('@')) this.union(handle.toLowerCase(), normalizeEmail(m));
    }
  }

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

  /**
   * The owners (as written in CODEOWNERS) this email stands for: through `people`, or a
   * GitHub noreply email for a `@user` owner with no `people` entry.
   */
  ownersMatching(email: string, owners: string[]): string[] {
    const normalized = normalizeEmail(email);
    const handle = githubHandleOf(normalized)?.toLowerCase();
    return owners.filter((owner) => this.emailsOf(owner).has(normalized) || (handle !== undefined && owner.toLowerCase() === handle && !(owner in this.people)));
  }

  /** Owners that resolve to nobody: a handle missing from `people` (GitHub noreply commits can still match a user). */
  unresolved(owners: string[]): string[] {
    return owners.filter((owner) => this.emailsOf(owner).size === 0);
  }

  /** One key per person: aliases share it. */
  personOf(email: string): string {
    const normalized = normalizeEmail(email);
    const handle = githubHandleOf(normalized);
    // Attach under the handle's existing root, so keys already handed out stay valid.
    if (handle && !this.parent.has(normalized)) this.parent.set(normalized, this.find(handle.toLowerCase()));
    return this.find(normalized);
  }

  samePerson(a: string, b: string): boolean {
    return this.personOf(a) === this.personOf(b);
  }

  /**
   * May a commit by `committer` carry a record made by `recorder`? Only the same email, or two
   * emails the trusted `people` map lists under one user handle.
   */
  mayRecordFor(committer: string, recorder: string): boolean {
    const a = normalizeEmail(committer);
    const b = normalizeEmail(recorder);
    if (a === b) return true;
    return Object.entries(this.people).some(
      ([handle, members]) => !handle.includes('/') && members.some((m) => normalizeEmail(m) === a) && members.some((m) => normalizeEmail(m) === b),
    );
  }

  private find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    let node = x;
    while (this.parent.has(node) && this.parent.get(node) !== root) {
      const next = this.parent.get(node)!;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  private union(a: string, b: string): void {
    if (!this.parent.has(a)) this.parent.set(a, a);
    if (!this.parent.has(b)) this.parent.set(b, b);
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // The smaller key wins, so the representative does not depend on the order of lines.
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }
}
