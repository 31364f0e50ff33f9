import * as assert from 'assert';
import { formatTagMessage, releaseTagName, sealEvidence } from '../../src/core/releases/releases';
import { ALICE, BOB, CAROL, DAVE, TempRepo, type Person } from '../helpers/gitFixture';
import { blobHash, handRecord } from '../helpers/handRecords';

/**
 * The prompt's life after the first release, through the real CLI on real repositories:
 * what a prompt includes, required checks, review criteria, review expiry, escalation and
 * feedback; then a hostile contributor against each of them.
 */

const ERIN: Person = { name: 'Erin Editor', email: 'erin@example.com' };
const DAY = 86_400_000;
const OWNERS = 'prompts/** @alice @prompt-team\n';
const PEOPLE = `people:
  "@alice": [alice@example.com]
  "@prompt-team": ["@alice", "@bob"]
`;

const SUPPORT = 'prompts/support.prompt';
const SALES = 'prompts/sales.prompt';
const TONE = 'prompts/_tone.prompt';
const GREETING = 'prompts/greeting.prompt.md';

function repoWith(config: string, files: Record<string, string>): TempRepo {
  const repo = new TempRepo();
  repo.commit(CAROL, 'Add prompts', { '.promptrelease.yaml': config + PEOPLE, '.github/CODEOWNERS': OWNERS, ...files });
  return repo;
}

/** Two Dotprompt files that include the partial "tone" (prompts/_tone.prompt). */
function partialRepo(config = 'environments:\n  staging: { approvals: 1 }\n  production: { approvals: 1 }\n'): TempRepo {
  return repoWith(config, {
    [TONE]: 'Be warm and brief.\n',
    [SUPPORT]: '---\nmodel: googleai/gemini-2.0-flash\n---\n{{> tone}}\nHelp the customer with {{question}}.\n',
    [SALES]: '---\nmodel: googleai/gemini-2.0-flash\n---\n{{> tone}}\nSuggest a plan for {{company}}.\n',
  });
}

function greetingRepo(config: string): TempRepo {
  return repoWith(config, { [GREETING]: 'You are a friendly assistant.\nGreet {{name}} warmly.\n' });
}

async function ok(repo: TempRepo, who: Person | undefined, ...args: string[]) {
  const result = await repo.cli(who, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`);
  return result;
}

async function json(repo: TempRepo, who: Person | undefined, ...args: string[]) {
  return JSON.parse((await ok(repo, who, ...args, '--json')).stdout);
}

async function statusOf(repo: TempRepo, path: string) {
  return (await json(repo, DAVE, 'status')).prompts.find((p: any) => p.path === path);
}

function tagCount(repo: TempRepo): number {
  return repo.git('tag', '-l', 'prompt-release/*').split('\n').filter(Boolean).length;
}

function headCommit(repo: TempRepo): string {
  return repo.git('rev-parse', 'HEAD').trim();
}

describe('lifecycle: includes, checks, criteria, expiry, escalation and feedback (CLI)', function () {
  let repo: TempRepo;
  afterEach(() => repo?.dispose());

  it('a partial edited makes the prompts that include it stale; re-approved, they release with the includes in the evidence', async () => {
    repo = partialRepo();
    await ok(repo, ALICE, 'review', SUPPORT, '--approve');
    assert.strictEqual((await ok(repo, DAVE, 'gate', SUPPORT, '--env', 'staging')).code, 0);

    repo.commit(ERIN, 'Tone: firmer', { [TONE]: 'Be warm, brief and never promise refunds.\n' });
    const stale = await repo.cli(DAVE, 'gate', SUPPORT, '--env', 'staging');
    assert.strictEqual(stale.code, 1, stale.stdout);
    assert.match(stale.stdout, /what prompts\/support\.prompt includes changed after Alice Owner <alice@example\.com> approved it \(prompts\/_tone\.prompt has changed since\)/);
    assert.match(stale.stdout, /review the prompt again/);
    assert.strictEqual((await statusOf(repo, SUPPORT)).environments[0].approvals, 0, 'the approval of the old partial does not count');

    const again = await ok(repo, ALICE, 'review', SUPPORT, '--approve');
    assert.match(again.stdout, /covers what it includes: prompts\/_tone\.prompt/);
    const released = await json(repo, DAVE, 'release', SUPPORT, '--env', 'staging');
    const tone = blobHash(repo, `HEAD:${TONE}`);
    assert.deepStrictEqual(released.evidence.includes, [{ path: TONE, blob: tone.blob, contentHash: tone.contentHash }]);
    const message = repo.git('tag', '-l', '--format=%(contents)', released.tag);
    assert.match(message, new RegExp(`"path": "prompts/_tone.prompt",\\s*"blob": "${tone.blob}"`));

    const text = (await ok(repo, DAVE, 'status', SUPPORT, TONE)).stdout;
    assert.match(text, /prompts\/support\.prompt[^\n]*\n(  [^\n]*\n)*  includes    prompts\/_tone\.prompt\n/);
    assert.match(text, /prompts\/_tone\.prompt[^\n]*\n(  [^\n]*\n)*  used by     2 prompts: prompts\/sales\.prompt, prompts\/support\.prompt\n/);
    const toneStatus = await statusOf(repo, TONE);
    assert.deepStrictEqual(toneStatus.usedBy, [SALES, SUPPORT]);
    assert.deepStrictEqual((await statusOf(repo, SUPPORT)).includes.map((i: any) => i.path), [TONE]);

    const verify = await ok(repo, undefined, 'verify');
    assert.match(verify.stdout, /^1 release tag verified/m);
  });

  it('a Genkit partial kept in a subfolder of the prompts folder is found by its bare name, at HEAD and at the release commit', async () => {
    const STORY = 'prompts/story.prompt';
    const HEADER = 'prompts/partials/_header.prompt';
    repo = repoWith('environments:\n  staging: { approvals: 1 }\n', {
      [STORY]: '---\nmodel: googleai/gemini-2.0-flash\n---\n{{> header}}\nTell a story about {{subject}}.\n',
      [HEADER]: 'You are a storyteller.\n',
    });
    assert.deepStrictEqual((await statusOf(repo, STORY)).includes.map((i: any) => i.path), [HEADER]);
    await ok(repo, ALICE, 'review', STORY, '--approve');
    const released = await json(repo, DAVE, 'release', STORY, '--env', 'staging');
    assert.deepStrictEqual(released.evidence.includes.map((i: any) => i.path), [HEADER]);
    assert.match((await ok(repo, undefined, 'verify')).stdout, /^1 release tag verified/m);
    repo.commit(ERIN, 'Header: darker', { [HEADER]: 'You are a storyteller of ghost stories.\n' });
    const stale = await repo.cli(DAVE, 'gate', STORY, '--env', 'staging');
    assert.strictEqual(stale.code, 1, stale.stdout);
    assert.match(stale.stdout, /prompts\/partials\/_header\.prompt has changed since/);
  });

  it('a partial edited after a release: the dependent is modified, goes through staging again with the new partial, then to production', async () => {
    repo = partialRepo();
    await ok(repo, ALICE, 'review', SUPPORT, '--approve');
    await ok(repo, DAVE, 'release', SUPPORT, '--env', 'staging');
    await ok(repo, DAVE, 'release', SUPPORT, '--env', 'production');

    repo.commit(ERIN, 'Tone: firmer', { [TONE]: 'Be warm, brief and never promise refunds.\n' });
    assert.strictEqual((await statusOf(repo, SUPPORT)).stateLabel, 'modified since release (v1 in production)');
    assert.match((await repo.cli(DAVE, 'gate', SUPPORT, '--env', 'staging')).stdout, /prompts\/_tone\.prompt has changed since/);

    await ok(repo, ALICE, 'review', SUPPORT, '--approve');
    const skipping = await repo.cli(DAVE, 'release', SUPPORT, '--env', 'production');
    assert.strictEqual(skipping.code, 1, 'production only takes what staging had, includes and all');
    assert.match(skipping.stdout, /must be released to staging first with what it includes now \(the release of v1 there had other includes: prompts\/_tone\.prompt has changed since\)/);

    const staging = await json(repo, DAVE, 'release', SUPPORT);
    assert.strictEqual(staging.tag, 'prompt-release/staging/prompts/support.prompt/v1-2');
    const production = await json(repo, DAVE, 'release', SUPPORT);
    assert.strictEqual(production.tag, 'prompt-release/production/prompts/support.prompt/v1-2');
    assert.strictEqual(production.evidence.includes[0].contentHash, blobHash(repo, `HEAD:${TONE}`).contentHash);
    assert.strictEqual((await statusOf(repo, SUPPORT)).stateLabel, 'released to production as v1');
    assert.match((await ok(repo, undefined, 'verify')).stdout, /All 4 release tags verified/);
  });

  it('a required check failing then passing (check --run): the gate blocks, then allows, and the evidence cites the passing run', async () => {
    repo = greetingRepo('environments:\n  staging: { approvals: 1, checks: [eval] }\n');
    await ok(repo, ALICE, 'review', GREETING, '--approve');
    const none = await repo.cli(DAVE, 'gate', GREETING, '--env', 'staging');
    assert.strictEqual(none.code, 1);
    assert.match(none.stdout, /needs a passing "eval" check on this content \(none recorded\); run it: prompt-release check prompts\/greeting\.prompt\.md --name eval --run/);

    // One stream per run: the order in which two pipes are read is not the order of the writes.
    const node = JSON.stringify(process.execPath);
    const script = (code: number, stream: 'log' | 'error', line: string) =>
      `${node} -e 'const fs = require("fs"); console.${stream}("saw", process.env.PROMPT_PATH, process.env.PROMPT_CONTENT_HASH, fs.readFileSync(process.env.PROMPT_FILE, "utf8").length, process.cwd()); console.${stream}("${line}"); process.exit(${code})'`;
    const before = headCommit(repo);
    const failing = await repo.cli(BOB, 'check', GREETING, '--name', 'eval', '--run', script(1, 'log', '3 of 4 cases passed'), '--json');
    assert.strictEqual(failing.code, 1, 'a recorded fail exits 1: ' + failing.stderr);
    assert.match(failing.stderr, /3 of 4 cases passed/, 'the output streams to stderr');
    const failed = JSON.parse(failing.stdout).record;
    const { contentHash } = blobHash(repo, `HEAD:${GREETING}`);
    assert.strictEqual(failed.result, 'fail');
    assert.strictEqual(failed.exitCode, 1);
    assert.strictEqual(failed.summary, '3 of 4 cases passed', 'the summary is the last line of output');
    assert.ok(failed.details.includes(`saw ${GREETING} ${contentHash} ${'You are a friendly assistant.\nGreet {{name}} warmly.\n'.length} ${repo.dir}`), failed.details);
    assert.strictEqual(failed.contentHash, contentHash);
    assert.notStrictEqual(headCommit(repo), before, 'the result is its own commit');

    const blocked = await repo.cli(DAVE, 'release', GREETING, '--env', 'staging');
    assert.strictEqual(blocked.code, 1);
    assert.match(blocked.stdout, /check "eval" failed on this content \(recorded by Bob Reviewer <bob@example\.com> at [^)]*: 3 of 4 cases passed\)/);
    assert.strictEqual(tagCount(repo), 0);

    // A command that cannot start says nothing about the prompt: nothing is recorded.
    const head = headCommit(repo);
    const missing = await repo.cli(BOB, 'check', GREETING, '--name', 'eval', '--run', 'no-such-eval-tool --all');
    assert.strictEqual(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /the check command could not start: the shell found no such command \(exit 127\).*nothing was recorded/);
    assert.strictEqual(headCommit(repo), head);

    const passing = await repo.cli(BOB, 'check', GREETING, '--name', 'eval', '--run', script(0, 'error', '4 of 4 cases passed'), '-m', 'promptfoo: 4/4');
    assert.strictEqual(passing.code, 0, passing.stderr);
    assert.match(passing.stdout, /Recorded: check "eval" passed on prompts\/greeting\.prompt\.md/);
    assert.match(passing.stdout, /It satisfies the "eval" check of staging/);
    assert.strictEqual((await statusOf(repo, GREETING)).environments[0].checks[0].result, 'pass');
    assert.match((await ok(repo, DAVE, 'status', GREETING)).stdout, /staging     not released · approvals 1\/1 · checks eval passed/);

    const released = await json(repo, DAVE, 'release', GREETING, '--env', 'staging');
    assert.strictEqual(released.evidence.checks.length, 1);
    const cited = released.evidence.checks[0];
    assert.strictEqual(cited.name, 'eval');
    assert.strictEqual(cited.by.email, BOB.email);
    const record = JSON.parse(repo.git('show', `HEAD:${cited.record}`));
    assert.deepStrictEqual([record.type, record.result, record.summary, record.exitCode], ['check', 'pass', 'promptfoo: 4/4', 0]);
    assert.match(record.details, /4 of 4 cases passed/, 'details keep what the command wrote to stderr');
    assert.match(repo.git('tag', '-l', '--format=%(contents)', released.tag), new RegExp(`"record": "${cited.record}"`));

    const history = (await ok(repo, DAVE, 'history', GREETING)).stdout;
    assert.match(history, /check eval failed, recorded by Bob Reviewer <bob@example\.com>[^\n]*"3 of 4 cases passed"/);
    assert.match(history, /check eval passed, recorded by Bob Reviewer <bob@example\.com>[^\n]*"promptfoo: 4\/4"/);
    await ok(repo, undefined, 'verify');
  });

  it('check --pass/--fail records a result obtained elsewhere; a missing --details file or a second mode is refused', async () => {
    repo = greetingRepo('environments:\n  staging: { approvals: 1, checks: [eval] }\n');
    const head = headCommit(repo);
    const both = await repo.cli(BOB, 'check', GREETING, '--name', 'eval', '--pass', '--fail');
    assert.strictEqual(both.code, 2);
    assert.match(both.stderr, /check needs exactly one of --pass, --fail or --run "COMMAND" \(got --pass and --fail\)/);
    const noName = await repo.cli(BOB, 'check', GREETING, '--pass');
    assert.strictEqual(noName.code, 2);
    assert.match(noName.stderr, /check needs --name/);
    const noDetails = await repo.cli(BOB, 'check', GREETING, '--name', 'eval', '--pass', '--details', 'reports/eval.txt');
    assert.strictEqual(noDetails.code, 2);
    assert.match(noDetails.stderr, /--details file reports\/eval\.txt does not exist; nothing was recorded/);
    const typo = await repo.cli(BOB, 'check', GREETING, '--nmae', 'eval', '--pass');
    assert.strictEqual(typo.code, 2);
    assert.match(typo.stderr, /Did you mean --name\?/);
    assert.strictEqual(headCommit(repo), head, 'nothing was recorded');

    repo.write('reports/eval.txt', 'case 1: ok\ncase 2: refused a refund\n');
    const failed = await repo.cli(BOB, 'check', GREETING, '--name', 'eval', '--fail', '-m', '1 of 2', '--details', 'reports/eval.txt', '--json');
    assert.strictEqual(failed.code, 1);
    const record = JSON.parse(failed.stdout).record;
    assert.deepStrictEqual([record.result, record.summary, record.details, record.command], ['fail', '1 of 2', 'case 1: ok\ncase 2: refused a refund\n', undefined]);
    const misnamed = await repo.cli(BOB, 'check', GREETING, '--name', 'evals', '--pass');
    assert.strictEqual(misnamed.code, 0);
    assert.match(misnamed.stderr, /no environment's policy requires a "evals" check, so the gate does not look at this result; did you mean --name eval\?/);
    assert.strictEqual((await repo.cli(DAVE, 'gate', GREETING, '--env', 'staging')).code, 1, 'a pass under another name does not satisfy "eval"');
  });

  it('criteria confirmed with --confirm are in the evidence; an approval without them does not count there; an unknown criterion gets "did you mean"', async () => {
    repo = greetingRepo(`environments:
  staging: { approvals: 1, criteria: ["brand voice"] }
  production: { approvals: 1, criteria: ["brand voice", "no legal claims"] }
`);
    const head = headCommit(repo);
    const typo = await repo.cli(BOB, 'review', GREETING, '--approve', '--confirm', 'brand voise');
    assert.strictEqual(typo.code, 2);
    assert.match(typo.stderr, /"brand voise" is not a review criterion of the policy/);
    assert.match(typo.stderr, /Did you mean "brand voice"\? Criteria: "brand voice", "no legal claims"\./);
    assert.strictEqual(headCommit(repo), head, 'nothing was recorded');

    const bare = await ok(repo, BOB, 'review', GREETING, '--approve');
    assert.match(bare.stderr, /note: this approval does not count for staging or production: it does not confirm staging's "brand voice"; production's "brand voice", "no legal claims"/);
    const gate = await repo.cli(DAVE, 'gate', GREETING, '--env', 'staging');
    assert.strictEqual(gate.code, 1);
    assert.match(gate.stdout, /approvals for staging must confirm each of its criteria \("brand voice"\); Bob Reviewer <bob@example\.com> did not confirm all of them/);
    assert.match(gate.stdout, /not counted: bob@example\.com did not confirm staging's criterion: "brand voice"/);

    const partly = await ok(repo, BOB, 'review', GREETING, '--approve', '--confirm', 'brand voice');
    assert.match(partly.stdout, /confirmed: "brand voice"/);
    assert.match(partly.stderr, /does not count for production: it does not confirm production's "no legal claims"/);
    const staging = await json(repo, DAVE, 'release', GREETING, '--env', 'staging');
    assert.deepStrictEqual(staging.evidence.approvals.map((a: any) => [a.by.email, a.confirms]), [[BOB.email, ['brand voice']]]);
    const production = await repo.cli(DAVE, 'gate', GREETING, '--env', 'production');
    assert.strictEqual(production.code, 1, 'the approval does not count for production');
    assert.match(production.stdout, /Bob Reviewer <bob@example\.com> did not confirm all of them/);

    const all = await ok(repo, ALICE, 'review', GREETING, '--approve', '--confirm', 'all');
    assert.match(all.stdout, /confirmed: "brand voice", "no legal claims"/);
    assert.doesNotMatch(all.stderr, /does not count/);
    const released = await json(repo, DAVE, 'release', GREETING, '--env', 'production');
    assert.deepStrictEqual(released.evidence.approvals.map((a: any) => [a.by.email, a.confirms]), [[ALICE.email, ['brand voice', 'no legal claims']]]);
    assert.deepStrictEqual(released.evidence.policy.criteria, ['brand voice', 'no legal claims']);
    const record = JSON.parse(repo.git('show', `HEAD:${released.evidence.approvals[0].record}`));
    assert.deepStrictEqual(record.confirms, ['brand voice', 'no legal claims']);
    await ok(repo, undefined, 'verify');

    const onChangeRequest = await repo.cli(BOB, 'review', GREETING, '--request-changes', '-m', 'no', '--confirm', 'all');
    assert.strictEqual(onChangeRequest.code, 2);
    assert.match(onChangeRequest.stderr, /--confirm goes with --approve/);
  });

  it('an approval past reviewEvery: verify warns, --strict fails, --attention lists it; re-approving the same content renews it without a release', async () => {
    // The policy is tightened after the release: the approval it relied on is then too old.
    repo = greetingRepo('environments:\n  staging: { approvals: 1, reviewEvery: 60d }\n');
    const approvedAt = new Date(Date.now() - 45 * DAY);
    handRecord(repo, ALICE, approvedAt, { type: 'review', prompt: GREETING, verdict: 'approve', by: { name: ALICE.name, email: ALICE.email }, time: approvedAt.toISOString() });
    await json(repo, DAVE, 'release', GREETING, '--env', 'staging');
    assert.strictEqual((await ok(repo, undefined, 'verify', '--strict')).code, 0, 'within 60 days it is not due');

    repo.commit(ALICE, 'Review prompts monthly', { '.promptrelease.yaml': 'environments:\n  staging: { approvals: 1, reviewEvery: 30d }\n' + PEOPLE });
    const verify = await ok(repo, undefined, 'verify');
    assert.match(verify.stdout, /⚠ prompts\/greeting\.prompt\.md v1, live in staging \(prompt-release\/staging\/prompts\/greeting\.prompt\.md\/v1\) meets the policy, with a warning:/);
    assert.match(verify.stdout, /review due in staging: the latest approval \(Alice Owner <alice@example\.com> at [^,]*, 45 days ago\) is older than reviewEvery \(30d\)/);
    assert.match(verify.stdout, /Warning: 1 live version is due for review \(verify --strict fails on this\)/);
    const strict = await repo.cli(undefined, 'verify', '--strict', '--json');
    assert.strictEqual(strict.code, 1, strict.stdout);
    const report = JSON.parse(strict.stdout);
    assert.strictEqual(report.ok, false);
    assert.strictEqual(report.strict, true);
    assert.match(report.live[0].warnings[0], /review due in staging/);

    const attention = await ok(repo, DAVE, 'status', '--attention');
    assert.match(attention.stdout, /^review due  prompts\/greeting\.prompt\.md  v1 in staging: the latest approval \(Alice Owner <alice@example\.com>[^\n]* — for @alice, @prompt-team$/m);
    assert.match((await ok(repo, DAVE, 'status', GREETING)).stdout, /  ⚠ review due in staging/);

    const tags = tagCount(repo);
    await ok(repo, ALICE, 'review', GREETING, '--approve');
    await ok(repo, undefined, 'verify', '--strict');
    assert.strictEqual(tagCount(repo), tags, 'renewed without a new release');
    const after = await json(repo, DAVE, 'status', '--attention');
    assert.deepStrictEqual(after.attention, []);
    assert.match((await ok(repo, DAVE, 'status', '--attention')).stdout, /Nothing needs attention/);
  });

  it('a review request unanswered past escalateAfter is overdue in status --attention until the requested reviewer answers', async () => {
    repo = greetingRepo('escalateAfter: 3d\nenvironments:\n  staging: { approvals: 1 }\n');
    const askedAt = new Date(Date.now() - 5 * DAY);
    handRecord(repo, CAROL, askedAt, { type: 'review-request', prompt: GREETING, reviewers: ['bob@example.com'], by: { name: CAROL.name, email: CAROL.email }, time: askedAt.toISOString() });

    const listed = await json(repo, DAVE, 'status', '--attention');
    assert.deepStrictEqual(
      listed.attention.map((a: any) => [a.kind, a.prompt]),
      [['overdue', GREETING]],
    );
    const text = await ok(repo, DAVE, 'status', '--attention');
    assert.match(text.stdout, /^overdue  prompts\/greeting\.prompt\.md  review requested by Carol Author <carol@example\.com> from bob@example\.com 5 days ago \([^)]*\) is unanswered \(escalateAfter: 3d\) — for bob@example\.com, @alice, @prompt-team$/m);
    assert.match(text.stdout, /1 item needs attention: 1 overdue\./);

    // Someone else's approval does not answer a request addressed to Bob.
    await ok(repo, ALICE, 'review', GREETING, '--approve');
    assert.strictEqual((await json(repo, DAVE, 'status', '--attention')).attention.length, 1);
    await ok(repo, BOB, 'review', GREETING, '--approve');
    assert.deepStrictEqual((await json(repo, DAVE, 'status', '--attention')).attention, []);
  });

  it('feedback on the version live in production is shown by history and status, and a change to the prompt answers it', async () => {
    repo = greetingRepo('environments:\n  staging: { approvals: 1 }\n  production: { approvals: 1 }\n');
    await ok(repo, ALICE, 'review', GREETING, '--approve');
    await ok(repo, DAVE, 'release', GREETING, '--env', 'staging');
    await ok(repo, DAVE, 'release', GREETING, '--env', 'production');

    const given = await ok(repo, ERIN, 'feedback', GREETING, '--env', 'production', '-m', 'Greets returning customers as strangers', '--rating', 'bad');
    assert.match(given.stdout, /Recorded feedback [0-9a-f]{8} \(rated bad\) on prompts\/greeting\.prompt\.md v1, the version live in production, as Erin Editor <erin@example\.com>\./);
    const badRating = await repo.cli(ERIN, 'feedback', GREETING, '-m', 'meh', '--rating', 'meh');
    assert.strictEqual(badRating.code, 2);
    assert.match(badRating.stderr, /--rating is good or bad, not "meh"/);

    assert.match((await ok(repo, DAVE, 'history', GREETING)).stdout, /feedback [0-9a-f]{8} \(bad\) on v1 in production by Erin Editor <erin@example\.com>  "Greets returning customers as strangers"/);
    assert.match((await ok(repo, DAVE, 'status', GREETING)).stdout, /  feedback    1 report on v1 in production \(1 bad\)/);
    let status = await statusOf(repo, GREETING);
    assert.strictEqual(status.feedback.label, '1 report on v1 in production (1 bad)');
    assert.strictEqual(status.feedback.reports[0].open, true);

    repo.commit(CAROL, 'Greet returning customers by name', { [GREETING]: 'You are a friendly assistant.\nGreet {{name}} warmly; welcome back returning customers.\n' });
    assert.doesNotMatch((await ok(repo, DAVE, 'status', GREETING)).stdout, /report/);
    status = await statusOf(repo, GREETING);
    assert.strictEqual(status.feedback.open, 0);
    assert.deepStrictEqual([status.feedback.reports[0].open, status.feedback.reports[0].answeredBy], [false, 'a change committed since (not released yet)']);
  });
});

describe('lifecycle against a hostile contributor (CLI)', function () {
  let repo: TempRepo;
  afterEach(() => repo?.dispose());

  it('the author of a partial cannot approve a prompt that includes it, not even with a hand-written record', async () => {
    repo = partialRepo();
    repo.commit(ERIN, 'Tone: firmer', { [TONE]: 'Be warm, brief and never promise refunds.\n' });
    const refused = await repo.cli(ERIN, 'review', SUPPORT, '--approve');
    assert.strictEqual(refused.code, 1);
    assert.match(refused.stderr, /erin@example\.com cannot approve prompts\/support\.prompt: you wrote part of this content \(self-approval\)/);

    const tone = blobHash(repo, `HEAD:${TONE}`);
    const now = new Date();
    handRecord(repo, ERIN, now, { type: 'review', prompt: SUPPORT, verdict: 'approve', by: { name: ERIN.name, email: ERIN.email }, time: now.toISOString(), includes: [{ path: TONE, contentHash: tone.contentHash }] });
    const blocked = await repo.cli(DAVE, 'gate', SUPPORT, '--env', 'staging', '--json');
    assert.strictEqual(blocked.code, 1);
    const result = JSON.parse(blocked.stdout);
    assert.strictEqual(result.approvals, 0);
    assert.deepStrictEqual(result.ignored.map((i: any) => i.reason), ['erin@example.com wrote part of this content and cannot approve it']);
    assert.strictEqual((await repo.cli(DAVE, 'release', SUPPORT, '--env', 'staging')).code, 1);
    assert.strictEqual(tagCount(repo), 0);
  });

  it('a hand-made release tag whose evidence leaves out the includes is not trusted by verify', async () => {
    repo = partialRepo();
    const { record: approval, recordPath } = await json(repo, ALICE, 'review', SUPPORT, '--approve');
    // Carol has tag rights and the tool's code: a sealed evidence block that says nothing of the partial.
    const commit = headCommit(repo);
    const evidence = sealEvidence({
      format: 'prompt-release/1',
      environment: 'staging',
      prompt: SUPPORT,
      contentHash: approval.contentHash,
      blob: approval.blob,
      commit,
      version: 1,
      sequence: 1,
      approvals: [{ by: { name: ALICE.name, email: ALICE.email }, at: new Date().toISOString(), record: recordPath, owners: ['@alice', '@prompt-team'] }],
      policy: { approvals: 1, ownerApproval: false, requirePrevious: false },
      releasedBy: { name: CAROL.name, email: CAROL.email },
      releasedAt: new Date().toISOString(),
    });
    const tag = releaseTagName('staging', SUPPORT, 1, 1);
    repo.write('.git/forged-msg', formatTagMessage(evidence));
    repo.gitAs(CAROL, 'tag', '-a', '--cleanup=verbatim', '-F', '.git/forged-msg', tag, commit);

    const verify = await repo.cli(undefined, 'verify', '--json');
    assert.strictEqual(verify.code, 1, verify.stdout);
    const forged = JSON.parse(verify.stdout).tags.find((t: any) => t.tag === tag);
    assert.ok(forged.problems.some((p: string) => /its evidence does not list what prompts\/support\.prompt includes at the commit \(prompts\/_tone\.prompt was not included then\)/.test(p)), forged.problems.join('\n'));
    assert.strictEqual((await statusOf(repo, SUPPORT)).environments[0].current, null, 'an untrusted tag is no release');
  });

  it('a hand-made release tag whose evidence lists an include without its blob is refused with a reason, not a crash', async () => {
    repo = partialRepo();
    const { record: approval, recordPath } = await json(repo, ALICE, 'review', SUPPORT, '--approve');
    const commit = headCommit(repo);
    const tone = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout).prompts.find((p: any) => p.path === TONE);
    const evidence = sealEvidence({
      format: 'prompt-release/1',
      environment: 'staging',
      prompt: SUPPORT,
      contentHash: approval.contentHash,
      blob: approval.blob,
      commit,
      version: 1,
      sequence: 1,
      approvals: [{ by: { name: ALICE.name, email: ALICE.email }, at: new Date().toISOString(), record: recordPath, owners: ['@alice', '@prompt-team'] }],
      policy: { approvals: 1, ownerApproval: false, requirePrevious: false },
      releasedBy: { name: CAROL.name, email: CAROL.email },
      releasedAt: new Date().toISOString(),
      includes: [{ path: TONE, contentHash: tone.contentHash } as any],
    });
    const tag = releaseTagName('staging', SUPPORT, 1, 1);
    repo.write('.git/forged-msg', formatTagMessage(evidence));
    repo.gitAs(CAROL, 'tag', '-a', '--cleanup=verbatim', '-F', '.git/forged-msg', tag, commit);

    const verify = await repo.cli(undefined, 'verify');
    assert.strictEqual(verify.code, 1, verify.stdout + verify.stderr);
    assert.doesNotMatch(verify.stderr, /unexpected failure/);
    assert.match(verify.stdout, /its evidence lists includes without a path, a blob id and a content hash each/);
  });

  it('whoever edited a file a Prompty prompt includes (not a prompt itself) cannot approve that prompt', async () => {
    const PROMPTY = 'prompts/support.prompty';
    const SAMPLE = 'prompts/support.sample.json';
    repo = repoWith('environments:\n  staging: { approvals: 1 }\n', {
      [PROMPTY]: '---\nname: Support\nsample: ${file:support.sample.json}\n---\nsystem:\nHelp with {{question}}.\n',
      [SAMPLE]: '{ "question": "Where is my order?" }\n',
    });
    repo.commit(ERIN, 'A friendlier sample', { [SAMPLE]: '{ "question": "Hi! Where is my order?" }\n' });
    assert.deepStrictEqual((await statusOf(repo, PROMPTY)).includes.map((i: any) => i.path), [SAMPLE]);
    const refused = await repo.cli(ERIN, 'review', PROMPTY, '--approve');
    assert.strictEqual(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /erin@example\.com cannot approve prompts\/support\.prompty: you wrote part of this content/);
    // Written by hand, the approval is recorded but does not count.
    const now = new Date();
    handRecord(repo, ERIN, now, { type: 'review', prompt: PROMPTY, verdict: 'approve', by: { name: ERIN.name, email: ERIN.email }, time: now.toISOString(), includes: [{ path: SAMPLE, contentHash: blobHash(repo, `HEAD:${SAMPLE}`).contentHash }] });
    const gate = await repo.cli(DAVE, 'gate', PROMPTY, '--env', 'staging');
    assert.strictEqual(gate.code, 1, gate.stdout);
    assert.match(gate.stdout, /not counted: erin@example\.com wrote part of this content and cannot approve it/);
  });

  it('the author of a prompt cannot pass its required check by recording a pass herself', async () => {
    repo = greetingRepo('environments:\n  staging: { approvals: 1, checks: [eval] }\n');
    await ok(repo, ALICE, 'review', GREETING, '--approve');
    // Carol wrote the prompt; she records a pass without running anything.
    const own = await ok(repo, CAROL, 'check', GREETING, '--name', 'eval', '--pass', '-m', 'looks fine');
    assert.match(own.stdout, /It does not count for staging: you wrote part of this content, and a pass counts only when someone else records it/);
    const gate = await repo.cli(DAVE, 'gate', GREETING, '--env', 'staging');
    assert.strictEqual(gate.code, 1, gate.stdout);
    assert.match(gate.stdout, /needs a passing "eval" check recorded by someone who did not write this content: the pass on record is by Carol Author <carol@example\.com>/);
    const release = await repo.cli(DAVE, 'release', GREETING, '--env', 'staging');
    assert.strictEqual(release.code, 1, release.stdout);
    assert.strictEqual(tagCount(repo), 0, 'nothing was tagged');
    // The same result recorded by CI counts.
    await ok(repo, BOB, 'check', GREETING, '--name', 'eval', '--pass', '-m', 'CI: 4/4');
    assert.strictEqual((await repo.cli(DAVE, 'gate', GREETING, '--env', 'staging')).code, 0);
  });

  it('a check record committed by someone other than the identity it names does not count', async () => {
    repo = greetingRepo('environments:\n  staging: { approvals: 1, checks: [eval] }\n');
    await ok(repo, ALICE, 'review', GREETING, '--approve');
    // Carol writes a passing result in the name of the CI identity and commits it herself.
    const ci = { name: 'Eval Bot', email: 'ci@example.com' };
    const now = new Date();
    const path = handRecord(repo, CAROL, now, { type: 'check', prompt: GREETING, name: 'eval', result: 'pass', by: ci, time: now.toISOString(), summary: '4/4' });

    const gate = await repo.cli(DAVE, 'gate', GREETING, '--env', 'staging');
    assert.strictEqual(gate.code, 1, gate.stdout);
    assert.match(gate.stdout, /needs a passing "eval" check on this content \(none recorded\)/);
    const status = await json(repo, DAVE, 'status');
    assert.ok(
      status.problems.some((p: any) => p.location?.file === path && /does not count: commit [0-9a-f]+ that added it was authored by carol@example\.com, not by ci@example\.com whom it names/.test(p.message)),
      JSON.stringify(status.problems),
    );
    assert.strictEqual(status.prompts[0].environments[0].checks[0].result, null);
    assert.strictEqual((await repo.cli(DAVE, 'release', GREETING, '--env', 'staging')).code, 1);
  });

  it('an approval dated in the future does not escape review expiry', async () => {
    repo = greetingRepo('environments:\n  staging: { approvals: 1, reviewEvery: 30d }\n');
    const future = new Date('2099-01-01T00:00:00Z');
    // The record claims 2099, but the commit that added it is 45 days old: its age is the commit's.
    const old = new Date(Date.now() - 45 * DAY);
    handRecord(repo, BOB, old, { type: 'review', prompt: GREETING, verdict: 'approve', by: { name: BOB.name, email: BOB.email }, time: future.toISOString() });
    const aged = await repo.cli(DAVE, 'gate', GREETING, '--env', 'staging');
    assert.strictEqual(aged.code, 1, aged.stdout);
    assert.match(aged.stdout, /review due in staging: the latest approval \(Bob Reviewer <bob@example\.com> at [^,]*, 45 days ago\) is older than reviewEvery \(30d\)/);

    // Both a new record and its commit claim 2099: an age that cannot be established is due.
    const later = new Date('2099-01-02T00:00:00Z');
    handRecord(repo, BOB, later, { type: 'review', prompt: GREETING, verdict: 'approve', by: { name: BOB.name, email: BOB.email }, time: later.toISOString() });
    const postdated = await repo.cli(DAVE, 'release', GREETING, '--env', 'staging');
    assert.strictEqual(postdated.code, 1, postdated.stdout);
    assert.match(postdated.stdout, /review due in staging: the latest approval \(Bob Reviewer <bob@example\.com>\) is dated in the future, so its age cannot be established; re-approve prompts\/greeting\.prompt\.md/);
    assert.strictEqual(tagCount(repo), 0);

    // An honest approval now is what the gate wanted.
    await ok(repo, BOB, 'review', GREETING, '--approve');
    await ok(repo, DAVE, 'release', GREETING, '--env', 'staging');
    await ok(repo, undefined, 'verify', '--strict');
  });
});
