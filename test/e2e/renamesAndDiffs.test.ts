import * as assert from 'assert';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { ALICE, BOB, CAROL, DAVE, TempRepo, type Person } from '../helpers/gitFixture';

const CONFIG = `environments:
  staging: { approvals: 1 }
  production: { approvals: 2, ownerApproval: true }
people:
  "@alice": [alice@example.com]
`;

async function ok(repo: TempRepo, who: Person | undefined, ...args: string[]) {
  const result = await repo.cli(who, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`);
  return result;
}

describe('history and diffs as a user meets them: renames and includes', () => {
  let repo: TempRepo;
  afterEach(() => repo?.dispose());

  it('a prompt moved with git mv (awesome-copilot moved chatmodes to agents) keeps its history and its releases, and is promoted under its new name', async () => {
    repo = new TempRepo();
    repo.commit(CAROL, 'Add a chat mode', {
      '.promptrelease.yaml': CONFIG,
      '.github/CODEOWNERS': '*.md @alice\n',
      'chatmodes/plan.chatmode.md': 'You are a planner.\nList the steps first.\n',
    });
    await ok(repo, BOB, 'review', 'chatmodes/plan.chatmode.md', '--approve');
    await ok(repo, DAVE, 'release', 'chatmodes/plan.chatmode.md', '--env', 'staging');
    mkdirSync(path.join(repo.dir, 'agents'));
    repo.gitAs(CAROL, 'mv', 'chatmodes/plan.chatmode.md', 'agents/plan.agent.md');
    repo.commit(CAROL, 'Chat modes are agents now');

    const history = await ok(repo, DAVE, 'history', 'agents/plan.agent.md');
    assert.match(history.stdout, /approved by Bob Reviewer/);
    assert.match(history.stdout, /renamed from chatmodes\/plan\.chatmode\.md in [0-9a-f]{10} by Carol Author/);
    assert.strictEqual((history.stdout.match(/ changed in /g) ?? []).length, 1, `the rename reads as a second change:\n${history.stdout}`);
    assert.match(history.stdout, /released v1 to staging by Dave Releaser <dave@example.com> {2}\(prompt-release\/staging\/chatmodes\/plan\.chatmode\.md\/v1\)/);

    const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout).prompts.find((p: any) => p.path === 'agents/plan.agent.md');
    assert.strictEqual(status.stateLabel, 'released to staging as v1', JSON.stringify(status));

    await ok(repo, ALICE, 'review', 'agents/plan.agent.md', '--approve');
    const production = await ok(repo, DAVE, 'release', 'agents/plan.agent.md', '--env', 'production');
    assert.match(production.stdout, /Released agents\/plan\.agent\.md v1 to production/);
    const verify = await ok(repo, DAVE, 'verify');
    assert.match(verify.stdout, /All 2 release tags verified/);
  });

  it('when only an included partial changed since a release, diff shows the partial: from the environment to HEAD and to the working copy', async () => {
    repo = new TempRepo();
    repo.commit(CAROL, 'Add prompts', {
      '.promptrelease.yaml': 'environments:\n  staging: { approvals: 1 }\n',
      'prompts/_tone.prompt': 'Be warm and brief.\n',
      'prompts/support.prompt': '---\nmodel: googleai/gemini-2.0-flash\n---\n{{> tone}}\nHelp the customer with {{question}}.\n',
    });
    await ok(repo, BOB, 'review', 'prompts/support.prompt', '--approve');
    await ok(repo, DAVE, 'release', 'prompts/support.prompt', '--env', 'staging');
    repo.commit(CAROL, 'Firmer tone', { 'prompts/_tone.prompt': 'Be warm, brief and never promise refunds.\n' });

    const state = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout).prompts.find((p: any) => p.path === 'prompts/support.prompt');
    assert.match(state.stateLabel, /modified since release/);

    for (const to of ['HEAD', 'working']) {
      const result = await ok(repo, DAVE, 'diff', 'prompts/support.prompt', '--from', 'staging', '--to', to);
      assert.doesNotMatch(result.stdout, /No differences/, `--to ${to}`);
      assert.match(result.stdout, /The text of prompts\/support\.prompt is the same; what it includes differs:\n {2}included file changed: prompts\/_tone\.prompt/, `--to ${to}`);
      assert.match(result.stdout, /^-Be warm and brief\.$/m);
      assert.match(result.stdout, /^\+Be warm, brief and never promise refunds\.$/m);
    }
    writeFileSync(path.join(repo.dir, 'prompts/_tone.prompt'), 'Be curt.\n');
    const working = JSON.parse((await ok(repo, DAVE, 'diff', 'prompts/support.prompt', '--from', 'HEAD', '--to', 'working', '--json')).stdout);
    assert.strictEqual(working.identical, false);
    assert.deepStrictEqual(working.includes.map((i: any) => [i.path, i.change]), [['prompts/_tone.prompt', 'changed']]);
    assert.match(working.includes[0].patch, /\+Be curt\./);
  });
});
