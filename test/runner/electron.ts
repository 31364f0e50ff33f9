/*
 * Alternative integration runner with @vscode/test-electron (desktop VS Code),
 * for machines that can download VS Code. It cannot download here, so it is
 * not part of `npm test`.
 *
 *   node out/test/runner/electron.js [RUN_NAME ...]   (env VSCODE_TEST_VERSION, default "stable")
 *
 * Same suite index (out/test/integration/index.js) and same run table (runs.ts)
 * as runIntegration.ts; the environment reaches the extension host through
 * extensionTestsEnv.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import type { SuiteResults } from '../integration/index';
import { integrationPaths, printRun, runEnv, selectRuns, Totals } from './runs';

async function main(): Promise<number> {
  const runs = selectRuns(process.argv.slice(2));
  const { root, extensionTestsPath } = integrationPaths();
  const totals: Totals = { passed: 0, failed: 0, pending: 0 };
  for (const run of runs) {
    const workspace = await run.workspace();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prc-electron-'));
    const resultFile = path.join(tmp, 'results.json');
    process.stdout.write(`integration run "${run.name}" (electron, workspace ${workspace})\n`);
    const launchArgs = [
      workspace,
      '--disable-extensions', // other installed extensions; the development extension still loads
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', path.join(tmp, 'user-data'),
      '--extensions-dir', path.join(tmp, 'extensions'),
    ];
    if (run.disableWorkspaceTrust !== false) {
      launchArgs.push('--disable-workspace-trust');
    }
    let runError: unknown;
    try {
      await runTests({
        version: process.env.VSCODE_TEST_VERSION || 'stable',
        extensionDevelopmentPath: root,
        extensionTestsPath,
        launchArgs,
        extensionTestsEnv: { ...runEnv(run), PRC_TEST_RESULT_FILE: resultFile },
      });
    } catch (err) {
      runError = err; // runTests rejects when run() rejected (failures) or VS Code could not start
    }
    let r: SuiteResults;
    if (fs.existsSync(resultFile)) {
      r = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as SuiteResults;
    } else {
      const error = `no results written${runError ? `: ${(runError as Error).message ?? runError}` : ''}`;
      r = { passed: 0, failed: 1, pending: 0, failures: [{ title: 'integration run', error }], tests: [] };
    }
    printRun(run.name, r);
    totals.passed += r.passed;
    totals.failed += r.failed;
    totals.pending += r.pending;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed\n`);
  return totals.failed > 0 || totals.passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`electron runner failed: ${(err as Error).stack ?? err}\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
