import ignore, { type Ignore } from 'ignore';
import { PromptReleaseError } from './errors';

/** GitHub looks for CODEOWNERS in these places, in this order. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  matches: (path: string) => boolean;
}

export interface Codeowners {
  file: string;
  rules: CodeownersRule[];
}

const OWNER = /^(@[A-Za-z0-9](?:[A-Za-z0-9_.-]*)(?:\/[A-Za-z0-9_.-]+)?|[^\s@<>]+@[^\s@<>]+)$/;

/**
 * Parses CODEOWNERS with GitHub's semantics: gitignore-style patterns (matched by the
 * `ignore` library), the last matching line wins, a pattern without owners un-owns.
 */
export function parseCodeowners(text: string, file: string): Codeowners {
  const rules: CodeownersRule[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = stripComment(raw);
    if (line.trim() === '') return;
    const col = raw.length - raw.trimStart().length + 1;
    // A backslash keeps a space inside a pattern (`docs/my\ file.md`).
    const [pattern, ...owners] = line.trim().match(/(?:\\.|\S)+/g) as string[];
    const fail = (message: string, at = col): never => {
      throw new PromptReleaseError('invalid-codeowners', message, {
        location: { file, line: lineNo, col: at },
        hint: `Fix line ${lineNo} of ${file}; GitHub ignores lines it cannot parse, this tool refuses them.`,
      });
    };
    if (pattern.startsWith('!')) fail(`"${pattern}": negated patterns are not supported in CODEOWNERS`);
    if (/\[[^\]]*\]/.test(pattern)) fail(`"${pattern}": character ranges ([...]) are not supported in CODEOWNERS`);
    for (const owner of owners) {
      if (!OWNER.test(owner)) fail(`"${owner}" is not an owner: use @user, @org/team or an email address`, raw.indexOf(owner) + 1);
    }
    rules.push({ pattern, owners, line: lineNo, matches: compilePattern(pattern) });
  });
  return { file, rules };
}

function stripComment(line: string): string {
  // `\#` escapes a hash that starts a pattern; any other `#` after whitespace starts a comment.
  const trimmed = line.trimStart();
  if (trimmed.startsWith('#')) return '';
  const hashAt = line.search(/\s#/);
  return hashAt >= 0 ? line.slice(0, hashAt) : line;
}

function compilePattern(pattern: string): (path: string) => boolean {
  const matcher: Ignore = ignore({ ignorecase: false }).add(pattern);
  // An anchored pattern (a slash before its end) can only match below its literal prefix;
  // checking that first skips the matcher for most paths in a large tree.
  const body = pattern.replace(/^\//, '');
  const anchored = pattern.startsWith('/') || body.replace(/\/$/, '').includes('/');
  const prefix = anchored ? body.slice(0, body.search(/[*?[\\]|$/)) : '';
  // In gitignore, `docs/*` also covers everything under docs/sub/ (the directory matches);
  // GitHub documents that `docs/*` owns only the files directly in docs/.
  const directChildrenOnly = /(^|\/)\*$/.test(pattern) && !pattern.endsWith('**');
  return (path) => {
    if (prefix && !path.startsWith(prefix)) return false;
    if (!matcher.ignores(path)) return false;
    if (!directChildrenOnly) return true;
    const slash = path.lastIndexOf('/');
    return slash < 0 || !matcher.ignores(path.slice(0, slash));
  };
}

/** Owners of a path: the owners of the last matching rule; none when it un-owns or nothing matches. */
export function ownersOf(codeowners: Codeowners | undefined, path: string): { owners: string[]; line?: number } {
  if (!codeowners) return { owners: [] };
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    const rule = codeowners.rules[i];
    if (rule.matches(path)) return { owners: rule.owners, line: rule.line };
  }
  return { owners: [] };
}
