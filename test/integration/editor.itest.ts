import * as assert from 'assert';
import * as vscode from 'vscode';
import type { PromptReleaseApi } from '../../src/extension/extension';
import { CAROL } from '../helpers/gitFixture';
import { ERIN, PROMPTS } from '../helpers/statePrompts';
import { api, cli, codeLensTitles, fileUri, git, reportTiming, stateLens, waitFor } from './support';

const P = PROMPTS;

describe('the editor for authors and reviewers', function () {
  this.timeout(60000);
  let ext: PromptReleaseApi;
  before(async () => {
    ext = await api();
    await waitFor('the first scan', () => ext.workspace.folders[0]?.status === 'ready');
  });

  it('shows owners, state and approvals in a CodeLens for every state', async () => {
    const expected: [string, RegExp][] = [
      [P.draft, /^\$\(shield\) draft · 0\/1 staging · 0\/2 production$/],
      [P.inReview, /^\$\(shield\) in review · /],
      [P.changes, /^\$\(shield\) changes requested · /],
      [P.approved, /^\$\(shield\) approved for staging · 1\/1 staging · 1\/2 production$/],
      [P.released, /^\$\(shield\) released to production as v1 · 2\/1 staging · 2\/2 production$/],
      [P.modified, /^\$\(shield\) modified since release \(v1 in production\) · /],
    ];
    for (const [file, pattern] of expected) assert.match(await stateLens(file), pattern, file);
    // Compact by default: state and approvals first, the one action that fits, owners, then "…".
    const compact = await codeLensTitles(P.draft);
    assert.match(compact[0], /^\$\(shield\) draft/);
    assert.ok(compact.includes('$(person) @alice, @prompt-team'), compact.join(' | '));
    assert.strictEqual(compact[compact.length - 1], '$(ellipsis)');
    assert.ok(compact.length <= 4, `at most four lenses: ${compact.join(' | ')}`);
    assert.ok((await codeLensTitles(P.unowned)).includes('$(person) no owner'));
    const config = vscode.workspace.getConfiguration('promptRelease');
    await config.update('codeLens.layout', 'full', vscode.ConfigurationTarget.Workspace);
    try {
      const titles = await waitFor('the full layout', async () => {
        const all = await codeLensTitles(P.draft);
        return all.includes('Request Changes') ? all : undefined;
      });
      for (const action of ['Request Review', 'Approve', 'Request Changes', 'Release…']) assert.ok(titles.includes(action), action);
      assert.ok(!titles.includes('Diff with Production') && !titles.includes('Diff with Approved'), 'nothing to compare a draft with');
      const released = await codeLensTitles(P.released);
      for (const action of ['Diff with Production', 'Diff with Approved']) assert.ok(released.includes(action), action);
    } finally {
      await config.update('codeLens.layout', undefined, vscode.ConfigurationTarget.Workspace);
    }
    require('fs').writeFileSync(fileUri('TODO.txt').fsPath, 'not a prompt\n');
    assert.deepStrictEqual(await codeLensTitles('TODO.txt'), [], 'no CodeLens on files that are not prompts');
  });

  it('shows a policy change waiting for an owner on the policy file, and an owner approves it from its CodeLens', async () => {
    const configText = git(['show', 'HEAD:.promptrelease.yaml']);
    const ownersText = git(['show', 'HEAD:.github/CODEOWNERS']);
    require('fs').writeFileSync(fileUri('.github/CODEOWNERS').fsPath, ownersText + '/.promptrelease.yaml @alice\n');
    git(['commit', '-q', '-am', 'The release rules get an owner'], CAROL);
    require('fs').writeFileSync(fileUri('.promptrelease.yaml').fsPath, configText + 'maxPromptBytes: 2000000\n');
    git(['commit', '-q', '-am', 'Allow larger prompts'], CAROL);
    const waiting = await waitFor('the pending policy CodeLens', async () =>
      (await codeLensTitles('.promptrelease.yaml')).find((t) => /change not in force · needs an owner \(@alice\)/.test(t)),
    );
    assert.match(waiting, /^\$\(law\) Release rules: change not in force/);
    assert.ok(ext.workspace.folders[0].model!.problems.some((p) => /is not in force yet/.test(p.message)), 'Problems say so too');
    await vscode.commands.executeCommand('promptRelease.approve', fileUri('.promptrelease.yaml'));
    await waitFor('the policy in force', async () => (await codeLensTitles('.promptrelease.yaml')).some((t) => /Release rules in force on main/.test(t)));
    assert.strictEqual(ext.workspace.folders[0].model!.config.maxPromptBytes, 2000000);
  });

  it('decorates prompts in the explorer with a badge per state and flags unowned ones', () => {
    const badge = (file: string) => ext.decorations.provideFileDecoration(fileUri(file))?.badge;
    assert.deepStrictEqual(
      [P.draft, P.inReview, P.changes, P.approved, P.released, P.modified, P.unowned].map(badge),
      ['D', 'R', 'C', 'A', 'V', 'M', 'D!'],
    );
    assert.match(String(ext.decorations.provideFileDecoration(fileUri(P.unowned))?.tooltip), /no owner/);
  });

  it('approves through the real command and every surface follows, with one repository read', async () => {
    await vscode.window.showTextDocument(fileUri(P.draft));
    await ext.workspace.settle();
    const reads = ext.workspace.readCount;
    const [processes, gitMs] = [ext.workspace.gitCommandCount, ext.workspace.gitMilliseconds];
    const started = Date.now();
    await vscode.commands.executeCommand('promptRelease.approve', fileUri(P.draft));
    assert.match(await stateLens(P.draft), /approved for staging · 1\/1 staging/);
    // Reported, not asserted: the time depends on the machine.
    reportTiming('sign-off → CodeLens, decorations and view updated (states repository)', Date.now() - started);
    reportTiming(`  of which ${ext.workspace.gitCommandCount - processes} git processes, summed`, ext.workspace.gitMilliseconds - gitMs);
    assert.strictEqual(ext.workspace.readCount - reads, 1, 'the sign-off read the repository once, after writing');
    assert.strictEqual(ext.decorations.provideFileDecoration(fileUri(P.draft))?.badge, 'A');
    assert.match(ext.statusBar.item.text, /approved for staging · 1\/1 staging · 1\/2 production/);
    const groups = ext.promptsTree.getChildren();
    const approvedGroup = groups.find((g) => ext.promptsTree.getTreeItem(g).label === 'Approved, not released')!;
    const names = ext.promptsTree.getChildren(approvedGroup).map((n) => ext.promptsTree.getTreeItem(n).label);
    assert.ok(names.includes('draft.prompt.md'), names.join(','));
    const author = git(['log', '-1', '--format=%an <%ae>|%s']).trim();
    assert.match(author, /^Alice Owner <alice@example.com>\|prompt-release: approve prompts\/draft.prompt.md/);
  });

  it('shows above a diff what the change means: settings, variables, messages', async () => {
    const working = await vscode.workspace.openTextDocument(fileUri(P.released));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(working.uri, new vscode.Position(0, 0), '---\nmodel: gpt-4.1\n---\nAsk for {{orderId}}.\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    try {
      const original = ext.quickDiffOriginal(working.uri);
      assert.ok(original, 'the released prompt has a version in production to compare with');
      await vscode.workspace.openTextDocument(original);
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', original)) ?? [];
      const titles = lenses.map((l) => l.command?.title ?? '');
      assert.match(titles[0], /^\$\(diff\) \+4 −0 lines$/);
      // The same words in the diff editor, where CodeLens is off by default: a decoration on its first line.
      const { DiffSummaryDecorations } = require('../../src/extension/diffSummary') as typeof import('../../src/extension/diffSummary');
      assert.match(DiffSummaryDecorations.summaryLines(await vscode.workspace.openTextDocument(original))!.headline, /^\+4 −0 lines · description: removed \(was released\) · model: set to gpt-4\.1 · template variables: \+ \{\{orderId\}\}$/);
      assert.ok(titles.includes('$(symbol-property) model: set to gpt-4.1'), titles.join(' | '));
      assert.ok(titles.includes('$(symbol-property) template variables: + {{orderId}}'), titles.join(' | '));
    } finally {
      await vscode.window.showTextDocument(working);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      assert.strictEqual(working.isDirty, false);
      assert.strictEqual(git(['status', '--porcelain', '--', P.released]).trim(), '', 'the edit never reached the disk');
    }
  });

  it('requests changes with a reason and blocks the prompt', async () => {
    await vscode.commands.executeCommand('promptRelease.requestChanges', fileUri(P.approved), 'Mention the refund policy.');
    assert.match(await stateLens(P.approved), /^\$\(shield\) changes requested/);
    assert.strictEqual(ext.decorations.provideFileDecoration(fileUri(P.approved))?.badge, 'C');
  });

  it('makes an approval stale after an edit is committed, without a reload', async () => {
    // Its own starting point: an approved draft (the sign-off test before may have made it so).
    if (!/approved for staging/.test(await stateLens(P.draft))) {
      assert.strictEqual(cli(['review', P.draft, '--approve'], ERIN).code, 0);
      await ext.workspace.refreshAll();
    }
    assert.match(await stateLens(P.draft), /approved for staging/);
    const doc = await vscode.workspace.openTextDocument(fileUri(P.draft));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), 'Always cite sources.\n'));
    await doc.save();
    git(['commit', '-q', '-am', 'Cite sources'], CAROL);
    await waitFor('the stale approval to disappear', async () => /^\$\(shield\) draft · 0\/1 staging/.test(await stateLens(P.draft)));
    assert.strictEqual(ext.decorations.provideFileDecoration(fileUri(P.draft))?.badge, 'D');
  });

  it('opens diffs with the production and approved versions as the left side', async () => {
    const productionBlob = git(['rev-parse', `prompt-release/production/prompts/modified.prompt.md/v1^{}:${P.modified}`]).trim();
    await vscode.commands.executeCommand('promptRelease.diffWithProduction', fileUri(P.modified));
    const input = await waitFor('a diff tab', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputTextDiff ? tab.input : undefined;
    });
    assert.strictEqual(input.original.scheme, 'prompt-release');
    assert.strictEqual(JSON.parse(input.original.query).blob, productionBlob);
    assert.strictEqual(input.modified.fsPath, fileUri(P.modified).fsPath);
    const left = await vscode.workspace.openTextDocument(input.original);
    assert.ok(!left.getText().includes('Never guess.'), 'the left side is the released content');

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const gutterBase = ext.quickDiffOriginal(fileUri(P.modified));
    assert.strictEqual(gutterBase && JSON.parse(gutterBase.query).blob, productionBlob, 'the gutter compares with production');
    assert.strictEqual(ext.quickDiffOriginal(fileUri(P.draft)), undefined, 'nothing to compare a draft with');
    await vscode.commands.executeCommand('promptRelease.diffWithApproved', fileUri(P.released));
    const approved = await waitFor('an approved diff tab', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputTextDiff ? tab.input : undefined;
    });
    assert.strictEqual(JSON.parse(approved.original.query).blob, git(['rev-parse', `HEAD:${P.released}`]).trim());
    assert.match(vscode.window.tabGroups.activeTabGroup.activeTab!.label, /approved by/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('lists what waits for the current identity, and for another identity after a switch', async () => {
    const waiting = () => ext.waitingTree.getChildren().map((n) => String(ext.waitingTree.getTreeItem(n).label));
    const alice = waiting();
    assert.ok(alice.includes('review.prompt.md'), alice.join(','));
    assert.ok(!alice.includes('released.prompt.md'), 'Alice approved the released prompt already');
    assert.ok(!alice.includes('unowned.prompt.md'));

    git(['config', 'user.email', 'erin@example.com']);
    git(['config', 'user.name', 'Erin Reviewer']);
    await ext.workspace.refreshAll();
    const erin = waiting();
    assert.deepStrictEqual(erin, ['review.prompt.md'], 'Erin was asked to review one prompt and owns none');
    git(['config', 'user.email', 'alice@example.com']);
    git(['config', 'user.name', 'Alice Owner']);
    await ext.workspace.refreshAll();
  });
  it('records a comment thread, a reply and a resolution, and shows the thread outdated after an edit', async () => {
    const uri = fileUri(P.inReview);
    const draft = ext.comments.controller.createCommentThread(uri, new vscode.Range(3, 0, 4, 0), []);
    await vscode.commands.executeCommand('promptRelease.comments.create', { thread: draft, text: 'Two sentences is too strict here.' });
    const thread = await waitFor('the recorded thread', () => ext.comments.threadModels.find((t) => t.prompt.path === P.inReview));
    assert.strictEqual(thread.comments.length, 1);
    assert.strictEqual(thread.comments[0].record.startLine, 4);
    assert.strictEqual(thread.comments[0].record.endLine, 5);
    const recordFile = thread.comments[0].path;
    assert.match(git(['log', '-1', '--format=%ae', '--', recordFile]).trim(), /alice@example.com/);

    const shown = ext.comments.threadOf(thread.id)!;
    await vscode.commands.executeCommand('promptRelease.comments.reply', { thread: shown, text: 'Agreed, three is fine.' });
    await waitFor('the reply', () => ext.comments.threadModels.find((t) => t.id === thread.id)?.comments.length === 2);
    assert.strictEqual(shown.comments.length, 2);

    await vscode.commands.executeCommand('promptRelease.comments.resolve', shown);
    await waitFor('the thread to be resolved', () => ext.comments.threadModels.find((t) => t.id === thread.id)?.resolved);
    assert.strictEqual(shown.state, vscode.CommentThreadState.Resolved);

    // An edit below the thread's lines: the thread is carried with them, on the file.
    const fs = require('fs') as typeof import('fs');
    fs.appendFileSync(uri.fsPath, 'Use plain words.\n');
    git(['commit', '-q', '-am', 'Plain words'], CAROL);
    await waitFor('the thread to be carried', () => /unchanged since/.test(String(ext.comments.threadOf(thread.id)?.label)));
    assert.strictEqual(ext.comments.threadOf(thread.id)!.uri.toString(), uri.toString());
    assert.strictEqual(ext.comments.threadOf(thread.id)!.range?.start.line, 3);

    // An edit of the commented lines: the thread stays on the version it was written on, read-only from git.
    const lines = fs.readFileSync(uri.fsPath, 'utf8').split('\n');
    lines[3] = 'Answer in three sentences at most.';
    fs.writeFileSync(uri.fsPath, lines.join('\n'));
    git(['commit', '-q', '-am', 'Three sentences'], CAROL);
    const moved = await waitFor('the thread on its version', () => {
      const t = ext.comments.threadOf(thread.id);
      return t && t.uri.scheme === 'prompt-release' ? t : undefined;
    });
    assert.match(String(moved.label), /^Outdated: on version [0-9a-f]{12}, lines 4-5 \(changed since\)$/);
    assert.strictEqual(moved.comments.length, 2, 'the comments are kept');
    const version = await vscode.workspace.openTextDocument(moved.uri);
    assert.strictEqual(version.lineAt(3).text, 'You are the inReview assistant.', 'the thread shows the text it was written on');
  });

  it('shows a new comment at once, and keeps its text when it cannot be recorded', async () => {
    const uri = fileUri(P.draft);
    git(['checkout', '-q', '--detach']);
    try {
      await ext.workspace.refreshAll();
      const draft = ext.comments.controller.createCommentThread(uri, new vscode.Range(1, 0, 1, 0), []);
      await vscode.commands.executeCommand('promptRelease.comments.create', { thread: draft, text: 'Is this the tone we want?' });
      assert.strictEqual(draft.comments.length, 1, 'the comment is still in its thread');
      assert.strictEqual(String((draft.comments[0].body as vscode.MarkdownString).value ?? draft.comments[0].body), 'Is this the tone we want?');
      assert.match(String(draft.comments[0].label), /^Not recorded/);
      draft.dispose();
    } finally {
      git(['checkout', '-q', 'main']);
      await ext.workspace.refreshAll();
    }
  });

});

describe('the editor: review requests, problems and settings', function () {
  this.timeout(60000);
  let ext: PromptReleaseApi;
  before(async () => {
    ext = await api();
    await waitFor('the first scan', () => ext.workspace.folders[0]?.status === 'ready');
  });

  it('records a review request naming the picked reviewers', async () => {
    await vscode.commands.executeCommand('promptRelease.requestReview', fileUri(P.unowned), ['erin@example.com']);
    const prompt = ext.workspace.promptAt(fileUri(P.unowned))!.prompt;
    assert.deepStrictEqual(prompt.currentRequests.map((r) => r.record.reviewers), [['erin@example.com']]);
    assert.match(git(['log', '-1', '--format=%ae|%s']).trim(), /^alice@example.com\|prompt-release: request review of notes\/unowned.prompt.md/);
  });

  it('puts configuration errors and unowned prompts in the Problems panel at their line', async () => {
    const unowned = vscode.languages.getDiagnostics(fileUri(P.unowned));
    assert.ok(unowned.some((d) => /has no owner in CODEOWNERS/.test(d.message)), JSON.stringify(unowned.map((d) => d.message)));
    const fs = require('fs') as typeof import('fs');
    const codeowners = fileUri('.github/CODEOWNERS').fsPath;
    const original = fs.readFileSync(codeowners, 'utf8');
    fs.writeFileSync(codeowners, original + 'prompts/new/** not-an-owner\n');
    git(['commit', '-q', '-am', 'Break CODEOWNERS'], CAROL);
    const notAnOwner = () => vscode.languages.getDiagnostics(fileUri('.github/CODEOWNERS')).filter((d) => /"not-an-owner" is not an owner/.test(d.message));
    const diagnostics = await waitFor('the CODEOWNERS error', () => (notAnOwner().length ? notAnOwner() : undefined));
    assert.strictEqual(diagnostics[0].range.start.line, original.split('\n').length - 1, 'at the line that was added');
    fs.writeFileSync(codeowners, original);
    git(['commit', '-q', '-am', 'Fix CODEOWNERS'], CAROL);
    await waitFor('the error to clear', () => notAnOwner().length === 0);
    const rules = vscode.languages.getDiagnostics(fileUri('.github/CODEOWNERS'));
    assert.ok(rules.some((d) => /anyone who can push to the trusted branch can change the release rules/.test(d.message)), 'an unowned CODEOWNERS is flagged');
  });

  it('hides the CodeLens when the setting is off', async () => {
    const config = vscode.workspace.getConfiguration('promptRelease');
    await config.update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
    try {
      assert.deepStrictEqual(await codeLensTitles(P.draft), []);
    } finally {
      await config.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.ok((await codeLensTitles(P.draft)).length > 0);
  });
});
