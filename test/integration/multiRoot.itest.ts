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

  it('shows a reopened folder\'s rows as last seen at once, marked so and with no actions, until git is read', async () => {
    const ext = await api();
    const second = vscode.workspace.workspaceFolders![1];
    await waitFor('both folders read', () => ext.workspace.folders.length === 2 && ext.workspace.folders.every((f) => f.status === 'ready'));
    vscode.workspace.updateWorkspaceFolders(1, 1);
    await waitFor('the second folder closed', () => ext.workspace.folders.length === 1);

    // What the view holds for the second folder at each change, as VS Code would render it.
    type Row = { kind: string; label: string; description: string; context: string };
    const rowsOfSecond = (): Row[] => {
      const folder = ext.promptsTree.getChildren().find((n) => String(ext.promptsTree.getTreeItem(n).label) === second.name);
      const flat = (nodes: ReturnType<typeof ext.promptsTree.getChildren>): Row[] =>
        nodes.flatMap((n) => {
          const item = ext.promptsTree.getTreeItem(n);
          return [{ kind: n.kind, label: String(item.label), description: String(item.description ?? ''), context: item.contextValue ?? '' }, ...flat(ext.promptsTree.getChildren(n))];
        });
      return folder ? flat(ext.promptsTree.getChildren(folder)) : [];
    };
    const seenStates: Row[][] = [];
    const listening = ext.promptsTree.onDidChangeTreeData(() => seenStates.push(rowsOfSecond()));
    try {
      vscode.workspace.updateWorkspaceFolders(1, 0, { uri: second.uri, name: second.name });
      await waitFor('the second folder read again', () => ext.workspace.folders.length === 2 && ext.workspace.folders.every((f) => f.status === 'ready'));
    } finally {
      listening.dispose();
    }
    const provisional = seenStates.find((rows) => rows.some((r) => r.kind === 'seen'));
    assert.ok(provisional, `the rows as last seen were shown while the folder was read (views seen: ${JSON.stringify(seenStates)})`);
    assert.strictEqual(provisional[0].label, 'Checking 1 prompt against git…');
    assert.match(provisional[0].description, /^below as last seen, \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    const agents = provisional.find((r) => r.kind === 'seen' && r.label === 'AGENTS.md');
    assert.ok(agents, JSON.stringify(provisional));
    assert.match(agents.description, /when last seen$/);
    assert.ok(!/\bprompt\b|\breleased\b/.test(agents.context), `no action is offered on a row nothing has checked (contextValue ${agents.context})`);
    const now = rowsOfSecond();
    assert.ok(!now.some((r) => r.kind === 'seen' || r.kind === 'loading'), JSON.stringify(now));
    assert.ok(now.some((r) => r.kind === 'prompt' && r.label === 'AGENTS.md' && /\bprompt\b/.test(r.context)), JSON.stringify(now));
  });
});
