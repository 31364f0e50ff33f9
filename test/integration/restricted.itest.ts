import * as assert from 'assert';
import * as vscode from 'vscode';
import { api, codeLensTitles } from './support';

describe('Restricted Mode', function () {
  this.timeout(30000);
  it('starts no git process and says why in its view', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'this run must open the folder untrusted');
    const ext = await api();
    await new Promise((r) => setTimeout(r, 2000));
    assert.strictEqual(ext.workspace.gitCommandCount, 0, 'no git process may run');
    assert.deepStrictEqual(ext.workspace.folders.map((f) => f.status), ['untrusted']);
    assert.deepStrictEqual(await codeLensTitles('prompts/draft.prompt.md'), []);
    assert.strictEqual(ext.promptsTree.getChildren().length, 0, 'the view shows its Restricted Mode message');
  });
});
