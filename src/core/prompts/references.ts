/**
 * What a prompt's text says it includes, by syntax alone: Handlebars/Dotprompt partials
 * (every spelling Handlebars reads: `{{> name}}`, `{{> "name"}}`, `{{> [a b]}}`, `{{~> x ~}}`,
 * `{{#> layout}}`, with parameters), Prompty file references (`${file:path}`, `base:`),
 * template-engine includes (Jinja/Liquid `{% include %}`, Go `{{template}}`), and Markdown
 * links or `#file:` references from Copilot prompt files. Which of them apply to a file,
 * and what they resolve to, is decided by its path (see dependencies.ts).
 *
 * A reference whose target cannot be known from the text (a dynamic partial, a form the
 * scanner does not understand) is still reported, with `unresolvable` saying why: the prompt
 * then fails closed instead of shipping what nobody reviewed.
 */
export type ReferenceKind = 'partial' | 'file' | 'link' | 'template';

export interface Reference {
  kind: ReferenceKind;
  /** As written: a partial name, or a path relative to the referencing file. */
  target: string;
  /** 1-based line of the reference. */
  line: number;
  /** Set when what it includes cannot be established from the text: why. */
  unresolvable?: string;
  /** An inline partial the text defines (`{{#*inline "x"}}`): no file, but it satisfies `{{> x}}`. */
  defines?: true;
}

/**
 * Bump when what `extractReferences` finds changes: facts cached from an older scanner
 * (in .git/prompt-release) must not hide an include the new one reads.
 */
export const REFERENCE_SYNTAX_VERSION = 3;

/** Text every reference syntax contains; a text with none of them has no references. */
export const REFERENCE_MARKERS = ['{{', '${file:', '](', '#file:', '{%', 'base:'];

const PROMPTY_FILE = /\$\{file:([^}\n]*)\}/g;
const PROMPTY_BASE = /^base:[ \t]*(.*)$/gm;
const TEMPLATE_INCLUDE = /\{%[-+]?\s*(include|extends|import|from|render|layout|embed)\b([^%\n]*)/g;
const GO_TEMPLATE = /\{\{-?\s*(template|block)\s+("[^"\n]*"|`[^`\n]*`|\S+)/g;
const MARKDOWN_LINK = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const FILE_MENTION = /(?:^|[\s(\[])#file:([^\s)\]]+)/g;

/** Every reference in a text, in order; a text without any gives an empty list. */
/** Whether the match at `start` is the whole value of its YAML line (`key: X`, `- X`, quoted or not). */
function isWholeValue(text: string, start: number, length: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', start + length);
  const before = text.slice(lineStart, start);
  const after = text.slice(start + length, lineEnd < 0 ? text.length : lineEnd);
  return /^\s*(?:-\s+)?(?:[^\s:#][^:#]*:\s*)?["']?$/.test(before) && /^["']?\s*(?:#.*)?\r?$/.test(after);
}

export function extractReferences(text: string): Reference[] {
  if (!REFERENCE_MARKERS.some((m) => text.includes(m))) return [];
  const found: Reference[] = [];
  const lineOf = lineIndex(text);
  if (text.includes('{{')) {
    for (const { offset, ...r } of handlebarsReferences(text)) found.push({ ...r, line: lineOf(offset) });
  }
  for (const m of text.matchAll(PROMPTY_FILE)) {
    // Prompty splits "${file:path}" at colons: the path is what lies between the first two.
    const target = m[1].split(':')[0];
    // Prompty resolves a reference that is a whole value ("key: ${file:a.json}"); one inside
    // prose ("description: Tests ${file:} references") is text. A named file is counted
    // either way (reviewing an extra file costs nothing); an empty one only as a whole value.
    if (!target && !isWholeValue(text, m.index!, m[0].length)) continue;
    const ref: Reference = { kind: 'file', target, line: lineOf(m.index!) };
    if (!target) ref.unresolvable = 'it names no file';
    else if (target.includes('\\')) ref.unresolvable = 'a backslash in the path names a different file on Windows than elsewhere; use "/"';
    found.push(ref);
  }
  const front = frontMatter(text);
  if (front) {
    // Prompty's template inheritance: "base: other.prompty" brings in another file.
    for (const m of front.matchAll(PROMPTY_BASE)) {
      const value = m[1].replace(/\s+#.*$/, '').trim().replace(/^(["'])(.*)\1$/, '$2');
      if (value && !value.startsWith('${')) found.push({ kind: 'file', target: value, line: lineOf(m.index!) });
    }
  }
  for (const m of text.matchAll(TEMPLATE_INCLUDE)) {
    const what = m[1];
    found.push({ kind: 'template', target: `{% ${what} ${m[2].trim()}`.trim(), line: lineOf(m.index!), unresolvable: `a template "${what}" is resolved by the application's template loader, which the tool cannot know` });
  }
  for (const m of text.matchAll(GO_TEMPLATE)) {
    found.push({ kind: 'template', target: `{{${m[1]} ${m[2]}}}`, line: lineOf(m.index!), unresolvable: `a Go template "${m[1]}" is resolved by the application's template set, which the tool cannot know` });
  }
  // Links in fenced code and in inline code spans are examples, not links; a code span as
  // a link's text ([`a.md`](a.md)) leaves the link itself in place.
  // Code is blanked only when a link or a mention is there to be told apart from an example.
  if ((text.includes('](') && hasMatch(MARKDOWN_LINK, text)) || (text.includes('#file:') && hasMatch(FILE_MENTION, text))) {
    const prose = blankOut(blankOut(text, /^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm), /``[^\n]+?``|`[^`\n]+`/g);
    for (const m of prose.matchAll(MARKDOWN_LINK)) {
      const target = localTarget(m[1]);
      if (target) found.push({ kind: 'link', target, line: lineOf(m.index!) });
    }
    for (const m of prose.matchAll(FILE_MENTION)) {
      // "#file:a.md." ends a sentence; "#file:a.md:10-20" names lines of the file.
      const target = localTarget(m[1].replace(/[.,;:!?]+$/, '').replace(/:\d+(?:-\d+)?$/, ''));
      if (target) found.push({ kind: 'link', target, line: lineOf(m.index! + m[0].indexOf('#file:')) });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

function lineIndex(text: string): (offset: number) => number {
  // Built on the first question: most texts reference nothing and never ask.
  let lineStarts: number[] | undefined;
  return (offset: number) => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** The YAML front matter between the leading `---` lines, offsets kept (the rest blanked). */
function frontMatter(text: string): string | undefined {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)^---[ \t]*$/m.exec(text);
  if (!m || m.index !== 0) return undefined;
  return text.slice(0, m.index + m[0].length);
}

interface Found {
  kind: 'partial';
  target: string;
  offset: number;
  unresolvable?: string;
  defines?: true;
}

/**
 * The partials a Handlebars template uses, read the way Handlebars' lexer reads it
 * (handlebars-lang/handlebars-parser, src/handlebars.l): `\{{` is literal text and `\\{{`
 * a backslash before a real mustache; comments (`{{! }}`, `{{!-- --}}`, either with `~`)
 * and raw blocks (`{{{{raw}}}}…{{{{/raw}}}}`) hold no partials; a partial is `{{>` or
 * `{{#>` (each optionally `{{~`), then a name: an identifier path (`a/b`, `a.b`, with
 * `[bracketed segments]`), a string (`"x"`, `'x'`), a data name (`@partial-block`) or a
 * subexpression `(…)`, which picks the partial when the template runs.
 */
function handlebarsReferences(text: string): Found[] {
  const found: Found[] = [];
  const n = text.length;
  let i = 0;
  const problem = (offset: number, target: string, why: string) => found.push({ kind: 'partial', target, offset, unresolvable: why });
  while (i < n) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    // A backslash right before "{{" makes it text; two are a backslash before a real one.
    if (open - 1 >= i && text[open - 1] === '\\' && !(open - 2 >= i && text[open - 2] === '\\')) {
      i = open + 2;
      continue;
    }
    if (text.startsWith('{{{{', open)) {
      // A raw block: its content is text, whatever it looks like, up to the matching close.
      const head = text.indexOf('}}}}', open + 4);
      if (head < 0) {
        problem(open, text.slice(open, open + 40).split('\n')[0], 'a raw block "{{{{" that never closes, so the template cannot be read');
        break;
      }
      const name = /^\s*([^\s}]+)/.exec(text.slice(open + 4, head))?.[1] ?? '';
      let depth = 1;
      let at = head + 4;
      while (depth > 0) {
        const next = text.indexOf('{{{{', at);
        if (next < 0) break;
        if (text[next + 4] === '/') {
          RAW_CLOSE.lastIndex = next;
          const close = RAW_CLOSE.exec(text);
          if (close && (depth > 1 || close[1] === name)) depth--;
          at = next + (close ? close[0].length : 5);
        } else {
          depth++;
          at = next + 4;
        }
      }
      if (depth > 0) {
        problem(open, `{{{{${name}}}}}`, `the raw block "${name}" never closes, so the template cannot be read`);
        break;
      }
      i = at;
      continue;
    }
    let j = open + 2;
    if (text[j] === '~') j++;
    if (text.startsWith('!--', j)) {
      const end = /--~?\}\}/g;
      end.lastIndex = j + 3;
      const m = end.exec(text);
      if (!m) {
        problem(open, '{{!--', 'a comment "{{!--" that never closes, so the template cannot be read');
        break;
      }
      i = m.index + m[0].length;
      continue;
    }
    if (text[j] === '!') {
      const end = text.indexOf('}}', j);
      if (end < 0) {
        problem(open, '{{!', 'a comment "{{!" that never closes, so the template cannot be read');
        break;
      }
      i = end + 2;
      continue;
    }
    const partial = text[j] === '>' ? j + 1 : text.startsWith('#>', j) ? j + 2 : -1;
    if (partial >= 0) {
      const r = partialName(text, partial);
      if ('error' in r) problem(open, text.slice(open, Math.min(n, open + 60)).split('\n')[0], r.error);
      else if (r.name !== undefined) found.push({ kind: 'partial', target: r.name, offset: open, ...(r.unresolvable ? { unresolvable: r.unresolvable } : {}) });
      const close = mustacheEnd(text, r.next);
      if (close < 0) {
        if (!('error' in r)) problem(open, text.slice(open, Math.min(n, open + 60)).split('\n')[0], 'a partial whose "}}" cannot be found, so the template cannot be read');
        break;
      }
      i = close;
      continue;
    }
    if (text.startsWith('#*', j)) {
      // A decorator block; "inline" defines a partial by a literal name.
      INLINE.lastIndex = j;
      const m = INLINE.exec(text);
      if (m) found.push({ kind: 'partial', target: m[1].slice(1, -1).replace(/\\(["'])/g, '$1'), offset: open, defines: true });
    } else if (/^[{&]?\s*>/.test(text.slice(j, j + 64))) {
      // "{{ > name}}", "{{{> name}}}": not a partial to Handlebars but a parse error; say so rather than guess.
      problem(open, text.slice(open, Math.min(n, open + 60)).split('\n')[0], 'Handlebars reads a partial only as "{{>" or "{{#>" (with an optional "~" after "{{"); it cannot render this spelling');
    }
    const close = mustacheEnd(text, j);
    if (close < 0) {
      problem(open, text.slice(open, Math.min(n, open + 60)).split('\n')[0], 'a "{{" whose "}}" cannot be found, so the template cannot be read');
      break;
    }
    i = close;
  }
  return found;
}

const RAW_CLOSE = /\{\{\{\{\/([^\s}]+)\s*\}\}\}\}/y;
const INLINE = /#\*\s*inline\s+("(?:\\"|[^"])*"|'(?:\\'|[^'])*')/y;

/** Handlebars' ID: anything but whitespace and its control characters. */
const ID_CHAR = /[^\s!"#%&'()*+,./;<=>@[\\\]^`{|}~]/;

type PartialName = { name?: string; unresolvable?: string; next: number } | { error: string; next: number };

/** The name of a partial starting at `at` (after `>` or `#>`), and where its parameters start. */
function partialName(text: string, at: number): PartialName {
  let i = at;
  while (i < text.length && /\s/.test(text[i])) i++;
  const c = text[i];
  if (c === undefined) return { error: 'a partial with no name, so the template cannot be read', next: i };
  if (c === '(') {
    const end = mustacheEnd(text, i);
    return { name: text.slice(i, end < 0 ? i + 40 : Math.max(i, end - 2)).replace(/~$/, '').trim(), unresolvable: 'a dynamic partial: its name is computed when the prompt runs, so which file it includes cannot be known; name the partial literally', next: i };
  }
  if (c === '"' || c === "'") {
    let j = i + 1;
    let value = '';
    while (j < text.length && text[j] !== c) {
      if (text[j] === '\\' && text[j + 1] === c) {
        value += c;
        j += 2;
      } else value += text[j++];
    }
    if (j >= text.length) return { error: `a partial name with an unclosed ${c}, so the template cannot be read`, next: j };
    return { name: value, next: j + 1 };
  }
  if (c === '@') {
    const m = /^@([^\s}~()]*)/.exec(text.slice(i));
    const data = m?.[1] ?? '';
    // The block a partial block was given: content of the prompt itself, no file.
    if (data === 'partial-block') return { next: i + 1 + data.length };
    return { name: `@${data}`, unresolvable: 'a partial named by a data variable: its name is decided when the prompt runs, so which file it includes cannot be known', next: i + 1 + data.length };
  }
  if (c === '}' || c === '~') return { error: 'a partial with no name, so the template cannot be read', next: i };
  // An identifier path: segments (IDs or [bracketed]) separated by "/" or ".".
  let name = '';
  let j = i;
  for (;;) {
    if (text[j] === '[') {
      let k = j + 1;
      let seg = '';
      while (k < text.length && text[k] !== ']') {
        if (text[k] === '\\' && (text[k + 1] === ']' || text[k + 1] === '\\')) {
          seg += text[k + 1];
          k += 2;
        } else seg += text[k++];
      }
      if (k >= text.length) return { error: 'a partial name with an unclosed "[", so the template cannot be read', next: k };
      name += seg;
      j = k + 1;
    } else if (text.startsWith('..', j)) {
      name += '..';
      j += 2;
    } else if (text[j] === '.' && !ID_CHAR.test(text[j + 1] ?? ' ')) {
      name += '.';
      j += 1;
    } else {
      const start = j;
      while (j < text.length && ID_CHAR.test(text[j])) j++;
      if (j === start) return { error: `a partial name Handlebars cannot read (at "${text.slice(i, i + 20).split('\n')[0]}")`, next: j };
      name += text.slice(start, j);
    }
    if ((text[j] === '/' || text[j] === '.') && j + 1 < text.length && (ID_CHAR.test(text[j + 1]) || text[j + 1] === '[' || text[j + 1] === '.')) {
      name += text[j];
      j++;
      continue;
    }
    break;
  }
  if (/^-?\d+(?:\.\d+)?$/.test(name) || ['true', 'false', 'null', 'undefined'].includes(name)) {
    return { name, unresolvable: `a partial named by the literal ${name}, which Dotprompt does not resolve to a file`, next: j };
  }
  if (name === 'this' || name.startsWith('this/') || name === '.' || name === '..') {
    return { name, unresolvable: 'a partial named by a context path, which is not a file name', next: j };
  }
  return { name, next: j };
}

/** The offset just past the "}}" that closes the mustache whose parameters start at `at`; -1 when none. */
function mustacheEnd(text: string, at: number): number {
  let i = at;
  let parens = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' && text[j + 1] === c ? 2 : 1;
      i = j + 1;
    } else if (c === '[') {
      let j = i + 1;
      while (j < text.length && text[j] !== ']') j += text[j] === '\\' && (text[j + 1] === ']' || text[j + 1] === '\\') ? 2 : 1;
      i = j + 1;
    } else if (c === '(') {
      parens++;
      i++;
    } else if (c === ')') {
      parens = Math.max(0, parens - 1);
      i++;
    } else if (c === '}' && text[i + 1] === '}' && parens === 0) {
      return text[i + 2] === '}' ? i + 3 : i + 2;
    } else if (c === '{' && text[i + 1] === '{') {
      // A mustache never contains another: the template is malformed here.
      return -1;
    } else i++;
  }
  return -1;
}

/** A link to a file in the repository (no scheme, no pure anchor), without its anchor or query. */
function localTarget(raw: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('#') || raw.startsWith('//')) return undefined;
  const bare = raw.replace(/[#?].*$/, '');
  if (!bare) return undefined;
  try {
    return decodeURI(bare);
  } catch {
    return bare;
  }
}

/** Replaces matches with spaces of the same length, keeping offsets and line breaks. */
function hasMatch(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}

/** Each match turned into spaces, line breaks kept (so offsets and line numbers stay); a line at a time, not a character. */
function blankOut(text: string, pattern: RegExp): string {
  return text.replace(pattern, (m) => m.replace(/[^\n]+/g, (line) => ' '.repeat(line.length)));
}
