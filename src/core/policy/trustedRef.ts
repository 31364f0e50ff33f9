import { PromptReleaseError } from '../common/errors';

/**
 * Which ref a trusted branch name means. A name is looked up by its full ref name only: a
 * short name (`origin/main`, `main`) is every ref git's rev-parse rules would let it mean,
 * and it is refused when more than one of them exists. Anyone who can push can create a tag
 * or a branch named `origin/main` (refs/tags/origin/main, refs/heads/origin/main), which git
 * itself would prefer to the remote-tracking branch; a tag is never a trusted branch.
 */

/** Where a trusted branch may live: a local branch or a remote-tracking one. */
const BRANCH_PREFIXES = ['refs/heads/', 'refs/remotes/'];

export function isFullRefName(name: string): boolean {
  return name.startsWith('refs/');
}

export function isBranchRef(ref: string): boolean {
  return BRANCH_PREFIXES.some((p) => ref.startsWith(p) && ref.length > p.length);
}

/** How a title shows a trusted ref (main, origin/main); decisions and messages use the full name. */
export function shortRefName(ref: string): string {
  return ref.replace(/^refs\/(heads|remotes)\//, '');
}

/** The branch to check out to work on the trusted branch: main for refs/heads/main and refs/remotes/origin/main. */
export function localBranchName(ref: string): string {
  if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length);
  if (ref.startsWith('refs/remotes/')) return ref.slice('refs/remotes/'.length).replace(/^[^/]+\//, '');
  return ref;
}

/**
 * The full names a name given by the user or the configuration may mean, in git's order
 * (refs/<name>, refs/tags/<name>, refs/heads/<name>, refs/remotes/<name>, refs/remotes/<name>/HEAD).
 * A full name means itself. git's first rule (a file `$GIT_DIR/<name>`, such as HEAD) is never
 * a branch and is not consulted.
 */
export function candidateRefs(name: string): string[] {
  if (isFullRefName(name)) return [name];
  return [...new Set([`refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`])];
}

/** A ref that exists: its full name, the object it names and its type, and for a symbolic ref (origin/HEAD) its target. */
export interface ExistingRef {
  ref: string;
  object: string;
  type: string;
  symref?: string;
}

/**
 * The one branch `name` means among the refs that exist (any extra refs are ignored), or an
 * error that says what to name instead: none exists, more than one does, or it is not a branch.
 */
export function chooseTrustedRef(name: string, existing: ExistingRef[]): { ref: string; commit: string } {
  const candidates = candidateRefs(name);
  const found = candidates.map((c) => existing.find((e) => e.ref === c)).filter((e): e is ExistingRef => e !== undefined);
  if (isFullRefName(name) && !isBranchRef(name)) {
    throw new PromptReleaseError('no-trusted-branch', `${name} is not a branch: the trusted branch must be a branch (refs/heads/… or refs/remotes/…)${name.startsWith('refs/tags/') ? ', never a tag, which anyone who can push may create' : ''}`, {
      hint: 'Name the protected branch in full, e.g. --trusted refs/remotes/origin/main.',
    });
  }
  if (found.length === 0) {
    const short = name.replace(/^refs\/(heads|remotes)\//, '');
    throw new PromptReleaseError('no-trusted-branch', `the trusted branch "${name}" does not exist in this clone`, {
      hint: `Fetch it (git fetch origin ${short.replace(/^origin\//, '')}) or name another with --trusted.`,
    });
  }
  if (found.length > 1) {
    // A remote-tracking branch first: it is what CI means by origin/main.
    const branches = found.filter((f) => isBranchRef(f.ref)).sort((a, b) => Number(b.ref.startsWith('refs/remotes/')) - Number(a.ref.startsWith('refs/remotes/')));
    const named = found.map((f) => f.ref);
    const list = named.length === 2 ? named.join(' and ') : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
    const suggestion = branches.length ? `; name one in full: ${branches.map((b) => `--trusted ${targetOf(b)}`).join(' or ')}` : '';
    throw new PromptReleaseError('no-trusted-branch', `${name} is ambiguous: ${list}${suggestion}`, {
      hint: `Anyone who can push may create a tag or branch of that name, so nothing was decided against either. ${
        branches.length ? `In the configuration: trustedBranch: ${targetOf(branches[0])}.` : 'Name the protected branch in full, e.g. --trusted refs/remotes/origin/main.'
      }`,
    });
  }
  const [only] = found;
  if (!isBranchRef(only.ref)) {
    throw new PromptReleaseError('no-trusted-branch', `${name} names ${only.ref}, which is not a branch: ${only.ref.startsWith('refs/tags/') ? 'a tag is never a trusted branch' : 'the trusted branch must be under refs/heads/ or refs/remotes/'}`, {
      hint: 'Name the protected branch in full, e.g. --trusted refs/remotes/origin/main, and fetch it if it is missing.',
    });
  }
  const target = targetOf(only);
  if (!isBranchRef(target)) {
    throw new PromptReleaseError('no-trusted-branch', `${only.ref} points to ${target}, which is not a branch`, { hint: 'Name the protected branch in full, e.g. --trusted refs/remotes/origin/main.' });
  }
  if (only.type !== 'commit') {
    throw new PromptReleaseError('no-trusted-branch', `${target} names a ${only.type || 'missing object'}, not a commit, so it cannot be the trusted branch`, { hint: 'Name the protected branch in full, e.g. --trusted refs/remotes/origin/main.' });
  }
  return { ref: target, commit: only.object };
}

/** A symbolic ref (refs/remotes/origin/HEAD) stands for its target, which is what is trusted and shown. */
function targetOf(ref: ExistingRef): string {
  return ref.symref || ref.ref;
}
