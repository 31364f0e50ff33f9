import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'prompt-release.prompt-release-control';

describe('activation', () => {
  it('activates the extension', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
  });

  it('registers the promptRelease.refresh command', async () => {
    // Suites start before onStartupFinished activation: activate explicitly.
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('promptRelease.refresh'), 'promptRelease.refresh is not registered');
    await vscode.commands.executeCommand('promptRelease.refresh');
  });

  it('opens the fixture workspace as a file:// folder', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1, 'expected exactly one workspace folder');
    assert.strictEqual(folders[0].uri.scheme, 'file');
  });
});
