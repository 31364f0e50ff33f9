/*
 * npm run test:integration
 *   node out/test/runner/runIntegration.js [RUN_NAME ...] [journeys] [vsix] [--screenshots DIR] [--keep] [--verbose]
 *
 * Runs every run of the table in runs.ts inside a real VS Code 1.139
 * (server + headless Chromium, see realVscode.ts), then the end-to-end
 * journeys of journeys.ts (clicks and keys on the workbench; they rewrite the
 * README screenshots in images/, or in DIR with --screenshots), prints each
 * test, and ends with the line "N passed, N failed". Exits non-zero on any
 * failure or if no test ran. Installs the real VS Code into .cache/real-vscode
 * on first use. Name "journeys" alone to run only the journeys; name runs
 * without "journeys" to skip them.
 *
 * Environment: PRC_SCREENSHOTS=DIR (same as --screenshots), PRC_KEEP_TMP=1 (keep temp dirs).
 */
import * as fs from 'fs';
import { installRealVscode } from './installRealVscode';
import { runJourneys } from './journeys';
import { checkInstalledVsix } from './vsixCheck';
import { launchBrowser, runInRealVscode } from './realVscode';
import { integrationPaths, printRun, runEnv, selectRuns, Totals } from './runs';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let screenshotDir = process.env.PRC_SCREENSHOTS || undefined;
  let keep = false;
  let verbose = false;
  let grep: string | undefined;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--screenshots') {
      screenshotDir = argv[++i];
    } else if (a === '--keep') {
      keep = true;
    } else if (a === '--verbose') {
      verbose = true;
    } else if (a === '--grep') {
      grep = argv[++i];
    } else if (a.startsWith('-')) {
      throw new Error(`unknown option ${a}`);
    } else {
      names.push(a);
    }
  }
  // "journeys" is not a run of the table: it selects the end-to-end journeys.
  // "vsix" likewise selects the check of the packaged extension.
  const runNames = names.filter((n) => n !== 'journeys' && n !== 'vsix');
  const withJourneys = names.length === 0 || names.includes('journeys');
  const withVsix = names.length === 0 || names.includes('vsix');
  const runs = runNames.length === 0 && names.length > 0 ? [] : selectRuns(runNames);
  const { root, extensionTestsPath } = integrationPaths();
  if (!fs.existsSync(extensionTestsPath)) {
    throw new Error(`${extensionTestsPath} is missing: run npm run build first`);
  }
  installRealVscode();

  const totals: Totals = { passed: 0, failed: 0, pending: 0 };
  const t0 = Date.now();
  // One Chromium for all runs (each run gets its own server and browser context).
  const browser = await launchBrowser();
  try {
    for (const run of runs) {
      const workspace = await run.workspace();
      process.stdout.write(`integration run "${run.name}" (workspace ${workspace}${run.disableWorkspaceTrust === false ? ', workspace trust on' : ''})\n`);
      const r = await runInRealVscode({
        name: run.name,
        extensionDevelopmentPath: root,
        extensionTestsPath,
        workspace,
        disableWorkspaceTrust: run.disableWorkspaceTrust !== false,
        env: runEnv(grep ? { ...run, grep } : run),
        timeoutMs: run.timeoutMs,
        screenshotDir,
        keepTemp: keep,
        browser,
        log: verbose ? (l) => process.stdout.write(`    ${l}\n`) : undefined,
      });
      printRun(run.name, r);
      for (const t of r.timings ?? []) process.stdout.write(`  timing [${run.name}] ${t.what}: ${Math.round(t.ms)} ms\n`);
      process.stdout.write(
        `  [${run.name}] done in ${(r.durationMs / 1000).toFixed(1)} s: ${r.passed} ok, ${r.failed} failing, ${r.pending} pending` +
          (r.screenshot ? `; screenshot ${r.screenshot}` : '') +
          '\n',
      );
      if (!keep) {
        fs.rmSync(workspace, { recursive: true, force: true });
      }
      totals.passed += r.passed;
      totals.failed += r.failed;
      totals.pending += r.pending;
    }
    if (withJourneys) {
      const j = await runJourneys({
        screenshotsDir: screenshotDir,
        browser,
        keep,
        log: verbose ? (l) => process.stdout.write(`    ${l}\n`) : undefined,
      });
      totals.passed += j.passed;
      totals.failed += j.failed;
    }
    if (withVsix) {
      process.stdout.write('installing the packaged .vsix into a fresh VS Code\n');
      const v = await checkInstalledVsix((line) => process.stdout.write(line + '\n'));
      totals.passed += v.passed;
      totals.failed += v.failed;
    }
  } finally {
    await browser.close().catch(() => undefined);
  }
  process.stdout.write(`integration: ${runs.length} run(s)${withJourneys ? ' + journeys' : ''} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  if (totals.pending > 0) {
    process.stdout.write(`${totals.pending} pending\n`);
  }
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed\n`);
  if (totals.passed + totals.failed === 0) {
    process.stderr.write('no integration test ran\n');
    return 1;
  }
  return totals.failed > 0 ? 1 : 0;
}

// Ctrl+C / kill: exit normally so realVscode's exit hook kills the servers.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => process.exit(130));
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`integration runner failed: ${(err as Error).stack ?? err}\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
