/**
 * Glob matching that cannot hang. Patterns from users (CODEOWNERS lines, prompt globs in the
 * configuration) are compiled to a small automaton (a Thompson NFA) and run over the path with
 * a set of states, never with a backtracking regular expression: a match costs at most
 * (states in the pattern) × (characters in the path) steps, whatever the pattern, so a line
 * like `*a*a*a*a*a*a*a*a*b` or `**\/**\/**\/x` against a long path finishes at once instead of
 * taking minutes.
 */

/** A pattern as a tree; `char` nodes match one UTF-16 code unit. */
export type GlobNode =
  | { t: 'char'; test: (code: number) => boolean }
  | { t: 'seq'; items: GlobNode[] }
  | { t: 'alt'; items: GlobNode[] }
  | { t: 'star'; item: GlobNode }
  | { t: 'plus'; item: GlobNode }
  | { t: 'opt'; item: GlobNode };

const SLASH = 0x2f;
export const node = {
  char: (test: (code: number) => boolean): GlobNode => ({ t: 'char', test }),
  literal: (text: string): GlobNode => ({ t: 'seq', items: Array.from({ length: text.length }, (_, k) => exactly(text.charCodeAt(k))) }),
  seq: (...items: GlobNode[]): GlobNode => ({ t: 'seq', items }),
  alt: (...items: GlobNode[]): GlobNode => ({ t: 'alt', items }),
  star: (item: GlobNode): GlobNode => ({ t: 'star', item }),
  plus: (item: GlobNode): GlobNode => ({ t: 'plus', item }),
  opt: (item: GlobNode): GlobNode => ({ t: 'opt', item }),
  /** Any one character but `/`. */
  notSlash: (): GlobNode => ({ t: 'char', test: (c) => c !== SLASH }),
  slash: (): GlobNode => exactly(SLASH),
};

function exactly(code: number): GlobNode {
  return { t: 'char', test: (c) => c === code };
}

const CHAR = 0;
const SPLIT = 1;
const MATCH = 2;

/** A compiled automaton: state i is kind[i] with test[i] (CHAR) and out1[i], out2[i] (SPLIT). */
interface Automaton {
  kind: number[];
  test: ((code: number) => boolean)[];
  out1: number[];
  out2: number[];
  start: number;
}

let stepsTaken = 0;
/** Steps taken by every match so far (states visited plus characters tested): a cost meter for tests. */
export function globSteps(): number {
  return stepsTaken;
}

/** Compiles a pattern tree; the result tells whether a whole string matches, in linear time. */
export function compileGlobNode(root: GlobNode): (text: string) => boolean {
  const a: Automaton = { kind: [], test: [], out1: [], out2: [], start: 0 };
  const add = (kind: number, test: ((code: number) => boolean) | undefined, out1: number, out2: number) => {
    a.kind.push(kind);
    a.test.push(test ?? (() => false));
    a.out1.push(out1);
    a.out2.push(out2);
    return a.kind.length - 1;
  };
  const match = add(MATCH, undefined, -1, -1);
  // Built back to front: each node is compiled knowing the state that follows it.
  const build = (n: GlobNode, next: number): number => {
    switch (n.t) {
      case 'char':
        return add(CHAR, n.test, next, -1);
      case 'seq': {
        let at = next;
        for (let i = n.items.length - 1; i >= 0; i--) at = build(n.items[i], at);
        return at;
      }
      case 'alt': {
        if (n.items.length === 0) return next;
        let at = build(n.items[n.items.length - 1], next);
        for (let i = n.items.length - 2; i >= 0; i--) at = add(SPLIT, undefined, build(n.items[i], next), at);
        return at;
      }
      case 'opt':
        return add(SPLIT, undefined, build(n.item, next), next);
      case 'star': {
        const loop = add(SPLIT, undefined, -1, next);
        a.out1[loop] = build(n.item, loop);
        return loop;
      }
      case 'plus': {
        const loop = add(SPLIT, undefined, -1, next);
        const start = build(n.item, loop);
        a.out1[loop] = start;
        return start;
      }
    }
  };
  a.start = build(root, match);
  const dfa = new LazyDfa(a);
  return (text) => dfa.run(text);
}

/** A set of automaton states reached together, with the transitions found from it so far. */
interface DfaState {
  accepting: boolean;
  nfa: number[];
  /** Next state per class of ASCII code units (see LazyDfa.classOf); absent until computed. */
  ascii: number[];
  other: Map<number, number>;
}

/** Most sets remembered per pattern; past it the memory starts afresh (the cost per character stays bounded). */
const MAX_DFA_STATES = 1024;

/**
 * Runs the automaton over the text keeping the set of live states, never backtracking. Each
 * set met is remembered with its transitions (a lazily built DFA), so matching the same
 * patterns against many paths costs one table lookup per character once warmed up; a new
 * transition costs at most the number of states in the pattern.
 */
class LazyDfa {
  private states: DfaState[] = [];
  private index = new Map<string, number>();
  private seen: Int32Array;
  private generation = 0;
  private stack: number[] = [];
  private start = -1;

  /**
   * ASCII code units the patterns cannot tell apart share a class (every letter no pattern
   * names, say), so a set learns one transition per class instead of one per character: a
   * first run over thousands of different paths builds few transitions.
   */
  private readonly asciiClass = new Int32Array(128).fill(-1);
  private readonly classes = new Map<string, number>();
  private readonly tests: number[] = [];

  constructor(private readonly a: Automaton) {
    this.seen = new Int32Array(a.kind.length).fill(-1);
    for (let s = 0; s < a.kind.length; s++) if (a.kind[s] === CHAR) this.tests.push(s);
  }

  /** A character's class, found the first time it is met (paths use few of the 128). */
  private classOf(code: number): number {
    let id = this.asciiClass[code];
    if (id >= 0) return id;
    let signature = '';
    for (const s of this.tests) signature += this.a.test[s](code) ? '1' : '0';
    const known = this.classes.get(signature);
    id = known ?? this.classes.size;
    if (known === undefined) this.classes.set(signature, id);
    this.asciiClass[code] = id;
    return id;
  }

  run(text: string): boolean {
    let steps = 0;
    if (this.start < 0) this.start = this.intern(this.close([this.a.start]));
    let at = this.start;
    for (let i = 0; i < text.length; i++) {
      const state = this.states[at];
      if (state.nfa.length === 0) break;
      const code = text.charCodeAt(i);
      let next = code < 128 ? (state.ascii[this.classOf(code)] ?? -1) : (state.other.get(code) ?? -1);
      steps++;
      if (next < 0) {
        steps += state.nfa.length;
        const targets: number[] = [];
        for (const s of state.nfa) if (this.a.kind[s] === CHAR && this.a.test[s](code)) targets.push(this.a.out1[s]);
        const closed = this.close(targets);
        steps += closed.length;
        if (this.states.length >= MAX_DFA_STATES) {
          // Start the memory afresh, keeping only where we are.
          const current = state.nfa;
          this.states = [];
          this.index.clear();
          this.start = -1;
          at = this.intern(current);
        }
        next = this.intern(closed);
        const from = this.states[at];
        if (code < 128) from.ascii[this.classOf(code)] = next;
        else from.other.set(code, next);
      }
      at = next;
    }
    stepsTaken += steps;
    return this.states[at].accepting;
  }

  /** The states reachable from these without reading a character, in a canonical order. */
  private close(from: number[]): number[] {
    const generation = ++this.generation;
    const out: number[] = [];
    const stack = this.stack;
    for (let k = from.length - 1; k >= 0; k--) stack.push(from[k]);
    while (stack.length) {
      const s = stack.pop() as number;
      if (this.seen[s] === generation) continue;
      this.seen[s] = generation;
      if (this.a.kind[s] === SPLIT) stack.push(this.a.out2[s], this.a.out1[s]);
      else out.push(s);
    }
    return out.sort((x, y) => x - y);
  }

  private intern(nfa: number[]): number {
    const key = nfa.join(',');
    let id = this.index.get(key);
    if (id === undefined) {
      id = this.states.length;
      this.states.push({ nfa, accepting: nfa.some((s) => this.a.kind[s] === MATCH), ascii: [], other: new Map() });
      this.index.set(key, id);
    }
    return id;
  }
}

/** A glob this tool cannot match exactly as documented; `at` is the offset in the glob. */
export class GlobSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

/** Characters that make a bracket expression a pure character class (no literal alternative). */
const REGEX_SPECIAL = /[-*+?.^${}(|)[\]]/;

/** POSIX classes inside brackets, as code-unit ranges. Classes that include `/` are refused. */
const POSIX: Record<string, [number, number][]> = {
  alnum: [[0x61, 0x7a], [0x41, 0x5a], [0x30, 0x39]],
  alpha: [[0x61, 0x7a], [0x41, 0x5a]],
  blank: [[0x20, 0x20], [0x09, 0x09]],
  digit: [[0x30, 0x39]],
  lower: [[0x61, 0x7a]],
  space: [[0x20, 0x20], [0x09, 0x0d]],
  upper: [[0x41, 0x5a]],
  word: [[0x41, 0x5a], [0x61, 0x7a], [0x30, 0x39], [0x5f, 0x5f]],
  xdigit: [[0x41, 0x46], [0x61, 0x66], [0x30, 0x39]],
};

/**
 * What `**` crosses: any character. picomatch's `**` stopped at a line break, and its `*`
 * refused a name that starts with one, so a folder or file named with a newline slipped out
 * of `**\/*.prompt.md` and out of governance; here a newline is just a character of a name.
 */
const anyChar = () => true;

/**
 * Parses a prompt glob with the semantics the configuration has always had (picomatch's, with
 * `dot: true`): `*` and `?` within a path segment, `**` as a whole segment for any number of
 * folders (`a/**` also matching `a`), `[abc]` `[a-z]` `[^a]` `[[:alpha:]]` classes, `{a,b}`
 * alternatives (nested, and across `/`), `@(a|b)` `?(a|b)` `*(a|b)` `+(a|b)` `(a|b)` groups,
 * `\` escapes and a leading `./` (one deliberate difference: a line break in a path is an
 * ordinary character, see anyChar). Forms whose old meaning was surprising or not a glob at all
 * are refused with a GlobSyntaxError rather than guessed: `!(…)`, `[!…]`, `{1..3}` ranges,
 * `**` inside a name, a `/` inside brackets or groups, quotes, a trailing backslash, unbalanced
 * braces or parentheses, and a leading `!` (only `prompts` takes one, outside the glob).
 */
export function parsePromptGlob(glob: string): GlobNode {
  let text = glob;
  let offset = 0;
  if (text.startsWith('./')) {
    text = text.slice(2);
    offset = 2;
  }
  if (text.startsWith('!') && text[1] !== '(') throw new GlobSyntaxError('a "!" belongs before the whole glob, once, in "prompts"', offset);
  if (text.includes('//')) throw new GlobSyntaxError('an empty path segment ("//") never matches a file', offset + text.indexOf('//'));
  if (text === '**') return node.star(node.char(anyChar));
  const p = new PromptGlobParser(text, offset);
  const result = p.sequence(new Set());
  if (p.i < text.length) p.fail(`"${text[p.i]}" here has no opening partner: escape it with a backslash`);
  return result;
}

class PromptGlobParser {
  i = 0;
  constructor(
    readonly text: string,
    readonly offset: number,
  ) {}

  fail(message: string, at = this.i): never {
    throw new GlobSyntaxError(message, at + this.offset);
  }

  /** A run of items up to one of the stop characters (not consumed) or the end. */
  sequence(stops: Set<string>, nested = false): GlobNode {
    const items: GlobNode[] = [];
    const t = this.text;
    let starLast = false;
    while (this.i < t.length && !stops.has(t[this.i])) {
      const ch = t[this.i];
      const lastWasStar = starLast;
      starLast = false;
      const atSegmentStart = this.i === 0 || t[this.i - 1] === '/';
      if (ch === '*' && t[this.i + 1] === '*') {
        const end = this.i + 2;
        if (nested) this.fail('"**" inside {…} or (…) is not supported: write each alternative as its own glob');
        if (!atSegmentStart || (end < t.length && t[end] !== '/')) this.fail('"**" stands for whole folders: write it as its own path segment (a/**/b), or a single * within a name');
        if (end === t.length) {
          // `**/**`: whatever follows the folders (`a/**` is handled at its slash).
          items.push(node.star(node.char(anyChar)));
          this.i = end;
          continue;
        }
        // `**/` at the start or after a `/`: any number of folders, including none (`**/**/` is `**/`).
        items.push(node.opt(node.seq(node.star(node.char(anyChar)), node.slash())));
        this.i = end + 1;
        while (t.startsWith('**/', this.i)) this.i += 3;
        continue;
      }
      if ((ch === '*' || ch === '?' || ch === '+' || ch === '@' || ch === '!') && t[this.i + 1] === '(') {
        if (ch === '!') this.fail('"!(…)" is not supported: list the globs to keep and use a "!glob" entry in prompts to drop others');
        this.i++;
        const group = this.group();
        items.push(ch === '*' ? node.star(group) : ch === '+' ? node.plus(group) : ch === '?' ? node.opt(group) : group);
        continue;
      }
      switch (ch) {
        case '*':
          items.push(node.star(node.notSlash()));
          starLast = true;
          this.i++;
          break;
        case '?':
          items.push(node.notSlash());
          this.i++;
          break;
        case '(':
          items.push(this.group());
          break;
        case '[':
          items.push(this.bracket());
          break;
        case '{':
          items.push(this.braces());
          break;
        case '\\': {
          const run = /^\\+/.exec(t.slice(this.i))![0].length;
          if (run > 2) this.fail('a run of several backslashes is ambiguous: escape one character at a time');
          if (this.i + 1 >= t.length) this.fail('a glob cannot end with a backslash');
          items.push(node.literal(t[this.i + 1]));
          this.i += 2;
          break;
        }
        case '"':
          this.fail('quotes in a glob are not supported: escape special characters with a backslash');
        // eslint-disable-next-line no-fallthrough
        case ')':
        case '|':
        case '}':
          this.fail(`"${ch}" here has no opening partner: escape it with a backslash`);
        // eslint-disable-next-line no-fallthrough
        case '/':
          if (!nested && /^(\/\*\*)+$/.test(t.slice(this.i))) {
            // `a/**`: everything inside a, and a itself; but `a*/**` only what is inside.
            const inside = node.seq(node.slash(), node.star(node.char(anyChar)));
            items.push(lastWasStar ? inside : node.opt(inside));
            this.i = t.length;
            break;
          }
          if (nested && stops.has('|')) this.fail('"/" inside (…) is not supported: use {a,b/c} for alternatives across folders');
          items.push(node.slash());
          this.i++;
          break;
        default:
          items.push(node.literal(ch));
          this.i++;
      }
    }
    return node.seq(...items);
  }

  /** `(a|b)`: the opening parenthesis is at this.i. */
  group(): GlobNode {
    const open = this.i++;
    const alternatives: GlobNode[] = [];
    for (;;) {
      alternatives.push(this.sequence(new Set(['|', ')']), true));
      if (this.i >= this.text.length) this.fail('"(" is never closed', open);
      if (this.text[this.i++] === ')') return node.alt(...alternatives);
    }
  }

  /** `{a,b}`: alternatives; a brace without a comma is refused. */
  braces(): GlobNode {
    const open = this.i++;
    const alternatives: GlobNode[] = [];
    for (;;) {
      const start = this.i;
      alternatives.push(this.sequence(new Set([',', '}']), true));
      if (this.i >= this.text.length) this.fail('"{" is never closed', open);
      if (/\.\./.test(this.text.slice(start, this.i))) this.fail('ranges like {1..3} are not supported: list the values, {1,2,3}', open);
      if (this.text[this.i++] === '}') break;
    }
    if (alternatives.length < 2) this.fail('"{…}" without a comma is not an alternative: escape the braces with a backslash to mean them literally', open);
    return node.alt(...alternatives);
  }

  /** `[…]`: a character class; a `[` with no `]` after it is literal. */
  bracket(): GlobNode {
    const t = this.text;
    const open = this.i;
    if (!t.slice(open + 1).includes(']')) {
      this.i++;
      return node.literal('[');
    }
    let j = open + 1;
    let negated = false;
    if (t[j] === '!') this.fail('"[!…]" is not supported: write [^…] for "any character but"', j);
    if (t[j] === '^') {
      negated = true;
      j++;
    }
    if (t[j] === ']') this.fail('"]" first in brackets is not supported: escape it outside brackets or list it elsewhere', j);
    const ranges: [number, number][] = [];
    while (j < t.length && t[j] !== ']') {
      if (t[j] === '[' && t[j + 1] === ':') {
        const close = t.indexOf(':]', j + 2);
        const name = close > 0 ? t.slice(j + 2, close) : '';
        const posix = POSIX[name];
        if (!posix) this.fail(`"[:${name}:]" is not a supported class: use alnum, alpha, blank, digit, lower, space, upper, word or xdigit`, j);
        ranges.push(...posix);
        j = close + 2;
        continue;
      }
      if (t[j] === '/' || t[j] === '\\' || t[j] === '[') this.fail(`"${t[j]}" inside brackets is not supported`, j);
      const low = t.charCodeAt(j);
      if (t[j + 1] === '-' && t[j + 2] !== undefined && t[j + 2] !== ']') {
        if (t[j + 2] === '[' || t[j + 2] === '/' || t[j + 2] === '\\') this.fail(`"${t[j + 2]}" inside brackets is not supported`, j + 2);
        const high = t.charCodeAt(j + 2);
        if (high < low) this.fail(`the range "${t.slice(j, j + 3)}" runs backwards`, j);
        ranges.push([low, high]);
        j += 3;
        continue;
      }
      ranges.push([low, low]);
      j++;
    }
    if (j >= t.length) this.fail('"[" is never closed', open);
    const content = t.slice(open + 1, j);
    this.i = j + 1;
    const inClass = (c: number) => ranges.some(([lo, hi]) => c >= lo && c <= hi);
    const cls = node.char(negated ? (c) => c !== SLASH && !inClass(c) : inClass);
    // As before, a plain list like [abc] also matches the text "[abc]" itself.
    return REGEX_SPECIAL.test(content) ? cls : node.alt(cls, node.literal(`[${content}]`));
  }
}

/** Why a prompt glob cannot be used, with the character it stops at; undefined when it can. */
export function promptGlobProblem(glob: string): string | undefined {
  // Every configuration read checks the same few dozen globs (the defaults, twice per status).
  if (checkedGlobs.has(glob)) return checkedGlobs.get(glob);
  let problem: string | undefined;
  try {
    parsePromptGlob(glob);
  } catch (e) {
    if (!(e instanceof GlobSyntaxError)) throw e;
    problem = `${e.message} (at character ${e.at + 1})`;
  }
  if (checkedGlobs.size < MAX_CHECKED_GLOBS) checkedGlobs.set(glob, problem);
  return problem;
}

/** What promptGlobProblem said of each glob, up to MAX_CHECKED_GLOBS of them (an editor session lives long). */
const checkedGlobs = new Map<string, string | undefined>();
const MAX_CHECKED_GLOBS = 1000;

/**
 * A matcher for several prompt globs: true when any matches the whole path. A path with an
 * empty, `.` or `..` segment is not a repository path and matches nothing.
 */
export function promptGlobsMatcher(globs: string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  // The common shapes are tested as strings; the automaton takes only the rest. Learning its
  // transitions for every glob at once took 40 to 60 ms of a first status on a real repository.
  const { names, suffixes, folders, rest } = byShape(globs);
  // A folder shape is looked at only for a path that has its first folder: most paths have none.
  const foldersByFirst = new Map<string, { dirs: string[]; suffix: string }[]>();
  for (const f of folders) foldersByFirst.set(f.dirs[0], [...(foldersByFirst.get(f.dirs[0]) ?? []), f]);
  const match = rest.length ? compileGlobNode(node.alt(...rest.map(parsePromptGlob))) : undefined;
  // A path a glob matches holds that glob's literal text: the automaton runs only on paths that
  // hold one glob's longest piece of it (always, when a glob has no such piece).
  const pieces = rest.map(literalPiece);
  const mayMatch = pieces.includes(undefined) ? undefined : (path: string) => pieces.some((piece) => path.includes(piece!));
  return (path) => {
    if (/(^|\/)\.{0,2}(\/|$)/.test(path)) return false;
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (names.has(name)) return true;
    for (const suffix of suffixes) if (name.endsWith(suffix)) return true;
    if (foldersByFirst.size && slash > 0) {
      const dirs = path.slice(0, slash).split('/');
      for (let at = 0; at < dirs.length; at++) {
        const shapes = foldersByFirst.get(dirs[at]);
        if (shapes) for (const f of shapes) if (name.endsWith(f.suffix) && runAt(dirs, at, f.dirs)) return true;
      }
    }
    if (!match || (mayMatch && !mayMatch(path))) return false;
    return match(path);
  };
}

/**
 * The longest run of a glob's literal characters within one path segment, which every path the
 * glob matches contains; undefined for a glob that has none, or syntax beyond `*`, `**` and
 * plain characters (classes, braces, escapes, extglobs), which is then always matched in full.
 */
function literalPiece(glob: string): string | undefined {
  const text = glob.startsWith('./') ? glob.slice(2) : glob;
  if (!/^[A-Za-z0-9._/*-]+$/.test(text)) return undefined;
  let longest = '';
  for (const piece of text.split(/[*/]/)) if (piece.length > longest.length) longest = piece;
  return longest || undefined;
}

/** A name part with nothing a glob could read as special. */
const PLAIN = '[A-Za-z0-9_-][A-Za-z0-9._-]*|\\.[A-Za-z0-9_-][A-Za-z0-9._-]*';
/** `**\/NAME`: any file so named. */
const ANY_NAMED = new RegExp(`^\\*\\*/(${PLAIN})$`);
/** `**\/*SUFFIX`: any file whose name ends so. */
const ANY_ENDING = new RegExp(`^\\*\\*/\\*([A-Za-z0-9._-]+)$`);
/** `**\/DIR/…/**\/*SUFFIX`: under those folders, one inside the other, anywhere; a name ending so. */
const UNDER_FOLDERS = new RegExp(`^\\*\\*/((?:(?:${PLAIN})/)+)\\*\\*/\\*([A-Za-z0-9._-]+)$`);

function byShape(globs: string[]): { names: Set<string>; suffixes: string[]; folders: { dirs: string[]; suffix: string }[]; rest: string[] } {
  const names = new Set<string>();
  const suffixes: string[] = [];
  const folders: { dirs: string[]; suffix: string }[] = [];
  const rest: string[] = [];
  for (const glob of globs) {
    let m: RegExpExecArray | null;
    if ((m = ANY_NAMED.exec(glob))) names.add(m[1]);
    else if ((m = ANY_ENDING.exec(glob))) suffixes.push(m[1]);
    else if ((m = UNDER_FOLDERS.exec(glob))) folders.push({ dirs: m[1].slice(0, -1).split('/'), suffix: m[2] });
    else rest.push(glob);
  }
  return { names, suffixes, folders, rest };
}

/** Whether `run` appears in `dirs` as consecutive entries from index `at`. */
function runAt(dirs: string[], at: number, run: string[]): boolean {
  if (at + run.length > dirs.length) return false;
  for (let k = 0; k < run.length; k++) if (dirs[at + k] !== run[k]) return false;
  return true;
}
