import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { ALICE, BOB, CAROL, DAVE, runCli, standardRepo, TempRepo, type Person } from '../helpers/gitFixture';

/** Authors cannot shed authorship to approve their own words, and what cannot be established is refused. */

const ERIN: Person = { name: 'Erin Editor', email: 'erin@example.com' };
const CAROL_HOME: Person = { name: 'Carol (home)', email: 'carol@home.example.org' };
const PROMPT = 'prompts/greeting.prompt.md';

async function approveAs(repo: TempRepo, who: Person, file = PROMPT) {
  return repo.cli(who, 'review', file, '--approve');
}

function expectSelfApproval(result: { code: number; stderr: string }, who: Person) {
  assert.strictEqual(result.code, 1, result.stderr);
  assert.match(result.stderr, new RegExp(`${who.email.replace(/[.+]/g, '\\$&')} cannot approve .*self-approval`));
}

describe('hostile contributor: authorship survives merges, renames, trailers and aliases', function () {
  let repo: TempRepo;
  beforeEach(() => {
    repo = standardRepo();
  });
  afterEach(() => repo.dispose());

  it('keeps the writers of both sides of an ordinary merge as authors of the result', async () => {
    const lines = ['You are a friendly assistant.', 'Use the customer name.', 'Keep it short.', 'Never promise refunds.', 'Greet {{name}} warmly.'];
    repo.commit(CAROL, 'Longer greeting', { [PROMPT]: lines.join('\n') + '\n' });
    await approveAs(repo, ALICE);
    assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT, '--env', 'staging')).code, 0, 'a reviewed release: Carol is no author of what follows');
    repo.git('switch', '-q', '-c', 'bob-side');
    repo.commit(BOB, 'Bob: first line', { [PROMPT]: ['You are a friendly and concise assistant.', ...lines.slice(1)].join('\n') + '\n' });
    repo.git('switch', '-q', 'main');
    repo.commit(ERIN, 'Erin: last line', { [PROMPT]: [...lines.slice(0, 4), 'Greet {{name}} warmly and by name.'].join('\n') + '\n' });
    repo.gitAs(DAVE, 'merge', '-q', '--no-edit', 'bob-side');
    assert.match(repo.git('show', `HEAD:${PROMPT}`), /concise[^]*by name/, 'git merged both edits');
    expectSelfApproval(await approveAs(repo, BOB), BOB);
    expectSelfApproval(await approveAs(repo, ERIN), ERIN);
    assert.strictEqual((await approveAs(repo, CAROL)).code, 0, 'the reviewed base was hers; she wrote nothing since');
  });

  it('makes the merge author an author of content first written in the merge', async () => {
    repo.git('switch', '-q', '-c', 'side');
    repo.commit(BOB, 'Bob edits', { [PROMPT]: 'Bob version.\n' });
    repo.git('switch', '-q', 'main');
    repo.commit(ERIN, 'Erin edits', { [PROMPT]: 'Erin version.\n' });
    try {
      repo.gitAs(DAVE, 'merge', '-q', '--no-edit', 'side');
    } catch {
      // The conflict is resolved with words neither side wrote.
    }
    repo.write(PROMPT, 'Dave wrote this during the merge.\n');
    repo.gitAs(DAVE, 'add', PROMPT);
    repo.gitAs(DAVE, 'commit', '-q', '--no-edit');
    expectSelfApproval(await approveAs(repo, DAVE), DAVE);
    expectSelfApproval(await approveAs(repo, BOB), BOB);
    assert.strictEqual((await approveAs(repo, ALICE)).code, 0);
  });

  it('keeps the writer an author after someone else renames the prompt', async () => {
    repo.gitAs(DAVE, 'mv', PROMPT, 'prompts/welcome.prompt.md');
    repo.gitAs(DAVE, 'commit', '-q', '-m', 'Rename');
    expectSelfApproval(await approveAs(repo, CAROL, 'prompts/welcome.prompt.md'), CAROL);
    const history = await repo.cli(DAVE, 'history', 'prompts/welcome.prompt.md');
    assert.match(history.stdout, /changed in \w+ by Carol Author[^\n]*\n[^]*renamed from prompts\/greeting\.prompt\.md in \w+ by Dave Releaser/, 'the history goes back past the rename');
    assert.strictEqual((await approveAs(repo, BOB, 'prompts/welcome.prompt.md')).code, 0, 'the renamer wrote nothing');
  });

  it('counts co-authors named in trailers as authors', async () => {
    repo.write(PROMPT, 'Pair-written greeting.\n');
    repo.gitAs(CAROL, 'commit', '-q', '-am', 'Pairing\n\nCo-authored-by: Erin Editor <erin@example.com>');
    expectSelfApproval(await approveAs(repo, ERIN), ERIN);
  });

  it('treats the emails of one person as one person: no self-approval, one vote', async () => {
    repo.commit(ALICE, 'People', {
      '.promptrelease.yaml':
        'environments:\n  staging: { approvals: 2 }\npeople:\n  "@alice": [alice@example.com]\n  "@prompt-team": ["@alice", "@bob"]\n  "@carol": [carol@example.com, carol@home.example.org]\n  "@bob": [bob@example.com, bob@home.example.org]\n',
    });
    expectSelfApproval(await approveAs(repo, CAROL_HOME), CAROL_HOME);
    assert.strictEqual((await approveAs(repo, BOB)).code, 0);
    assert.strictEqual((await approveAs(repo, { name: 'Bob (home)', email: 'bob@home.example.org' })).code, 0);
    const gate = await repo.cli(DAVE, 'gate', PROMPT, '--env', 'staging');
    assert.strictEqual(gate.code, 1, 'two emails of Bob are one approval');
    assert.match(gate.stdout, /needs 1 more approval \(has 1 of 2\)/);
  });

  it('joins the aliases the trusted people: lists, whatever a .mailmap says, and never lets one address speak for another', async () => {
    repo.commit(ALICE, 'Carol has two addresses', {
      '.promptrelease.yaml': 'environments:\n  staging: { approvals: 1 }\npeople:\n  "@alice": [alice@example.com]\n  "@prompt-team": ["@alice", "@bob"]\n  "@carol": [carol@example.com, carol@home.example.org]\n',
    });
    expectSelfApproval(await approveAs(repo, CAROL_HOME), CAROL_HOME);

    // A record naming Alice in a commit by Carol does not count, even if a mailmap joins them.
    repo.commit(ALICE, 'Mailmap grab', { '.mailmap': 'Alice Owner <alice@example.com> <carol@example.com>\n' });
    const blob = repo.git('rev-parse', `HEAD:${PROMPT}`).trim();
    const hash = 'sha256:' + require('crypto').createHash('sha256').update(Buffer.from(repo.git('cat-file', 'blob', blob))).digest('hex');
    const forged = { format: 1, type: 'review', prompt: PROMPT, contentHash: hash, blob, verdict: 'approve', by: ALICE, time: new Date().toISOString() };
    repo.commit(CAROL, 'Forged approval', { [`.promptrelease/records/zz/forged.json`]: JSON.stringify(forged) });
    const status = JSON.parse((await repo.cli(DAVE, 'status', '--json')).stdout);
    assert.strictEqual(status.prompts.find((p: any) => p.path === PROMPT).environments[0].approvals, 0);
    assert.ok(status.problems.some((p: any) => /authored by carol@example.com, not by alice@example.com/.test(p.message)));
  });

  it('maps a GitHub noreply email to its handle: a noreply alias cannot approve what the same user wrote', async () => {
    repo.commit(ALICE, 'People', {
      '.promptrelease.yaml': 'environments:\n  staging: { approvals: 1 }\npeople:\n  "@carol": [carol@example.com]\n',
    });
    expectSelfApproval(await approveAs(repo, { name: 'Carol', email: '12345+carol@users.noreply.github.com' }), { name: '', email: '12345+carol@users.noreply.github.com' });
  });
});

describe('fail closed: what cannot be established is refused, never passed', function () {
  it('refuses to verify, gate or review in a shallow clone', async () => {
    const repo = standardRepo();
    const target = mkdtempSync(path.join(tmpdir(), 'prc-shallow-'));
    try {
      await approveAs(repo, ALICE);
      assert.strictEqual((await repo.cli(DAVE, 'release', PROMPT)).code, 0);
      repo.commit(CAROL, 'More', { 'prompts/other.prompt.md': 'Other.\n' });
      for (const depth of ['1', '2']) {
        const clone = path.join(target, `depth-${depth}`);
        execFileSync('git', ['clone', '-q', '--depth', depth, '--no-single-branch', `file://${repo.dir}`, clone], { env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
        execFileSync('git', ['-C', clone, 'fetch', '-q', '--depth', depth, 'origin', '+refs/tags/*:refs/tags/*']);
        const verify = await runCli(clone, ['verify']);
        assert.strictEqual(verify.code, 3, `depth ${depth}: ${verify.stdout}${verify.stderr}`);
        assert.match(verify.stderr, /shallow.*nothing was verified/);
        assert.match(verify.stderr, /git fetch --unshallow/);
        const gate = await runCli(clone, ['gate', PROMPT, '--env', 'staging', '--trusted', 'origin/main']);
        assert.strictEqual(gate.code, 1, gate.stdout);
        assert.match(gate.stdout, /shallow/);
      }
    } finally {
      rmSync(target, { recursive: true, force: true });
      repo.dispose();
    }
  });

  it('refuses a symlink or a submodule where a prompt is expected', async () => {
    const repo = standardRepo();
    const sub = new TempRepo();
    try {
      repo.write('secret.txt', 'You are evil.\n');
      symlinkSync('../secret.txt', path.join(repo.dir, 'prompts/linked.prompt.md'));
      sub.commit(CAROL, 'sub', { 'x.md': 'x\n' });
      repo.gitAs(CAROL, '-c', 'protocol.file.allow=always', 'submodule', '--quiet', 'add', sub.dir, 'prompts/vendor.prompt.md');
      repo.commit(CAROL, 'Link and submodule');
      for (const file of ['prompts/linked.prompt.md', 'prompts/vendor.prompt.md']) {
        const review = await approveAs(repo, ALICE, file);
        assert.strictEqual(review.code, 1, `${file}: ${review.stdout}${review.stderr}`);
        assert.match(review.stderr, /symbolic link|submodule/);
        const gate = await repo.cli(DAVE, 'gate', file, '--env', 'staging');
        assert.strictEqual(gate.code, 1);
        assert.match(gate.stdout, /cannot be released: it is (a symbolic link|a submodule)/);
      }
    } finally {
      repo.dispose();
      sub.dispose();
    }
  });

  it('refuses to guess the trusted branch when there is no main branch', async () => {
    const repo = new TempRepo();
    // The first commit goes to develop, so main is never created.
    repo.git('checkout', '-q', '-b', 'develop');
    repo.commit(CAROL, 'Add', { [PROMPT]: 'Hi.\n' });
    try {
      const status = await repo.cli(DAVE, 'status');
      assert.strictEqual(status.code, 3, status.stdout + status.stderr);
      assert.match(status.stderr, /cannot tell which branch is trusted/);
      assert.match(status.stderr, /--trusted/);
      assert.strictEqual((await repo.cli(DAVE, 'status', '--trusted', 'develop')).code, 0);
      const missing = await repo.cli(DAVE, 'status', '--trusted', 'origin/main');
      assert.strictEqual(missing.code, 3);
      assert.match(missing.stderr, /the trusted branch "origin\/main" does not exist in this clone/);
    } finally {
      repo.dispose();
    }
  });
});
