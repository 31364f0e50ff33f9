/*
 * The layering rule, run by `npm test` before the suites: dependencies point one way,
 * extension/cli -> usecases -> git -> core; the runtime loader stands alone. core is the domain (no vscode, no processes,
 * no file system); git is the only code that runs git; usecases (review, release, verify, export, …) is the one layer
 * the CLI and the editor both call; cli and extension never import each other.
 * Exits 1 naming every import that breaks it, with file and line.
 */
import * as fs from 'fs';
import * as path from 'path';

type Layer = 'core' | 'git' | 'usecases' | 'cli' | 'extension' | 'runtime';

/** What each layer may import, besides its own files. */
const ALLOWED_LAYERS: Record<Layer, Layer[]> = {
  core: [],
  git: ['core'],
  usecases: ['git', 'core'],
  cli: ['usecases', 'git', 'core'],
  extension: ['usecases', 'git', 'core'],
  // Shipped inside applications: Node's own modules only, nothing of the tool.
  runtime: [],
};

/** Packages and built-in modules each layer may use; anything else is a finding. */
const ALLOWED_MODULES: Record<Layer, string[]> = {
  core: ['crypto', 'diff', 'picomatch', 'yaml'],
  git: ['fs', 'os', 'path', 'simple-git', 'diff', 'async_hooks', 'string_decoder'],
  usecases: ['fs', 'path', 'diff'],
  cli: ['fs', 'path', 'util'],
  extension: ['vscode', 'fs', 'path', 'crypto', 'os'],
  runtime: ['fs', 'path', 'crypto'],
};

/**
 * Single files allowed one module more than their layer. `check --run` runs the user's own
 * check command (an eval, a linter), never git: that one small module may start a process.
 */
const FILE_EXCEPTIONS: Record<string, string[]> = {
  'cli/runCheck.ts': ['child_process'],
  // Signing runs ssh-keygen from PATH (never a configured program), in its own session so it cannot prompt.
  'git/signing.ts': ['child_process'],
  // The command's starter compiles the program with V8's code cache (vm), checks the cache's digest (crypto), tunes V8 for a short run (v8) and gives the program a require (module).
  'cli/bin.ts': ['vm', 'module', 'crypto', 'v8'],
};

export interface Finding {
  file: string;
  line: number;
  message: string;
}

const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function layerOf(file: string, srcRoot: string): Layer | undefined {
  const first = path.relative(srcRoot, file).split(path.sep)[0];
  return (['core', 'git', 'usecases', 'cli', 'extension', 'runtime'] as Layer[]).find((l) => l === first);
}

export function checkLayers(srcRoot: string): Finding[] {
  const findings: Finding[] = [];
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  for (const file of walk(srcRoot)) {
    const layer = layerOf(file, srcRoot);
    if (!layer) continue;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, index) => {
      // Comments may show code (a usage example); only code is checked.
      if (/^\s*(\/\/|\/?\*)/.test(text)) return;
      for (const match of text.matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2] ?? match[3];
        const where = { file: path.relative(path.dirname(srcRoot), file), line: index + 1 };
        if (specifier.startsWith('.')) {
          const target = layerOf(path.resolve(path.dirname(file), specifier), srcRoot);
          if (target && target !== layer && !ALLOWED_LAYERS[layer].includes(target)) {
            findings.push({ ...where, message: `${layer} must not import ${target} ("${specifier}"): dependencies point extension/cli -> usecases -> git -> core` });
          }
        } else {
          const name = specifier.replace(/^node:/, '').split('/')[0];
          const own = FILE_EXCEPTIONS[path.relative(srcRoot, file).split(path.sep).join('/')] ?? [];
          if (!ALLOWED_MODULES[layer].includes(name) && !own.includes(name)) {
            findings.push({ ...where, message: `${layer} must not use "${specifier}"${name === 'child_process' || name === 'simple-git' ? ': only src/git runs git' : ''}` });
          }
        }
      }
    });
  }
  return findings;
}

if (require.main === module) {
  const srcRoot = path.resolve(__dirname, '..', '..', '..', 'src');
  const findings = checkLayers(srcRoot);
  for (const f of findings) console.error(`${f.file}:${f.line}: ${f.message}`);
  console.log(findings.length ? `${findings.length} layering problems.` : 'Layering: every import points extension/cli -> usecases -> git -> core.');
  process.exit(findings.length ? 1 : 0);
}
