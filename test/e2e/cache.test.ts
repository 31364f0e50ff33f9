import * as assert from 'assert';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { PromptRepository } from '../../src/git/repository';
import { promptHistory } from '../../src/usecases/history';
import { ALICE, BOB, CAROL, DAVE, runCli, standardRepo, type TempRepo } from '../helpers/gitFixture';

/**
 * The cache under .git/prompt-release must never change an answer: every status read through
 * it equals the same status read from git alone, whatever happened to the branch or the file.
 */
describe('the cache under .git/prompt-release', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  const cacheFile = () => path.join(repo.dir, '.git', 'prompt-release', 'cache-v2.json');

  beforeEach(() => {
    repo = standardRepo();
  });
  afterEach(() => repo.dispose());

  /** status --json through the cache, and again with the cache deleted first: they must agree. */
  async function assertSameWithoutCache(what: string): Promise<void> {
    const cached = await repo.cli(DAVE, 'status', '--json');
    assert.strictEqual(cached.code, 0, cached.stderr);
    rmSync(path.dirname(cacheFile()), { recursive: true, force: true });
    const fresh = await repo.cli(DAVE, 'status', '--json');
    assert.strictEqual(fresh.code, 0, fresh.stderr);
    assert.deepStrictEqual(JSON.parse(cached.stdout), JSON.parse(fresh.stdout), `${what}: the cached status differs from git's`);
  }

  it('is written by a status, and a status through it answers as git alone does', async () => {
    await repo.cli(DAVE, 'status');
    assert.ok(existsSync(cacheFile()), 'the first status leaves a cache');
    await assertSameWithoutCache('unchanged repository');
  });

  it('answers a repeat status without reading history or blobs again, even after a history of one prompt', async () => {
    await repo.cli(DAVE, 'status');
    await repo.cli(DAVE, 'history', 'prompts/greeting.prompt.md');
    const commands: string[][] = [];
    const opened = await PromptRepository.open(repo.dir, (e) => commands.push(e.args));
    await opened.model();
    assert.deepStrictEqual(commands.filter((args) => args[0] === 'log' || (args[0] === 'cat-file' && args[1] === '--batch')), [], 'everything came from the cache');
  });

  it('reads only the new commits when the trusted branch moved forward, renames and merges included', async () => {
    await repo.cli(DAVE, 'status');
    assert.strictEqual((await repo.cli(ALICE, 'review', 'prompts/greeting.prompt.md', '--approve')).code, 0);
    repo.git('mv', 'prompts/greeting.prompt.md', 'prompts/welcome.prompt.md');
    repo.commit(CAROL, 'Rename the greeting');
    repo.git('checkout', '-q', '-b', 'side');
    repo.commit(BOB, 'Edit on a side branch', { 'prompts/welcome.prompt.md': 'You are a friendly assistant.\nGreet {{name}} by name.\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit(CAROL, 'Another prompt', { 'prompts/farewell.prompt.md': 'Say goodbye.\n' });
    repo.gitAs(DAVE, 'merge', '-q', '--no-ff', '-m', 'Merge side', 'side');
    const before = JSON.parse(readFileSync(cacheFile(), 'utf8')).promptLog.tip;
    await assertSameWithoutCache('after a review, a rename, a side branch and a merge');
    assert.notStrictEqual(before, repo.git('rev-parse', 'main').trim(), 'the cached history was for the old tip');
  });

  it('answers as git does after the trusted branch was reset to unrelated history', async () => {
    repo.commit(ALICE, 'Tune', { 'prompts/greeting.prompt.md': 'You are terse.\n' });
    await repo.cli(DAVE, 'status');
    // The cached tip is no longer an ancestor: nothing of its history may be reused. Bob now
    // writes the same content Alice's dropped commit had, so reusing it would credit Alice.
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    repo.commit(BOB, 'The same tune, by Bob', { 'prompts/greeting.prompt.md': 'You are terse.\n' });
    await assertSameWithoutCache('after a reset');
  });

  it('ignores a damaged or foreign cache file and replaces it', async () => {
    await repo.cli(DAVE, 'status');
    for (const damage of ['{"format": "prompt-release-cache-1", "facts": ', 'not json at all', '{"format": "something-else"}']) {
      writeFileSync(cacheFile(), damage);
      await assertSameWithoutCache(`cache file ${JSON.stringify(damage)}`);
      await repo.cli(DAVE, 'status');
      assert.doesNotThrow(() => JSON.parse(readFileSync(cacheFile(), 'utf8')), 'a damaged cache is rewritten whole');
    }
  });

  it('never decides verify: a forged entry changes nothing there', async () => {
    assert.strictEqual((await repo.cli(ALICE, 'review', 'prompts/greeting.prompt.md', '--approve')).code, 0);
    assert.strictEqual((await repo.cli(DAVE, 'release', 'prompts/greeting.prompt.md', '--env', 'staging')).code, 0);
    const honest = await repo.cli(DAVE, 'verify', '--json');
    assert.strictEqual(honest.code, 0, honest.stdout);
    // Forge what the cache says about every blob: a different content hash for each.
    const data = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    for (const facts of Object.values<{ contentHash: string }>(data.facts)) facts.contentHash = 'sha256:' + '0'.repeat(64);
    writeFileSync(cacheFile(), JSON.stringify(data));
    const forged = await repo.cli(DAVE, 'verify', '--json');
    assert.strictEqual(forged.code, 0, forged.stdout);
    assert.deepStrictEqual(JSON.parse(forged.stdout), JSON.parse(honest.stdout));
  });

  it('is not written for a shallow clone, whose history changes under the same commit ids', async () => {
    repo.commit(CAROL, 'Tune', { 'prompts/greeting.prompt.md': 'You are terse.\n' });
    const shallow = path.join(repo.dir, '..', `${path.basename(repo.dir)}-shallow`);
    repo.git('clone', '-q', '--depth', '1', `file://${repo.dir}`, shallow);
    try {
      await runCli(shallow, ['status']);
      const file = path.join(shallow, '.git', 'prompt-release', 'cache-v2.json');
      const data = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
      assert.strictEqual(data.promptLog, undefined, 'no prompt history is cached for a shallow clone');
      assert.strictEqual(data.trustedRead, undefined, 'no trusted-branch history is cached for a shallow clone');
    } finally {
      rmSync(shallow, { recursive: true, force: true });
    }
  });
});

describe('history of one prompt', function () {
  this.timeout(60_000);

  it("reads that file's own log and the records, never the whole repository's history", async () => {
    const repo = standardRepo();
    try {
      repo.commit(CAROL, 'Unrelated code', { 'src/app.ts': 'export {};\n' });
      repo.git('mv', 'prompts/greeting.prompt.md', 'prompts/welcome.prompt.md');
      repo.commit(CAROL, 'Rename');
      const commands: string[][] = [];
      const opened = await PromptRepository.open(repo.dir, (e) => commands.push(e.args), { persistentCache: false });
      const history = await promptHistory(opened, 'prompts/welcome.prompt.md');
      assert.deepStrictEqual(history.names, ['prompts/welcome.prompt.md', 'prompts/greeting.prompt.md'], 'the rename is followed');
      assert.strictEqual(history.entries.filter((e) => e.kind === 'version').length, 2);
      const logs = commands.filter((args) => args[0] === 'log');
      assert.ok(logs.some((args) => args.includes(':(literal)prompts/welcome.prompt.md')), 'the file is read by its own path');
      const wholeHistory = logs.filter((args) => args[args.length - 1] === '--');
      assert.deepStrictEqual(wholeHistory, [], 'no log without a pathspec ran');
    } finally {
      repo.dispose();
    }
  });
});
