/*
 * Small Playwright helpers for end-to-end checks against the web workbench
 * started by startRealVscode() (realVscode.ts). Selectors are those of VS Code 1.139.
 *
 *   const s = await startRealVscode({ workspace, extensionDevelopmentPath: root, settings: QUIET_WORKBENCH_SETTINGS });
 *   try {
 *     await waitForWorkbench(s.page);
 *     await openFile(s.page, 'hello.prompt.md');
 *     await runCommand(s.page, 'Prompt Release: Refresh');
 *     await s.screenshot('/tmp/shots/after-refresh.png');
 *   } finally { await s.dispose(); }
 */
import type { Page } from 'playwright-core';

/**
 * Settings that keep the workbench uncluttered for screenshots: no Chat panel
 * on the right, no Welcome/start editor. Pass as StartOptions.settings.
 */
export const QUIET_WORKBENCH_SETTINGS: Record<string, unknown> = {
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
};

/** Waits until the workbench has rendered (status bar present and the extension host connected). */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
  // The explorer shows the folder once the remote file system answered.
  await page.waitForSelector('.monaco-workbench .explorer-folders-view, .monaco-workbench .part.sidebar', {
    timeout: timeoutMs,
  });
}

async function quickInput(page: Page, key: string, text: string, rowText: string, timeoutMs: number): Promise<void> {
  await page.keyboard.press(key);
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(text);
  // Wait for the matching row before Enter: pressing Enter on a list that
  // is still loading does nothing (the usual source of flakiness here).
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: rowText }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
export async function openFile(page: Page, fileName: string, timeoutMs = 20_000): Promise<void> {
  const base = fileName.split('/').pop() ?? fileName;
  await quickInput(page, 'Control+P', fileName, base, timeoutMs);
  await page.locator('.tabs-container .tab', { hasText: base }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Runs a command by its palette label (e.g. "Prompt Release: Refresh") through F1. */
export async function runCommand(page: Page, label: string, timeoutMs = 20_000): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${label}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
}
