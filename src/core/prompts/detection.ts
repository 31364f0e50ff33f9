/**
 * Every prompt format the tool recognises by default: one table drives the default globs,
 * what `init` reports by kind, and the README.
 */
export interface PromptKind {
  kind: string;
  globs: string[];
  /** Files the globs take that are not prompts of this kind (a folder's README). */
  except?: string[];
}

/** Text and template files that a `prompts/` folder may hold as prompts; code and build files there are not prompts. */
export const PROMPT_FOLDER_EXTENSIONS = ['md', 'mdx', 'markdown', 'txt', 'text', 'prompt', 'j2', 'jinja', 'jinja2', 'hbs', 'handlebars', 'mustache', 'liquid', 'tmpl', 'tpl', 'yaml', 'yml', 'xml'];

export const PROMPT_KINDS: PromptKind[] = [
  { kind: 'Copilot prompt file', globs: ['**/*.prompt.md'] },
  { kind: 'Copilot instructions', globs: ['**/*.instructions.md', '**/copilot-instructions.md'] },
  { kind: 'Copilot custom agent', globs: ['**/*.agent.md'] },
  { kind: 'Copilot chat mode', globs: ['**/*.chatmode.md'] },
  { kind: 'AGENTS.md', globs: ['**/AGENTS.md'] },
  { kind: 'Agent skill', globs: ['**/SKILL.md'] },
  { kind: 'Claude memory, commands and rules', globs: ['**/CLAUDE.md', '**/.claude/commands/**/*.md', '**/.claude/agents/**/*.md', '**/.claude/rules/**/*.md'] },
  { kind: 'Gemini context and commands', globs: ['**/GEMINI.md', '**/.gemini/commands/**/*.toml'] },
  { kind: 'Codex prompts', globs: ['**/.codex/prompts/**/*.md', '**/AGENTS.override.md'] },
  { kind: 'Cursor rules and commands', globs: ['**/.cursor/rules/**/*.mdc', '**/.cursor/rules/**/*.md', '**/.cursor/commands/**/*.md', '**/.cursorrules'] },
  { kind: 'Windsurf rules', globs: ['**/.windsurf/rules/**/*.md', '**/.windsurf/workflows/**/*.md', '**/.windsurfrules'] },
  { kind: 'Cline and Roo rules', globs: ['**/.clinerules/**/*.md', '**/.clinerules', '**/.roo/rules/**/*.md', '**/.roo/rules-*/**/*.md'] },
  { kind: 'Kiro steering', globs: ['**/.kiro/steering/**/*.md'] },
  { kind: 'Prompty', globs: ['**/*.prompty'] },
  { kind: 'Dotprompt', globs: ['**/*.prompt'] },
  { kind: 'GitHub Models prompt', globs: ['**/*.prompt.yml', '**/*.prompt.yaml'] },
  { kind: 'template in a prompts/ folder', globs: PROMPT_FOLDER_EXTENSIONS.map((ext) => `**/prompts/**/*.${ext}`), except: ['**/prompts/**/README.md'] },
];

export const DEFAULT_PROMPT_GLOBS = PROMPT_KINDS.flatMap((k) => [...k.globs, ...(k.except ?? []).map((g) => `!${g}`)]);
