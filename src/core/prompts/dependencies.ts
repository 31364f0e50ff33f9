import type { BlobFacts } from './hash';
import type { Reference } from './references';

/** A file a prompt includes, directly or through another include, with its exact content. */
export interface Dependency {
  path: string;
  blob: string;
  contentHash: string;
  /** The file whose reference brought it in, and where. */
  via: string;
  line: number;
  kind: Reference['kind'];
}

/** What records and release evidence carry: the content of everything included, by path. */
export interface IncludedContent {
  path: string;
  contentHash: string;
}

/** A reference that must resolve (a partial, a Prompty file) but does not. */
export interface MissingDependency {
  via: string;
  line: number;
  kind: Reference['kind'];
  target: string;
  /** Why it does not count: not found (and where it was looked for), a link, unreadable. */
  reason: string;
}

export interface FileAt {
  blob: string;
  mode: string;
  /** Absent when the content has not been read (yet). */
  facts?: BlobFacts;
}

/** `undefined`: not known yet (the caller reads it and asks again); `null`: no such file. */
export type FileLookup = (path: string) => FileAt | null | undefined;

export interface Resolution {
  includes: Dependency[];
  missing: MissingDependency[];
  /** Paths (or contents) that must be read before the resolution is complete. */
  unknown: string[];
}

/**
 * How many levels of includes the resolver follows (a prompt's own includes are level 1).
 * A chain that goes deeper is refused, never cut short: what lies past it was not read.
 */
export const MAX_INCLUDE_DEPTH = 16;
/** Where the limit is set, for the messages that name it. */
const DEPTH_LIMIT = 'MAX_INCLUDE_DEPTH in src/core/prompts/dependencies.ts';

/** Which reference syntaxes a file's format has and the tool resolves: Dotprompt partials, Prompty files, Markdown links. */
export function referenceKindsOf(path: string): Reference['kind'][] {
  if (path.endsWith('.prompt')) return ['partial'];
  if (path.endsWith('.prompty')) return ['file'];
  if (/\.(md|mdc|markdown)$/i.test(path)) return ['link'];
  return [];
}

/**
 * Include syntaxes a file's template engine reads at run time but whose file the tool cannot
 * tell from the repository (the application or the working directory decides): any use of
 * one makes the prompt fail closed. Each with what decides it, for the message.
 */
export function unreadKindsOf(path: string): { kind: Reference['kind']; decidedBy: string }[] {
  if (path.endsWith('.prompty')) {
    return [
      { kind: 'partial', decidedBy: "Prompty's mustache renderer, from the directory the application runs in" },
      { kind: 'template', decidedBy: "Prompty's Jinja renderer, from the application's loader" },
    ];
  }
  if (/\.(hbs|handlebars|mustache)$/i.test(path)) return [{ kind: 'partial', decidedBy: 'the application, which registers the partials of a plain Handlebars or Mustache template' }];
  if (/\.(j2|jinja|jinja2|liquid)$/i.test(path)) return [{ kind: 'template', decidedBy: "the application's template loader" }];
  if (/\.(tmpl|tpl)$/i.test(path)) {
    return [
      { kind: 'template', decidedBy: "the application's template set" },
      { kind: 'partial', decidedBy: 'the application, which registers the partials of the template' },
    ];
  }
  return [];
}

/** Where a reference may point, nearest first. */
export function candidatePaths(from: string, ref: Reference): string[] {
  const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : '';
  if (ref.kind === 'partial') {
    // Dotprompt's directory store: partial "a/b" is a/_b.prompt under the prompts folder,
    // which is the referencing file's folder or one of its parents.
    const slash = ref.target.lastIndexOf('/');
    const file = `${slash >= 0 ? ref.target.slice(0, slash + 1) : ''}_${ref.target.slice(slash + 1)}.prompt`;
    const folders: string[] = [];
    for (let d = dir; ; d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '') {
      folders.push(d);
      if (d === '') break;
    }
    return folders.map((d) => normalize(d ? `${d}/${file}` : file)).filter((p): p is string => p !== undefined);
  }
  // Prompty reads "${file:/x}" from the machine's root, not the repository's.
  if (ref.kind === 'file' && ref.target.startsWith('/')) return [];
  const target = ref.target.startsWith('/') ? ref.target.slice(1) : dir ? `${dir}/${ref.target}` : ref.target;
  const path = normalize(target);
  return path ? [path] : [];
}

/** Collapses "." and ".."; undefined when the path leaves the repository. */
function normalize(path: string): string | undefined {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.length ? out.join('/') : undefined;
}

/**
 * Where partial files of a given file name (`_tone.prompt`) are, anywhere in the tree: Genkit
 * registers every partial under its prompts folder by its bare name, whatever the subfolder.
 */
export type PartialFinder = (fileName: string) => string[];

/** Limits an include must meet besides the depth: the size a prompt may have (maxPromptBytes). */
export interface IncludeLimits {
  maxBytes?: number;
}

/**
 * Everything a file includes, transitively, at one commit. A partial or Prompty file that is
 * not there is missing (it would fail to render); a Markdown link counts only when it leads
 * to another prompt or instruction file, since links may point anywhere. Whatever cannot be
 * established (a dynamic partial, an include the format's engine resolves at run time, a
 * chain deeper than MAX_INCLUDE_DEPTH, an included file over maxPromptBytes) is missing too,
 * with the reason: the prompt fails closed.
 */
export function resolveIncludes(
  root: string,
  rootFacts: BlobFacts | undefined,
  lookup: FileLookup,
  isPrompt: (path: string) => boolean,
  partialsNamed?: PartialFinder,
  limits: IncludeLimits = {},
): Resolution {
  const includes: Dependency[] = [];
  const missing: MissingDependency[] = [];
  const unknown: string[] = [];
  const seen = new Set([root]);
  // Breadth first: each file is read at its shallowest level, so the depth limit is exact.
  const queue: { path: string; facts: BlobFacts | undefined; chain: string[]; inline: Set<string> }[] = [{ path: root, facts: rootFacts, chain: [root], inline: new Set() }];
  for (let next = 0; next < queue.length; next++) {
    const { path, facts, chain, inline: inherited } = queue[next];
    const depth = chain.length - 1;
    const kinds = referenceKindsOf(path);
    const unread = unreadKindsOf(path);
    const refs = facts?.references ?? [];
    // Inline partials defined here, or by a file up the chain, answer a partial of that name.
    const inline = new Set(inherited);
    for (const ref of refs) if (ref.defines && kinds.includes(ref.kind)) inline.add(ref.target);
    const miss = (ref: Reference, reason: string) => missing.push({ via: path, line: ref.line, kind: ref.kind, target: ref.target, reason });
    for (const ref of refs) {
      if (ref.defines) continue;
      const runtime = unread.find((u) => u.kind === ref.kind);
      if (runtime && !kinds.includes(ref.kind)) {
        miss(ref, ref.unresolvable ?? `${runtime.decidedBy} decides which file it is, when the prompt runs; the tool cannot tell, so that content cannot be reviewed: write it into the prompt`);
        continue;
      }
      if (!kinds.includes(ref.kind)) continue;
      if (ref.unresolvable) {
        miss(ref, ref.unresolvable);
        continue;
      }
      const candidates = candidatePaths(path, ref);
      let found: { path: string; file: FileAt } | undefined;
      let pending = false;
      for (const candidate of candidates) {
        const file = lookup(candidate);
        if (file === undefined) {
          unknown.push(candidate);
          pending = true;
          break;
        }
        if (file) {
          found = { path: candidate, file };
          break;
        }
      }
      if (pending) continue;
      let reason: string | undefined;
      if (!found && ref.kind === 'partial' && !ref.target.includes('/') && partialsNamed) {
        // Not beside the file nor in a parent folder: Genkit also finds it in a subfolder of the prompts folder.
        const top = path.includes('/') ? path.slice(0, path.indexOf('/') + 1) : '';
        const elsewhere = partialsNamed(`_${ref.target}.prompt`).filter((p) => p.startsWith(top));
        if (elsewhere.length === 1) {
          const file = lookup(elsewhere[0]);
          if (file === undefined) {
            unknown.push(elsewhere[0]);
            continue;
          }
          if (file) found = { path: elsewhere[0], file };
        } else if (elsewhere.length > 1) {
          reason = `ambiguous: ${elsewhere.join(' and ')} both define it; rename one`;
        }
      }
      if (reason) {
        miss(ref, reason);
        continue;
      }
      if (!found && ref.kind === 'partial' && inline.has(ref.target)) continue;
      if (!found || (ref.kind === 'link' && !isPrompt(found.path))) {
        if (ref.kind !== 'link') {
          const where = candidates.length ? `looked for ${candidates.join(', ')}` : 'it points outside the repository';
          miss(ref, `not found (${where})`);
        }
        continue;
      }
      if (seen.has(found.path)) continue;
      if (depth + 1 > MAX_INCLUDE_DEPTH) {
        miss(
          ref,
          `${found.path} would be include level ${depth + 1} of ${root} (${[...chain, found.path].join(' → ')}), deeper than the ${MAX_INCLUDE_DEPTH} levels the tool follows (${DEPTH_LIMIT}); what lies past it was not read, so it cannot be reviewed or released: make the chain shorter`,
        );
        continue;
      }
      seen.add(found.path);
      const { file } = found;
      if (file.mode === '120000' || file.mode === '160000') {
        miss(ref, `${found.path} is a ${file.mode === '120000' ? 'symbolic link' : 'submodule'}, so its content cannot be reviewed`);
        continue;
      }
      if (!file.facts) {
        // Read and asked again: not seen yet.
        seen.delete(found.path);
        unknown.push(found.path);
        continue;
      }
      if (file.facts.binary) {
        miss(ref, `${found.path} is a binary file`);
        continue;
      }
      if (limits.maxBytes !== undefined && file.facts.size > limits.maxBytes) {
        miss(ref, `${found.path} is ${file.facts.size} bytes, more than maxPromptBytes (${limits.maxBytes}, from .promptrelease.yaml), so it is not read as part of ${root}: make it smaller or raise maxPromptBytes`);
        continue;
      }
      includes.push({ path: found.path, blob: file.blob, contentHash: file.facts.contentHash, via: path, line: ref.line, kind: ref.kind });
      queue.push({ path: found.path, facts: file.facts, chain: [...chain, found.path], inline });
    }
  }
  includes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { includes, missing, unknown: [...new Set(unknown)] };
}

/** The included contents as records and evidence carry them. */
export function includedContent(includes: Dependency[]): IncludedContent[] {
  return includes.map((d) => ({ path: d.path, contentHash: d.contentHash }));
}

/**
 * What differs between the includes a record was made for and the subject's: empty when the
 * same files have the same contents.
 */
export function includeDifferences(recorded: IncludedContent[] | undefined, current: IncludedContent[]): string[] {
  // The common case, asked once per record on every refresh: nothing included, then or now.
  if (!recorded?.length && current.length === 0) return [];
  const before = new Map((recorded ?? []).map((i) => [i.path, i.contentHash]));
  const now = new Map(current.map((i) => [i.path, i.contentHash]));
  const changes: string[] = [];
  for (const [path, hash] of now) {
    if (!before.has(path)) changes.push(`${path} was not included then`);
    else if (before.get(path) !== hash) changes.push(`${path} has changed since`);
  }
  for (const path of before.keys()) if (!now.has(path)) changes.push(`${path} is no longer included`);
  return changes;
}

/**
 * Whether a release is of this exact content with these exact includes: the same prompt text
 * with a changed partial is not what was released.
 */
export function releasedAsIs(evidence: { contentHash: string; includes?: IncludedContent[] }, contentHash: string | undefined, includes: IncludedContent[]): boolean {
  return evidence.contentHash === contentHash && includeDifferences(evidence.includes, includes).length === 0;
}

export function formatMissing(m: MissingDependency): string {
  const what = m.kind === 'partial' ? `partial "${m.target}"` : m.kind === 'file' ? `file "${m.target}"` : m.kind === 'template' ? `template "${m.target}"` : `"${m.target}"`;
  return `${m.via}:${m.line} includes ${what}, which cannot be used: ${m.reason}`;
}
