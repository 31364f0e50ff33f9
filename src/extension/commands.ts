import * as vscode from 'vscode';
import type { CommandId } from './commandIds';
import { resolvePrompt } from './diffs';
import { guarded } from './errors';
import type { PromptAt, PromptWorkspace } from './workspace';

/**
 * One command: its id, what it does in words (for error messages: "Could not <action>"), and
 * its handler. A handler with `prompt: true` receives the prompt its argument names: a URI
 * from a CodeLens, a tree item, the dashboard, or else the active editor.
 */
export type CommandSpec =
  | { id: CommandId; action: string; prompt: true; run: (found: PromptAt, ...rest: any[]) => unknown }
  | { id: CommandId; action: string; prompt?: false; run: (...args: any[]) => unknown };

/** The command registry: every command is defined once, resolved and guarded in one place. */
export function registerCommands(specs: CommandSpec[], workspace: PromptWorkspace, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return specs.map((spec) =>
    vscode.commands.registerCommand(
      spec.id,
      guarded(log, spec.action, (...args: unknown[]) => (spec.prompt ? spec.run(resolvePrompt(workspace, args[0]), ...args.slice(1)) : spec.run(...args))),
    ),
  );
}
