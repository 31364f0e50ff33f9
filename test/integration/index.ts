/*
 * Suite index for the integration tests. It runs INSIDE the VS Code extension
 * host (real `vscode` API) and is loaded by both runners:
 *   - test/runner/runIntegration.ts (VS Code server + Chromium, see real-vscode.md)
 *   - test/runner/electron.ts       (@vscode/test-electron, desktop VS Code)
 *
 * Environment (set by the runner on the VS Code server / electron process):
 *   PRC_TEST_RESULT_FILE  where to write {passed, failed, pending, failures, tests} as JSON
 *   PRC_SUITES            optional comma-separated suite basenames ("activation" or
 *                         "activation.itest" or "activation.itest.js")
 *   PRC_GREP              optional mocha grep
 *   PRC_TEST_TIMEOUT      optional per-test timeout in ms (default 30000)
 */
import * as fs from 'fs';
import * as path from 'path';
import type MochaType = require('mocha');

export interface TestRecord {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface SuiteResults {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
  tests: TestRecord[];
  /** What users wait for, measured by the suites and reported next to the results (never asserted). */
  timings?: { what: string; ms: number }[];
}

function loadMocha(): typeof MochaType {
  // mocha 12 is an ES module package; its CommonJS build is lib/mocha.cjs.
  // Requiring that directly works the same under Node 20, the VS Code
  // server's Node 24 and Electron.
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('mocha/lib/mocha.cjs');
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('mocha');
    return (typeof m === 'function' ? m : m.default) as typeof MochaType;
  }
}

/** All *.itest.js files below this folder, filtered by PRC_SUITES. */
export function findSuiteFiles(root: string = __dirname, suites = process.env.PRC_SUITES): string[] {
  const wanted = (suites ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\.js$/, '').replace(/\.itest$/, ''))
    .filter((s) => s.length > 0);
  const files = (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.itest.js'))
    .map((f) => path.join(root, f))
    .sort();
  if (wanted.length === 0) {
    return files;
  }
  const missing = wanted.filter((w) => !files.some((f) => path.basename(f, '.itest.js') === w));
  if (missing.length > 0) {
    throw new Error(`PRC_SUITES names unknown suites: ${missing.join(', ')}`);
  }
  return files.filter((f) => wanted.includes(path.basename(f, '.itest.js')));
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    return err.stack ?? `${err.name}: ${err.message}`;
  }
  return String(err);
}

function writeResults(results: SuiteResults): void {
  const file = process.env.PRC_TEST_RESULT_FILE;
  if (!file) {
    return;
  }
  results.timings = (globalThis as { __prcTimings?: { what: string; ms: number }[] }).__prcTimings ?? [];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so a runner polling for the file never reads half of it.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2));
  fs.renameSync(tmp, file);
}

export function run(): Promise<void> {
  const results: SuiteResults = { passed: 0, failed: 0, pending: 0, failures: [], tests: [] };
  let files: string[];
  let mocha: MochaType;
  try {
    const Mocha = loadMocha();
    mocha = new Mocha({
      ui: 'bdd',
      color: false,
      reporter: 'spec',
      timeout: Number(process.env.PRC_TEST_TIMEOUT || 30000),
      ...(process.env.PRC_GREP ? { grep: process.env.PRC_GREP } : {}),
    });
    files = findSuiteFiles();
    for (const f of files) {
      mocha.addFile(f);
    }
  } catch (err) {
    results.failed = 1;
    results.failures.push({ title: 'integration suite setup', error: errorText(err) });
    writeResults(results);
    return Promise.reject(err);
  }

  return new Promise<void>((resolve, reject) => {
    const finish = (): void => {
      writeResults(results);
      if (results.failed > 0) {
        reject(new Error(`${results.failed} integration test(s) failed`));
      } else if (results.passed === 0) {
        reject(new Error(`no integration test ran (files: ${files.length})`));
      } else {
        resolve();
      }
    };
    try {
      const runner = mocha.run();
      runner.on('pass', (test) => {
        results.passed++;
        results.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
      });
      runner.on('fail', (test, err) => {
        // Also fires for failing hooks (title "before all" hook ...).
        results.failed++;
        const error = errorText(err);
        results.failures.push({ title: test.fullTitle(), error });
        results.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error });
      });
      runner.on('pending', (test) => {
        results.pending++;
        results.tests.push({ title: test.fullTitle(), state: 'pending' });
      });
      runner.on('end', finish);
    } catch (err) {
      // e.g. a suite file that throws while loading
      results.failed++;
      results.failures.push({ title: 'loading integration suites', error: errorText(err) });
      writeResults(results);
      reject(err);
    }
  });
}
