import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { DEFAULT_PROMPT_GLOBS } from '../prompts/detection';
import { PromptReleaseError, type SourceLocation } from '../common/errors';
import { promptGlobProblem } from '../prompts/glob';
import { closest } from '../common/words';
import { DURATION_PATTERN, parseDuration, type Duration } from '../common/duration';
import { POLICY_RULES } from './rules';
import type { AnySetting, JsonSchema } from './settings';

export const CONFIG_FILE = '.promptrelease.yaml';

/**
 * One environment's policy. Each rule adds the settings it reads, in its own file
 * (`declare module '../config' { interface EnvironmentPolicy { … } }`), next to their
 * declaration (see settings.ts); the generated rules/index.ts fails to compile when a key
 * here has no declared setting.
 */
export interface EnvironmentPolicy {
  name: string;
}

/** The policy as it is written into release evidence: each rule adds what its settings record. */
export interface PolicyRecord {}

export { parseDuration, type Duration };

/** Every environment setting the rules declare, in the order they are listed. */
export const ENVIRONMENT_SETTINGS: readonly AnySetting[] = POLICY_RULES.flatMap((rule) => rule.settings ?? []).sort((a, b) => a.order - b.order);

/** An environment's policy with every setting at its default, then `given`. */
export function environmentPolicy(name: string, index: number, given: Partial<Omit<EnvironmentPolicy, 'name'>> = {}): EnvironmentPolicy {
  const policy: Record<string, unknown> = { name };
  for (const s of ENVIRONMENT_SETTINGS) {
    const value = typeof s.default === 'function' ? (s.default as (index: number) => unknown)(index) : s.default;
    if (value !== undefined) policy[s.key] = value;
  }
  return Object.assign(policy, given) as unknown as EnvironmentPolicy;
}

export interface Config {
  /** Globs in order; a `!glob` excludes what the globs before it matched (gitignore order). */
  prompts: string[];
  /** Globs never treated as prompts, whatever `prompts` says. */
  exclude: string[];
  environments: EnvironmentPolicy[];
  /** CODEOWNERS handle -> emails or other handles. */
  people: Record<string, string[]>;
  /** `signers: <path>`: git's allowed-signers file naming who may sign, itself a rules file. */
  signers?: string;
  maxPromptBytes: number;
  /** The branch whose tip holds the policy and the evidence; empty: the repository's main branch. */
  trustedBranch?: string;
  /** A review request unanswered this long is overdue. */
  escalateAfter?: Duration;
  /** How pull requests are merged into the trusted branch (default merge): says whether unsigned evidence on a branch survives. */
  merge?: MergeMethod;
  /** Where the configuration came from, for messages. */
  source: 'file' | 'default';
}

export { DEFAULT_PROMPT_GLOBS };

export type MergeMethod = 'merge' | 'squash' | 'rebase';
export const MERGE_METHODS: readonly MergeMethod[] = ['merge', 'squash', 'rebase'];

export const DEFAULT_MAX_PROMPT_BYTES = 1024 * 1024;

export function defaultConfig(): Config {
  return {
    prompts: [...DEFAULT_PROMPT_GLOBS],
    exclude: [],
    environments: [
      environmentPolicy('staging', 0, { approvals: 1 }),
      environmentPolicy('production', 1, { approvals: 2, ownerApproval: true }),
    ],
    people: {},
    maxPromptBytes: DEFAULT_MAX_PROMPT_BYTES,
    source: 'default',
  };
}

/** What `prompt-release init` writes: the defaults, with every setting explained. */
export const DEFAULT_CONFIG_TEXT = `# Prompt Release Control: which files are prompts and what a release needs.
# The gate reads this file from the tip of the trusted branch (main by default). When
# CODEOWNERS gives this file an owner, a change takes effect only once another owner
# approves it: prompt-release review .promptrelease.yaml --approve

# Globs (relative to the repository root) of the files treated as prompts, in order: a
# "!glob" excludes what the globs before it matched. Leave it out to use the built-in formats
# (Copilot, AGENTS.md, SKILL.md, CLAUDE.md, GEMINI.md, Cursor rules, Prompty, Dotprompt,
# GitHub Models, templates in prompts/ folders).
# prompts:
#   - "prompts/**/*.md"
#   - "!prompts/drafts/**"

# Globs never treated as prompts, e.g. vendored examples.
exclude: []

# Ordered: a version is released to each environment in turn.
${settingComments()}
environments:
  staging:
    approvals: 1
  production:
    approvals: 2
    ownerApproval: true
#   checks: [eval]
#   criteria: ["brand voice", "no legal claims", "no personal data"]
#   reviewEvery: 90d

# A review request unanswered this long is overdue and listed by status --attention.
# escalateAfter: 3d

# CODEOWNERS handles -> git identities (emails) or other handles.
# Owners written as emails in CODEOWNERS need no entry here.
people: {}
#   "@alice": [alice@example.com]
#   "@prompt-team": ["@alice", "@bob"]

# The protected branch whose tip holds this policy and the review evidence (default: main,
# else master, else origin's default branch). Best named in full (refs/heads/main); a short
# name a tag or another branch also means is refused. CI passes --trusted refs/remotes/origin/main.
# trustedBranch: main

# How pull requests are merged into the trusted branch: merge (default), squash or rebase.
# A squash merge makes the pull request's author the author of every record on it, so
# unsigned approvals made on the branch stop counting: sign records, or merge with merge commits.
# merge: merge

# Prompts larger than this many bytes are refused.
maxPromptBytes: ${DEFAULT_MAX_PROMPT_BYTES}
`;

export const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const HANDLE = /^@[A-Za-z0-9](?:[A-Za-z0-9_.-]*)(?:\/[A-Za-z0-9_.-]+)?$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

/** Parses `.promptrelease.yaml`; every error names file:line:col. */
/**
 * The same text is parsed several times in one refresh (the tip's guess, the history's
 * signers, the rules in force): its answer is kept, and each caller gets its own copy.
 */
const parsedConfigs = new Map<string, { config: Config } | { error: unknown }>();
const PARSED_CONFIGS_KEPT = 64;

export function parseConfig(text: string, file = CONFIG_FILE): Config {
  const key = `${file}\0${text}`;
  let known = parsedConfigs.get(key);
  if (!known) {
    try {
      known = { config: parseConfigText(text, file) };
    } catch (error) {
      known = { error };
    }
    if (parsedConfigs.size >= PARSED_CONFIGS_KEPT) parsedConfigs.delete(parsedConfigs.keys().next().value!);
    parsedConfigs.set(key, known);
  }
  if ('error' in known) throw known.error;
  return structuredClone(known.config);
}

function parseConfigText(text: string, file: string): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const at = (node: YamlNode | null | undefined, fallbackOffset = 0): SourceLocation => {
    const offset = node?.range?.[0] ?? fallbackOffset;
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, col: pos.col };
  };
  const fail = (message: string, node?: YamlNode | null): never => {
    throw new PromptReleaseError('invalid-config', message, {
      location: at(node),
      hint: `Fix ${file}, or delete it to use the defaults (prompt-release init writes a commented example).`,
    });
  };

  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    throw new PromptReleaseError('invalid-config', `${file} is not valid YAML: ${first.message.split('\n')[0]}`, {
      location: { file, line: pos?.line, col: pos?.col },
      hint: `Fix the YAML syntax in ${file}.`,
    });
  }

  const config = defaultConfig();
  config.source = 'file';
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return config;
  if (!isMap(root)) return fail(`${file} must be a mapping with keys prompts, environments, people`, root);

  for (const pair of root.items) {
    const keyNode = pair.key as YamlNode;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const value = pair.value as YamlNode | null;
    switch (key) {
      case 'prompts':
      case 'exclude': {
        const list = (value ?? undefined) as YamlNode | undefined;
        if (key === 'exclude' && (list === undefined || (isScalar(list) && list.value === null))) break;
        if (!isSeq(list) || (key === 'prompts' && list.items.length === 0)) fail(`"${key}" must be a${key === 'prompts' ? ' non-empty' : ''} list of globs`, value ?? keyNode);
        config[key] = (list as any).items.map((item: YamlNode) => {
          if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim() === '') {
            return fail(`each entry of "${key}" must be a glob string`, item);
          }
          const glob = item.value;
          const body = glob.replace(/^!/, '');
          if (key === 'exclude' && glob.startsWith('!')) return fail(`"${glob}": exclude takes plain globs; a "!" belongs in "prompts"`, item);
          if (body === '') return fail(`"${glob}" excludes nothing: write the glob after the "!"`, item);
          if (body.startsWith('/') || body.split('/').includes('..')) return fail(`glob "${glob}" must be relative to the repository root`, item);
          const problem = promptGlobProblem(body);
          if (problem) return fail(`glob "${glob}" cannot be used: ${problem}`, item);
          if (/^!/.test(glob) && (list as any).items.indexOf(item) === 0) return fail(`"${glob}" comes first, so there is nothing before it to exclude from; list the globs it narrows first`, item);
          return glob;
        });
        break;
      }
      case 'environments': {
        if (!isMap(value) || value.items.length === 0) {
          fail('"environments" must map environment names to policies, e.g. production: { approvals: 2 }', value ?? keyNode);
        }
        config.environments = (value as any).items.map((envPair: any, index: number) =>
          parseEnvironment(envPair.key, envPair.value, index, fail),
        );
        break;
      }
      case 'people': {
        if (value === null || (isScalar(value) && value.value === null)) break;
        if (!isMap(value)) fail('"people" must map CODEOWNERS handles to lists of emails or handles', value ?? keyNode);
        config.people = {};
        for (const personPair of (value as any).items) {
          const handleNode = personPair.key as YamlNode;
          const handle = isScalar(handleNode) ? String(handleNode.value) : '';
          if (!HANDLE.test(handle)) fail(`"${handle}" is not a CODEOWNERS handle like @alice or @org/team`, handleNode);
          const members = personPair.value as YamlNode;
          const list = isSeq(members) ? members.items : isScalar(members) ? [members] : fail(`"${handle}" must list emails or handles`, members);
          config.people[handle] = (list as YamlNode[]).map((m) => {
            const v = isScalar(m) ? String(m.value ?? '') : '';
            if (!HANDLE.test(v) && !EMAIL.test(v)) fail(`"${v}" under ${handle} is neither an email nor a @handle`, m);
            return v;
          });
        }
        break;
      }
      case 'trustedBranch': {
        if (!isScalar(value) || typeof value.value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value.value) || value.value.includes('..')) {
          fail('"trustedBranch" must be a branch name like refs/remotes/origin/main, origin/main or main', value ?? keyNode);
        }
        config.trustedBranch = (value as any).value;
        break;
      }
      case 'signers': {
        const v = isScalar(value) && typeof value.value === 'string' ? value.value.trim() : '';
        const parts = v.split('/');
        if (!v || v.startsWith('/') || /[\\\x00-\x1f]/.test(v) || parts.includes('..') || parts.includes('.') || parts.includes('') || v === CONFIG_FILE || /(^|\/)CODEOWNERS$/.test(v) || v.startsWith('.promptrelease/')) {
          fail('"signers" must be the path of an allowed-signers file relative to the repository root, like .github/allowed_signers', value ?? keyNode);
        }
        config.signers = v;
        break;
      }
      case 'merge': {
        const v = isScalar(value) ? String(value.value ?? '') : '';
        if (!(MERGE_METHODS as readonly string[]).includes(v)) {
          fail(`"merge" must be merge, squash or rebase: how pull requests are merged into the trusted branch${v ? `, not "${v}"` : ''}`, value ?? keyNode);
        }
        config.merge = v as MergeMethod;
        break;
      }
      case 'escalateAfter': {
        const duration = isScalar(value) ? parseDuration(String(value.value ?? '')) : undefined;
        if (!duration) fail('"escalateAfter" must be a length of time like 3d, 12h or 2w', value ?? keyNode);
        config.escalateAfter = duration;
        break;
      }
      case 'maxPromptBytes': {
        if (!isScalar(value) || !Number.isInteger(value.value) || (value.value as number) <= 0) {
          fail('"maxPromptBytes" must be a positive whole number', value ?? keyNode);
        }
        config.maxPromptBytes = (value as any).value;
        break;
      }
      default:
        fail(`unknown setting "${key}" (expected ${listed(TOP_LEVEL_SETTINGS.map((s) => s.key), 'or')})${didYouMean(key, TOP_LEVEL_SETTINGS.map((s) => s.key))}`, keyNode);
    }
  }
  return config;
}

function parseEnvironment(
  keyNode: YamlNode,
  value: YamlNode | null,
  index: number,
  fail: (message: string, node?: YamlNode | null) => never,
): EnvironmentPolicy {
  const name = isScalar(keyNode) ? String(keyNode.value) : '';
  if (!ENV_NAME.test(name)) fail(`environment name "${name}" may use only letters, digits, "-" and "_"`, keyNode);
  const policy = environmentPolicy(name, index);
  if (value === null || (isScalar(value) && value.value === null)) return policy;
  if (!isMap(value)) fail(`the policy of "${name}" must be a mapping like { approvals: 2, ownerApproval: true }`, value);
  const keys = ENVIRONMENT_SETTINGS.map((s) => s.key);
  for (const pair of (value as any).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const v = pair.value as YamlNode | null;
    const declared = ENVIRONMENT_SETTINGS.find((s) => s.key === key);
    if (!declared) fail(`unknown policy key "${key}" in "${name}" (expected ${keys.join(', ')})${didYouMean(key, keys)}`, pair.key);
    (policy as unknown as Record<string, unknown>)[key] = declared!.parse(v, { env: name, index, fail: (message, node) => fail(message, node === undefined ? (v ?? pair.key) : node) });
  }
  for (const s of ENVIRONMENT_SETTINGS) s.settle?.(policy);
  return policy;
}

export function findEnvironment(config: Config, name: string): EnvironmentPolicy {
  const env = config.environments.find((e) => e.name === name);
  if (!env) {
    const names = config.environments.map((e) => e.name);
    const guess = closest(name, names);
    throw new PromptReleaseError('unknown-environment', `unknown environment "${name}"`, {
      hint: `${guess ? `Did you mean "${guess}"? ` : ''}Environments configured: ${names.join(', ')}.`,
    });
  }
  return env;
}

/** The policy as it is written into release evidence: what each setting records (settings left at their default are left out). */
export function policyRecord(env: EnvironmentPolicy): PolicyRecord {
  const record: Record<string, unknown> = {};
  for (const s of ENVIRONMENT_SETTINGS) {
    const value = (env as unknown as Record<string, unknown>)[s.key];
    if (value === undefined || !s.record) continue;
    const recorded = (s.record as (value: unknown) => unknown)(value);
    if (recorded !== undefined) record[s.key] = recorded;
  }
  return record as unknown as PolicyRecord;
}

/** "a, b or c". */
function listed(words: string[], last: 'or' | 'and'): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} ${last} ${words[words.length - 1]}`;
}

function didYouMean(word: string, candidates: string[]): string {
  const guess = closest(word, candidates);
  return guess ? `; did you mean "${guess}"?` : '';
}

/** The lines of init's text that explain each environment setting, wrapped, from the rules' declarations. */
function settingComments(): string {
  const width = Math.max(...ENVIRONMENT_SETTINGS.map((s) => s.key.length)) + 2;
  const lines: string[] = [];
  for (const s of ENVIRONMENT_SETTINGS) {
    const words = `${s.meaning.replace(/`/g, '')} (default: ${s.defaultText})`.split(' ');
    let line = `#   ${`${s.key}:`.padEnd(width)}`;
    let fresh = true;
    for (const word of words) {
      if (!fresh && line.length + 1 + word.length > 92) {
        lines.push(line);
        line = `#   ${' '.repeat(width)}${word}`;
      } else line += (fresh ? '' : ' ') + word;
      fresh = false;
    }
    lines.push(line);
  }
  return lines.join('\n');
}

/** The top-level settings of .promptrelease.yaml (environments' own come from the rules): for the unknown-setting message and the JSON Schema. */
export const TOP_LEVEL_SETTINGS: readonly { key: string; meaning: string; schema: JsonSchema }[] = [
  {
    key: 'prompts',
    meaning: 'Globs (relative to the repository root) of the files treated as prompts, in order: a "!glob" excludes what the globs before it matched. Leave it out to use the built-in formats.',
    schema: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
  },
  { key: 'exclude', meaning: 'Globs never treated as prompts, whatever "prompts" says, e.g. vendored examples.', schema: { type: ['array', 'null'], items: { type: 'string', minLength: 1, pattern: '^[^!]' } } },
  {
    key: 'environments',
    meaning: 'Ordered: a version is released to each environment in turn. Each maps to its policy.',
    schema: { type: 'object' },
  },
  {
    key: 'people',
    meaning: 'CODEOWNERS handles -> git identities (emails) or other handles. Owners written as emails in CODEOWNERS need no entry here.',
    schema: {
      type: ['object', 'null'],
      patternProperties: { [HANDLE.source]: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] } },
      additionalProperties: false,
    },
  },
  {
    key: 'signers',
    meaning: "Path of git's allowed-signers file (relative to the repository root, e.g. .github/allowed_signers) naming whose keys sign records; itself a rules file.",
    schema: { type: 'string', minLength: 1 },
  },
  {
    key: 'trustedBranch',
    meaning: 'The protected branch whose tip holds this policy and the review evidence, best named in full (refs/heads/main). Default: main, else master, else origin\'s default branch.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$' },
  },
  {
    key: 'merge',
    meaning: 'How pull requests are merged into the trusted branch: merge (default), squash or rebase; says whether unsigned evidence made on a branch survives.',
    schema: { type: 'string', enum: [...MERGE_METHODS] },
  },
  { key: 'escalateAfter', meaning: 'A review request unanswered this long (3d, 12h, 2w) is overdue and listed by status --attention.', schema: { type: 'string', pattern: DURATION_PATTERN } },
  { key: 'maxPromptBytes', meaning: 'Prompts larger than this many bytes are refused.', schema: { type: 'integer', minimum: 1, default: DEFAULT_MAX_PROMPT_BYTES } },
];
