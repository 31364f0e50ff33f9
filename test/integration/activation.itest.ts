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

describe('first run', () => {
  it('registers every command package.json contributes, each once from the registry', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const contributed: string[] = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepStrictEqual(contributed.filter((c) => !registered.has(c)), []);
    const { COMMANDS } = require('../../src/extension/commandIds') as typeof import('../../src/extension/commandIds');
    assert.deepStrictEqual(contributed.filter((c) => !Object.values(COMMANDS).includes(c as never)), [], 'every contributed command has its id in COMMANDS');
  });

  it('shows what was detected with a set-up action, and writes the configuration after confirming', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const api = (await ext.activate()) as import('../../src/extension/extension').PromptReleaseApi;
    await api.ready;
    const { waitFor } = require('./support') as typeof import('./support');
    const first = await waitFor('the set-up item', () => api.promptsTree.getChildren().find((n) => n.kind === 'setUp'));
    const item = api.promptsTree.getTreeItem(first);
    assert.strictEqual(item.label, 'Set up prompt releases');
    assert.strictEqual(item.description, '1 prompt detected, no release rules yet');
    assert.ok(api.promptsTree.getChildren().some((n) => n.kind === 'group'), 'the detected prompts are listed below it');

    const asked: { title: string; detail: string }[] = [];
    api.confirmSetUp = async (title, detail) => (asked.push({ title, detail }), true);
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    assert.strictEqual(asked.length, 1);
    assert.match(asked[0].detail, /Found 1 prompt file in the built-in formats:\n• Copilot prompt file[^:]*: 1 \(prompts\/hello\.prompt\.md\)/);
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const written = require('fs').readFileSync(require('path').join(root, '.promptrelease.yaml'), 'utf8');
    assert.match(written, /environments:/);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, require('path').join(root, '.promptrelease.yaml'), 'the new configuration is opened for review');
    await waitFor('the set-up item to go', () => !api.promptsTree.getChildren().some((n) => n.kind === 'setUp'));
  });
});
