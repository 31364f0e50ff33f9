import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, codeLensTitles, waitFor } from './support';

describe('a multi-root workspace', function () {
  this.timeout(60000);
  it('reads every folder\'s repository and shows each as a root of the view', async () => {
    const ext = await api();
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 2);
    await waitFor('both folders', () => ext.workspace.folders.length === 2 && ext.workspace.folders.every((f) => f.status === 'ready'));
    const roots = ext.promptsTree.getChildren().map((n) => String(ext.promptsTree.getTreeItem(n).label));
    assert.deepStrictEqual(roots, folders.map((f) => f.name));

    const agents = vscode.Uri.file(path.join(folders[1].uri.fsPath, 'AGENTS.md'));
    const found = ext.workspace.promptAt(agents);
    assert.ok(found, 'AGENTS.md of the second folder is a prompt');
    assert.deepStrictEqual(found.prompt.owners, ['@bob']);
    await vscode.workspace.openTextDocument(agents);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', agents)) ?? [];
    assert.ok(lenses.some((l) => l.command?.title === '$(person) @bob'), lenses.map((l) => l.command?.title).join(' | '));
    assert.ok((await codeLensTitles('prompts/draft.prompt.md')).length > 0, 'the first folder works too');
  });
});
