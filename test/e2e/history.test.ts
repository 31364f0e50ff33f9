import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdtempSync, realpathSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { PromptRepository } from '../../src/git/repository';
import { promptHistory } from '../../src/usecases/history';
import { ALICE, BOB, CAROL, DAVE, runCli, STANDARD_CONFIG, TempRepo, type Person } from '../helpers/gitFixture';
import { FIRST, LINES, renamedTwice, SECOND, text, THIRD } from '../helpers/renamedPrompt';

async function ok(repo: TempRepo, who: Person | undefined, ...args: string[]) {
  const result = await repo.cli(who, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`);
  return result;
}

/** Git processes the history use case starts for `file`, and what it returned. */
async function countedHistory(dir: string, file: string) {
  const commands: string[][] = [];
  const opened = await PromptRepository.open(dir, (e) => commands.push(e.args), { persistentCache: false });
  const history = await promptHistory(opened, file);
  return { history, commands };
}

describe('history of a renamed prompt: one reader for the CLI and the editor', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  afterEach(() => repo?.dispose());

  it('history --json lists every commit under all three names, the release made under the first name and every review', async () => {
    repo = new TempRepo();
    const c = await renamedTwice(repo);
    const out = JSON.parse((await ok(repo, DAVE, 'history', THIRD, '--json')).stdout);
    assert.deepStrictEqual(out.names, [THIRD, SECOND, FIRST]);
    const versions = out.timeline.filter((e: any) => e.kind === 'version');
    const byCommit = new Map(versions.map((e: any) => [e.commit, e]));
    for (const [role, commit] of Object.entries(c)) assert.ok(byCommit.has(commit), `${role} (${commit.slice(0, 10)}) is missing from:\n${out.timeline.map((e: any) => e.text).join('\n')}`);
    // Exactly the commits git has for the three paths: nothing else is taken for this prompt.
    const expected = [...repo.git('log', '--format=%H', '--full-history', '--no-merges', 'main', '--', FIRST, SECOND, THIRD).trim().split('\n'), c.merge];
    assert.deepStrictEqual([...byCommit.keys()].sort(), expected.sort());
    assert.strictEqual((byCommit.get(c.firstRename) as any).renamedFrom, FIRST);
    assert.strictEqual((byCommit.get(c.secondRename) as any).renamedFrom, SECOND);
    assert.match((byCommit.get(c.secondRename) as any).text, /^renamed from prompts\/second\.prompt\.md in [0-9a-f]{10} by Bob Reviewer/);
    // Authorship as the commit has it: the author, and the co-author trailer.
    assert.deepStrictEqual((byCommit.get(c.coAuthored) as any).coAuthors, [{ name: DAVE.name, email: DAVE.email }]);
    assert.match((byCommit.get(c.coAuthored) as any).text, /by Carol Author <carol@example\.com> with Dave Releaser <dave@example\.com>/);
    assert.strictEqual((byCommit.get(c.onMain) as any).author.email, DAVE.email);

    const releases = out.timeline.filter((e: any) => e.kind === 'release');
    assert.deepStrictEqual(releases.map((r: any) => r.tag), [`prompt-release/staging/${FIRST}/v1`]);
    const reviews = out.timeline.filter((e: any) => e.kind === 'review');
    assert.deepStrictEqual(reviews.map((r: any) => [r.by.email, r.comment]), [[BOB.email, 'Fine under its first name'], [ALICE.email, 'Good under its new name']]);
    // The order is the order things happened in: the first commit first, the last review last.
    assert.strictEqual(out.timeline[0].commit, c.added);
    assert.strictEqual(out.timeline[out.timeline.length - 1].kind, 'review');

    const shown = (await ok(repo, DAVE, 'history', THIRD)).stdout;
    assert.match(shown, /renamed from prompts\/first\.prompt\.md in [0-9a-f]{10} by Carol Author/);
    assert.match(shown, /released v1 to staging by Dave Releaser <dave@example\.com> {2}\(prompt-release\/staging\/prompts\/first\.prompt\.md\/v1\)/);
  });

  it('the CLI shows what the history use case (the editor\'s) returns, with a fixed number of git processes whatever the length of the history', async () => {
    repo = new TempRepo();
    await renamedTwice(repo);
    const cli = JSON.parse((await ok(repo, DAVE, 'history', THIRD, '--json')).stdout);
    const before = await countedHistory(repo.dir, THIRD);
    assert.deepStrictEqual(cli.timeline, JSON.parse(JSON.stringify(before.history.entries)), 'the CLI and the use case differ');
    const logs = before.commands.filter((args) => args[0] === 'log');
    assert.deepStrictEqual(logs.filter((args) => args[args.length - 1] === '--'), [], 'a log without a pathspec (the whole repository\'s history) ran');
    assert.ok(before.commands.length <= 20, `${before.commands.length} git processes:\n${before.commands.map((a) => a.slice(0, 3).join(' ')).join('\n')}`);

    // Forty more commits, half of them to the prompt: the same number of git processes.
    for (let i = 0; i < 20; i++) {
      repo.commit(CAROL, `Code change ${i}`, { [`src/file${i}.ts`]: `export const n = ${i};\n` });
      repo.commit(CAROL, `Prompt change ${i}`, { [THIRD]: text([...LINES, `Rule ${i}.`]) });
    }
    const after = await countedHistory(repo.dir, THIRD);
    assert.strictEqual(after.history.entries.filter((e) => e.kind === 'version').length, before.history.entries.filter((e) => e.kind === 'version').length + 20);
    assert.strictEqual(after.commands.length, before.commands.length, `git processes grew with the history:\n${after.commands.map((a) => a.slice(0, 3).join(' ')).join('\n')}`);
  });

  it('shows the same history whether the cache knows the names from an earlier status, knows stale ones, or knows none', async () => {
    repo = new TempRepo();
    await renamedTwice(repo);
    const uncached = (await countedHistory(repo.dir, THIRD)).history.entries;
    await ok(repo, DAVE, 'status');
    const withCache = async (file: string) => promptHistory(await PromptRepository.open(repo.dir), file);
    const opened = await PromptRepository.open(repo.dir);
    assert.deepStrictEqual(opened.namesKnown(THIRD), [THIRD, SECOND, FIRST], 'status left the names in the cache');
    assert.deepStrictEqual((await withCache(THIRD)).entries, uncached, 'the names the cache knew');
    // A fourth name after that status: the cache's names no longer cover what --follow proposes.
    const FOURTH = 'prompts/fourth.prompt.md';
    repo.git('mv', THIRD, FOURTH);
    repo.commit(CAROL, 'Rename again', {});
    const fresh = (await countedHistory(repo.dir, FOURTH)).history.entries;
    assert.deepStrictEqual((await PromptRepository.open(repo.dir)).namesKnown(FOURTH), [FOURTH], 'the cache knows nothing of the new name');
    const stale = (await withCache(FOURTH)).entries;
    assert.deepStrictEqual(stale, fresh, 'stale names in the cache');
    assert.ok(stale.some((e) => e.kind === 'version' && e.renamedFrom === THIRD), 'the latest rename is shown');
    assert.ok(stale.some((e) => e.kind === 'version' && e.renamedFrom === FIRST), 'and the first one');
  });

  it('follows a rename made by a merge commit itself, which git log --follow does not show, and keeps who wrote each side (HOSTILE: no self-approval through it)', async () => {
    repo = new TempRepo();
    repo.commit(CAROL, 'Add the prompt', { '.promptrelease.yaml': STANDARD_CONFIG, [FIRST]: text(LINES) });
    await ok(repo, BOB, 'review', FIRST, '--approve');
    await ok(repo, DAVE, 'release', FIRST, '--env', 'staging');
    repo.git('checkout', '-q', '-b', 'side');
    const onSide = repo.commit(BOB, 'Sign off warmly', { [FIRST]: text([...LINES.slice(0, 4), 'Sign off warmly.']) });
    repo.git('checkout', '-q', 'main');
    repo.commit(CAROL, 'Unrelated', { 'src/app.ts': 'export {};\n' });
    repo.gitAs(CAROL, 'merge', '-q', '--no-ff', '--no-commit', 'side');
    repo.gitAs(CAROL, 'mv', FIRST, SECOND);
    // The merge changes the words too: its content is new, made from both sides.
    repo.write(SECOND, text([...LINES.slice(0, 4), 'Sign off warmly.', 'Be brief.']));
    repo.gitAs(CAROL, 'add', '-A');
    repo.gitAs(CAROL, 'commit', '-q', '--no-edit');
    const merge = repo.git('rev-parse', 'HEAD').trim();
    assert.strictEqual(repo.git('log', '--follow', '--format=%H', '--', SECOND).trim(), '', 'git log --follow alone shows nothing here');

    const out = JSON.parse((await ok(repo, DAVE, 'history', SECOND, '--json')).stdout);
    assert.deepStrictEqual(out.names, [SECOND, FIRST]);
    const versions = out.timeline.filter((e: any) => e.kind === 'version');
    assert.ok(versions.some((e: any) => e.commit === onSide), 'the side branch\'s change is in the history');
    assert.strictEqual(versions.find((e: any) => e.commit === merge)?.renamedFrom, FIRST);
    assert.deepStrictEqual(out.timeline.filter((e: any) => e.kind === 'release').map((r: any) => r.tag), [`prompt-release/staging/${FIRST}/v1`]);
    assert.strictEqual(out.timeline.filter((e: any) => e.kind === 'review').length, 1);

    // The rest of the tool follows the same rename: the release made under the first name is the prompt's.
    const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout).prompts.find((p: any) => p.path === SECOND);
    assert.strictEqual(status?.live, 'v1 in staging', JSON.stringify(status));
    // HOSTILE: Bob wrote a line on the side branch; a merge that renames the prompt does not make it someone else's work.
    const approval = await repo.cli(BOB, 'review', SECOND, '--approve');
    assert.notStrictEqual(approval.code, 0, 'Bob approved content he wrote part of');
    assert.match(approval.stderr, /cannot approve prompts\/second\.prompt\.md: you wrote part of this content \(self-approval\)/);
  });

  it('on a branch: the commits only HEAD has and the commits only the trusted branch has are both in the history', async () => {
    repo = new TempRepo();
    await renamedTwice(repo);
    repo.git('checkout', '-q', '-b', 'feature');
    const onBranch = repo.commit(CAROL, 'Shorter on the branch', { [THIRD]: text(LINES.slice(0, 3)) });
    repo.git('checkout', '-q', 'main');
    const onTrusted = repo.commit(BOB, 'Longer on main', { [THIRD]: text([...LINES, 'Thank them.']) });
    repo.git('checkout', '-q', 'feature');
    const out = JSON.parse((await ok(repo, DAVE, 'history', THIRD, '--json')).stdout);
    const commits = out.timeline.filter((e: any) => e.kind === 'version').map((e: any) => e.commit);
    assert.ok(commits.includes(onBranch), 'the branch\'s own commit is shown');
    assert.ok(commits.includes(onTrusted), 'the trusted branch\'s newer commit is shown');
    assert.deepStrictEqual(out.names, [THIRD, SECOND, FIRST]);
  });

  it('refuses a shallow clone, saying why, instead of showing part of the history', async () => {
    repo = new TempRepo();
    await renamedTwice(repo);
    const shallow = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-shallow-')));
    try {
      execFileSync('git', ['clone', '-q', '--depth', '1', '--no-single-branch', `file://${repo.dir}`, shallow]);
      const result = await runCli(shallow, ['history', THIRD, '--trusted', 'refs/remotes/origin/main']);
      assert.strictEqual(result.code, 3, result.stdout + result.stderr);
      assert.match(result.stderr, /this clone is shallow, so the history of prompts\/third\.prompt\.md .* cannot be established/);
      assert.match(result.stderr, /git fetch --unshallow/);
    } finally {
      rmSync(shallow, { recursive: true, force: true });
    }
  });
});
