import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PromptReleaseApi } from '../../src/extension/extension';
import type { ReleaseResult, ReleaseUi } from '../../src/extension/releaseFlow';
import type { VersionNode } from '../../src/extension/historyView';
import { BOB, CAROL, DAVE } from '../helpers/gitFixture';
import { ERIN, PROMPTS } from '../helpers/statePrompts';
import { api, cli, fileUri, git, waitFor } from './support';

const P = PROMPTS;

/** Answers the release dialogs as scripted and remembers what they said. */
class ScriptedUi implements ReleaseUi {
  environments: { name: string; detail: string }[][] = [];
  blocked: { title: string; reasons: string[] }[] = [];
  confirmations: { title: string; detail: string }[] = [];
  constructor(
    private readonly answers: { environment?: string; confirm?: boolean; push?: boolean } = {},
  ) {}
  async pickEnvironment(items: { name: string; detail: string }[], preferred: string) {
    this.environments.push(items);
    return this.answers.environment ?? preferred;
  }
  async showBlocked(title: string, reasons: string[]) {
    this.blocked.push({ title, reasons });
    return undefined;
  }
  async confirm(title: string, detail: string) {
    this.confirmations.push({ title, detail });
    return this.answers.confirm ?? true;
  }
  async offerPush() {
    return this.answers.push ?? false;
  }
  info() {}
}

const releaseTags = () => git(['tag', '-l', 'prompt-release/*']).split('\n').filter(Boolean);

describe('the release manager', function () {
  this.timeout(90000);
  let ext: PromptReleaseApi;
  const release = async (file: string, ui: ScriptedUi, options?: object) => {
    ext.releaseUi = ui;
    return (await vscode.commands.executeCommand('promptRelease.release', fileUri(file), options)) as ReleaseResult;
  };

  before(async () => {
    ext = await api();
    await waitFor('the first scan', () => ext.workspace.folders[0]?.status === 'ready');
  });

  it('is blocked with every unmet requirement named, and nothing is tagged', async () => {
    const before = releaseTags();
    const ui = new ScriptedUi({ environment: 'production' });
    const result = await release(P.approved, ui);
    assert.strictEqual(result.outcome, 'blocked');
    assert.strictEqual(ui.blocked[0].title, 'prompts/approved.prompt.md cannot be released to production');
    assert.deepStrictEqual(ui.blocked[0].reasons, [
      'needs 1 more approval from a code owner (@alice, @prompt-team)',
      "must be released to staging first (this content has no verified release there that meets today's staging policy)",
    ]);
    assert.deepStrictEqual(releaseTags(), before);

    const fs = require('fs') as typeof import('fs');
    fs.appendFileSync(fileUri(P.approved).fsPath, 'uncommitted\n');
    try {
      const dirty = new ScriptedUi({ environment: 'staging' });
      assert.strictEqual((await release(P.approved, dirty)).outcome, 'blocked');
      assert.match(dirty.blocked[0].reasons[0], /the working copy of prompts\/approved.prompt.md has uncommitted changes/);
    } finally {
      git(['checkout', '--', P.approved]);
    }
    const draft = new ScriptedUi({ environment: 'staging' });
    await release(P.draft, draft);
    assert.deepStrictEqual(draft.blocked[0].reasons, ['needs 1 more approval (has 0 of 1)']);
  });

  it('offers the next environment first and shows the gate of each', async () => {
    const ui = new ScriptedUi({ confirm: false });
    await release(P.approved, ui);
    assert.deepStrictEqual(ui.environments[0].map((e) => e.name), ['staging', 'production']);
    assert.match(ui.environments[0][0].detail, /not released there · 1\/1 approvals · gate open/);
    assert.strictEqual(ui.confirmations.length, 1, 'the preferred environment was staging');
  });

  it('releases when allowed: one tag whose evidence verify accepts, after confirming approvals and the version', async () => {
    const before = releaseTags();
    const ui = new ScriptedUi({ environment: 'staging' });
    const result = await release(P.approved, ui);
    assert.strictEqual(result.outcome, 'released');
    assert.strictEqual(ui.confirmations[0].title, 'Release prompts/approved.prompt.md as v1 to staging?');
    assert.match(ui.confirmations[0].detail, /This creates the tag prompt-release\/staging\/prompts\/approved.prompt.md\/v1/);
    assert.match(ui.confirmations[0].detail, /Approved by:\n• Erin Reviewer <erin@example.com>, 20\d\d-/);
    assert.match(ui.confirmations[0].detail, /First release to staging/);
    const added = releaseTags().filter((t) => !before.includes(t));
    assert.deepStrictEqual(added, ['prompt-release/staging/prompts/approved.prompt.md/v1']);
    const verify = cli(['verify']);
    assert.strictEqual(verify.code, 0, verify.stdout);
    // The editor shows it at once: the model, and the prompt's row in the view.
    assert.strictEqual(ext.workspace.promptAt(fileUri(P.approved))!.prompt.current.staging?.evidence.version, 1);
    const rows = ext.promptsTree.getChildren().flatMap((group) => ext.promptsTree.getChildren(group));
    const row = rows.find((n) => n.kind === 'prompt' && n.prompt.path === P.approved);
    assert.ok(row, 'the released prompt is in the view');
    assert.match(String(ext.promptsTree.getTreeItem(row).description), /released to staging as v1/);
  });

  it('promotes to production through the same gate', async () => {
    // Its own starting point: this content is live in staging (the test before may have done it).
    if (!ext.workspace.promptAt(fileUri(P.approved))!.prompt.current.staging) {
      assert.strictEqual(cli(['release', P.approved, '--env', 'staging'], DAVE).code, 0);
      await ext.workspace.refreshAll();
    }
    await vscode.commands.executeCommand('promptRelease.approve', fileUri(P.approved));
    const ui = new ScriptedUi();
    const result = await release(P.approved, ui);
    assert.strictEqual(result.outcome, 'released', JSON.stringify(ui.blocked));
    assert.strictEqual((result as any).tag, 'prompt-release/production/prompts/approved.prompt.md/v1');
    assert.match(ui.confirmations[0].detail, /owner @alice/);
    const prompt = ext.workspace.promptAt(fileUri(P.approved))!.prompt;
    assert.strictEqual(prompt.current.production?.evidence.version, 1);
  });

  it('rolls back from the history view: an earlier version is re-released as a new tag', async () => {
    // v2 of the modified prompt: approved by Erin and Alice, released to staging and production.
    assert.strictEqual(cli(['review', P.modified, '--approve'], ERIN).code, 0);
    await vscode.commands.executeCommand('promptRelease.approve', fileUri(P.modified));
    assert.strictEqual((await release(P.modified, new ScriptedUi({ environment: 'staging' }))).outcome, 'released');
    assert.strictEqual((await release(P.modified, new ScriptedUi({ environment: 'production' }))).outcome, 'released');

    ext.history.show(fileUri(P.modified));
    const nodes = await ext.history.getChildren();
    const texts = nodes.map((n) => String(ext.history.getTreeItem(n).label));
    // The view shows what the CLI's history shows, entry for entry.
    const shown = JSON.parse(cli(['history', P.modified, '--json']).stdout).timeline.map((e: { text: string }) => e.text);
    assert.deepStrictEqual(texts, shown);
    const versions = nodes.filter((n): n is VersionNode => n.kind === 'entry' && n.entry.kind === 'version');
    const v1 = versions.find((n) => n.entry.version === 1)!;
    const v2 = versions.find((n) => n.entry.version === 2)!;
    assert.ok(v1 && v2, texts.join('\n'));
    assert.match(String(ext.history.getTreeItem(v2).description), /committed now · in staging, production/);
    assert.strictEqual(ext.history.getTreeItem(v1).contextValue, 'version released');
    assert.ok(texts.some((d) => /^released v1 to production by Dave Releaser/.test(d)), texts.join('\n'));
    assert.ok(texts.some((d) => /^approved by Alice Owner/.test(d)), texts.join('\n'));

    const tagsBefore = git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/tags/prompt-release/']);
    const ui = new ScriptedUi({ environment: 'production' });
    ext.releaseUi = ui;
    const result = (await vscode.commands.executeCommand('promptRelease.history.rollback', v1)) as ReleaseResult;
    assert.strictEqual(result.outcome, 'released', JSON.stringify(ui.blocked));
    assert.strictEqual((result as any).tag, 'prompt-release/production/prompts/modified.prompt.md/v1-2');
    assert.match(ui.confirmations[0].detail, /Against v2, now in production: \+0 −1 line/);
    const tagsAfter = git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/tags/prompt-release/']);
    for (const line of tagsBefore.trim().split('\n')) assert.ok(tagsAfter.includes(line), `moved: ${line}`);
    assert.strictEqual(ext.workspace.promptAt(fileUri(P.modified))!.prompt.current.production?.evidence.version, 1);
    assert.strictEqual(cli(['verify']).code, 0);
  });

  it('releases every ready prompt together from "Release all ready…", after showing the plan', async () => {
    // Its own starting point: two new prompts approved for staging, one blocked.
    git(['checkout', '-q', 'main']);
    const fs = require('fs') as typeof import('fs');
    for (const name of ['train-a', 'train-b', 'train-c']) fs.writeFileSync(fileUri(`prompts/${name}.prompt.md`).fsPath, `You are ${name}.\n`);
    git(['add', 'prompts']);
    git(['commit', '-q', '-m', 'Prompts for a train'], CAROL);
    for (const name of ['train-a', 'train-b']) assert.strictEqual(cli(['review', `prompts/${name}.prompt.md`, '--approve'], ERIN).code, 0);
    assert.strictEqual(cli(['review', 'prompts/train-c.prompt.md', '--request-changes', '-m', 'Not yet.'], BOB).code, 0);
    await ext.workspace.refreshAll();

    const ui = new ScriptedUi({ environment: 'staging' });
    ext.releaseUi = ui;
    const plan = (await vscode.commands.executeCommand('promptRelease.releaseAllReady')) as { go: { tag: string }[] } | undefined;
    assert.ok(plan, 'the train ran');
    assert.strictEqual(ui.confirmations[0].title.startsWith('Release '), true);
    assert.match(ui.confirmations[0].detail, /• prompts\/train-a\.prompt\.md v1\n• prompts\/train-b\.prompt\.md v1/);
    assert.match(ui.confirmations[0].detail, /Blocked, not released:\n(.*\n)*• prompts\/train-c\.prompt\.md: /);
    for (const name of ['train-a', 'train-b']) assert.ok(releaseTags().includes(`prompt-release/staging/prompts/${name}.prompt.md/v1`), name);
    assert.ok(!releaseTags().some((t) => t.includes('train-c')));
    assert.strictEqual(ext.workspace.promptAt(fileUri('prompts/train-a.prompt.md'))!.prompt.current.staging?.evidence.version, 1, 'the editor shows it at once');
    assert.strictEqual(cli(['verify']).code, 0);
  });

  it('pushes the tag atomically when asked, and reports a rejected push without forcing', async () => {
    const remote = mkdtempSync(path.join(tmpdir(), 'prc-remote-'));
    execFileSync('git', ['init', '-q', '--bare', remote]);
    git(['remote', 'add', 'origin', remote]);
    git(['push', '-q', 'origin', 'main']);
    assert.strictEqual(cli(['review', P.draft, '--approve'], BOB).code, 0);
    await ext.workspace.refreshAll();
    const pushed = (await release(P.draft, new ScriptedUi({ environment: 'staging', push: true }))) as any;
    assert.strictEqual(pushed.pushedTo, 'origin');
    assert.match(execFileSync('git', ['ls-remote', '--tags', remote], { encoding: 'utf8' }), /refs\/tags\/prompt-release\/staging\/prompts\/draft.prompt.md\/v1/);

    // Someone else already pushed a production v1 of the draft prompt pointing elsewhere.
    const elsewhere = git(['rev-parse', 'HEAD~3']).trim();
    execFileSync('git', ['tag', 'prompt-release/production/prompts/draft.prompt.md/v1', elsewhere], { cwd: remote });
    await vscode.commands.executeCommand('promptRelease.approve', fileUri(P.draft)).then(undefined, () => undefined);
    const attempt = await release(P.draft, new ScriptedUi({ environment: 'production', push: true }));
    assert.strictEqual(attempt, undefined, 'the failed push is reported as an error message');
    const remoteTag = execFileSync('git', ['rev-parse', 'prompt-release/production/prompts/draft.prompt.md/v1'], { cwd: remote, encoding: 'utf8' }).trim();
    assert.strictEqual(remoteTag, elsewhere, 'the remote tag was not forced');
    assert.ok(releaseTags().includes('prompt-release/production/prompts/draft.prompt.md/v1'), 'the local release stays');
  });
});
