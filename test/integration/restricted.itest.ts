import * as assert from 'assert';
import * as vscode from 'vscode';
import { api, codeLensTitles } from './support';

describe('Restricted Mode', function () {
  this.timeout(30000);
  it('starts no git process and says why in its view', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'this run must open the folder untrusted');
    const ext = await api();
    // Activation is over (api() awaits it); an explicit refresh, awaited, runs every path that could start git.
    await vscode.commands.executeCommand('promptRelease.refresh');
    await ext.workspace.settle();
    assert.strictEqual(ext.workspace.gitCommandCount, 0, 'no git process may run');
    assert.deepStrictEqual(ext.workspace.folders.map((f) => f.status), ['untrusted']);
    assert.deepStrictEqual(await codeLensTitles('prompts/draft.prompt.md'), []);
    assert.strictEqual(ext.promptsTree.getChildren().length, 0, 'the view shows its Restricted Mode message');
  });
});
