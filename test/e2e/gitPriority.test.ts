import * as assert from 'assert';
import { GitRunner, withGitScope, type GitCommandEvent } from '../../src/git/runner';
import { standardRepo, type TempRepo } from '../helpers/gitFixture';

/**
 * One git queue per repository, with priorities: a call someone waits for (a diff, a history,
 * a sign-off) starts before the calls of a background refresh that are still waiting.
 */
describe('the git queue puts what a user waits for first', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  beforeEach(() => (repo = standardRepo()));
  afterEach(() => repo.dispose());

  it('starts a waited-for call before every background call still waiting, and runs them all', async () => {
    const runner = new GitRunner(repo.dir);
    const started = new Map<string, number>();
    runner.onDidRunCommand((e: GitCommandEvent) => started.set(e.args[2].replace('--format=tformat:', ''), Date.now() - e.durationMs));
    const call = (name: string) => runner.run(['log', '-1', `--format=tformat:${name}`]);
    // More background calls than the queue runs at once: the last ones wait.
    const background = Array.from({ length: 16 }, (_, i) => withGitScope({ background: true }, () => call(`background-${i}`)));
    const waited = call('user');
    const outputs = await Promise.all([...background, waited]);
    assert.deepStrictEqual(outputs.map((o) => o.trim()), [...Array.from({ length: 16 }, (_, i) => `background-${i}`), 'user']);
    const user = started.get('user')!;
    const laterBackground = Array.from({ length: 16 }, (_, i) => started.get(`background-${i}`)!).slice(8);
    for (const [i, at] of laterBackground.entries()) assert.ok(user <= at, `background call ${i + 8} started ${user - at} ms before the waited-for one`);
  });

  it('a cancelled background call leaves the line without starting', async () => {
    const runner = new GitRunner(repo.dir);
    const ran: string[] = [];
    runner.onDidRunCommand((e: GitCommandEvent) => ran.push(e.args[2].replace('--format=tformat:', '')));
    const abort = new AbortController();
    const running = Array.from({ length: 8 }, (_, i) => withGitScope({ background: true }, () => runner.run(['log', '-1', `--format=tformat:running-${i}`])));
    const dropped = withGitScope({ signal: abort.signal, background: true }, () => runner.run(['log', '-1', '--format=tformat:dropped']));
    dropped.catch(() => undefined);
    abort.abort();
    await Promise.all(running);
    await assert.rejects(dropped, (err: { code?: string }) => err.code === 'cancelled');
    assert.ok(!ran.includes('dropped'));
    assert.strictEqual(ran.length, 8);
  });
});
