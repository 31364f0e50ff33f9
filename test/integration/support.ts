/* Helpers for suites that run inside the VS Code extension host. */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PromptReleaseApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'prompt-release.prompt-release-control';

export async function api(): Promise<PromptReleaseApi> {
  const ext = vscode.extensions.getExtension<PromptReleaseApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const extensionApi = await ext.activate();
  await extensionApi.ready;
  return extensionApi;
}

export function root(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  return folder.uri.fsPath;
}

export function fileUri(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(root(), rel));
}

export function git(args: string[], who?: { name: string; email: string }): string {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  if (who) Object.assign(env, { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email });
  return execFileSync('git', args, { cwd: root(), env, encoding: 'utf8' });
}

/** Polls until `check` returns a truthy value; fails with `what` after the timeout. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function codeLensTitles(rel: string): Promise<string[]> {
  // The command works on loaded documents only.
  await vscode.workspace.openTextDocument(fileUri(rel));
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fileUri(rel))) ?? [];
  return lenses.map((l) => l.command?.title ?? '');
}

export async function stateLens(rel: string): Promise<string> {
  return (await codeLensTitles(rel)).find((t) => t.startsWith('$(shield)')) ?? '';
}

/** Records what a user waited for; the runner prints it next to the suite's results. Never asserted. */
export function reportTiming(what: string, ms: number): void {
  const store = globalThis as { __prcTimings?: { what: string; ms: number }[] };
  (store.__prcTimings ??= []).push({ what, ms });
}

/** The packaged CLI, run as `who` in the workspace: how a test sets up the state it needs. */
export function cli(args: string[], who?: { name: string; email: string }): { code: number; stdout: string } {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  if (who) Object.assign(env, { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email });
  try {
    const stdout = execFileSync(process.execPath, [path.join(ext.extensionPath, 'dist/cli.js'), ...args], { cwd: root(), env, encoding: 'utf8' });
    return { code: 0, stdout };
  } catch (err: any) {
    return { code: err.status ?? -1, stdout: String(err.stdout ?? '') + String(err.stderr ?? '') };
  }
}

