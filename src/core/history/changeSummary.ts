import { diffLines } from 'diff';
import { parse as parseYaml } from 'yaml';
import { plural } from '../common/words';

/**
 * What a change to a prompt means, above its line diff: settings of the model (front matter,
 * `.prompt.yml` parameters, Prompty's `model:`), template variables added or removed, and
 * messages whose role or text changed. Pure text in, plain data out.
 */
export interface ChangeSummary {
  linesAdded: number;
  linesRemoved: number;
  /** Settings that changed, by dotted key (`model`, `config.temperature`, `tools`). */
  settings: { key: string; before?: string; after?: string }[];
  variablesAdded: string[];
  variablesRemoved: string[];
  /** Messages by position and role: added, removed, or with new text. */
  messages: { index: number; role: string; change: 'added' | 'removed' | 'changed' | 'role changed'; before?: string }[];
  /** Why a part could not be compared (front matter that no longer parses, …). */
  notes: string[];
}

interface Parsed {
  settings: Map<string, string>;
  body: string;
  messages: { role: string; text: string }[];
  note?: string;
}

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export function summarizeChange(path: string, before: string, after: string): ChangeSummary {
  const summary: ChangeSummary = { linesAdded: 0, linesRemoved: 0, settings: [], variablesAdded: [], variablesRemoved: [], messages: [], notes: [] };
  for (const part of diffLines(before, after)) {
    if (part.added) summary.linesAdded += part.count ?? 0;
    if (part.removed) summary.linesRemoved += part.count ?? 0;
  }
  const left = parsePrompt(path, before);
  const right = parsePrompt(path, after);
  for (const note of [left.note && `before: ${left.note}`, right.note && `now: ${right.note}`]) if (note) summary.notes.push(note);

  for (const key of [...new Set([...left.settings.keys(), ...right.settings.keys()])].sort()) {
    const was = left.settings.get(key);
    const now = right.settings.get(key);
    if (was !== now) summary.settings.push({ key, before: was, after: now });
  }
  const wasVars = templateVariables(left.body + '\n' + left.messages.map((m) => m.text).join('\n'));
  const nowVars = templateVariables(right.body + '\n' + right.messages.map((m) => m.text).join('\n'));
  summary.variablesAdded = [...nowVars].filter((v) => !wasVars.has(v)).sort();
  summary.variablesRemoved = [...wasVars].filter((v) => !nowVars.has(v)).sort();

  const count = Math.max(left.messages.length, right.messages.length);
  for (let i = 0; i < count; i++) {
    const was = left.messages[i];
    const now = right.messages[i];
    if (!was) summary.messages.push({ index: i + 1, role: now.role, change: 'added' });
    else if (!now) summary.messages.push({ index: i + 1, role: was.role, change: 'removed' });
    else if (was.role !== now.role) summary.messages.push({ index: i + 1, role: now.role, change: 'role changed', before: was.role });
    else if (was.text.trim() !== now.text.trim()) summary.messages.push({ index: i + 1, role: now.role, change: 'changed' });
  }
  return summary;
}

/** One line per meaningful change, for the CLI, a confirmation and the diff view. */
export function formatChangeSummary(summary: ChangeSummary): string[] {
  const lines: string[] = [];
  for (const s of summary.settings) {
    if (s.before === undefined) lines.push(`${s.key}: set to ${s.after}`);
    else if (s.after === undefined) lines.push(`${s.key}: removed (was ${s.before})`);
    else lines.push(`${s.key}: ${s.before} → ${s.after}`);
  }
  if (summary.variablesAdded.length || summary.variablesRemoved.length) {
    const parts = [...summary.variablesAdded.map((v) => `+ {{${v}}}`), ...summary.variablesRemoved.map((v) => `− {{${v}}}`)];
    lines.push(`template variables: ${parts.join(', ')}`);
  }
  for (const m of summary.messages) {
    if (m.change === 'role changed') lines.push(`message ${m.index}: role ${m.before} → ${m.role}`);
    else lines.push(`message ${m.index} (${m.role}): ${m.change}`);
  }
  lines.push(...summary.notes);
  return lines;
}

export function formatLineCounts(summary: Pick<ChangeSummary, 'linesAdded' | 'linesRemoved'>): string {
  const { linesAdded: added, linesRemoved: removed } = summary;
  if (added === 0 && removed === 0) return 'no line changes';
  return `+${added} −${removed} line${added + removed === 1 ? '' : 's'}`;
}

function parsePrompt(path: string, text: string): Parsed {
  const name = path.toLowerCase();
  if (/\.prompt\.ya?ml$/.test(name)) return parseModelsFile(text);
  const parsed: Parsed = { settings: new Map(), body: text, messages: [] };
  const match = FRONT_MATTER.exec(text);
  if (match) {
    parsed.body = text.slice(match[0].length);
    try {
      flatten(parseYaml(match[1]), '', parsed.settings);
    } catch (err) {
      parsed.note = `the front matter does not parse (${firstLine(err)})`;
    }
  }
  parsed.messages = roleSections(name, parsed.body);
  return parsed;
}

/** GitHub Models `.prompt.yml`: settings are every key but `messages`, which are compared as messages. */
function parseModelsFile(text: string): Parsed {
  const parsed: Parsed = { settings: new Map(), body: '', messages: [] };
  try {
    const data = parseYaml(text) as Record<string, unknown> | null;
    if (data && typeof data === 'object') {
      const { messages, testData, evaluators, ...rest } = data;
      flatten(rest, '', parsed.settings);
      if (Array.isArray(messages)) {
        parsed.messages = messages.map((m) => ({ role: String((m as { role?: unknown })?.role ?? '?'), text: String((m as { content?: unknown })?.content ?? '') }));
      }
      if (testData !== undefined) parsed.settings.set('testData', plural(Array.isArray(testData) ? testData.length : 1, 'case'));
      if (evaluators !== undefined) parsed.settings.set('evaluators', JSON.stringify(evaluators));
    }
  } catch (err) {
    parsed.note = `the file does not parse as YAML (${firstLine(err)})`;
  }
  return parsed;
}

/**
 * Messages written in the body: Prompty's `system:` / `user:` lines and Dotprompt's
 * `{{role "system"}}`. Other formats have one body and no roles.
 */
function roleSections(name: string, body: string): { role: string; text: string }[] {
  const marker = name.endsWith('.prompty')
    ? /^[ \t]*(system|user|assistant|developer)[ \t]*:[ \t]*$/gim
    : name.endsWith('.prompt')
      ? /\{\{\s*role\s+"(system|user|model|assistant|tool)"\s*\}\}/g
      : undefined;
  if (!marker) return [];
  const found = [...body.matchAll(marker)];
  return found.map((m, i) => ({ role: m[1].toLowerCase(), text: body.slice(m.index! + m[0].length, found[i + 1]?.index ?? body.length) }));
}

const HANDLEBARS_KEYWORDS = new Set(['else', 'this', 'true', 'false', 'null', 'undefined', 'role', 'history', 'section', 'media', 'json', 'ifEquals', 'unlessEquals', 'in', 'not', 'and', 'or', 'is', 'loop']);

/**
 * Names a template reads: `{{name}}`, `{{ user.name }}`, `{{#if flag}}`, `{{#each items}}`,
 * Jinja's `{% for x in items %}` and `{% if x %}`, and `${name}` / `${inputs.name}`.
 */
export function templateVariables(text: string): Set<string> {
  const names = new Set<string>();
  const add = (raw: string | undefined) => {
    const name = raw?.trim().replace(/^(inputs|input|this|@root)\./, '');
    if (!name || !/^[A-Za-z_][\w.]*$/.test(name)) return;
    const head = name.split('.')[0];
    if (!HANDLEBARS_KEYWORDS.has(head)) names.add(name);
  };
  for (const m of text.matchAll(/\{\{\{?\s*([#^/>!]?)\s*([^{}]*?)\s*\}?\}\}/g)) {
    const [, sigil, inner] = m;
    if (sigil === '/' || sigil === '>' || sigil === '!') continue;
    const words = inner.split(/[\s|()]+/).filter(Boolean);
    if (sigil === '#' || sigil === '^') add(words[1]);
    else if (words.length === 1) add(words[0]);
    else if (!HANDLEBARS_KEYWORDS.has(words[0])) add(words[0]);
    else for (const w of words.slice(1)) if (!/^["'\d]/.test(w) && !w.includes('=')) add(w);
  }
  for (const m of text.matchAll(/\{%-?\s*(?:for\s+\w+(?:\s*,\s*\w+)?\s+in\s+([\w.]+)|(?:if|elif)\s+(?:not\s+)?([\w.]+))[^%]*-?%\}/g)) add(m[1] ?? m[2]);
  for (const m of text.matchAll(/\$\{\s*([\w.]+)\s*\}/g)) if (!m[1].startsWith('file')) add(m[1]);
  return names;
}

function flatten(value: unknown, prefix: string, into: Map<string, string>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
    return;
  }
  if (!prefix) return;
  into.set(prefix, Array.isArray(value) ? value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ') : typeof value === 'string' ? value : JSON.stringify(value));
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
