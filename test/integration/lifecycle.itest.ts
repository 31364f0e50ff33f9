import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ShownInput } from '../../src/extension/ask';
import type { PromptReleaseApi } from '../../src/extension/extension';
import type { ReleaseUi } from '../../src/extension/releaseFlow';
import type { ApproveResult } from '../../src/extension/reviewActions';
import { CAROL, STANDARD_CONFIG } from '../helpers/gitFixture';
import { ERIN, PROMPTS } from '../helpers/statePrompts';
import { api, cli, codeLensTitles, fileUri, git, root, stateLens, waitFor } from './support';

/** Resolves with the next question the extension puts on screen (a real QuickPick or InputBox). */
function nextInput(ext: PromptReleaseApi): Promise<ShownInput> {
  return new Promise((resolve) => {
    const listener = ext.asker.onDidShow((shown) => {
      listener.dispose();
      resolve(shown);
    });
  });
}

function asPick(shown: ShownInput): vscode.QuickPick<vscode.QuickPickItem> {
  assert.strictEqual(shown.kind, 'pick');
  return shown.input as vscode.QuickPick<vscode.QuickPickItem>;
}

/** Moves the list's cursor with the workbench's own navigation command until `label` is active. */
async function moveTo(quickPick: vscode.QuickPick<vscode.QuickPickItem>, label: string): Promise<void> {
  // A checklist starts with no active item; the first "next" makes the first item active.
  for (let i = 0; i <= quickPick.items.length && quickPick.activeItems[0]?.label !== label; i++) {
    const moved = new Promise<void>((resolve) => {
      const listener = quickPick.onDidChangeActive(() => {
        listener.dispose();
        resolve();
      });
    });
    await vscode.commands.executeCommand('quickInput.next');
    await moved;
  }
  assert.strictEqual(quickPick.activeItems[0]?.label, label, `"${label}" in ${quickPick.items.map((i) => i.label).join(', ')}`);
}

async function choose(quickPick: vscode.QuickPick<vscode.QuickPickItem>, label: string): Promise<void> {
  await moveTo(quickPick, label);
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

/** Ticks each label in a checklist (Space on the active item), then accepts (Enter). */
async function tick(quickPick: vscode.QuickPick<vscode.QuickPickItem>, labels: string[]): Promise<void> {
  for (const label of labels) {
    await moveTo(quickPick, label);
    const changed = new Promise<void>((resolve) => {
      const listener = quickPick.onDidChangeSelection(() => {
        listener.dispose();
        resolve();
      });
    });
    await vscode.commands.executeCommand('workbench.action.quickPickManyToggle');
    await changed;
  }
  assert.deepStrictEqual(quickPick.selectedItems.map((i) => i.label), labels);
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

/** Writes files and commits them as `who`, optionally dated in the past (author and committer). */
function commitFiles(files: Record<string, string>, message: string, who = CAROL, date?: Date): string {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(fileUri(rel).fsPath), { recursive: true });
    fs.writeFileSync(fileUri(rel).fsPath, text);
  }
  git(['add', '--', ...Object.keys(files)]);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  Object.assign(env, { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email });
  if (date) Object.assign(env, { GIT_AUTHOR_DATE: date.toISOString(), GIT_COMMITTER_DATE: date.toISOString() });
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: root(), env });
  return git(['rev-parse', 'HEAD']).trim();
}

const head = () => git(['rev-parse', 'HEAD']).trim();

/** The record a commit added, parsed. */
function recordOf(commit: string): any {
  const file = git(['show', '--name-only', '--format=', commit]).split('\n').find((f) => f.startsWith('.promptrelease/records/'));
  assert.ok(file, `commit ${commit} adds a record`);
  return JSON.parse(git(['show', `${commit}:${file}`]));
}

describe('reviews with criteria, dependencies, feedback and attention', function () {
  this.timeout(90000);
  let ext: PromptReleaseApi;
  const model = () => ext.workspace.folders[0].model!;

  /** Commits the release rules (the config file has no owner, so they are in force at once) and waits for the editor to apply them. */
  async function usePolicy(text: string): Promise<void> {
    if (fs.readFileSync(fileUri('.promptrelease.yaml').fsPath, 'utf8') !== text) commitFiles({ '.promptrelease.yaml': text }, 'Release rules');
    const want = head();
    await waitFor('the editor to read the new rules', () => model().head.commit === want);
  }

  async function commitPrompts(files: Record<string, string>, message: string, date?: Date): Promise<void> {
    const commit = commitFiles(files, message, CAROL, date);
    await waitFor('the editor to read the commit', () => model().head.commit === commit && Object.keys(files).every((f) => model().byPath.has(f)));
  }

  before(async () => {
    ext = await api();
    await waitFor('the first scan', () => ext.workspace.folders[0]?.status === 'ready');
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('asks the reviewer to tick the policy criteria: a closed checklist records nothing, ticked ones are in the record', async () => {
    await usePolicy(
      STANDARD_CONFIG.replace('staging: { approvals: 1 }', 'staging: { approvals: 1, criteria: ["brand voice"] }').replace(
        'production: { approvals: 2, ownerApproval: true }',
        'production: { approvals: 2, ownerApproval: true, criteria: ["brand voice", "no legal claims"] }',
      ),
    );
    const file = 'prompts/criteria.prompt.md';
    await commitPrompts({ [file]: 'You answer questions about our plans.\nNever promise what the contract does not say.\n' }, 'Add the plans prompt');

    // Closing the checklist (Escape) records nothing.
    const before = head();
    let shown = nextInput(ext);
    let running = vscode.commands.executeCommand<ApproveResult>('promptRelease.approve', fileUri(file));
    const checklist = asPick(await shown);
    assert.strictEqual(checklist.canSelectMany, true);
    assert.deepStrictEqual(
      checklist.items.map((i) => `${i.label} (${i.description})`),
      ['brand voice (required for staging, production)', 'no legal claims (required for production)'],
    );
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.strictEqual((await running)?.outcome, 'cancelled');
    assert.strictEqual(head(), before, 'no record was committed');
    assert.match(await stateLens(file), /^\$\(shield\) draft/);

    // Ticking one criterion: the approval records it and counts only where that is all the policy asks.
    shown = nextInput(ext);
    running = vscode.commands.executeCommand<ApproveResult>('promptRelease.approve', fileUri(file));
    await tick(asPick(await shown), ['brand voice']);
    const result = await running;
    assert.strictEqual(result?.outcome, 'approved');
    assert.deepStrictEqual(result.notCounted, [{ environment: 'production', missing: ['no legal claims'] }]);
    const record = recordOf(head());
    assert.deepStrictEqual([record.type, record.verdict, record.by.email, record.confirms], ['review', 'approve', 'alice@example.com', ['brand voice']]);
    await waitFor('the approval to count for staging', async () => /approved for staging · 1\/1 staging · 0\/2 production/.test(await stateLens(file)));
  });

  it('shows on a shared file the prompts that include it, opens one from the CodeLens, and says when their approvals went stale', async () => {
    await usePolicy(STANDARD_CONFIG);
    const tone = 'prompts/shared/tone.prompt.md';
    const [support, billing] = ['prompts/support-desk.prompt.md', 'prompts/billing-desk.prompt.md'];
    await commitPrompts(
      {
        [tone]: 'Be warm and brief.\n',
        [support]: 'You help customers with orders.\nFollow [the tone guide](shared/tone.prompt.md).\n',
        [billing]: 'You explain invoices.\nFollow [the tone guide](shared/tone.prompt.md).\n',
      },
      'Share the tone guide',
    );
    await waitFor('the includes to be resolved', () => model().byPath.get(tone)!.usedBy.length === 2);

    const lenses = async (rel: string) => {
      await vscode.workspace.openTextDocument(fileUri(rel));
      return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fileUri(rel))) ?? [];
    };
    const usedBy = (await lenses(tone)).find((l) => l.command?.title.startsWith('$(references)'));
    assert.ok(usedBy?.command, 'a "used by" CodeLens on the shared file');
    assert.strictEqual(usedBy.command.title, '$(references) Used by 2 prompts');
    assert.match(String(usedBy.command.tooltip), /Included by prompts\/billing-desk\.prompt\.md, prompts\/support-desk\.prompt\.md\. A change to this file makes their approvals stale/);
    assert.ok((await codeLensTitles(support)).includes('$(file-symlink-file) Includes 1 file'));

    // Clicking it lists the dependents; the chosen one opens.
    const shown = nextInput(ext);
    const opened = vscode.commands.executeCommand<string>(usedBy.command.command, ...(usedBy.command.arguments ?? []));
    const list = asPick(await shown);
    assert.deepStrictEqual(list.items.map((i) => i.label).sort(), [billing, support]);
    await choose(list, support);
    assert.strictEqual(await opened, support);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, fileUri(support).fsPath);

    // Erin approves the prompt; then the shared file changes: her approval is stale and the CodeLens says why.
    assert.strictEqual(cli(['review', support, '--approve'], ERIN).code, 0);
    await waitFor('Erin\'s approval', () => model().byPath.get(support)!.gates[0].approvalsCounted === 1);
    await commitPrompts({ [tone]: 'Be warm, brief and never sarcastic.\n' }, 'Tighten the tone guide');
    const next = await waitFor('the next action to follow the gate', async () => (await lenses(support)).find((l) => l.command?.title === 'Approve Again (includes changed)'));
    assert.match(String(next.command!.tooltip), /what prompts\/support-desk\.prompt\.md includes changed after Erin Reviewer <erin@example\.com> approved it \(prompts\/shared\/tone\.prompt\.md has changed since\)/);

    // Releasing the shared file names the prompts it reaches before anything is tagged.
    assert.strictEqual(cli(['review', tone, '--approve'], ERIN).code, 0);
    await waitFor('the shared file approved for staging', () => model().byPath.get(tone)!.gates[0].allowed);
    const confirmations: string[] = [];
    const ui: ReleaseUi = {
      pickEnvironment: async () => 'staging',
      showBlocked: async () => undefined,
      confirm: async (_title, detail) => (confirmations.push(detail), false),
      offerPush: async () => false,
      info: () => undefined,
    };
    const previous = ext.releaseUi;
    ext.releaseUi = ui;
    try {
      const result = await vscode.commands.executeCommand<{ outcome: string }>('promptRelease.release', fileUri(tone));
      assert.strictEqual(result?.outcome, 'cancelled');
    } finally {
      ext.releaseUi = previous;
    }
    assert.match(confirmations[0], /Included by 2 prompts:\n• prompts\/billing-desk\.prompt\.md\n• prompts\/support-desk\.prompt\.md \(its approvals are stale: it needs a new review\)/);
  });

  it('records feedback on the furthest live version from the command and shows it on the CodeLens', async () => {
    await usePolicy(STANDARD_CONFIG);
    const file = PROMPTS.released;
    let shown = nextInput(ext);
    const running = vscode.commands.executeCommand<{ commit: string; environment?: string; version?: number }>('promptRelease.giveFeedback', fileUri(file));
    const environments = asPick(await shown);
    assert.deepStrictEqual(environments.items.map((i) => `${i.label}: ${i.description}`), ['production: v1 live there · furthest', 'staging: v1 live there']);
    shown = nextInput(ext);
    await choose(environments, 'production');
    const rating = asPick(await shown);
    shown = nextInput(ext);
    await choose(rating, '$(thumbsdown) Bad');
    const text = await shown;
    assert.strictEqual(text.kind, 'text');
    text.input.value = 'It promised a refund after 60 days.';
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const result = await running;
    assert.deepStrictEqual([result?.environment, result?.version], ['production', 1]);
    const record = recordOf(result!.commit);
    assert.deepStrictEqual([record.type, record.rating, record.body, record.environment, record.by.email], ['feedback', 'bad', 'It promised a refund after 60 days.', 'production', 'alice@example.com']);

    const lens = await waitFor('the feedback CodeLens', async () => {
      await vscode.workspace.openTextDocument(fileUri(file));
      const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fileUri(file))) ?? [];
      return all.find((l) => l.command?.title === '$(feedback) 1 report on v1 in production (1 bad)');
    });
    // Clicking it lists the reports: who, when, rating, what they said, and whether it is answered.
    shown = nextInput(ext);
    const listing = vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    const reports = asPick(await shown);
    const report = reports.items[0];
    assert.strictEqual(report.label, '$(thumbsdown) bad · Alice Owner <alice@example.com>');
    assert.match(String(report.description), /^v1 in production · \d{4}-\d\d-\d\d \d\d:\d\d UTC · open$/);
    assert.strictEqual(report.detail, 'It promised a refund after 60 days.');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await listing;
  });

  it('puts an overdue review request first in "Waiting for My Review" and in the dashboard\'s attention list', async () => {
    await usePolicy(STANDARD_CONFIG + 'escalateAfter: 3d\n');
    const file = 'prompts/overdue.prompt.md';
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    await commitPrompts({ [file]: 'You triage incoming tickets.\n' }, 'Add the triage prompt', tenDaysAgo);
    const prompt = model().byPath.get(file)!;
    // Carol asked Alice ten days ago: a request record written by hand, committed with that date.
    const request = { format: 1, type: 'review-request', prompt: file, contentHash: prompt.contentHash, blob: prompt.blob, reviewers: ['@alice'], by: CAROL, time: tenDaysAgo.toISOString() };
    const hash = prompt.contentHash!.replace(/^sha256:/, '').slice(0, 12);
    const recordPath = `.promptrelease/records/${hash.slice(0, 2)}/${hash}-${tenDaysAgo.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-review-request-0badf00d.json`;
    const commit = commitFiles({ [recordPath]: JSON.stringify(request, null, 2) + '\n' }, `prompt-release: request review of ${file}`, CAROL, tenDaysAgo);
    await waitFor('the request to be read', () => model().head.commit === commit && model().byPath.get(file)!.currentRequests.length === 1);

    const first = await waitFor('the waiting view to put it first', () => {
      const [top] = ext.waitingTree.getChildren();
      const item = top && ext.waitingTree.getTreeItem(top);
      return item?.label === 'overdue.prompt.md' ? item : undefined;
    });
    const icon = first.iconPath as vscode.ThemeIcon;
    assert.strictEqual(icon.id, 'bell', 'a codicon of its own, not a state icon');
    assert.match(String(first.description), /^prompts · overdue: review requested by Carol Author <carol@example\.com> from @alice 10 days ago .* is unanswered \(escalateAfter: 3d\)/);
    assert.match(String(first.tooltip), /^OVERDUE: review requested by Carol Author/);
    const others = ext.waitingTree.getChildren().slice(1).map((n) => ext.waitingTree.getTreeItem(n).label);
    assert.ok(others.length > 0 && !others.includes('overdue.prompt.md'), `the other waiting prompts follow: ${others.join(', ')}`);

    const { dashboardData } = require('../../src/extension/dashboardData') as typeof import('../../src/extension/dashboardData');
    const data = dashboardData(ext.workspace.folders.map((s) => ({ name: s.folder.name, root: s.repo!.root, model: s.model! })));
    assert.ok(data.attention.length >= 1);
    assert.deepStrictEqual([data.attention[0].path, data.attention[0].kind, data.attention[0].label], [file, 'overdue', 'overdue']);
    assert.strictEqual(data.attention[0].since.slice(0, 10), tenDaysAgo.toISOString().slice(0, 10));
    assert.ok(data.prompts.some((p) => p.path === file));
  });
});
