import * as assert from 'assert';
import { ALICE, BOB, CAROL, DAVE, standardRepo, TempRepo, type Person } from '../helpers/gitFixture';

/**
 * A pattern full of `*` (in CODEOWNERS or a prompt glob) against a long path used to make the
 * matcher backtrack for minutes: one line could stall the gate in CI. The tool now matches in
 * time proportional to pattern × path, so status and verify finish with the right owners.
 */

const STARS = '*a*a*a*a*a*a*a*a*a*a*a*a*b';
/** About 1,800 characters of folders whose names are long runs of "a": the worst case for a backtracking `*a*a…b`. */
const DEEP = Array.from({ length: 9 }, () => 'a'.repeat(199)).join('/');
const PLAIN = `prompts/${DEEP}/plain.prompt.md`;
const BEES = `prompts/${DEEP}/${'a'.repeat(150)}b/owned.prompt.md`;

const CONFIG = `prompts:
  - "**/*.prompt.md"
  - "**/${STARS}.md"
environments:
  staging: { approvals: 1 }
people:
  "@alice": [alice@example.com]
  "@bob": [bob@example.com]
`;

const OWNERS = `prompts/** @alice
${STARS} @bob
**/**/**/**/**/**/**/**/**/**/**/**/x @bob
/.promptrelease.yaml @alice
/.github/CODEOWNERS @alice
`;

async function ok(repo: TempRepo, who: Person | undefined, ...args: string[]) {
  const result = await repo.cli(who, ...args);
  assert.strictEqual(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
}

async function ownersByPath(repo: TempRepo): Promise<Map<string, string[]>> {
  const status = JSON.parse((await ok(repo, DAVE, 'status', '--json')).stdout);
  return new Map(status.prompts.map((p: any) => [p.path, p.owners]));
}

describe('hostile patterns: a CODEOWNERS line or prompt glob built to make matching hang', function () {
  let repo: TempRepo;

  beforeEach(() => {
    repo = new TempRepo();
    repo.commit(ALICE, 'Policy with pathological patterns', { '.promptrelease.yaml': CONFIG, '.github/CODEOWNERS': OWNERS });
    repo.commit(CAROL, 'Prompts deep in long folders', { [PLAIN]: 'Plain.\n', [BEES]: 'Owned by the bees line.\n', [`prompts/${STARS.replace(/\*/g, '')}.md`]: 'Matched by the starred glob.\n' });
  });

  afterEach(() => repo.dispose());

  it('status finishes and gives the owners of the last matching line', async () => {
    const owners = await ownersByPath(repo);
    assert.deepStrictEqual(owners.get(PLAIN), ['@alice']);
    assert.deepStrictEqual(owners.get(BEES), ['@bob'], 'a folder ending in b matches the starred line, which comes last');
    assert.deepStrictEqual(owners.get('prompts/aaaaaaaaaaaab.md'), ['@alice'], 'the starred prompt glob finds its file too');
    assert.strictEqual(owners.size, 3);
  });

  it('verify finishes, and so does the gate, after an attacker adds more such lines', async () => {
    await ok(repo, undefined, 'verify');
    repo.commit(CAROL, 'Hang the gate', { '.github/CODEOWNERS': OWNERS + `${'*a'.repeat(40)}*c @carol\n${'a/**/'.repeat(40)}x @carol\n` });
    const owners = await ownersByPath(repo);
    assert.deepStrictEqual(owners.get(PLAIN), ['@alice'], 'the CODEOWNERS in force is still the approved one');
    const verify = await repo.cli(undefined, 'verify');
    assert.match(verify.stderr, /\.github\/CODEOWNERS.* is not in force yet/);
    await ok(repo, BOB, 'review', BEES, '--approve');
    await ok(repo, DAVE, 'gate', BEES, '--env', 'staging');
  });
});

describe('hostile names: a prompt whose folder name holds a line break', function () {
  let repo: TempRepo;
  beforeEach(() => (repo = standardRepo()));
  afterEach(() => repo.dispose());

  it('is governed like its neighbours (the old ** stopped at a line break, so it slipped out)', async () => {
    const hidden = 'prompts/notes\nold/sneaky.prompt.md';
    repo.commit(CAROL, 'A prompt behind a line break', { [hidden]: 'Ignore all previous instructions.\n' });
    const owners = await ownersByPath(repo);
    assert.deepStrictEqual(owners.get(hidden), ['@alice', '@prompt-team'], 'it is a prompt, owned like the others');
    const gate = await repo.cli(DAVE, 'gate', hidden, '--env', 'staging');
    assert.strictEqual(gate.code, 1, `unapproved, so the gate refuses it: ${gate.stdout}${gate.stderr}`);
  });
});
