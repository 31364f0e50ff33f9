/*
 * End-to-end journeys driven through the browser as a person would: Playwright
 * clicks and keys on the real VS Code 1.139 web workbench (see realVscode.ts),
 * never calling into the extension's API. Repository state is checked from
 * Node with git and the real CLI.
 *
 *   node out/test/runner/journeys.js [--screenshots DIR] [--keep]
 *   node out/test/runner/runIntegration.js journeys      (same, inside the integration command)
 *
 * One VS Code session on one workspace from createStatesRepo() (the editor runs
 * as Alice, an owner); the journeys build on each other the way one person's
 * afternoon would: look at a change, approve a draft, release it, check the
 * dashboard. Each check is a named step; a failing step records a failure with
 * a screenshot (in a temp dir, printed) and the next journey starts from a
 * reset workbench. README screenshots go to DIR (default images/).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { contentHash } from '../../src/core/prompts/hash';
import { newRecordPath, serializeRecord, type CommentRecord, type ReviewRequestRecord } from '../../src/core/reviews/records';
import { ALICE } from '../helpers/gitFixture';
import { repoRoot } from './installRealVscode';
import { PROMPTS, createStatesRepo } from './promptFixtures';
import { startRealVscode, type RealVscodeSession } from './realVscode';
import { QUIET_WORKBENCH_SETTINGS, openFile, waitForWorkbench } from './workbench';

export interface JourneyOptions {
  /** Where the README screenshots go (default: <repo>/images). */
  screenshotsDir?: string;
  /** A browser to reuse (from launchBrowser()); default: the session launches its own. */
  browser?: Browser;
  /** Keep the workspace and VS Code temp dirs. */
  keep?: boolean;
  /** Server/browser progress lines. */
  log?: (line: string) => void;
  /** Where step lines are printed (default stdout). */
  out?: (line: string) => void;
}

export interface JourneyResult {
  passed: number;
  failed: number;
  failures: { title: string; error: string }[];
  tests: { title: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number; error?: string }[];
  durationMs: number;
}

const STEP_TIMEOUT = 20_000;
const SETTINGS = {
  ...QUIET_WORKBENCH_SETTINGS,
  // A person who wants to see the prompt's state while reviewing a diff turns this on.
  'diffEditor.codeLens': true,
  'workbench.editor.enablePreview': false,
  'window.commandCenter': false,
};
const ISOLATED_GIT = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const STAGING_TAG = `prompt-release/staging/${PROMPTS.draft}/v1`;

// ---------------------------------------------------------------- repository checks (from Node)

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return { ...env, ...ISOLATED_GIT };
}

function git(ws: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: ws, env: gitEnv(), encoding: 'utf8' });
}

function cli(ws: string, ...args: string[]): { code: number; output: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot(), 'out', 'src', 'cli', 'bin.js'), ...args], {
    cwd: ws,
    env: gitEnv(),
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** How often a wait re-checks its condition. */
const POLL_INTERVAL_MS = 200;

/** Polls a Node-side condition (repository state changes after the UI returns). */
async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = STEP_TIMEOUT): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(POLL_INTERVAL_MS);
  }
}

/**
 * Retries a group of UI reads + assertions until they all hold: the CodeLens and
 * the dashboard re-render whenever the extension refreshes, so an element read
 * a moment ago can be gone (detached) when the next read happens.
 */
async function eventually(fn: () => Promise<void>, timeoutMs = STEP_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(POLL_INTERVAL_MS);
    }
  }
}

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

// ---------------------------------------------------------------- workbench helpers (as a person)

const dialog = (page: Page): Locator => page.locator('.monaco-dialog-box');
const quickInput = (page: Page): Locator => page.locator('.quick-input-widget');

/** Escapes whatever is open (dialog, quick input), then closes every editor. */
async function resetWorkbench(page: Page): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const open = (await dialog(page).isVisible()) || (await quickInput(page).isVisible());
    if (!open) break;
    await page.keyboard.press('Escape');
    await Promise.all([dialog(page).waitFor({ state: 'hidden', timeout: 1000 }), quickInput(page).waitFor({ state: 'hidden', timeout: 1000 })]).catch(() => undefined);
  }
  await palette(page, 'View: Close All Editors');
  await page.locator('.part.editor .tabs-container .tab').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
  await palette(page, 'Notifications: Clear All Notifications').catch(() => undefined);
}

/**
 * Runs a palette command by its label (F1, type, click the row). Unlike
 * workbench.ts runCommand it does not wait for the quick input to close: the
 * command may open its own quick pick right away.
 */
async function palette(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await input.fill(`>${label}`);
  // Wait for the row before clicking: the list fills in asynchronously.
  const row = pickRow(page, label);
  await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  await row.click();
}

/** A quick pick row whose label is exactly `label`. */
function pickRow(page: Page, label: string): Locator {
  return page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact(label) }) })
    .first();
}

function exact(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/** The CodeLens links of the active editor (the modified side in a diff editor). */
function lenses(page: Page): Locator {
  return page.locator('.part.editor .editor-group-container.active .codelens-decoration a');
}

function lens(page: Page, text: string | RegExp): Locator {
  return lenses(page).filter({ hasText: typeof text === 'string' ? exact(text) : text }).first();
}

async function lensTexts(page: Page): Promise<string[]> {
  return (await lenses(page).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** A view of the side bar, by its title (VS Code title-cases view names in the header). */
function pane(page: Page, title: string): Locator {
  return page
    .locator('.part.sidebar .pane')
    .filter({ has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^\\s*${title}\\s*$`, 'i') }) })
    .first();
}

/** A tree row of a side bar view, by its text (label + description). */
function rowIn(page: Page, title: string, text: string | RegExp): Locator {
  return pane(page, title).locator('.monaco-list-row', { hasText: text }).first();
}

/** Hides the secondary side bar (Chat) if the workbench shows it anyway. */
async function hideSecondarySideBar(page: Page): Promise<void> {
  const aux = page.locator('.part.auxiliarybar');
  if (await aux.isVisible().catch(() => false)) {
    await palette(page, 'View: Hide Secondary Side Bar').catch(() => undefined);
    await aux.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
  }
}

/** A README screenshot: no Chat side bar, the mouse off any hover target. */
async function shoot(page: Page, session: RealVscodeSession, file: string): Promise<void> {
  await hideSecondarySideBar(page);
  const size = page.viewportSize() ?? { width: 1400, height: 900 };
  await page.mouse.move(size.width - 300, size.height - 120);
  await session.screenshot(file);
}

/** The dashboard's document: the webview's inner #active-frame holding #prompts. */
async function dashboardFrame(page: Page): Promise<Frame> {
  const deadline = Date.now() + STEP_TIMEOUT;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (await frame.locator('#prompts').count().catch(() => 0)) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview frame with #prompts among ${page.frames().map((f) => f.url()).join(', ')}`);
    await sleep(POLL_INTERVAL_MS);
  }
}

// ---------------------------------------------------------------- the runner

interface Ctx {
  page: Page;
  ws: string;
  shots: string;
  session: RealVscodeSession;
}

type Step = (name: string, fn: () => Promise<void>) => Promise<void>;
interface Journey {
  title: string;
  run: (ctx: Ctx, step: Step) => Promise<void>;
}

class StepFailed extends Error {}

const JOURNEYS: Journey[] = [
  {
    title: 'Author sees state and diffs',
    async run({ page, shots, session }, step) {
      await step(`opens ${PROMPTS.modified}`, () => openFile(page, PROMPTS.modified));
      await step('the CodeLens above line 1 shows the state and the owners', async () => {
        await lens(page, /modified since release \(v1 in production\)/).waitFor({ state: 'visible', timeout: 45_000 });
        await lens(page, /@alice, @prompt-team/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await eventually(async () => {
          const texts = await lensTexts(page);
          assert(texts.some((t) => /^modified since release \(v1 in production\) · 0\/1 staging · 0\/2 production$/.test(t)), `state lens: ${texts.join(' | ')}`);
          assert(texts.some((t) => t === '@alice, @prompt-team'), `owners lens: ${texts.join(' | ')}`);
          // Above line 1: the lens widget sits above the first line of text.
          const lensBox = await lens(page, /modified since release/).boundingBox({ timeout: 2000 });
          const lineTops = await page
            .locator('.part.editor .editor-group-container.active .view-lines .view-line')
            .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
          assert(lensBox && lineTops.length > 0, 'no boxes for the CodeLens / the lines');
          assert(lensBox.y + lensBox.height / 2 < Math.min(...lineTops), `CodeLens (y=${lensBox.y}) is not above line 1 (y=${Math.min(...lineTops)})`);
        });
      });
      await step('"…" above the prompt offers "Diff with Production", which opens the diff with production v1', async () => {
        await lenses(page).filter({ has: page.locator('.codicon-ellipsis') }).first().click();
        await pickRow(page, 'Diff with Production').click();
        const tab = page.locator('.part.editor .tabs-container .tab.active', { hasText: 'production v1' });
        await tab.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await page.locator('.part.editor .editor-group-container.active .monaco-diff-editor').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        const label = (await tab.textContent())?.trim() ?? '';
        assert(/modified\.prompt\.md \(production v1\)/.test(label), `diff tab label: ${label}`);
        // The released text is on the left, the edit ("Never guess.") only on the right.
        await page.locator('.part.editor .monaco-diff-editor .editor.modified .view-line', { hasText: 'Never guess.' }).waitFor({ timeout: STEP_TIMEOUT });
        assert((await page.locator('.part.editor .monaco-diff-editor .editor.original .view-line', { hasText: 'Never guess.' }).count()) === 0, 'the production side contains the new line');
        // At the top of the older side: what the change means, not only which lines.
        await eventually(async () => {
          const shown = await page.locator('.part.editor .monaco-diff-editor .editor.original .view-line').evaluateAll((lines) =>
            lines.flatMap((line) => [line.textContent ?? '', ...[...line.querySelectorAll("span")].map((span) => (globalThis as any).getComputedStyle(span, "::after").content as string)]),
          );
          assert(shown.some((text) => /⟶ \+1 −0 line/.test(text)), `no change summary on the production side: ${shown.filter(Boolean).slice(0, 5).join(' | ')}`);
        });
      });
      await step('screenshot author-state-and-diff.png', async () => {
        await shoot(page, session, path.join(shots, 'author-state-and-diff.png'));
      });
    },
  },
  {
    title: 'Reviewer signs off inline',
    async run({ page, shots, ws, session }, step) {
      await step(`opens ${PROMPTS.draft} (a draft)`, async () => {
        await openFile(page, PROMPTS.draft);
        await lens(page, /^\s*draft · 0\/1 staging · 0\/2 production\s*$/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      });
      await step('the Prompt Releases container shows "Waiting for My Review" and "Prompts"', async () => {
        // Opened before signing off, while the extension is idle: revealing the tree while a
        // refresh is in flight can leave its groups expanded but empty (see the report).
        await page.locator('.part.activitybar .action-item a[aria-label^="Prompt Releases"]').first().click();
        await pane(page, 'Waiting for My Review').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await pane(page, 'Prompts').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        // Make room for the Prompts tree: collapse "Prompt History" as a person would.
        const history = page.locator('.part.sidebar .pane-header', { has: page.locator('h3.title', { hasText: /^\s*Prompt History\s*$/i }) });
        if ((await history.getAttribute('aria-expanded')) === 'true') await history.click();
        // Carol asked Alice to review one prompt; Alice owns the rest of prompts/.
        await rowIn(page, 'Waiting for My Review', 'review.prompt.md').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await rowIn(page, 'Prompts', /Approved, not released\s*1(?!\d)/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      });
      await step('clicking the "Approve" CodeLens turns it "approved for staging", and the tree follows', async () => {
        await lens(page, 'Approve').click();
        await lens(page, /^\s*approved for staging · 1\/1 staging · 1\/2 production\s*$/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        const last = git(ws, 'log', '-1', '--format=%an <%ae>|%s').trim();
        assert(last.startsWith(`${ALICE.name} <${ALICE.email}>|prompt-release: approve ${PROMPTS.draft}`), `last commit: ${last}`);
        await rowIn(page, 'Prompts', /Approved, not released\s*2(?!\d)/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await rowIn(page, 'Prompts', /draft\.prompt\.md.*approved for staging/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      });
      await step('screenshot reviewer-sign-off.png', async () => {
        await shoot(page, session, path.join(shots, 'reviewer-sign-off.png'));
      });
    },
  },
  {
    title: 'Release manager is blocked, then releases',
    async run({ page, shots, ws, session }, step) {
      await step(`opens ${PROMPTS.draft} (approved for staging)`, async () => {
        if (!/prompt-release: approve prompts\/draft/.test(git(ws, 'log', '--format=%s'))) {
          // The previous journey failed before approving: approve as Alice with the CLI so this one can still run.
          const r = cli(ws, 'review', PROMPTS.draft, '--approve');
          assert(r.code === 0, `approving with the CLI failed: ${r.output}`);
        }
        await openFile(page, PROMPTS.draft);
        await lens(page, /^\s*approved for staging/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      });
      await step('"Release…" to production is blocked with a modal naming what is missing', async () => {
        await palette(page, 'Prompt Release: Release…');
        await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Release to which environment?' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await pickRow(page, 'production').click();
        await dialog(page).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        const text = (await dialog(page).innerText()).replace(/\s+/g, ' ');
        assert(text.includes(`${PROMPTS.draft} cannot be released to production`), `dialog: ${text}`);
        assert(text.includes('must be released to staging first'), `dialog does not name the staging requirement: ${text}`);
        assert(text.includes('needs 1 more approval'), `dialog does not name the missing approval: ${text}`);
      });
      await step('screenshot release-blocked.png', async () => {
        await shoot(page, session, path.join(shots, 'release-blocked.png'));
      });
      await step('Escape dismisses the blocked dialog and creates no tag', async () => {
        await page.keyboard.press('Escape');
        await dialog(page).waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
        assert(git(ws, 'tag', '-l', `prompt-release/production/${PROMPTS.draft}/*`).trim() === '', 'a production tag appeared');
      });
      await step('"Release…" to staging asks for confirmation with the approvals', async () => {
        await palette(page, 'Prompt Release: Release…');
        await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Release to which environment?' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await pickRow(page, 'staging').click();
        await dialog(page).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        const text = (await dialog(page).innerText()).replace(/\s+/g, ' ');
        assert(text.includes(`Release ${PROMPTS.draft} as v1 to staging?`), `dialog: ${text}`);
        assert(text.includes(`Approved by: • ${ALICE.name} <${ALICE.email}>`), `dialog does not list Alice's approval: ${text}`);
        assert(text.includes(`This creates the tag ${STAGING_TAG}`), `dialog does not name the tag: ${text}`);
      });
      await step('screenshot release-confirm.png', async () => {
        await shoot(page, session, path.join(shots, 'release-confirm.png'));
      });
      await step(`clicking "Release" creates ${STAGING_TAG} and the CLI verifies it`, async () => {
        await dialog(page).locator('.dialog-buttons a.monaco-button, .dialog-buttons button', { hasText: exact('Release') }).first().click();
        await dialog(page).waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
        await until(`the tag ${STAGING_TAG}`, () => git(ws, 'tag', '-l', STAGING_TAG).trim() === STAGING_TAG);
        const type = git(ws, 'cat-file', '-t', STAGING_TAG).trim();
        assert(type === 'tag', `${STAGING_TAG} is a ${type}, not an annotated tag`);
        const verify = cli(ws, 'verify');
        assert(verify.code === 0, `prompt-release verify exited ${verify.code}: ${verify.output}`);
      });
      await step('the "Push Tag" offer is in the notifications and is cleared without pushing', async () => {
        // With --enable-smoke-test-driver (needed for the payload) VS Code shows no toasts:
        // notifications only reach the Notification Center, so open it from the status bar bell.
        await page.locator('.part.statusbar [id="status.notifications"]').click();
        const center = page.locator('.notifications-center');
        await center.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        const item = center.locator('.monaco-list-row', { hasText: 'Push the tag' }).first();
        await item.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        const message = (await item.innerText()).replace(/\s+/g, ' ');
        assert(message.includes(`Released ${PROMPTS.draft} v1 to staging (tag ${STAGING_TAG}, unsigned)`), `notification: ${message}`);
        assert(await item.locator('a.monaco-button, button', { hasText: exact('Push Tag') }).isVisible(), `no "Push Tag" button: ${message}`);
        await item.hover();
        await item.locator('.action-label.codicon-notifications-clear, a[aria-label^="Clear Notification"]').first().click();
        await item.waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
        await page.keyboard.press('Escape');
        await center.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT }).catch(() => undefined);
        await lens(page, /^\s*released to staging as v1/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      });
    },
  },
  {
    title: 'The dashboard',
    async run({ page, shots, ws, session }, step) {
      let frame!: Frame;
      const released = git(ws, 'tag', '-l', STAGING_TAG).trim() === STAGING_TAG;
      const approvedDraft = /prompt-release: approve prompts\/draft/.test(git(ws, 'log', '--format=%s'));
      const expected: Record<string, string> = {
        [PROMPTS.draft]: released ? 'released to staging as v1' : approvedDraft ? 'approved for staging' : 'draft',
        [PROMPTS.inReview]: 'in review',
        [PROMPTS.changes]: 'changes requested',
        [PROMPTS.approved]: 'approved for staging',
        [PROMPTS.released]: 'released to production as v1',
        [PROMPTS.modified]: 'modified since release (v1 in production)',
        [PROMPTS.unowned]: 'draft',
      };
      const rowState = (p: string) => frame.locator(`#prompts tbody tr[data-path="${p}"] .state`);
      await step('"Open Release Dashboard" shows a row with the state of every prompt', async () => {
        await palette(page, 'Prompt Release: Open Release Dashboard');
        await page.locator('.part.editor .tabs-container .tab.active', { hasText: 'Prompt Releases' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        frame = await dashboardFrame(page);
        await frame.locator('#status', { hasText: `7 of 7 prompts` }).waitFor({ timeout: STEP_TIMEOUT });
        await eventually(async () => {
          const rows = await frame.locator('#prompts tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-path')));
          assert(rows.length === 7, `rows: ${rows.join(', ')}`);
          for (const [p, state] of Object.entries(expected)) {
            const text = ((await rowState(p).textContent({ timeout: 2000 })) ?? '').trim();
            assert(text === state, `${p}: state "${text}", expected "${state}"`);
          }
        });
      });
      await step('the State filter "Released" keeps only released prompts', async () => {
        const want = Object.entries(expected).filter(([, s]) => s.startsWith('released')).map(([p]) => p).sort();
        await frame.locator('#filter-state').selectOption({ label: 'Released' });
        await frame.locator('#status', { hasText: `${want.length} of 7 prompts` }).waitFor({ timeout: STEP_TIMEOUT });
        const rows = (await frame.locator('#prompts tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-path')))).sort();
        assert(JSON.stringify(rows) === JSON.stringify(want), `filtered rows: ${rows.join(', ')}; expected ${want.join(', ')}`);
        assert((await frame.locator('#prompts tbody tr .state:not(.state-released)').count()) === 0, 'a row that is not released is shown');
        await frame.locator('#filter-state').selectOption({ label: 'All states' });
        await frame.locator('#status', { hasText: '7 of 7 prompts' }).waitFor({ timeout: STEP_TIMEOUT });
      });
      await step('the pipeline counts each environment, and "Ready to release" lists what its gate allows', async () => {
        const stages = (await frame.locator('#pipeline li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
        assert(stages.length === 2 && stages[0].startsWith('staging') && stages[1].startsWith('production'), `pipeline: ${stages.join(' | ')}`);
        assert(/2 live/.test(stages[1]), `production has the released and the modified prompt live: ${stages[1]}`);
        const ready = (await frame.locator('#ready li').allInnerTexts()).join(' | ');
        assert(ready.includes(`${PROMPTS.approved} → staging`), `ready: ${ready}`);
        const blocked = (await frame.locator('#blocked li').allInnerTexts()).join(' | ');
        assert(blocked.includes(PROMPTS.changes), `blocked: ${blocked}`);
      });
      await step('typing in Search keeps the matching rows; sorting by State puts changes requested first', async () => {
        await frame.locator('#filter-text').fill('released');
        await frame.locator('#status', { hasText: '1 of 7 prompts' }).waitFor({ timeout: STEP_TIMEOUT });
        await frame.locator('#filter-text').fill('');
        await frame.locator('#status', { hasText: '7 of 7 prompts' }).waitFor({ timeout: STEP_TIMEOUT });
        await frame.locator('button.sort[data-sort="state"]').click();
        await eventually(async () => {
          const first = await frame.locator('#prompts tbody tr').first().getAttribute('data-path');
          assert(first === PROMPTS.changes, `first row after sorting by state: ${first}`);
          assert((await frame.locator('th[aria-sort="ascending"]').count()) === 1, 'the sorted column says so to screen readers');
        });
        await frame.locator('button.sort[data-sort="path"]').click();
      });
      await step(`the row action "Approve ${PROMPTS.unowned}" records Alice's approval`, async () => {
        const before = git(ws, 'rev-parse', 'HEAD').trim();
        await frame.locator(`button[aria-label="Approve ${PROMPTS.unowned}"]`).click();
        const last = await until('a new commit', () => {
          const head = git(ws, 'rev-parse', 'HEAD').trim();
          return head !== before && git(ws, 'log', '-1', '--format=%an <%ae>|%s').trim();
        });
        assert(last.startsWith(`${ALICE.name} <${ALICE.email}>|prompt-release: approve ${PROMPTS.unowned}`), `last commit: ${last}`);
        // The dashboard follows: the row leaves "draft".
        await frame.locator(`#prompts tbody tr[data-path="${PROMPTS.unowned}"] .state`, { hasText: /^approved for staging$/ }).waitFor({ timeout: STEP_TIMEOUT });
      });
      await step('screenshot dashboard.png', async () => {
        await shoot(page, session, path.join(shots, 'dashboard.png'));
      });
    },
  },
  {
    // A repository without release rules: the configuration is taken out of the working tree,
    // as in a project that has prompts and has never set the tool up.
    title: 'First run: set up prompt releases',
    async run({ page, shots, ws, session }, step) {
      const config = path.join(ws, '.promptrelease.yaml');
      fs.rmSync(config);
      try {
        await step('the Prompts view offers "Set up prompt releases" above what it detected', async () => {
          // Clicking the container's icon while it is shown would hide the side bar.
          if (!(await pane(page, 'Prompts').isVisible().catch(() => false))) await page.locator('.part.activitybar .action-item a[aria-label^="Prompt Releases"]').first().click();
          await rowIn(page, 'Prompts', /Set up prompt releases.*prompts detected, no release rules yet/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        });
        await step('clicking it shows what was found by kind, and the people proposed', async () => {
          await rowIn(page, 'Prompts', /Set up prompt releases/).click();
          await dialog(page).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
          const text = (await dialog(page).innerText()).replace(/\s+/g, ' ');
          assert(/Set up prompt releases in support-prompts\?/.test(text), `dialog: ${text}`);
          assert(/Found \d+ prompt files in the built-in formats: • Copilot prompt file: \d+/.test(text), `dialog does not list what was found: ${text}`);
        });
        await step('screenshot first-run.png', async () => {
          await shoot(page, session, path.join(shots, 'first-run.png'));
        });
        await step('"Write Configuration" writes .promptrelease.yaml, opens it, and the set-up item goes', async () => {
          await dialog(page).locator('.monaco-button', { hasText: 'Write Configuration' }).click();
          await page.locator('.part.editor .tabs-container .tab.active', { hasText: '.promptrelease.yaml' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
          assert(/environments:/.test(fs.readFileSync(config, 'utf8')), 'the configuration was not written');
          await rowIn(page, 'Prompts', /Set up prompt releases/).waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
        });
      } finally {
        git(ws, 'checkout', '--', '.promptrelease.yaml');
      }
    },
  },
  {
    title: 'A review thread on an older version',
    async run({ page, shots, ws, session }, step) {
      const file = PROMPTS.inReview;
      await step('Bob commented on line 5; Carol then rewrote that line', async () => {
        // Bob's comment, recorded as the editor records it: a record file committed by him.
        const bytes = fs.readFileSync(path.join(ws, file));
        const record: CommentRecord = {
          format: 1,
          type: 'comment',
          prompt: file,
          contentHash: contentHash(bytes),
          blob: git(ws, 'rev-parse', `HEAD:${file}`).trim(),
          thread: 'journeythread',
          startLine: 5,
          endLine: 5,
          body: 'Two sentences is too strict here.',
          by: { name: 'Bob Reviewer', email: 'bob@example.com' },
          time: new Date().toISOString(),
        };
        const recordPath = newRecordPath(record);
        fs.mkdirSync(path.dirname(path.join(ws, recordPath)), { recursive: true });
        fs.writeFileSync(path.join(ws, recordPath), serializeRecord(record));
        git(ws, 'add', recordPath);
        git(ws, '-c', 'user.name=Bob Reviewer', '-c', 'user.email=bob@example.com', 'commit', '-q', '-m', `prompt-release: comment on ${file}`);
        fs.writeFileSync(path.join(ws, file), bytes.toString('utf8').replace('Answer in two sentences.', 'Answer in one sentence.'));
        git(ws, '-c', 'user.name=Carol Author', '-c', 'user.email=carol@example.com', 'commit', '-q', '-am', 'One sentence');
      });
      await step('the Comments panel lists the thread on the version it was written on; opening it shows that text', async () => {
        await palette(page, 'Comments: Focus on Comments View');
        const row = page.locator('.part.panel .monaco-list-row', { hasText: 'Two sentences is too strict here.' }).first();
        await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await row.click();
        const widget = page.locator('.part.editor .review-widget', { hasText: 'Two sentences is too strict here.' }).first();
        await widget.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        const label = (await widget.innerText()).replace(/\s+/g, ' ');
        assert(/Outdated: on version [0-9a-f]{12}, lines 5-5 \(changed since\)/.test(label), `thread: ${label}`);
        // The editor holds the commented version, not the rewritten file.
        await page.locator('.part.editor .editor-group-container.active .view-line', { hasText: 'Answer in two sentences.' }).first().waitFor({ timeout: STEP_TIMEOUT });
      });
      await step('screenshot comment-on-older-version.png', async () => {
        await shoot(page, session, path.join(shots, 'comment-on-older-version.png'));
      });
    },
  },
  {
    title: 'Criteria, a shared instructions file, feedback and an overdue review',
    async run({ page, shots, ws, session }, step) {
      const TONE = 'prompts/tone.instructions.md';
      const WELCOME = 'prompts/welcome.prompt.md';
      const CRITERIA = ['brand voice', 'no personal data'];
      const carol = ['-c', 'user.name=Carol Author', '-c', 'user.email=carol@example.com'];
      await step('Carol adds a prompt that links shared tone instructions; the policy names review criteria and escalateAfter; her review request to Alice is 5 days old', async () => {
        fs.writeFileSync(path.join(ws, TONE), 'Be warm and brief. Never promise refunds.\n');
        fs.writeFileSync(path.join(ws, WELCOME), '---\ndescription: welcome\n---\nFollow [the tone](tone.instructions.md).\nWelcome {{name}} to the help desk.\n');
        const config = fs.readFileSync(path.join(ws, '.promptrelease.yaml'), 'utf8').replace(
          '  staging: { approvals: 1 }',
          `  staging: { approvals: 1, criteria: [${CRITERIA.map((c) => `"${c}"`).join(', ')}] }`,
        );
        assert(config.includes('criteria'), 'the fixture policy has a staging line to extend');
        fs.writeFileSync(path.join(ws, '.promptrelease.yaml'), config + 'escalateAfter: 3d\n');
        git(ws, 'add', TONE, WELCOME, '.promptrelease.yaml');
        git(ws, ...carol, 'commit', '-q', '-m', 'Welcome prompt with shared tone; review criteria');
        // Her request, recorded as the CLI records it, five days ago.
        const asked = new Date(Date.now() - 5 * 86_400_000);
        const record: ReviewRequestRecord = {
          format: 1,
          type: 'review-request',
          prompt: WELCOME,
          contentHash: contentHash(fs.readFileSync(path.join(ws, WELCOME))),
          blob: git(ws, 'rev-parse', `HEAD:${WELCOME}`).trim(),
          reviewers: ['@alice'],
          by: { name: 'Carol Author', email: 'carol@example.com' },
          time: asked.toISOString(),
        };
        const recordPath = newRecordPath(record, asked);
        fs.mkdirSync(path.dirname(path.join(ws, recordPath)), { recursive: true });
        fs.writeFileSync(path.join(ws, recordPath), serializeRecord(record));
        git(ws, 'add', recordPath);
        const dated = { ...gitEnv(), GIT_AUTHOR_DATE: asked.toISOString(), GIT_COMMITTER_DATE: asked.toISOString() };
        execFileSync('git', [...carol, 'commit', '-q', '-m', `prompt-release: request review of ${WELCOME}`], { cwd: ws, env: dated });
      });
      await step('"Waiting for My Review" puts the overdue request first, saying so', async () => {
        const first = pane(page, 'Waiting for My Review').locator('.monaco-list-row').first();
        await eventually(async () => {
          const text = ((await first.innerText({ timeout: 2000 })) ?? '').replace(/\s+/g, ' ');
          assert(/welcome\.prompt\.md/.test(text) && /overdue: review requested by Carol Author/.test(text), `first row: ${text}`);
        });
      });
      await step('the dashboard\'s Attention list names the overdue request', async () => {
        await palette(page, 'Prompt Release: Open Release Dashboard');
        const frame = await dashboardFrame(page);
        const entry = frame.locator('#attention li[data-kind="overdue"]', { hasText: WELCOME }).first();
        await entry.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        const label = (await entry.getAttribute('aria-label')) ?? '';
        assert(/overdue/.test(label) && /escalateAfter: 3d/.test(label), `attention entry: ${label}`);
      });
      await step(`${TONE} shows "Used by 1 prompt"; clicking it lists ${WELCOME}, and picking it opens it`, async () => {
        await openFile(page, TONE);
        await lens(page, /Used by 1 prompt$/).click();
        await pickRow(page, WELCOME).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await pickRow(page, WELCOME).click();
        await page.locator('.part.editor .tabs-container .tab.active', { hasText: 'welcome.prompt.md' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await lens(page, /Includes 1 file$/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      });
      await step('"Approve" shows the review criteria as a checklist, each with the environment that requires it', async () => {
        await lens(page, 'Approve').click();
        for (const criterion of CRITERIA) {
          const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: criterion }).first();
          await row.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
          assert(/staging/.test(await row.innerText()), `the row for "${criterion}" names staging: ${await row.innerText()}`);
        }
      });
      await step('screenshot criteria-checklist.png', async () => {
        await shoot(page, session, path.join(shots, 'criteria-checklist.png'));
      });
      await step('Enter with nothing ticked asks first, saying the approval would not count for staging; Escape records nothing', async () => {
        const head = git(ws, 'rev-parse', 'HEAD').trim();
        await page.keyboard.press('Enter');
        await dialog(page).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        const text = (await dialog(page).innerText()).replace(/\s+/g, ' ');
        assert(/without confirming any criterion/.test(text) && /will not count for staging/.test(text), `dialog: ${text}`);
        await page.keyboard.press('Escape');
        await dialog(page).waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
        assert(git(ws, 'rev-parse', 'HEAD').trim() === head, 'nothing was recorded');
        await lens(page, 'Approve').click();
        await page.locator('.quick-input-widget .monaco-list-row', { hasText: CRITERIA[0] }).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      });
      await step('ticking both and pressing Enter records the approval with both confirmations; it counts for staging', async () => {
        const head = git(ws, 'rev-parse', 'HEAD').trim();
        for (const criterion of CRITERIA) await page.locator('.quick-input-widget .monaco-list-row', { hasText: criterion }).first().click();
        await page.keyboard.press('Enter');
        const recordFile = await until('the approval commit', () => {
          if (git(ws, 'rev-parse', 'HEAD').trim() === head) return false;
          return git(ws, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').find((f) => f.includes('-review-'));
        });
        const record = JSON.parse(git(ws, 'show', `HEAD:${recordFile}`));
        assert(record.verdict === 'approve' && record.by.email === ALICE.email, `record: ${JSON.stringify(record)}`);
        assert(JSON.stringify([...record.confirms].sort()) === JSON.stringify([...CRITERIA].sort()), `confirms: ${JSON.stringify(record.confirms)}`);
        assert(record.includes?.[0]?.path === TONE, `includes: ${JSON.stringify(record.includes)}`);
        await lens(page, /^\s*approved for staging/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        // Answered by the reviewer she asked: no longer escalated.
        await eventually(async () => {
          const text = (await pane(page, 'Waiting for My Review').innerText()).replace(/\s+/g, ' ');
          assert(!/overdue/.test(text), `still overdue: ${text}`);
        });
      });
      await step(`"Give Feedback…" on ${PROMPTS.released}: the version in production, rated bad; the CodeLens counts the report`, async () => {
        await openFile(page, PROMPTS.released);
        await lens(page, /released to production as v1/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await palette(page, 'Prompt Release: Give Feedback…');
        await pickRow(page, 'production').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await pickRow(page, 'production').click();
        const bad = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Bad' }).first();
        await bad.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await bad.click();
        const input = page.locator('.quick-input-widget .quick-input-box input');
        await page.locator('.quick-input-widget', { hasText: 'What did you see?' }).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        await input.fill('It told a customer to email support instead of answering.');
        await input.press('Enter');
        await lens(page, /1 report on v1 in production \(1 bad\)/).waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
        const history = cli(ws, 'history', PROMPTS.released);
        assert(/feedback/i.test(history.output) && history.output.includes('It told a customer to email support instead of answering.'), `history: ${history.output}`);
      });
      await step('screenshot feedback.png', async () => {
        await shoot(page, session, path.join(shots, 'feedback.png'));
      });
    },
  },
];



export async function runJourneys(opts: JourneyOptions = {}): Promise<JourneyResult> {
  const t0 = Date.now();
  const out = opts.out ?? ((line: string) => void process.stdout.write(line + '\n'));
  const shots = path.resolve(opts.screenshotsDir ?? path.join(repoRoot(), 'images'));
  const debugDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prc-journeys-'));
  const result: JourneyResult = { passed: 0, failed: 0, failures: [], tests: [], durationMs: 0 };
  const fail = (title: string, error: string): void => {
    result.failed++;
    result.failures.push({ title, error });
    result.tests.push({ title, state: 'failed', error });
    out(`  FAIL [journeys] ${title}\n${error.replace(/^/gm, '       ')}`);
  };

  let ws: string | undefined;
  let session: RealVscodeSession | undefined;
  try {
    ws = await createStatesRepo(ALICE);
    out(`journeys (workspace ${ws})`);
    session = await startRealVscode({
      workspace: ws,
      extensionDevelopmentPath: repoRoot(),
      disableWorkspaceTrust: true,
      env: ISOLATED_GIT,
      settings: SETTINGS,
      viewport: { width: 1400, height: 900 },
      browser: opts.browser,
      keepTemp: opts.keep,
      log: opts.log,
    });
    const page = session.page;
    page.setDefaultTimeout(STEP_TIMEOUT);
    await waitForWorkbench(page);
    fs.mkdirSync(shots, { recursive: true });
    const ctx: Ctx = { page, ws, shots, session };

    for (const [i, journey] of JOURNEYS.entries()) {
      if (i > 0) {
        try {
          await resetWorkbench(page);
        } catch (err) {
          out(`  (reset before "${journey.title}" failed: ${(err as Error).message.split('\n')[0]})`);
        }
      }
      let n = 0;
      const step: Step = async (name, fn) => {
        const title = `${journey.title} › ${name}`;
        const s0 = Date.now();
        try {
          await fn();
        } catch (err) {
          const shot = path.join(debugDir, `${String(i + 1).padStart(2, '0')}-${String(++n).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '_').slice(0, 60)}.png`);
          let error = (err as Error).stack ?? String(err);
          try {
            await session!.screenshot(shot);
            error += `\nscreenshot: ${shot}`;
          } catch {
            /* page gone */
          }
          fail(title, error);
          throw new StepFailed(title);
        }
        n++;
        const ms = Date.now() - s0;
        result.passed++;
        result.tests.push({ title, state: 'passed', durationMs: ms });
        out(`  ok   [journeys] ${title} (${ms} ms)`);
      };
      try {
        await journey.run(ctx, step);
      } catch (err) {
        if (!(err instanceof StepFailed)) fail(`${journey.title}`, (err as Error).stack ?? String(err));
        out(`  skip [journeys] rest of "${journey.title}"`);
      }
    }
  } catch (err) {
    fail('journeys: start VS Code', (err as Error).stack ?? String(err));
  } finally {
    await session?.dispose();
    if (ws && !opts.keep) fs.rmSync(ws, { recursive: true, force: true });
    if (result.failed === 0) fs.rmSync(debugDir, { recursive: true, force: true });
  }
  result.durationMs = Date.now() - t0;
  out(`  [journeys] done in ${(result.durationMs / 1000).toFixed(1)} s: ${result.passed} ok, ${result.failed} failing; screenshots in ${shots}`);
  return result;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const opts: JourneyOptions = { screenshotsDir: process.env.PRC_SCREENSHOTS || undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--screenshots') opts.screenshotsDir = argv[++i];
    else if (argv[i] === '--keep') opts.keep = true;
    else if (argv[i] === '--verbose') opts.log = (l) => void process.stdout.write(`    ${l}\n`);
    else {
      process.stderr.write(`unknown argument ${argv[i]}\n`);
      process.exit(2);
    }
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));
  runJourneys(opts).then(
    (r) => {
      process.stdout.write(`${r.passed} passed, ${r.failed} failed\n`);
      process.exit(r.failed > 0 || r.passed === 0 ? 1 : 0);
    },
    (err) => {
      process.stderr.write(`journeys failed: ${(err as Error).stack ?? err}\n`);
      process.stdout.write('0 passed, 1 failed\n');
      process.exit(1);
    },
  );
}
