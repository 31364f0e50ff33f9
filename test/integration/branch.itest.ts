import * as assert from 'assert';
import * as vscode from 'vscode';
import type { PromptReleaseApi } from '../../src/extension/extension';
import type { ApproveResult } from '../../src/extension/reviewActions';
import { api, codeLensTitles, fileUri, git, stateLens, waitFor } from './support';

const PROMPT = 'prompts/greeting.prompt.md';

/** The workspace is on "feature", a pull request branch where Bob approved Carol's new words; the editor runs as Alice. */
describe('the editor on a pull request branch', function () {
  this.timeout(60000);
  let ext: PromptReleaseApi;
  before(async () => {
    ext = await api();
    await waitFor('the first scan', () => ext.workspace.folders[0]?.status === 'ready');
    assert.strictEqual(git(['symbolic-ref', 'HEAD']).trim(), 'refs/heads/feature');
  });

  async function lenses(): Promise<vscode.CodeLens[]> {
    await vscode.workspace.openTextDocument(fileUri(PROMPT));
    return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fileUri(PROMPT))) ?? [];
  }

  it("shows Bob's approval on this branch as counting once merged, apart from what counts on main", async () => {
    const titles = await codeLensTitles(PROMPT);
    assert.ok(titles.includes('$(git-branch) approved by Bob Reviewer <bob@example.com>, on this branch, unsigned — counts once merged'), titles.join('\n'));
    // On main nothing counts yet: the state line does not count the branch's approval.
    assert.match(await stateLens(PROMPT), /0\/1 staging · 0\/2 production/);
    const state = (await lenses()).find((l) => l.command?.title.startsWith('$(shield)'))!;
    const hover = String(state.command!.tooltip);
    assert.match(hover, /Approvals on this branch \(not on refs\/heads\/main yet; merge method merge\):\n  approved by Bob Reviewer <bob@example\.com>, on this branch, unsigned — counts once merged/, hover);
    const branchLens = (await lenses()).find((l) => l.command?.title.startsWith('$(git-branch)'))!;
    assert.match(String(branchLens.command!.tooltip), /not on main yet \(merge method merge\): the gate counts it only once the branch is merged/);
    // The explorer's hover and the Prompts view's say the same.
    assert.match(String(ext.decorations.provideFileDecoration(fileUri(PROMPT))?.tooltip), /approved by Bob Reviewer <bob@example\.com>, on this branch, unsigned — counts once merged/);
    const items = ext.promptsTree.getChildren().flatMap((g) => ext.promptsTree.getChildren(g)).map((n) => ext.promptsTree.getTreeItem(n));
    const item = items.find((i) => i.label === 'greeting.prompt.md');
    assert.ok(item, items.map((i) => i.label).join(','));
    assert.match(String(item.tooltip), /approved by Bob Reviewer <bob@example\.com>, on this branch, unsigned — counts once merged/);
  });

  it("after Alice's own sign-off on the branch, the message and the CodeLens say it counts once merged into main", async () => {
    const result = await vscode.commands.executeCommand<ApproveResult>('promptRelease.approve', fileUri(PROMPT));
    assert.strictEqual(result?.outcome, 'approved');
    assert.match(result!.message!, /recorded on this branch, not on main yet: approved by Alice Owner <alice@example\.com> \(owner @alice, @prompt-team\), on this branch, unsigned — counts once merged into main\./, result!.message);
    const titles = await waitFor('the CodeLens of Alice\'s approval', async () => {
      const t = await codeLensTitles(PROMPT);
      return t.some((x) => x.startsWith('$(git-branch) approved by Alice Owner')) && t;
    });
    assert.ok(titles.includes('$(git-branch) approved by Alice Owner <alice@example.com> (owner @alice, @prompt-team), on this branch, unsigned — counts once merged'), titles.join('\n'));
    assert.match(await stateLens(PROMPT), /0\/1 staging · 0\/2 production/, 'still nothing counts on main');
    assert.strictEqual(git(['symbolic-ref', 'HEAD']).trim(), 'refs/heads/feature', 'the sign-off was committed on the branch');
  });
});
