/*
 * The editor line of `npm run bench`: in the real VS Code of test/runner (VS Code server +
 * headless Chromium), on the awesome-copilot-shaped repository, the time from the workbench
 * appearing to the Prompts view having its rows.
 *
 *   workbench appears  VS Code's own performance mark `code/didStartWorkbench` in the page
 *                      (performance.timeOrigin + its startTime): the workbench's parts are
 *                      created and shown. The earliest point the page itself says "the
 *                      workbench is there"; the extension host starts after it.
 *   view filled        the moment the Prompts tree provider first returns prompt rows (as last
 *                      seen, or read), noted in the extension host by editorProbe.ts
 *                      (Date.now()); the time to rows read from git is printed beside it. The
 *                      extension is activated by VS Code (workspaceContains, onStartupFinished),
 *                      never by the probe.
 * Every session of one line uses the same VS Code user data, server data, browser profile and
 * port, and ends as a person closes the window (the view's rows stored in workspace state, the
 * page closed with its unload handlers): each session after the first is a reopen of the same
 * window, with VS Code's own caches, the Prompts view open and the rows as last seen.
 * Both are wall-clock times of the same machine. The first session starts without
 * .git/prompt-release or any VS Code state (information); the measured ones keep both. The
 * extension is loaded from dist/extension.js; `npm run bench` makes it with
 * `npm run bundle:release`, the minified bundle `npm run package:vsix` puts in the .vsix.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isInstalled, realVscodePaths } from '../runner/installRealVscode';
import { freePort, QUIET_WORKBENCH_SETTINGS, startRealVscode } from '../runner/realVscode';
import type { ProbeResult } from './editorProbe';
import { median } from './measure';

/** publisher.name from the extension's package.json: the key of its state in VS Code's storage. */
function extensionId(root: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { publisher: string; name: string };
  return `${manifest.publisher}.${manifest.name}`;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Session {
  appearedAt?: number;
  /** When VS Code's extension host process said it had started (its own log), if found. */
  hostStartedAt?: number;
  probe: ProbeResult;
}

async function oneSession(root: string, workspace: string, reuse: { stateDir: string; port: number }, log: (line: string) => void): Promise<Session> {
  const resultDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prc-bench-editor-'));
  const resultFile = path.join(resultDir, 'probe.json');
  const session = await startRealVscode({
    workspace,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test', 'bench', 'editorProbe.js'),
    disableWorkspaceTrust: true,
    env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', PRC_TEST_RESULT_FILE: resultFile },
    settings: { ...QUIET_WORKBENCH_SETTINGS, 'files.autoSave': 'off' },
    reuse,
    timeoutMs: 180_000,
  });
  try {
    let serverGone = false;
    void session.serverExited.then(() => (serverGone = true));
    const deadline = Date.now() + 180_000;
    while (!fs.existsSync(resultFile) && !serverGone && Date.now() < deadline) await sleep(50);
    if (!fs.existsSync(resultFile)) throw new Error(`${serverGone ? 'the VS Code server exited' : 'no result after 180 s'}:\n${session.serverLogTail()}`);
    const probe = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as ProbeResult;
    const marks = (await session.page.evaluate(
      `(() => ({ origin: performance.timeOrigin, marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('code/')).map((m) => [m.name, m.startTime]) }))()`,
    )) as { origin: number; marks: [string, number][] };
    const started = marks.marks.find(([name]) => name === 'code/didStartWorkbench');
    if (started && process.env.BENCH_MARKS) log(marks.marks.map(([n, t]) => `${n} ${((t - started[1]) / 1000).toFixed(2)}`).join('\n'));
    if (!started) log(`no code/didStartWorkbench mark in the page (marks: ${marks.marks.map(([n]) => n).join(', ') || 'none'})`);
    // Not measured: the window is closed as a person closes it, once VS Code web has written the
    // extension's workspace state to the page's IndexedDB, and with its unload handlers, so the
    // workbench saves its layout (the open view) on the way out.
    await untilStored(session.page, extensionId(root), Date.now() + 30_000);
    const closed = new Promise<void>((resolve) => session.page.once('close', () => resolve()));
    await session.page.close({ runBeforeUnload: true });
    await closed;
    return { appearedAt: started ? marks.origin + started[1] : undefined, hostStartedAt: extensionHostStartedAt(session.tempDir), probe };
  } finally {
    await session.dispose();
    fs.rmSync(resultDir, { recursive: true, force: true });
  }
}

/** Waits until the workspace's state database in the page holds the Prompts view's rows as last seen. */
async function untilStored(page: import('playwright-core').Page, extension: string, deadline: number): Promise<void> {
  const stored = `(async () => {
    const get = (req) => new Promise((res, rej) => { req.onsuccess = () => res(req.result); req.onerror = () => rej(req.error); });
    for (const { name } of await indexedDB.databases()) {
      if (!name || !name.startsWith('vscode-web-state-db-') || name.includes('global')) continue;
      const db = await get(indexedDB.open(name));
      try {
        if (!db.objectStoreNames.contains('ItemTable')) continue;
        const value = await get(db.transaction('ItemTable').objectStore('ItemTable').get(${JSON.stringify(extension)}));
        if (typeof value === 'string' && value.includes('promptRelease.lastSeen')) return true;
      } finally { db.close(); }
    }
    return false;
  })()`;
  while (!(await page.evaluate(stored))) {
    if (Date.now() > deadline) throw new Error('the workbench did not store the Prompts view\'s rows in its workspace state within 30 s');
    await sleep(50);
  }
}

/** The extension host's "Extension host with pid N started" line (local time, ms): nothing of an extension runs before it. */
function extensionHostStartedAt(tempDir: string): number | undefined {
  const logs = path.join(tempDir, 'user-data', 'logs');
  if (!fs.existsSync(logs)) return undefined;
  // Each session of a reused state folder adds a log folder named by its start time: the newest is this one.
  for (const run of fs.readdirSync(logs).sort().reverse().slice(0, 1)) {
    const file = path.join(logs, run, 'exthost1', 'remoteexthost.log');
    if (!fs.existsSync(file)) continue;
    const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) \[info\] Extension host with pid \d+ started/m.exec(fs.readFileSync(file, 'utf8'));
    if (m) return new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]).getTime();
  }
  return undefined;
}

export async function measureEditor(root: string, workspace: string, log: (line: string) => void, runs = 3): Promise<{ seconds?: number; why?: string }> {
  const paths = realVscodePaths();
  if (!isInstalled(paths)) {
    return { why: `no real VS Code installed in ${paths.cacheDir} (npm run test:integration installs it; PRC_REAL_VSCODE_CACHE can point at an existing install)` };
  }
  if (!fs.existsSync(paths.chromium)) return { why: `${paths.chromium} is missing (apt-get install chromium)` };
  const bundle = path.join(root, 'dist', 'extension.js');
  if (!fs.existsSync(bundle)) return { why: 'dist/extension.js is missing: run npm run package:vsix' };
  if (!fs.existsSync(path.join(root, 'out', 'test', 'bench', 'editorProbe.js'))) return { why: 'out/test/bench/editorProbe.js is missing: run npm run build' };
  const released = !fs.readFileSync(bundle, 'utf8').includes('sourceMappingURL=');
  log(`VS Code from ${paths.cacheDir}; extension ${released ? 'dist/extension.js as the .vsix ships it (minified by npm run bundle:release)' : 'dist/extension.js of npm run build (not minified: npm run bundle:release makes the one that ships)'}`);
  log('workbench appears = VS Code\'s mark code/didStartWorkbench in the page; filled = the Prompts tree first has prompt rows, not the "Reading N prompts…" row (extension host)');

  // One VS Code state folder (user data, server data, browser profile) and one port for every
  // session: each session after the first is a person reopening the same window.
  const reuse = { stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'prc-bench-vscode-')), port: await freePort() };
  const warm: number[] = [];
  const own: number[] = [];
  const read: number[] = [];
  const floor: number[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const cold = i === 0;
      if (cold) fs.rmSync(path.join(workspace, '.git', 'prompt-release'), { recursive: true, force: true });
      const s = await oneSession(root, workspace, reuse, log);
      const p = s.probe;
      if (!p.ok || p.filledAt === undefined) return { why: `the probe failed: ${p.error ?? 'no rows'}` };
      if (s.appearedAt === undefined) return { why: 'the page has no code/didStartWorkbench mark' };
      const seconds = (p.filledAt - s.appearedAt) / 1000;
      log(
        `${cold ? 'first open (no .git/prompt-release, information)' : `reopen ${i}`}: filled ${seconds.toFixed(2)} s after the workbench appeared ` +
          `(workbench → extension host process started ${s.hostStartedAt === undefined ? '?' : ((s.hostStartedAt - s.appearedAt) / 1000).toFixed(2)} s, → probe running ${((p.probeStartedAt - s.appearedAt) / 1000).toFixed(2)} s, → activation ${((p.activatedAt! - s.appearedAt) / 1000).toFixed(2)} s, ` +
          `activation → rows ${((p.filledAt - p.activatedAt!) / 1000).toFixed(2)} s, → rows read from git ${p.readRowsAt === undefined ? '?' : ((p.readRowsAt - p.activatedAt!) / 1000).toFixed(2)} s; ` +
          `${p.rows} rows, ${p.prompts} prompts in the model)`,
      );
      if (!cold) {
        warm.push(seconds);
        own.push((p.filledAt - p.activatedAt!) / 1000);
        if (p.readRowsAt !== undefined) read.push((p.readRowsAt - s.appearedAt) / 1000);
        if (s.hostStartedAt !== undefined) floor.push((s.hostStartedAt - s.appearedAt) / 1000);
      }
    }
  } catch (err) {
    return { why: `the real VS Code run failed: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}` };
  } finally {
    if (process.env.PRC_KEEP_TMP === '1') log(`kept ${reuse.stateDir}`);
    else fs.rmSync(reuse.stateDir, { recursive: true, force: true, maxRetries: 3 });
  }
  log(`median ${median(warm).toFixed(2)} s, of which the extension (activation → rows) ${median(own).toFixed(2)} s and VS Code before activating it the rest`);
  if (read.length) log(`rows read from git this session (information): ${median(read).toFixed(2)} s after the workbench appeared (median)`);
  if (floor.length) log(`VS Code's extension host process itself started ${median(floor).toFixed(2)} s (median) after the workbench appeared: no extension can show anything sooner in this harness`);
  return { seconds: median(warm) };
}
