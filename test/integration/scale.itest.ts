import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PromptReleaseApi } from '../../src/extension/extension';
import { api, reportTiming, waitFor } from './support';

/**
 * The editor on a large library (1,000 prompts, 3,000 commits): what a user waits for is
 * measured and printed next to the results; what must hold at any size is asserted.
 */
describe('the editor at scale', function () {
  this.timeout(240_000);
  let ext: PromptReleaseApi;
  let root: string;

  before(async () => {
    ext = await api();
    await ext.ready;
    root = vscode.workspace.workspaceFolders![0].uri.fsPath;
  });

  it('fills the view and the CodeLens after activation', async () => {
    const state = ext.workspace.folders[0];
    assert.strictEqual(state.status, 'ready', String(state.error));
    assert.strictEqual(state.model!.prompts.length, 1000);
    const prompt = state.model!.prompts[0];
    const started = Date.now();
    await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(root, prompt.path)));
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(path.join(root, prompt.path)))) ?? [];
    assert.match(lenses[0]?.command?.title ?? '', /^\$\(shield\) /);
    assert.ok(ext.promptsTree.getChildren().length > 0, 'the view has rows');
    reportTiming('activation → first scan done, view and CodeLens ready (1,000 prompts)', ext.readyAt! - ext.activatedAt);
    reportTiming('  of which opening a prompt and its CodeLens', Date.now() - started);
  });

  it('a sign-off updates CodeLens, decorations and view with one repository read', async () => {
    const state = ext.workspace.folders[0];
    const target = state.model!.prompts.find((p) => p.state.kind === 'draft' && !p.unusable)!;
    const uri = vscode.Uri.file(path.join(root, target.path));
    await vscode.window.showTextDocument(uri);
    await ext.workspace.settle();
    const reads = ext.workspace.readCount;
    const [processes, gitMs] = [ext.workspace.gitCommandCount, ext.workspace.gitMilliseconds];
    const started = Date.now();
    await vscode.commands.executeCommand('promptRelease.approve', uri);
    const updated = ext.workspace.promptAt(uri)!.prompt;
    assert.ok(updated.currentReviews.some((r) => r.record.by.email === 'erin@example.com'), 'the approval is in the model');
    assert.match(String(ext.decorations.provideFileDecoration(uri)?.tooltip), /approvals 1\//);
    reportTiming('sign-off → CodeLens, decorations and view updated (1,000 prompts)', Date.now() - started);
    reportTiming(`  of which ${ext.workspace.gitCommandCount - processes} git processes, summed`, ext.workspace.gitMilliseconds - gitMs);
    assert.strictEqual(ext.workspace.readCount - reads, 1, 'one repository read after the write');
  });

  it('runs no git while typing in a prompt', async () => {
    const state = ext.workspace.folders[0];
    const uri = vscode.Uri.file(path.join(root, state.model!.prompts[1].path));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await ext.workspace.settle();
    const before = ext.workspace.gitCommandCount;
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, new vscode.Position(document.lineCount - 1, 0), 'x');
      await vscode.workspace.applyEdit(edit);
      await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri);
    }
    reportTiming('30 keystrokes with CodeLens recomputed each time', Date.now() - started);
    assert.strictEqual(ext.workspace.gitCommandCount, before, 'typing started git');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('the edit to be reverted', () => !document.isDirty);
  });

  it('builds the dashboard for 1,000 prompts', async () => {
    const started = Date.now();
    const panel = ext.dashboard.open();
    assert.ok(panel.visible);
    const { dashboardData } = require('../../src/extension/dashboardData') as typeof import('../../src/extension/dashboardData');
    const state = ext.workspace.folders[0];
    const data = dashboardData([{ name: 'large', root, model: state.model! }]);
    assert.strictEqual(data.prompts.length, 1000);
    assert.strictEqual(data.pipeline.length, 2);
    reportTiming('dashboard opened and its data built (1,000 prompts)', Date.now() - started);
    panel.dispose();
  });
});
