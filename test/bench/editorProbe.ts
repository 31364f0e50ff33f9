/*
 * Runs inside the real VS Code extension host for the editor line of `npm run bench`
 * (editor.ts starts it as the extensionTestsPath). It never activates the extension itself:
 * it waits for VS Code to activate it (onStartupFinished), as for a user, then notes when the
 * Prompts tree first has rows, and writes the times (Date.now(), the machine's clock) as JSON
 * to PRC_TEST_RESULT_FILE.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { PromptReleaseApi } from '../../src/extension/extension';

const EXTENSION_ID = 'prompt-release.prompt-release-control';

export interface ProbeResult {
  ok: boolean;
  error?: string;
  /** When the probe started (the extension host had loaded it). */
  probeStartedAt: number;
  activatedAt?: number;
  readyAt?: number;
  /** When the Prompts tree first returned prompt rows (as last seen, or read). */
  filledAt?: number;
  /** When it first had rows read from git in this session. */
  readRowsAt?: number;
  rows?: number;
  prompts?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<void> {
  const result: ProbeResult = { ok: false, probeStartedAt: Date.now() };
  try {
    const deadline = Date.now() + 120_000;
    const ext = vscode.extensions.getExtension<PromptReleaseApi>(EXTENSION_ID);
    if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
    while (!ext.isActive) {
      if (Date.now() > deadline) throw new Error('VS Code did not activate the extension within 120 s');
      await sleep(2);
    }
    const api = ext.exports;
    result.activatedAt = api.activatedAt;
    const tree = api.promptsTree as unknown as { getChildren(): unknown[]; onDidChangeTreeData?: vscode.Event<unknown>; firstRowsAt?: number; readRowsAt?: number; remembered: Thenable<void> };
    // The provider notes when its rows were first there; the probe may start after that moment.
    // Rows are prompts (or their groups), as last seen or read: the "Reading N prompts…" row alone does not count.
    const look = () => {
      const rows = tree.getChildren() as { kind?: string }[];
      if (result.filledAt === undefined && rows.some((r) => r.kind !== 'loading')) result.filledAt = tree.firstRowsAt ?? Date.now();
    };
    const subscription = tree.onDidChangeTreeData?.(look);
    look();
    await api.ready;
    result.readyAt = api.readyAt;
    while (result.filledAt === undefined && Date.now() < deadline) {
      look();
      if (result.filledAt === undefined) await sleep(2);
    }
    while (tree.readRowsAt === undefined && Date.now() < deadline) await sleep(2);
    result.readRowsAt = tree.readRowsAt;
    // The test run's end stops the extension host: first let the rows reach the workbench's
    // workspace state, as they do for a person who keeps the window open (not measured).
    await tree.remembered;
    // A person who uses the view has it open when closing the window: the next session restores it.
    await vscode.commands.executeCommand('promptRelease.prompts.focus');
    subscription?.dispose();
    result.rows = tree.getChildren().length;
    result.prompts = api.workspace.folders[0]?.model?.prompts.length;
    if (result.filledAt === undefined) throw new Error('the Prompts view has no rows 120 s after activation');
    result.ok = true;
  } catch (err) {
    result.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  const file = process.env.PRC_TEST_RESULT_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(result));
}
