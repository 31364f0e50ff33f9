/*
 * Runs the extension inside a REAL VS Code (1.139, from npm code-server's
 * lib/vscode):
 *
 *   Node 24 + lib/vscode/out/server-main.js  <--  headless Chromium (playwright-core)
 *   opened at  http://127.0.0.1:PORT/?folder=WS&payload=[extensionDevelopmentPath, extensionTestsPath]
 *
 * Two entry points:
 *   - runInRealVscode(opts): run a suite index (extensionTestsPath) and return
 *     its results (read from the JSON file the index writes).
 *   - startRealVscode(opts): start server + browser, return the Playwright page
 *     (for end-to-end checks: click CodeLens / tree / webview, screenshots)
 *     and a dispose() that closes everything.
 *
 * Environment variables for the extension host are given to the SERVER
 * process: the extension host it spawns inherits the server's environment.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { execFileSync, spawn, ChildProcess } from 'child_process';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { installRealVscode, RealVscodePaths } from './installRealVscode';

export { QUIET_WORKBENCH_SETTINGS, waitForWorkbench, openFile, runCommand } from './workbench';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface StartOptions {
  /** Absolute folder opened as the workspace (appears as a file:// workspace folder). */
  workspace: string;
  /** Absolute path of the extension folder (the one with package.json). Omit to open plain VS Code. */
  extensionDevelopmentPath?: string;
  /** Absolute path of a module exporting run(): Promise<void> (".js" may be omitted). */
  extensionTestsPath?: string;
  /** Pass --disable-workspace-trust to the server (default true). false = Restricted Mode applies. */
  disableWorkspaceTrust?: boolean;
  /** Extra environment for the server, inherited by the extension host. */
  env?: Record<string, string>;
  /** Browser viewport (default 1600x1000). */
  viewport?: { width: number; height: number };
  /** Extra [key, value] entries for the workbench URL payload (e.g. ["logLevel","trace"]). */
  payload?: [string, string][];
  /** Written to <user-data-dir>/User/settings.json and <server-data-dir>/data/Machine/settings.json. */
  settings?: Record<string, unknown>;
  /** Keep the temp dirs (logs, user data) after dispose(); also PRC_KEEP_TMP=1. */
  keepTemp?: boolean;
  /** Progress/diagnostic lines (default: silent). */
  log?: (line: string) => void;
  /** .vsix files installed into the fresh extensions folder before the server starts. */
  installVsix?: string[];
  /**
   * A browser to reuse (from launchBrowser()); the session then opens its own
   * context in it and leaves the browser open on dispose(). Saves ~2 s per session.
   */
  browser?: Browser;
  /**
   * Reopen rather than first start: VS Code's user data, server data, extensions folder and a
   * browser profile live in this folder and are kept after dispose(), and the server listens on
   * `port`, so the workspace keeps its identity (and its stored state) from one session to the
   * next, as for a person who closes and reopens a window. `browser` is then ignored: the
   * session opens its own persistent browser context.
   */
  reuse?: { stateDir: string; port: number };
}

export interface RealVscodeSession {
  port: number;
  url: string;
  page: Page;
  /** The browser the context runs in; undefined for a persistent (reuse) context. */
  browser?: Browser;
  context: BrowserContext;
  server: ChildProcess;
  /** Temp root (or the reuse state folder) holding user-data/, server-data/, extensions/, server.log, browser.log. */
  tempDir: string;
  serverLogFile: string;
  browserLogFile: string;
  paths: RealVscodePaths;
  /** Resolves with the exit code/signal when the server process ends. */
  serverExited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Last lines the server printed (for error messages). */
  serverLogTail(): string;
  /** Screenshot of the page; returns the file path. */
  screenshot(file: string): Promise<string>;
  /** Closes the browser, kills the server's process group, removes temp dirs. Idempotent. */
  dispose(): Promise<void>;
}

export interface RunOptions {
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  workspace: string;
  disableWorkspaceTrust?: boolean;
  env?: Record<string, string>;
  /** Where the suite index writes its JSON (PRC_TEST_RESULT_FILE); default: a temp file. */
  resultFile?: string;
  /** Overall limit from server start to results (default 180 s). */
  timeoutMs?: number;
  /** If set, a screenshot of the workbench is saved here when the run ends (and on failure). */
  screenshotDir?: string;
  /** Name used in screenshot file names (default "run"). */
  name?: string;
  settings?: Record<string, unknown>;
  keepTemp?: boolean;
  log?: (line: string) => void;
  /** A browser to reuse across runs (see launchBrowser()). */
  browser?: Browser;
}

export interface RunResult {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
  tests: { title: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number; error?: string }[];
  timings?: { what: string; ms: number }[];
  durationMs: number;
  screenshot?: string;
}

/** Loads playwright-core from the .cache install (the project need not have it installed). */
export function loadPlaywright(paths: RealVscodePaths): typeof import('playwright-core') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(paths.playwrightCore);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** How often a wait re-checks its condition. */
const POLL_INTERVAL_MS = 150;
/** The most a clean-up step may take before we move on to killing what is left. */
const atMost = (ms: number): Promise<void> => sleep(ms);
const CLOSE_LIMIT_MS = 5_000;
const EXIT_LIMIT_MS = 3_000;

/** The workbench URL: folder + payload with vscode-remote:// URIs, as in real-vscode.md. */
export function workbenchUrl(
  port: number,
  workspace: string,
  opts: { extensionDevelopmentPath?: string; extensionTestsPath?: string; payload?: [string, string][] } = {},
): string {
  const authority = `127.0.0.1:${port}`;
  const remote = (p: string): string => `vscode-remote://${authority}${encodeURI(path.resolve(p))}`;
  const payload: [string, string][] = [
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  if (opts.extensionDevelopmentPath) {
    payload.push(['extensionDevelopmentPath', remote(opts.extensionDevelopmentPath)]);
  }
  if (opts.extensionTestsPath) {
    payload.push(['extensionTestsPath', remote(opts.extensionTestsPath.replace(/\.js$/, ''))]);
  }
  payload.push(...(opts.payload ?? []));
  // A .code-workspace file opens a multi-root workspace.
  const target = workspace.endsWith('.code-workspace') ? 'workspace' : 'folder';
  return (
    `http://${authority}/?${target}=${encodeURI(path.resolve(workspace))}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`
  );
}

/** Servers not yet disposed: killed if this process exits without dispose() (Ctrl+C, crash). */
const liveServers = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const s of liveServers) {
      killGroup(s, 'SIGKILL');
    }
  });
}

/** Launches headless Chromium (flags from real-vscode.md) through playwright-core from the cache. */
export async function launchBrowser(timeoutMs = 60_000): Promise<Browser> {
  const { chromium, executablePath } = chromiumLauncher();
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: timeoutMs });
}

/** Headless Chromium with a profile folder kept on disk (its IndexedDB holds VS Code web's stored state). */
async function launchPersistentBrowser(profileDir: string, viewport: { width: number; height: number }, timeoutMs: number): Promise<BrowserContext> {
  const { chromium, executablePath } = chromiumLauncher();
  return chromium.launchPersistentContext(profileDir, { executablePath, headless: true, args: CHROMIUM_ARGS, timeout: timeoutMs, viewport });
}

function chromiumLauncher() {
  const paths = installRealVscode();
  if (!fs.existsSync(paths.chromium)) {
    throw new Error(`${paths.chromium} is missing: apt-get install chromium libkrb5-dev (npm test and npm start install them when they can)`);
  }
  return { chromium: loadPlaywright(paths).chromium, executablePath: paths.chromium };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal); // the server was spawned detached: its own process group
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Starts the VS Code server on a free port; resolves once it answers HTTP. */
async function startServer(
  paths: RealVscodePaths,
  dirs: { userData: string; serverData: string; extensions: string; log: string },
  opts: StartOptions,
  deadline: number,
): Promise<{ port: number; server: ChildProcess; exited: RealVscodeSession['serverExited']; tail: () => string }> {
  for (let attempt = 1; ; attempt++) {
    const port = opts.reuse?.port ?? (await freePort());
    const args = [
      paths.serverMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--disable-telemetry',
      '--enable-smoke-test-driver',
      '--user-data-dir', dirs.userData,
      '--server-data-dir', dirs.serverData,
      '--extensions-dir', dirs.extensions,
    ];
    if (opts.disableWorkspaceTrust !== false) {
      args.push('--disable-workspace-trust');
    }
    // The extension host inherits this environment. Drop variables of an
    // enclosing npm run / Electron / VS Code that would confuse the server.
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!/^(npm_|ELECTRON_|VSCODE_)/i.test(k)) {
        env[k] = v;
      }
    }
    Object.assign(env, opts.env ?? {});
    // PATH is left as is: the server starts the extension host with its own
    // binary (process.execPath = Node 24), so `node` on PATH in the extension
    // host stays the machine's Node.

    const logStream = fs.createWriteStream(dirs.log, { flags: 'a' });
    installExitHook();
    const server = spawn(paths.node, args, {
      cwd: opts.workspace.endsWith('.code-workspace') ? path.dirname(opts.workspace) : opts.workspace,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tailLines: string[] = [];
    const onData = (chunk: Buffer): void => {
      logStream.write(chunk);
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (line.trim()) {
          tailLines.push(line);
          if (tailLines.length > 40) {
            tailLines.shift();
          }
        }
      }
    };
    liveServers.add(server);
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    let exitedFlag = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      server.on('exit', (code, signal) => {
        exitedFlag = true;
        liveServers.delete(server);
        resolve({ code, signal });
      });
      server.on('error', (err) => {
        tailLines.push(`spawn error: ${err.message}`);
        exitedFlag = true;
        resolve({ code: -1, signal: null });
      });
    });
    exited.then(() => logStream.end());
    const tail = (): string => tailLines.join('\n');

    opts.log?.(`server: starting on port ${port} (attempt ${attempt})`);
    while (!exitedFlag && Date.now() < deadline) {
      if (await httpOk(`http://127.0.0.1:${port}/version`)) {
        return { port, server, exited, tail };
      }
      await sleep(POLL_INTERVAL_MS);
    }
    if (!exitedFlag) {
      killGroup(server, 'SIGKILL');
      throw new Error(`VS Code server did not answer on port ${port} in time:\n${tail()}`);
    }
    // Most likely the port was taken between freePort() and listen(): retry.
    if (attempt >= 3 || !/EADDRINUSE/.test(tail())) {
      throw new Error(`VS Code server exited before it answered:\n${tail()}`);
    }
  }
}

/** Starts the VS Code server and a headless Chromium on the workbench URL. */
export async function startRealVscode(opts: StartOptions & { timeoutMs?: number }): Promise<RealVscodeSession> {
  const t0 = Date.now();
  const deadline = t0 + (opts.timeoutMs ?? 120_000);
  const paths = installRealVscode();
  const tempDir = opts.reuse ? opts.reuse.stateDir : fs.mkdtempSync(path.join(os.tmpdir(), 'prc-vscode-'));
  const dirs = {
    userData: path.join(tempDir, 'user-data'),
    serverData: path.join(tempDir, 'server-data'),
    extensions: path.join(tempDir, 'extensions'),
    log: path.join(tempDir, 'server.log'),
  };
  for (const d of [dirs.userData, dirs.serverData, dirs.extensions]) {
    fs.mkdirSync(d, { recursive: true });
  }
  if (opts.settings) {
    for (const f of [
      path.join(dirs.userData, 'User', 'settings.json'),
      path.join(dirs.serverData, 'data', 'Machine', 'settings.json'),
    ]) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, JSON.stringify(opts.settings, null, 2));
    }
  }
  const browserLogFile = path.join(tempDir, 'browser.log');
  const keep = opts.keepTemp || process.env.PRC_KEEP_TMP === '1';

  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const ownBrowser = !opts.browser;
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) {
      return;
    }
    disposed = true;
    if (opts.reuse && context) {
      await Promise.race([context.close().catch(() => undefined), atMost(CLOSE_LIMIT_MS)]);
    } else if (ownBrowser && browser) {
      await Promise.race([browser.close().catch(() => undefined), atMost(CLOSE_LIMIT_MS)]);
    } else if (context) {
      await Promise.race([context.close().catch(() => undefined), atMost(CLOSE_LIMIT_MS)]);
    }
    if (server && server.exitCode === null && server.signalCode === null) {
      const gone = new Promise<void>((r) => server!.once('exit', () => r()));
      killGroup(server, 'SIGTERM');
      await Promise.race([gone, atMost(EXIT_LIMIT_MS)]);
      // Whatever is left of the group (extension host, pty host, file watcher...).
      killGroup(server, 'SIGKILL');
    } else if (server) {
      killGroup(server, 'SIGKILL');
    }
    if (!keep && !opts.reuse) {
      fs.rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
    } else {
      opts.log?.(`kept ${tempDir}`);
    }
  };

  try {
    for (const vsix of opts.installVsix ?? []) {
      execFileSync(paths.node, [paths.serverMain, '--install-extension', vsix, '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData, '--server-data-dir', dirs.serverData, '--accept-server-license-terms'], { stdio: 'pipe', timeout: 120_000 });
      opts.log?.(`installed ${vsix}`);
    }
    const started = await startServer(paths, dirs, opts, deadline);
    server = started.server;
    opts.log?.(`server: up on port ${started.port} after ${Date.now() - t0} ms`);

    const viewport = opts.viewport ?? { width: 1600, height: 1000 };
    if (opts.reuse) {
      context = await launchPersistentBrowser(path.join(tempDir, 'browser-profile'), viewport, Math.max(10_000, deadline - Date.now()));
    } else {
      browser = opts.browser ?? (await launchBrowser(Math.max(10_000, deadline - Date.now())));
      context = await browser.newContext({ viewport });
    }
    const page = context.pages()[0] ?? (await context.newPage());
    const browserLog = fs.createWriteStream(browserLogFile, { flags: 'a' });
    page.on('console', (msg) => browserLog.write(`[${msg.type()}] ${msg.text()}\n`));
    page.on('pageerror', (err) => browserLog.write(`[pageerror] ${err.stack ?? err.message}\n`));
    page.on('crash', () => browserLog.write('[crash] page crashed\n'));
    context.on('close', () => browserLog.end());

    const url = workbenchUrl(started.port, opts.workspace, opts);
    opts.log?.(`browser: opening ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: Math.max(10_000, deadline - Date.now()) });

    const session: RealVscodeSession = {
      port: started.port,
      url,
      page,
      browser,
      context,
      server,
      tempDir,
      serverLogFile: dirs.log,
      browserLogFile,
      paths,
      serverExited: started.exited,
      serverLogTail: started.tail,
      screenshot: async (file: string) => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await page.screenshot({ path: file });
        return file;
      },
      dispose,
    };
    return session;
  } catch (err) {
    await dispose();
    throw err;
  }
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Runs the suite index `extensionTestsPath` inside the real extension host
 * and returns its results. Never throws for test failures; a run that cannot
 * complete (timeout, server crash) is returned as one failure.
 */
export async function runInRealVscode(opts: RunOptions): Promise<RunResult> {
  const t0 = Date.now();
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const deadline = t0 + timeoutMs;
  let ownResultDir: string | undefined;
  let resultFile = opts.resultFile;
  if (!resultFile) {
    ownResultDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prc-results-'));
    resultFile = path.join(ownResultDir, 'results.json');
  }
  fs.rmSync(resultFile, { force: true });

  const fail = (title: string, error: string): RunResult => ({
    passed: 0,
    failed: 1,
    pending: 0,
    failures: [{ title, error }],
    tests: [{ title, state: 'failed', error }],
    durationMs: Date.now() - t0,
  });

  let session: RealVscodeSession | undefined;
  let result: RunResult;
  try {
    session = await startRealVscode({
      workspace: opts.workspace,
      extensionDevelopmentPath: opts.extensionDevelopmentPath,
      extensionTestsPath: opts.extensionTestsPath,
      disableWorkspaceTrust: opts.disableWorkspaceTrust,
      env: { ...(opts.env ?? {}), PRC_TEST_RESULT_FILE: resultFile },
      // Tests edit documents without saving them; the server's auto-save would write them to
      // disk after a second on a slow machine, and a later commit or file watcher would see it.
      settings: { 'files.autoSave': 'off', ...opts.settings },
      keepTemp: opts.keepTemp,
      log: opts.log,
      browser: opts.browser,
      timeoutMs,
    });
    const s = session;
    let serverGone = false;
    void s.serverExited.then(() => (serverGone = true));
    while (!fs.existsSync(resultFile) && !serverGone && Date.now() < deadline) {
      await sleep(POLL_INTERVAL_MS);
    }
    if (fs.existsSync(resultFile)) {
      const r = readJson(resultFile) as Omit<RunResult, 'durationMs'>;
      result = {
        passed: r.passed ?? 0,
        failed: r.failed ?? 0,
        pending: r.pending ?? 0,
        failures: r.failures ?? [],
        tests: r.tests ?? [],
        timings: r.timings ?? [],
        durationMs: Date.now() - t0,
      };
    } else {
      const why = serverGone ? 'the VS Code server exited' : `no results after ${timeoutMs} ms`;
      let browserTail = '';
      try {
        browserTail = fs.readFileSync(s.browserLogFile, 'utf8').split('\n').slice(-30).join('\n');
      } catch {
        /* no browser log */
      }
      result = fail(
        'integration run',
        `${why} (results file ${resultFile} never written)\n--- server log tail ---\n${s.serverLogTail()}\n--- browser console tail ---\n${browserTail}`,
      );
    }
    if (opts.screenshotDir) {
      try {
        const shot = path.join(opts.screenshotDir, `${opts.name ?? 'run'}.png`);
        result.screenshot = await s.screenshot(shot);
      } catch (err) {
        opts.log?.(`screenshot failed: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    result = fail('integration run', (err as Error).stack ?? String(err));
  } finally {
    await session?.dispose();
    if (ownResultDir) {
      fs.rmSync(ownResultDir, { recursive: true, force: true });
    }
  }
  result.durationMs = Date.now() - t0;
  return result;
}
