import { compileGlobNode, node, type GlobNode } from '../prompts/glob';

/** GitHub looks for CODEOWNERS in these places, in this order. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  matches: (path: string) => boolean;
}

/** A line GitHub would skip, with where and why. */
export interface CodeownersError {
  line: number;
  col: number;
  message: string;
}

export interface Codeowners {
  file: string;
  rules: CodeownersRule[];
  /** Lines that were skipped, as GitHub skips them. */
  errors: CodeownersError[];
}

const OWNER = /^(@[A-Za-z0-9](?:[A-Za-z0-9_.-]*)(?:\/[A-Za-z0-9_.-]+)?|[^\s@<>]+@[^\s@<>]+)$/;

/**
 * Parses CODEOWNERS as GitHub does: gitignore-style patterns with GitHub's documented
 * differences, the last matching line wins, a pattern without owners un-owns. A line GitHub
 * cannot use (a negation, an escaped `#`, an owner that is not @user, @org/team or an email)
 * is skipped and reported; the rest of the file still applies.
 */
export function parseCodeowners(text: string, file: string): Codeowners {
  const rules: CodeownersRule[] = [];
  const errors: CodeownersError[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const col = raw.length - raw.trimStart().length + 1;
    const body = stripComment(raw).trim();
    // A backslash keeps a space inside a pattern (`docs/my\ file.md`).
    const [pattern, ...owners] = body.match(/(?:\\.|\S)+/g) as string[];
    const skip = (message: string, at = col) => errors.push({ line, col: at, message: `${message}; GitHub skips this line, and so does this tool` });
    if (pattern.startsWith('!')) return skip(`"${pattern}": negation (!) does not work in CODEOWNERS`);
    if (pattern.startsWith('\\#')) return skip(`"${pattern}": an escaped # does not work in CODEOWNERS`);
    const bad = owners.find((o) => !OWNER.test(o));
    if (bad) return skip(`"${bad}" is not an owner: use @user, @org/team or an email address`, raw.indexOf(bad) + 1);
    rules.push({ pattern, owners, line, matches: compilePattern(pattern) });
  });
  return { file, rules, errors };
}

function stripComment(line: string): string {
  const hashAt = line.search(/\s#/);
  return hashAt >= 0 ? line.slice(0, hashAt) : line;
}

/** Any one character, `/` included. */
const anyChar = () => node.char(() => true);

/** One path segment of a pattern: `*` and `?` stay within the segment; brackets and braces are literal; `\` escapes. */
function segmentNode(segment: string): GlobNode {
  const items: GlobNode[] = [];
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === '\\' && i + 1 < segment.length) items.push(node.literal(segment[++i]));
    else if (ch === '*') {
      while (segment[i + 1] === '*') i++;
      items.push(node.star(node.notSlash()));
    } else if (ch === '?') items.push(node.notSlash());
    else items.push(node.literal(ch));
  }
  return node.seq(...items);
}

/**
 * GitHub's matching: a pattern with a slash before its end is anchored at the root, one
 * without matches at any depth; a trailing slash matches directories only; a pattern that
 * matches a directory owns everything below it, except a last segment that is a lone `*`
 * (`docs/*`, `/*`), which GitHub documents as owning only the files directly in that folder.
 * `**` is any number of folders (`a/**` everything inside a, not a itself), and a pattern
 * ending in `**\/` owns what `**` would. The pattern becomes an automaton (src/core/prompts/glob.ts),
 * so matching never backtracks: a line full of `*` cannot hang the gate.
 */
export function compilePattern(pattern: string): (path: string) => boolean {
  let directoryOnly = pattern.endsWith('/') && pattern !== '/';
  const body = pattern.replace(/^\//, '').replace(/\/$/, '');
  const anchored = pattern.startsWith('/') || body.includes('/');
  if (body === '' || body === '**') return () => true;
  const segments = body.split('/');
  // `foo/**/` owns every file below foo, as `foo/**` does (GitHub's behaviour, see the table in the tests).
  if (directoryOnly && segments[segments.length - 1] === '**') directoryOnly = false;
  const items: GlobNode[] = [];
  if (!anchored) items.push(node.opt(node.seq(node.star(anyChar()), node.slash())));
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      if (i === 0) items.push(node.opt(node.seq(node.star(anyChar()), node.slash())));
      else if (last) items.push(node.plus(anyChar()));
      else items.push(node.opt(node.seq(node.star(anyChar()), node.slash())));
      return;
    }
    items.push(segmentNode(segment));
    if (!last) items.push(node.slash());
  });
  const below = node.seq(node.slash(), node.plus(anyChar()));
  const lastSegment = segments[segments.length - 1];
  if (directoryOnly) items.push(below);
  else if (!(anchored && /^\*+$/.test(lastSegment))) items.push(node.opt(below));
  const matches = compileGlobNode(node.seq(...items));
  // An anchored pattern can only match below its literal prefix: cheap to test first.
  const literal = anchored ? body.slice(0, body.search(/[*?\\]|$/)) : '';
  return (path) => (!literal || path.startsWith(literal)) && matches(path);
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
