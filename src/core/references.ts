/**
 * What a prompt's text says it includes, by syntax alone: Dotprompt partials
 * (`{{> name}}`, `{{#> name}}`), Prompty file references (`${file:path}`), and Markdown
 * links or `#file:` references from Copilot prompt files. Which of them apply to a file,
 * and what they resolve to, is decided by its path (see dependencies.ts).
 */
export type ReferenceKind = 'partial' | 'file' | 'link';

export interface Reference {
  kind: ReferenceKind;
  /** As written: a partial name, or a path relative to the referencing file. */
  target: string;
  /** 1-based line of the reference. */
  line: number;
}

const PARTIAL = /\{\{~?#?>\s*([A-Za-z0-9_][A-Za-z0-9_./-]*)/g;
const PROMPTY_FILE = /\$\{file:([^}\s]+)\}/g;
const MARKDOWN_LINK = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const FILE_MENTION = /(?:^|[\s(\[])#file:([^\s)\]]+)/g;

/** Every reference in a text, in order; a text without any gives an empty list. */
export function extractReferences(text: string): Reference[] {
  if (!text.includes('{{') && !text.includes('${file:') && !text.includes('](') && !text.includes('#file:')) return [];
  const found: Reference[] = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  // A Handlebars comment may show partial syntax without using it.
  const template = blankOut(text, /\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g);
  for (const m of template.matchAll(PARTIAL)) found.push({ kind: 'partial', target: m[1], line: lineOf(m.index!) });
  for (const m of text.matchAll(PROMPTY_FILE)) found.push({ kind: 'file', target: m[1], line: lineOf(m.index!) });
  // Links in fenced code and in inline code spans are examples, not links; a code span as
  // a link's text ([`a.md`](a.md)) leaves the link itself in place.
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
  return found.sort((a, b) => a.line - b.line);
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
function blankOut(text: string, pattern: RegExp): string {
  return text.replace(pattern, (m) => m.replace(/[^\n]/g, ' '));
}
