import type { Codeowners } from '../ownership/codeowners';
import { DEFAULT_CONFIG_TEXT, DEFAULT_PROMPT_GLOBS, defaultConfig } from '../policy/config';
import { candidatePaths } from './dependencies';
import { extractReferences } from './references';
import type { Identity } from '../ownership/identity';
import { githubHandleOf } from '../ownership/people';
import { kindOf, promptMatcher } from './prompts';
import { plural, someOf, byCodeUnits } from '../common/words';

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
  const isBuiltIn = promptMatcher(defaultConfig());
  for (const path of paths) {
    if (!isBuiltIn(path)) continue;
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

/** A file `init` looked into: its repository path and text. */
export interface FileText {
  path: string;
  text: string;
}

/** Files outside the built-in formats that look like prompts, with the glob `init` proposes for them. */
export interface CandidateGroup {
  kind: string;
  /** The glob proposed under `prompts:` (after the built-in ones). */
  glob: string;
  paths: string[];
}

/** A prompt file that only lists other prompts (a generated link index): proposed under `exclude:`. */
export interface IndexFile {
  path: string;
  /** Distinct prompt files it links to. */
  links: number;
}

/** Where a file's YAML front matter holds `key:` at its top level. */
function frontMatterHas(text: string, key: RegExp): boolean {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\s*(?:\r?\n|$)/.exec(text);
  return match !== null && match[1].split(/\r?\n/).some((line) => key.test(line));
}

/**
 * Layouts some projects use for agent prompts that are not prompts everywhere: a Markdown file
 * in a `commands/` folder with a `description:` in its front matter (spec-kit's command
 * templates, extension and preset commands), and an agentic workflow (`.github/workflows/*.md`
 * with an `on:` trigger in its front matter).
 */
const CANDIDATE_LAYOUTS: { kind: string; folderOf: (path: string) => string | undefined; looksLike: (text: string) => boolean; file: string }[] = [
  {
    kind: 'agent command template (commands/ folder)',
    folderOf: (path) => (/(^|\/)commands\/[^/]+\.md$/i.test(path) ? path.slice(0, path.lastIndexOf('/')) : undefined),
    looksLike: (text) => frontMatterHas(text, /^description\s*:/),
    file: '*.md',
  },
  {
    kind: 'GitHub agentic workflow',
    folderOf: (path) => (/^\.github\/workflows\/[^/]+\.md$/.test(path) ? '.github/workflows' : undefined),
    looksLike: (text) => frontMatterHas(text, /^(on|"on"|'on')\s*:/),
    file: '*.md',
  },
];

/** Paths `init` should read to propose candidates: files in a candidate layout that no built-in glob covers. */
export function candidatePathsToRead(paths: string[], isPrompt: (path: string) => boolean): string[] {
  return paths.filter((p) => !isPrompt(p) && CANDIDATE_LAYOUTS.some((l) => l.folderOf(p) !== undefined));
}

/**
 * Groups the files that look like prompts by layout and folder. Folders that differ in one
 * segment (`extensions/git/commands`, `extensions/bug/commands`) share one glob
 * (`extensions/*\/commands/*.md`); a file the glob would take that does not look like a prompt
 * is proposed as a `!` exclusion after it.
 */
export function proposeCandidates(files: FileText[], isPrompt: (path: string) => boolean, allPaths: string[]): { groups: CandidateGroup[]; exclusions: string[] } {
  const groups: CandidateGroup[] = [];
  const exclusions: string[] = [];
  for (const layout of CANDIDATE_LAYOUTS) {
    const byFolder = new Map<string, string[]>();
    const rejected = new Set<string>();
    for (const f of files) {
      if (isPrompt(f.path)) continue;
      const folder = layout.folderOf(f.path);
      if (folder === undefined) continue;
      if (!layout.looksLike(f.text)) {
        rejected.add(f.path);
        continue;
      }
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), f.path]);
    }
    // Folders of the same shape differing only in their second-to-last segment share a glob.
    const byShape = new Map<string, string[]>();
    for (const folder of byFolder.keys()) {
      const parts = folder.split('/');
      const shape = parts.length >= 3 ? [...parts.slice(0, -2), '*', parts[parts.length - 1]].join('/') : folder;
      byShape.set(shape, [...(byShape.get(shape) ?? []), folder]);
    }
    for (const [shape, folders] of [...byShape].sort(([a], [b]) => byCodeUnits(a, b))) {
      const globFolders = folders.length > 1 ? [shape] : folders;
      for (const folder of globFolders) {
        const glob = `${folder}/${layout.file}`;
        const covered = folders.length > 1 ? folders : [folder];
        const paths = covered.flatMap((f) => byFolder.get(f) ?? []).sort();
        groups.push({ kind: layout.kind, glob, paths });
        const pattern = new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
        for (const p of allPaths) if (pattern.test(p) && !paths.includes(p) && (rejected.has(p) || !files.some((f) => f.path === p))) exclusions.push(`!${p}`);
      }
    }
  }
  return { groups, exclusions: [...new Set(exclusions)].sort() };
}

/**
 * Prompt files that are link indexes, not prompts: they link to at least ten other prompt
 * files and their links are a large part of their lines (awesome-copilot's generated
 * docs/README.instructions.md links to every instruction, so each would read as included).
 */
export function findIndexes(prompts: FileText[], isPrompt: (path: string) => boolean): IndexFile[] {
  const found: IndexFile[] = [];
  for (const f of prompts) {
    if (!f.text.includes('](')) continue;
    const targets = new Set<string>();
    for (const ref of extractReferences(f.text)) {
      if (ref.kind !== 'link') continue;
      for (const target of candidatePaths(f.path, ref)) if (target !== f.path && isPrompt(target)) targets.add(target);
    }
    const lines = f.text.split('\n').filter((l) => l.trim() !== '').length;
    if (targets.size >= 10 && targets.size * 3 >= lines) found.push({ path: f.path, links: targets.size });
  }
  return found.sort((a, b) => b.links - a.links);
}

/**
 * The configuration `init` writes: the defaults and proposed people, plus, when it found
 * prompts outside the built-in formats, every built-in glob followed by theirs, and the link
 * indexes under `exclude:`.
 */
export function proposedConfig(people: Record<string, string[]>, unmatched: string[], candidates: { groups: CandidateGroup[]; exclusions: string[] }, indexes: IndexFile[]): string {
  let text = configWithPeople(people, unmatched);
  if (candidates.groups.length) {
    const lines = [
      'prompts:',
      '  # The built-in formats (see the README),',
      ...DEFAULT_PROMPT_GLOBS.map((g) => `  - ${JSON.stringify(g)}`),
      '  # and what prompt-release init found outside them:',
      ...candidates.groups.map((g) => `  - ${JSON.stringify(g.glob)}   # ${g.kind}: ${g.paths.length}`),
      ...candidates.exclusions.map((e) => `  - ${JSON.stringify(e)}`),
    ];
    text = text.replace(/^exclude: \[\]\n/m, `${lines.join('\n')}\n\nexclude: []\n`);
  }
  if (indexes.length) {
    const lines = ['exclude:', '  # Link indexes found by prompt-release init: they list prompts, they are not prompts.', ...indexes.map((i) => `  - ${JSON.stringify(i.path)}   # links to ${i.links} prompts`)];
    text = text.replace(/^exclude: \[\]\n/m, `${lines.join('\n')}\n`);
  }
  return text;
}

/** Everything `init` (and the editor's set-up) proposes for a repository. */
export interface InitProposal extends SetupProposal {
  candidates: { groups: CandidateGroup[]; exclusions: string[] };
  indexes: IndexFile[];
  codeownersFile?: string;
}

export function initProposal(facts: { paths: string[]; codeowners?: Codeowners; authors: Identity[]; texts: FileText[] }): InitProposal {
  const isBuiltIn = promptMatcher(defaultConfig());
  return {
    ...proposeSetup(facts.paths, facts.codeowners, facts.authors),
    candidates: proposeCandidates(facts.texts, isBuiltIn, facts.paths),
    indexes: findIndexes(facts.texts, isBuiltIn),
    codeownersFile: facts.codeowners?.file,
  };
}

/** The proposal as people read it, before anything is written: counts per kind, then what else was found. */
export function proposalLines(p: InitProposal, bullets = false): string[] {
  const lines: string[] = [];
  const item = (text: string) => (bullets ? `• ${text.trim().replace(/ {2,}/g, ' ')}` : text);
  lines.push(p.total ? `Found ${plural(p.total, 'prompt file')} in the built-in formats:` : 'Found no prompt files in the built-in formats.');
  const width = Math.max(0, ...p.kinds.map((k) => k.kind.length));
  const more = (k: KindCount) => `${k.examples.join(', ')}${k.count > k.examples.length ? ', …' : ''}`;
  for (const k of p.kinds) lines.push(bullets ? `• ${k.kind}: ${k.count} (${more(k)})` : `  ${k.kind.padEnd(width)}  ${String(k.count).padStart(4)}  ${more(k)}`);
  if (p.candidates.groups.length) {
    const found = p.candidates.groups.reduce((n, g) => n + g.paths.length, 0);
    lines.push(`Found ${plural(found, 'more file')} that look like prompts; proposed under "prompts" after the built-in formats:`);
    for (const g of p.candidates.groups) lines.push(item(`  ${g.glob}  ${plural(g.paths.length, 'file')} (${g.kind}): ${someOf(g.paths)}`));
    if (p.candidates.exclusions.length) lines.push(item(`  left out, as they do not look like prompts: ${someOf(p.candidates.exclusions.map((e) => e.slice(1)))}`));
  }
  if (p.indexes.length) {
    lines.push(`Found ${plural(p.indexes.length, 'link index', 'link indexes')} (a file that lists many prompts and little else); proposed under "exclude", so the prompts listed are not read as its includes:`);
    for (const i of p.indexes) lines.push(item(`  ${i.path}  links to ${plural(i.links, 'prompt')}`));
  }
  if (!p.total && !p.candidates.groups.length) lines.push(bullets ? 'Add globs' : '  Add globs under "prompts" in the configuration for the files you want reviewed.');
  if (p.codeownersFile) {
    const guessed = Object.entries(p.people);
    lines.push(guessed.length ? `People proposed from ${p.codeownersFile} and the commit history (check them):` : `No ${p.codeownersFile} handle matched an email in the history.`);
    for (const [handle, emails] of guessed) lines.push(item(`  ${handle} -> ${emails.join(', ')}`));
    if (p.unmatched.length) lines.push(item(`  no email found for ${someOf(p.unmatched, 5)}: add theirs under "people"`));
  } else {
    lines.push('No CODEOWNERS file: prompts have no owners until you add one (.github/CODEOWNERS).');
  }
  return lines;
}

/** The configuration text for a proposal. */
export function initConfigText(p: InitProposal): string {
  return proposedConfig(p.people, p.unmatched, p.candidates, p.indexes);
}
