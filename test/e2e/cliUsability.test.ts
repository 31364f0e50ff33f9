import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ALICE, BOB, CAROL, DAVE, runCli, standardRepo, type TempRepo } from '../helpers/gitFixture';

/** The CLI as people use it: options anywhere, pipes, typos, big repositories, one time format. */

const PROMPT = 'prompts/greeting.prompt.md';
const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+|EPIPE/);

describe('the CLI as people use it', function () {
  let repo: TempRepo;
  before(async () => {
    repo = standardRepo();
    const many: Record<string, string> = {};
    for (let i = 0; i < 12; i++) many[`notes/n${String(i).padStart(2, '0')}.prompt.md`] = `Note ${i}.\n`;
    repo.commit(CAROL, 'Unowned notes', many);
    await repo.cli(ALICE, 'review', PROMPT, '--approve');
    await repo.cli(BOB, 'review', PROMPT, '--approve');
    await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging');
    await repo.cli(DAVE, 'release', PROMPT, '--env', 'production');
    repo.commit(CAROL, 'v2', { [PROMPT]: 'You are a friendly assistant.\nGreet {{name}} warmly, by name.\n' });
    await repo.cli(ALICE, 'review', PROMPT, '--approve');
    await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging');
  });
  after(() => repo.dispose());

  it('ends quietly when the reader closes the pipe', () => {
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" status | head -1`], { cwd: repo.dir, encoding: 'utf8' });
    assert.strictEqual(piped.stdout.split('\n').filter(Boolean).length, 1);
    noStack(piped.stderr);
  });

  it('takes global options before or after the command', async () => {
    const before = await runCli(path.dirname(repo.dir), ['--json', '-C', repo.dir, 'status', PROMPT]);
    assert.strictEqual(before.code, 0, before.stderr);
    assert.strictEqual(JSON.parse(before.stdout).prompts[0].path, PROMPT);
    const after = await runCli(path.dirname(repo.dir), ['status', PROMPT, '-C', repo.dir, '--json']);
    assert.deepStrictEqual(JSON.parse(after.stdout).prompts, JSON.parse(before.stdout).prompts);
  });

  it('says what was probably meant for a mistyped command, option or environment', async () => {
    const command = await repo.cli(DAVE, 'stauts');
    assert.strictEqual(command.code, 2);
    assert.match(command.stderr, /unknown command "stauts"\nhint: Did you mean "prompt-release status"\?/);
    const option = await repo.cli(ALICE, 'review', PROMPT, '--aprove');
    assert.strictEqual(option.code, 2);
    assert.match(option.stderr, /review has no option --aprove\nhint: Did you mean --approve\?/);
    const env = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'prodution');
    assert.strictEqual(env.code, 2);
    assert.match(env.stderr, /Did you mean "production"\?/);
    noStack(option.stderr + env.stderr);
  });

  it('exits 2 for a path that is not a prompt, on every command', async () => {
    for (const args of [['status', 'no/such/path'], ['status', 'README.md'], ['history', 'no/such.md'], ['gate', '.gitignore'], ['diff', 'src']]) {
      const result = await repo.cli(DAVE, ...args);
      assert.strictEqual(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /does not exist|is not a prompt/);
    }
  });

  it('shows every environment\'s version, and groups warnings by cause on stderr', async () => {
    const one = await repo.cli(DAVE, 'status', PROMPT);
    assert.match(one.stdout, /^prompts\/greeting.prompt.md {2}\[released to staging as v2\] {2}v2 in staging, v1 in production$/m);
    assert.doesNotMatch(one.stderr, /prompts? ha(s|ve) no owner in CODEOWNERS/, 'warnings only for the prompts asked about');
    const all = await repo.cli(DAVE, 'status');
    assert.doesNotMatch(all.stdout, /warning/);
    const ownerless = all.stderr.split('\n').filter((l) => /prompts? ha(s|ve) no owner in CODEOWNERS/.test(l));
    assert.deepStrictEqual(ownerless.length, 1, all.stderr);
    assert.match(ownerless[0], /^warning: 12 prompts have no owner in CODEOWNERS \(notes\/n00.prompt.md, notes\/n01.prompt.md, notes\/n02.prompt.md and 9 more\)$/);
    assert.match(all.stdout, /^notes\/n00\.prompt\.md +draft +staging - 0\/1 · production - 0\/2 +\(no owner\)$/m, 'one line per prompt when there are many');
  });

  it('summarises and filters', async () => {
    const summary = await repo.cli(DAVE, 'status', '--summary');
    assert.match(summary.stdout, /^13 prompts: 12 draft · 1 released$/m);
    assert.match(summary.stdout, /^ {2}staging +1 live · 0 ready to release$/m);
    assert.match(summary.stdout, /^ {2}12 prompts without an owner$/m);
    const live = JSON.parse((await repo.cli(DAVE, 'status', '--env', 'production', '--json')).stdout).prompts.map((p: any) => p.path);
    assert.deepStrictEqual(live, [PROMPT]);
    const owned = JSON.parse((await repo.cli(DAVE, 'status', '--owner', '@alice', '--json')).stdout).prompts.map((p: any) => p.path);
    assert.deepStrictEqual(owned, [PROMPT]);
    const drafts = JSON.parse((await repo.cli(DAVE, 'status', '--state', 'draft', '--json')).stdout).prompts;
    assert.strictEqual(drafts.length, 12);
    const mine = JSON.parse((await repo.cli(ALICE, 'status', '--mine', '--json')).stdout).prompts.map((p: any) => p.path);
    assert.deepStrictEqual(mine, [PROMPT], 'Alice owns it');
    const notDaves = JSON.parse((await repo.cli(DAVE, 'status', '--mine', '--json')).stdout).prompts;
    assert.deepStrictEqual(notDaves, [], 'releasing a prompt does not make it yours');
    const typo = await repo.cli(DAVE, 'status', '--state', 'drafts');
    assert.strictEqual(typo.code, 2);
    assert.match(typo.stderr, /Did you mean "draft"\?/);
  });

  it('uses one time format and says when the configuration being edited is not the one in force', async () => {
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.match(gate.stdout, /v2 is already the current version in staging \(released \d{4}-\d\d-\d\d \d\d:\d\d UTC by Dave/);
    assert.doesNotMatch(gate.stdout + gate.stderr, /\d\dT\d\d:\d\d/);
    repo.write('.promptrelease.yaml', 'environments:\n  staging: { approvals: 0 }\n');
    try {
      const status = await repo.cli(DAVE, 'status', PROMPT);
      assert.match(status.stderr, /note: \.promptrelease\.yaml in your working tree differs from the version in force on refs\/heads\/main/);
    } finally {
      repo.git('checkout', '--', '.promptrelease.yaml');
    }
  });
});
