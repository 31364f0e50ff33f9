import * as assert from 'assert';
import { ALICE, BOB, CAROL, DAVE, TempRepo, type Person } from '../helpers/gitFixture';

/**
 * `freeze: "<reason>"` on an environment stops new releases there, through the real CLI:
 * the gate, status and release refuse, saying why and how it ends; what is live stays and
 * verifies. The freeze is a change of the rules, so it takes effect (and ends) only once an
 * owner of .promptrelease.yaml approves the change.
 */

const PROMPT = 'prompts/greeting.prompt.md';
const OWNERS = 'prompts/** @alice @bob\n/.promptrelease.yaml @alice @bob\n/.github/ @alice @bob\n';
const PEOPLE = 'people:\n  "@alice": [alice@example.com]\n  "@bob": [bob@example.com]\n';
const OPEN = `environments:\n  production: { approvals: 1 }\n${PEOPLE}`;
const FROZEN = `environments:\n  production:\n    approvals: 1\n    freeze: "end-of-quarter code freeze"\n${PEOPLE}`;
const REASON = /production is frozen: end-of-quarter code freeze; releases resume when `freeze` is removed from \.promptrelease\.yaml on the trusted branch \(refs\/heads\/main\)/;

async function run(repo: TempRepo, who: Person | undefined, code: number, ...args: string[]) {
  const result = await repo.cli(who, ...args);
  assert.strictEqual(result.code, code, `${args.join(' ')} exited ${result.code}, not ${code}:\n${result.stdout}${result.stderr}`);
  return result;
}

describe('freeze: an environment that takes no new release', function () {
  let repo: TempRepo;
  afterEach(() => repo?.dispose());

  it('gate, status and release refuse while the approved policy freezes production; verify still passes; releases resume once the removal is approved', async () => {
    repo = new TempRepo();
    repo.commit(ALICE, 'Release policy', { '.promptrelease.yaml': OPEN, '.github/CODEOWNERS': OWNERS });
    repo.commit(CAROL, 'Add greeting', { [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} warmly.\n' });
    await run(repo, BOB, 0, 'review', PROMPT, '--approve');
    await run(repo, DAVE, 0, 'release', PROMPT, '--env', 'production');

    repo.commit(CAROL, 'Warmer greeting', { [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} very warmly.\n' });
    await run(repo, BOB, 0, 'review', PROMPT, '--approve');

    // Carol freezes production: a change of the rules, not in force until an owner approves it.
    repo.commit(CAROL, 'Freeze production for the quarter end', { '.promptrelease.yaml': FROZEN });
    await run(repo, DAVE, 0, 'gate', PROMPT, '--env', 'production');
    await run(repo, ALICE, 0, 'review', '.promptrelease.yaml', '--approve');

    const gate = await run(repo, DAVE, 1, 'gate', PROMPT, '--env', 'production');
    assert.match(gate.stdout + gate.stderr, REASON);
    const gateJson = JSON.parse((await run(repo, DAVE, 1, 'gate', PROMPT, '--env', 'production', '--json')).stdout);
    assert.deepStrictEqual(
      (gateJson.unmet ?? gateJson.gate?.unmet ?? []).map((u: { code: string }) => u.code),
      ['frozen'],
      JSON.stringify(gateJson),
    );
    const status = await run(repo, DAVE, 0, 'status', PROMPT, '--json');
    const prompt = JSON.parse(status.stdout).prompts.find((p: { path: string }) => p.path === PROMPT);
    assert.match(JSON.stringify(prompt), /production is frozen: end-of-quarter code freeze/, 'status says production is frozen');
    assert.match((await run(repo, DAVE, 0, 'status', PROMPT)).stdout, /production .*approvals 1\/1, frozen: end-of-quarter code freeze/);
    const refused = await repo.cli(DAVE, 'release', PROMPT, '--env', 'production');
    assert.notStrictEqual(refused.code, 0, refused.stdout + refused.stderr);
    assert.match(refused.stdout + refused.stderr, REASON);
    assert.doesNotMatch(repo.git('tag', '--list'), /v2/, 'no tag was written');

    // What is live stays live and verifies.
    const verify = await run(repo, DAVE, 0, 'verify', '--strict');
    assert.doesNotMatch(verify.stdout + verify.stderr, /frozen/);

    // Removing the freeze is a change of the rules too: until an owner approves it, production stays frozen.
    repo.commit(CAROL, 'Quarter closed: unfreeze production', { '.promptrelease.yaml': OPEN });
    assert.match((await run(repo, DAVE, 1, 'gate', PROMPT, '--env', 'production')).stdout, REASON);
    await run(repo, BOB, 0, 'review', '.promptrelease.yaml', '--approve');

    await run(repo, DAVE, 0, 'gate', PROMPT, '--env', 'production');
    await run(repo, DAVE, 0, 'release', PROMPT, '--env', 'production');
    assert.match(repo.git('tag', '--list'), /v2/, 'v2 is released');
  });

  it('refuses a freeze without a reason, naming file, line and column', async () => {
    repo = new TempRepo();
    repo.commit(ALICE, 'Release policy', { '.promptrelease.yaml': 'environments:\n  production: { approvals: 1, freeze: true }\n', '.github/CODEOWNERS': OWNERS });
    const result = await run(repo, DAVE, 3, 'status');
    assert.match(result.stderr, /\.promptrelease\.yaml:2:39: "freeze" of "production" must say why releases are stopped/);
  });
});
