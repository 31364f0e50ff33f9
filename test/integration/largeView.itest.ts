import * as assert from 'assert';
import * as vscode from 'vscode';
import type { PromptReleaseApi } from '../../src/extension/extension';
import { EXTENSION_ID, waitFor } from './support';

type Row = { label: string; count?: number; children: Row[]; prompts: number };

/** The whole Prompts view as labels, counts and how many prompt rows each group lists directly. */
function tree(ext: PromptReleaseApi, node?: Parameters<PromptReleaseApi['promptsTree']['getChildren']>[0]): Row[] {
  return ext.promptsTree.getChildren(node).filter((n) => n.kind === 'group').map((g) => {
    const item = ext.promptsTree.getTreeItem(g);
    const children = ext.promptsTree.getChildren(g);
    return { label: String(item.label), count: Number(item.description), children: tree(ext, g), prompts: children.filter((c) => c.kind === 'prompt').length };
  });
}

/**
 * The Prompts view on a large library (1,000 prompts): a progress row at once, then groups that
 * never list hundreds of rows flat.
 */
describe('the Prompts view on a large library', function () {
  this.timeout(240_000);
  let ext: PromptReleaseApi;

  before(async () => {
    ext = await vscode.extensions.getExtension<PromptReleaseApi>(EXTENSION_ID)!.activate();
  });
  after(async () => {
    await vscode.workspace.getConfiguration('promptRelease').update('promptsView.groupBy', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows a "Reading prompts…" row while the first read runs', async function () {
    const rows = await waitFor('the first rows', () => {
      const children = ext.promptsTree.getChildren();
      return children.length ? children : undefined;
    });
    // On a fresh 3,000-commit repository the first read takes seconds; if this suite started
    // after it ended, there is no progress row left to see.
    if (ext.readyAt !== undefined && rows[0].kind !== 'loading') this.skip();
    const item = ext.promptsTree.getTreeItem(rows[0]);
    assert.strictEqual(rows[0].kind, 'loading');
    assert.match(String(item.label), /^Reading (\d[\d,]* )?prompts…$/);
    assert.strictEqual((item.iconPath as vscode.ThemeIcon).id, 'loading~spin');
    await ext.ready;
    assert.ok(!ext.promptsTree.getChildren().some((n) => n.kind === 'loading'), 'the progress row gives way to the prompts');
  });

  it('nests large state groups by folder, so no group lists more than 200 rows', async () => {
    await ext.ready;
    const model = ext.workspace.folders[0].model!;
    assert.strictEqual(model.prompts.length, 1000);
    const groups = tree(ext);
    assert.strictEqual(groups.reduce((n, g) => n + g.count!, 0), 1000, 'each prompt in one state group');
    const largest = [...groups].sort((a, b) => b.count! - a.count!)[0];
    assert.ok(largest.count! > 200, `a state group of more than 200 (${largest.label} ${largest.count})`);
    assert.strictEqual(largest.prompts, 0, 'it lists folders, not prompts');
    assert.ok(largest.children.some((c) => c.label === 'agents') && largest.children.some((c) => c.label === 'prompts/team-0'), largest.children.map((c) => c.label).join(', '));
    assert.strictEqual(largest.children.reduce((n, c) => n + c.count!, 0), largest.count, 'its folders hold all of its prompts');
    const flat = (rows: Row[]): Row[] => rows.flatMap((r) => [r, ...flat(r.children)]);
    for (const row of flat(groups)) assert.ok(row.prompts <= 200, `${row.label} lists ${row.prompts} rows`);
  });

  it('groups by kind, folder and owner with the counts of the model', async () => {
    await ext.ready;
    const model = ext.workspace.folders[0].model!;
    const count = (test: (p: (typeof model.prompts)[number]) => boolean) => model.prompts.filter(test).length;

    await vscode.commands.executeCommand('promptRelease.promptsView.groupBy', 'kind');
    assert.deepStrictEqual(tree(ext).map((g) => [g.label, g.count]), [
      ['Copilot prompt file', count((p) => p.path.endsWith('.prompt.md'))],
      ['Copilot instructions', count((p) => p.path.endsWith('.instructions.md'))],
      ['Copilot custom agent', count((p) => p.path.endsWith('.agent.md'))],
    ]);

    await vscode.commands.executeCommand('promptRelease.promptsView.groupBy', 'folder');
    const folders = tree(ext);
    assert.strictEqual(folders.length, 14, folders.map((g) => g.label).join(', '));
    assert.deepStrictEqual(folders.find((g) => g.label === 'agents')?.count, count((p) => p.path.startsWith('agents/')));

    await vscode.commands.executeCommand('promptRelease.promptsView.groupBy', 'owner');
    const owners = tree(ext);
    const owned = new Set(model.prompts.flatMap((p) => p.owners));
    assert.deepStrictEqual(owners.filter((g) => g.label !== 'No owner').map((g) => g.label), [...owned].sort((a, b) => a.localeCompare(b)));
    for (const g of owners) assert.strictEqual(g.count, count((p) => (g.label === 'No owner' ? !p.owners.length : p.owners.includes(g.label))), g.label);
  });
});
