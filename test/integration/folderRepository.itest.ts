import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { PromptReleaseApi } from '../../src/extension/extension';
import type { FolderModelChange, FolderRepository } from '../../src/extension/folderRepository';
import { PROMPTS } from '../helpers/statePrompts';
import { api, fileUri, waitFor } from './support';

const P = PROMPTS;

/** The Prompts view's rows under the root: [label, count] of each group. */
function groupRows(ext: PromptReleaseApi): [string, number][] {
  return ext.promptsTree.getChildren().map((g) => {
    const item = ext.promptsTree.getTreeItem(g);
    return [String(item.label), Number(item.description)];
  });
}

function rowsUnder(ext: PromptReleaseApi, label: string): string[] {
  const group = ext.promptsTree.getChildren().find((g) => ext.promptsTree.getTreeItem(g).label === label);
  assert.ok(group, `no group "${label}"`);
  return ext.promptsTree.getChildren(group).map((n) => String(ext.promptsTree.getTreeItem(n).label));
}

describe('the Prompts view groups prompts', function () {
  this.timeout(60000);
  let ext: PromptReleaseApi;
  before(async () => {
    ext = await api();
    await waitFor('the first scan', () => ext.workspace.folders[0]?.status === 'ready');
  });
  after(async () => {
    await vscode.workspace.getConfiguration('promptRelease').update('promptsView.groupBy', undefined, vscode.ConfigurationTarget.Global);
  });

  it('by state (the default), by folder, by kind and by owner, switched by the view title action', async () => {
    const model = ext.workspace.folders[0].model!;
    assert.strictEqual(model.prompts.length, 7);
    assert.deepStrictEqual(groupRows(ext), [
      ['Changes requested', 1],
      ['In review', 1],
      ['Approved, not released', 1],
      ['Modified since release', 1],
      ['Draft', 2],
      ['Released', 1],
    ]);
    assert.deepStrictEqual(rowsUnder(ext, 'Draft').sort(), ['draft.prompt.md', 'unowned.prompt.md']);

    await vscode.commands.executeCommand('promptRelease.promptsView.groupBy', 'folder');
    assert.strictEqual(vscode.workspace.getConfiguration('promptRelease').get('promptsView.groupBy'), 'folder', 'the choice is kept in the setting');
    assert.deepStrictEqual(groupRows(ext), [
      ['notes', 1],
      ['prompts', 6],
    ]);

    await vscode.commands.executeCommand('promptRelease.promptsView.groupBy', 'kind');
    assert.deepStrictEqual(groupRows(ext), [['Copilot prompt file', 7]]);

    await vscode.commands.executeCommand('promptRelease.promptsView.groupBy', 'owner');
    // A prompt with two owners is under each; the one nobody owns is under "No owner", last.
    assert.deepStrictEqual(groupRows(ext), [
      ['@alice', 6],
      ['@prompt-team', 6],
      ['No owner', 1],
    ]);
    assert.deepStrictEqual(rowsUnder(ext, 'No owner'), ['unowned.prompt.md']);
    const ids = ext.promptsTree.getChildren().flatMap((g) => ext.promptsTree.getChildren(g)).map((n) => ext.promptsTree.getTreeItem(n).id);
    assert.strictEqual(new Set(ids).size, ids.length, 'a prompt under two owners has a distinct row id under each');

    await vscode.commands.executeCommand('promptRelease.promptsView.groupBy', 'state');
    assert.strictEqual(groupRows(ext)[0][0], 'Changes requested');
  });
});

describe('one queue per folder', function () {
  this.timeout(60000);
  let ext: PromptReleaseApi;
  let folder: FolderRepository;
  before(async () => {
    ext = await api();
    await waitFor('the first scan', () => ext.workspace.folders[0]?.status === 'ready');
    folder = ext.workspace.folders[0];
  });

  it('runs a sign-off queued behind a background refresh first, and its read answers that refresh', async () => {
    await ext.workspace.settle();
    const [reads, logged] = [folder.readCount, folder.operations.length];
    let release!: () => void;
    // Hold the queue so the order of what waits can be seen.
    const held = folder.run('test: hold', 'user', () => new Promise<void>((resolve) => (release = resolve)));
    await waitFor('the hold to run', () => folder.running === 'test: hold');
    let background: Promise<void>[] = [];
    let signOff: Thenable<unknown> | undefined;
    const queued: string[][] = [];
    try {
      background = [folder.refresh('background'), folder.refresh('background')];
      queued.push(folder.queued);
      signOff = vscode.commands.executeCommand('promptRelease.approve', fileUri(P.inReview));
      await waitFor('the sign-off to be queued', () => folder.queued.includes('write'));
      queued.push(folder.queued);
    } finally {
      release();
    }
    assert.deepStrictEqual(queued[0], ['background refresh'], 'a second background refresh joins the waiting one');
    assert.deepStrictEqual(queued[1], ['write', 'background refresh'], 'the sign-off waits ahead of the background refresh');
    await Promise.all([held, signOff, ...background]);
    await ext.workspace.settle();
    const log = folder.operations.slice(logged, logged + 3).map((o) => `${o.label}: ${o.outcome}`);
    assert.deepStrictEqual(log, ['test: hold: done', 'background refresh: covered', 'write: done']);
    assert.strictEqual(folder.readCount - reads, 1, 'one read: the sign-off\'s, which answered the waiting refresh');
    assert.strictEqual(folder.model!.byPath.get(P.inReview)!.currentReviews.length > 0, true, 'the approval is in the model');
  });

  it('cancels a background read that is running when a write is queued; the write does not wait for it', async () => {
    await ext.workspace.settle();
    const [reads, logged] = [folder.readCount, folder.operations.length];
    const background = folder.refresh('background');
    await new Promise((resolve) => setImmediate(resolve));
    assert.strictEqual(folder.running, 'background refresh');
    let readStillRunning: boolean | undefined;
    await folder.operation(async () => {
      readStillRunning = folder.readInFlight;
    }, 'test: write');
    await background;
    await ext.workspace.settle();
    assert.strictEqual(readStillRunning, true, 'the write started while the stale read was finishing');
    const log = folder.operations.slice(logged).map((o) => `${o.label}: ${o.outcome}`);
    assert.deepStrictEqual(log.slice(0, 2), ['background refresh: cancelled', 'test: write: done']);
    assert.strictEqual(folder.readCount - reads, 2, 'the cancelled read, then the write\'s own read (reads never overlap)');
  });

  it('names exactly the prompt a sign-off changed', async () => {
    await ext.workspace.settle();
    const changes: FolderModelChange[] = [];
    const workspaceChanges: (string[] | undefined)[] = [];
    const listeners = [
      folder.onDidChangeModel((e) => changes.push(e)),
      ext.workspace.onDidChange((e) => workspaceChanges.push(e.paths && [...e.paths.values()].flatMap((s) => [...s]))),
    ];
    try {
      await vscode.commands.executeCommand('promptRelease.approve', fileUri(P.approved));
      await ext.workspace.settle();
    } finally {
      listeners.forEach((l) => l.dispose());
    }
    assert.strictEqual(changes.length, 1, 'one change event');
    assert.deepStrictEqual(changes[0].paths && [...changes[0].paths], [P.approved]);
    assert.deepStrictEqual(workspaceChanges, [[P.approved]]);
  });

  it('answers a burst of 20 file events with one repository read', async () => {
    await ext.workspace.settle();
    const [reads, events] = [folder.readCount, folder.watcherEvents];
    const files = Array.from({ length: 20 }, (_, i) => `prompts/burst-${i}.prompt.md`);
    try {
      for (const file of files) fs.writeFileSync(fileUri(file).fsPath, `Burst ${file}\n`);
      await waitFor('20 file events', () => folder.watcherEvents - events >= 20);
      await ext.workspace.settle();
      assert.strictEqual(folder.readCount - reads, 1, `${folder.watcherEvents - events} file events, one read`);
      for (const file of files) assert.ok(folder.model!.byPath.has(file), `${file} is shown`);
    } finally {
      for (const file of files) fs.rmSync(fileUri(file).fsPath, { force: true });
    }
    await waitFor('the burst files to go', () => !folder.model!.byPath.has(files[0]));
  });
});

describe('activation knows the folders before it reads them', function () {
  this.timeout(60000);
  it('takes each folder as loading without running git, so the Prompts view\'s first answer is a progress row, not empty', async () => {
    const { PromptWorkspace } = require('../../src/extension/workspace') as typeof import('../../src/extension/workspace');
    const { PromptTreeProvider } = require('../../src/extension/tree') as typeof import('../../src/extension/tree');
    const log = vscode.window.createOutputChannel('Prompt Release (open test)', { log: true });
    const workspace = new PromptWorkspace(log);
    try {
      const tree = new PromptTreeProvider(workspace, 'all');
      assert.deepStrictEqual(tree.getChildren(), [], 'no folder is known before open()');
      workspace.open();
      assert.deepStrictEqual(tree.getChildren().map((n) => n.kind), ['loading']);
      assert.deepStrictEqual(workspace.folders.map((s) => [s.status, s.idle]), [['loading', true]], 'open() queues no read');
      assert.strictEqual(workspace.gitCommandCount, 0, 'no git ran');
      workspace.start();
      await waitFor('the read started by start()', () => workspace.folders[0].status === 'ready');
      assert.strictEqual(workspace.readCount, 1, 'start() reads the opened folder once');
      assert.ok(tree.getChildren().some((n) => n.kind === 'group'), 'the rows read from git');
    } finally {
      workspace.dispose();
      log.dispose();
    }
  });
});
