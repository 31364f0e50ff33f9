import * as assert from 'assert';
import * as vscode from 'vscode';
import type { PromptReleaseApi } from '../../src/extension/extension';
import type { HistoryNode } from '../../src/extension/historyView';
import { FIRST, LINES, SECOND, text, THIRD } from '../helpers/renamedPrompt';
import { api, cli, fileUri, git, waitFor } from './support';

/** The workspace holds a prompt renamed twice (test/helpers/renamedPrompt.ts); the editor runs as Erin. */
describe('the history view of a renamed prompt', function () {
  this.timeout(60000);
  let ext: PromptReleaseApi;
  before(async () => {
    ext = await api();
    await waitFor('the first scan', () => ext.workspace.folders[0]?.status === 'ready');
  });

  it('shows the entries of prompt-release history --json, in the same order: commits under all three names, reviews and the release under the first name', async () => {
    await vscode.commands.executeCommand('promptRelease.showHistory', fileUri(THIRD));
    await waitFor('the history view to show the prompt', () => ext.history.prompt?.prompt.path === THIRD);
    const nodes = await ext.history.getChildren();
    const entries = nodes.map((n) => (n.kind === 'entry' ? n.entry : n));
    const shown = cli(['history', THIRD, '--json']);
    assert.strictEqual(shown.code, 0, shown.stdout);
    const json = JSON.parse(shown.stdout);
    assert.deepStrictEqual(json.names, [THIRD, SECOND, FIRST]);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(entries)), json.timeline, 'the view and the CLI show different histories');

    // What the tree shows: each entry's sentence as the CLI prints it, and its time.
    const items = nodes.map((n) => ext.history.getTreeItem(n));
    assert.deepStrictEqual(items.map((i) => i.label), json.timeline.map((e: { text: string }) => e.text));
    const labels = items.map((i) => String(i.label));
    assert.ok(labels.some((l) => /^renamed from prompts\/first\.prompt\.md in [0-9a-f]{10} by Carol Author/.test(l)), labels.join('\n'));
    assert.ok(labels.some((l) => /^renamed from prompts\/second\.prompt\.md in [0-9a-f]{10} by Bob Reviewer/.test(l)), labels.join('\n'));
    assert.ok(labels.some((l) => /by Carol Author <carol@example\.com> with Dave Releaser <dave@example\.com>/.test(l)), labels.join('\n'));
    assert.ok(labels.includes('released v1 to staging by Dave Releaser <dave@example.com>  (prompt-release/staging/prompts/first.prompt.md/v1)'), labels.join('\n'));
    assert.deepStrictEqual(labels.filter((l) => l.startsWith('approved by')).map((l) => l.split('  ')[0]), ['approved by Bob Reviewer <bob@example.com>', 'approved by Alice Owner <alice@example.com>']);
    // Every commit that touched the prompt under any name, the side branch's and main's alike.
    const commits = git(['log', '--format=%H', '--full-history', '--no-merges', 'main', '--', FIRST, SECOND, THIRD]).trim().split('\n');
    const versionCommits = entries.flatMap((e) => ('kind' in e && e.kind === 'version' ? [e.commit] : []));
    for (const commit of commits) assert.ok(versionCommits.includes(commit), `${commit} is missing`);
  });

  it('opens the content the prompt had under its first name', async () => {
    const nodes = await ext.history.getChildren();
    const first = nodes.find((n): n is Extract<HistoryNode, { kind: 'entry' }> => n.kind === 'entry' && n.entry.kind === 'version');
    assert.ok(first, 'a commit is shown');
    const item = ext.history.getTreeItem(first);
    assert.match(String(item.contextValue), /\bversion\b/);
    assert.match(String(item.contextValue), /\breleased\b/, 'the first content was released (as v1 under its first name)');
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    const editor = await waitFor('the version to open', () => vscode.window.activeTextEditor?.document.uri.scheme !== 'file' && vscode.window.activeTextEditor);
    assert.strictEqual(editor.document.getText(), text(LINES));
  });
});
