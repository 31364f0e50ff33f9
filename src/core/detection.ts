/**
 * Every prompt format the tool recognises by default: one table drives the default globs,
 * what `init` reports by kind, and the README.
 */
export interface PromptKind {
  kind: string;
  globs: string[];
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
  { kind: 'Claude memory and commands', globs: ['**/CLAUDE.md', '**/.claude/commands/**/*.md', '**/.claude/agents/**/*.md'] },
  { kind: 'Gemini context', globs: ['**/GEMINI.md'] },
  { kind: 'Cursor rules', globs: ['**/.cursor/rules/**/*.mdc'] },
  { kind: 'Prompty', globs: ['**/*.prompty'] },
  { kind: 'Dotprompt', globs: ['**/*.prompt'] },
  { kind: 'GitHub Models prompt', globs: ['**/*.prompt.yml', '**/*.prompt.yaml'] },
  { kind: 'template in a prompts/ folder', globs: PROMPT_FOLDER_EXTENSIONS.map((ext) => `**/prompts/**/*.${ext}`) },
];

export const DEFAULT_PROMPT_GLOBS = PROMPT_KINDS.flatMap((k) => k.globs);
