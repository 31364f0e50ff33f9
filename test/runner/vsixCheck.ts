/*
 * Installs the packaged .vsix into a fresh real VS Code (no development path) and checks,
 * through the browser, that the extension activates and works on a prompt.
 */
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from './installRealVscode';
import { createStatesRepo } from './promptFixtures';
import { openFile, QUIET_WORKBENCH_SETTINGS, startRealVscode, waitForWorkbench } from './realVscode';

export const VSIX = 'prompt-release-control.vsix';
const MAX_BYTES = 1024 * 1024;

export async function checkInstalledVsix(log: (line: string) => void = () => undefined): Promise<{ passed: number; failed: number; failures: { title: string; error: string }[] }> {
  const failures: { title: string; error: string }[] = [];
  let passed = 0;
  const step = async (title: string, run: () => Promise<void> | void) => {
    try {
      await run();
      passed++;
      log(`  ok   [vsix] ${title}`);
    } catch (err) {
      failures.push({ title: `[vsix] ${title}`, error: err instanceof Error ? err.message : String(err) });
      log(`  FAIL [vsix] ${title}\n       ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const vsix = path.join(repoRoot(), VSIX);
  await step('the package exists and is under 1 MB', () => {
    if (!fs.existsSync(vsix)) throw new Error(`${VSIX} is missing: run npm run package`);
    const size = fs.statSync(vsix).size;
    if (size >= MAX_BYTES) throw new Error(`${VSIX} is ${size} bytes`);
  });
  if (failures.length) return { passed, failed: failures.length, failures };

  const workspace = await createStatesRepo();
  const session = await startRealVscode({
    workspace,
    installVsix: [vsix],
    settings: QUIET_WORKBENCH_SETTINGS,
    env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
  try {
    await waitForWorkbench(session.page);
    await step('the installed extension activates and shows a prompt\'s state in the editor', async () => {
      await openFile(session.page, 'prompts/released.prompt.md');
      await session.page
        .locator('.codelens-decoration', { hasText: 'released to production as v1' })
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
    });
    await step('its activity bar container is there', async () => {
      await session.page.locator('.activitybar [aria-label^="Prompt Releases"]').first().waitFor({ state: 'attached', timeout: 20_000 });
    });
  } finally {
    await session.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  return { passed, failed: failures.length, failures };
}

if (require.main === module) {
  checkInstalledVsix((line) => console.log(line)).then((r) => {
    console.log(`${r.passed} passed, ${r.failed} failed`);
    process.exitCode = r.failed ? 1 : 0;
  });
}
