/*
 * The table of integration runs, shared by both runners
 * (runIntegration.ts = real VS Code server + Chromium, electron.ts = @vscode/test-electron).
 *
 * Each run starts ONE VS Code (server + browser, or one Electron window) on
 * its own fresh workspace and runs a selection of the *.itest.js suites in
 * the extension host. Results of all runs are summed.
 *
 * To add a run (e.g. another git identity, or Restricted Mode):
 *   {
 *     name: 'restricted',
 *     workspace: () => createFixtureRepo(),
 *     disableWorkspaceTrust: false,          // workspace is untrusted -> Restricted Mode
 *     env: { PRC_EXPECT_RESTRICTED: '1' },   // reaches the extension host as process.env
 *     suites: ['restricted'],                // out/test/integration/**\/restricted.itest.js
 *   }
 */
import * as path from 'path';
import { createFixtureRepo } from './fixtures';
import { createBranchRepo, createMultiRootWorkspace, createPlainFolder, createRenamedRepo, createScaleRepo, createStatesRepo } from './promptFixtures';
import { repoRoot } from './installRealVscode';

export interface IntegrationRun {
  /** Unique name (used for selection on the command line and screenshot names). */
  name: string;
  /** Creates the folder to open; called once per run. */
  workspace: () => string | Promise<string>;
  /** Default true. false leaves workspace trust on: the folder opens in Restricted Mode. */
  disableWorkspaceTrust?: boolean;
  /** Extra environment for the extension host. */
  env?: Record<string, string>;
  /** Suite basenames (without .itest.js) -> PRC_SUITES. Omit for all suites. */
  suites?: string[];
  /** Mocha grep -> PRC_GREP. */
  grep?: string;
  /** Per-run overall limit (default 180 s). */
  timeoutMs?: number;
}

/** The machine's own git identity and config must not leak into the fixtures' behaviour. */
const ISOLATED_GIT = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

export const RUNS: IntegrationRun[] = [
  {
    name: 'default',
    workspace: () => createFixtureRepo(),
    disableWorkspaceTrust: true,
    suites: ['activation'],
  },
  {
    name: 'editor',
    workspace: () => createStatesRepo(),
    disableWorkspaceTrust: true,
    env: ISOLATED_GIT,
    suites: ['editor'],
  },
  {
    name: 'release',
    workspace: () => createStatesRepo(),
    disableWorkspaceTrust: true,
    env: ISOLATED_GIT,
    suites: ['release'],
  },
  {
    // Review criteria, includes, feedback and escalation: each test commits the rules it needs.
    name: 'lifecycle',
    workspace: () => createStatesRepo(),
    disableWorkspaceTrust: true,
    env: ISOLATED_GIT,
    suites: ['lifecycle'],
  },
  {
    name: 'multi-root',
    workspace: () => createMultiRootWorkspace(),
    disableWorkspaceTrust: true,
    env: ISOLATED_GIT,
    suites: ['multiRoot'],
  },
  {
    name: 'restricted',
    workspace: () => createStatesRepo(),
    disableWorkspaceTrust: false,
    env: ISOLATED_GIT,
    suites: ['restricted'],
  },
  {
    // What a user waits for on a large library; timings are printed, not asserted.
    name: 'scale',
    workspace: () => createScaleRepo(),
    disableWorkspaceTrust: true,
    env: ISOLATED_GIT,
    suites: ['largeView', 'scale'],
    timeoutMs: 300_000,
  },
  {
    // One folder's queue (priority, coalescing, change events) and the Prompts view's groupings.
    name: 'folder-repository',
    workspace: () => createStatesRepo(),
    disableWorkspaceTrust: true,
    env: ISOLATED_GIT,
    suites: ['folderRepository'],
  },
  {
    // A pull request branch: approvals recorded there count only once merged, and the editor says so.
    name: 'branch',
    workspace: () => createBranchRepo(),
    disableWorkspaceTrust: true,
    env: ISOLATED_GIT,
    suites: ['branch'],
  },
  {
    // A prompt renamed twice: the history view shows what `prompt-release history --json` shows.
    name: 'history',
    workspace: () => createRenamedRepo(),
    disableWorkspaceTrust: true,
    env: ISOLATED_GIT,
    suites: ['history'],
  },
  {
    name: 'no-repository',
    workspace: () => createPlainFolder(),
    disableWorkspaceTrust: true,
    env: ISOLATED_GIT,
    suites: ['noRepository'],
  },
];

/** Paths shared by both runners. */
export function integrationPaths(): { root: string; extensionTestsPath: string } {
  const root = repoRoot();
  return { root, extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index.js') };
}

/** The environment a run gives the extension host (besides PRC_TEST_RESULT_FILE). */
export function runEnv(run: IntegrationRun): Record<string, string> {
  const env: Record<string, string> = { ...(run.env ?? {}) };
  if (run.suites && run.suites.length > 0) {
    env.PRC_SUITES = run.suites.join(',');
  }
  if (run.grep) {
    env.PRC_GREP = run.grep;
  }
  return env;
}

/** Runs selected by name on the command line (all when none named). */
export function selectRuns(names: string[]): IntegrationRun[] {
  if (names.length === 0) {
    return RUNS;
  }
  const unknown = names.filter((n) => !RUNS.some((r) => r.name === n));
  if (unknown.length > 0) {
    throw new Error(`unknown run(s): ${unknown.join(', ')}; known: ${RUNS.map((r) => r.name).join(', ')}`);
  }
  return RUNS.filter((r) => names.includes(r.name));
}

export interface Totals {
  passed: number;
  failed: number;
  pending: number;
}

/** Prints one run's tests; returns nothing. */
export function printRun(
  name: string,
  r: { tests: { title: string; state: string; durationMs?: number; error?: string }[]; failures: { title: string; error: string }[] },
): void {
  const out = (s: string): boolean => process.stdout.write(s + '\n');
  const listed = new Set<string>();
  for (const t of r.tests) {
    listed.add(t.title);
    const mark = t.state === 'passed' ? 'ok  ' : t.state === 'pending' ? 'skip' : 'FAIL';
    const ms = t.durationMs !== undefined ? ` (${t.durationMs} ms)` : '';
    out(`  ${mark} [${name}] ${t.title}${ms}`);
    if (t.error) {
      out(indent(t.error, '       '));
    }
  }
  for (const f of r.failures) {
    if (!listed.has(f.title)) {
      out(`  FAIL [${name}] ${f.title}`);
      out(indent(f.error, '       '));
    }
  }
}

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}
