/*
 * In-process refresh benchmark (`node out/test/bench/refresh.js`, information only; `npm run
 * bench` runs bench.ts, which measures the CLI as a process and uses this file's fixture).
 *
 * Builds (once, cached under .cache/bench-repo-v1/) a repository with 10,000 prompts,
 * 20,000 review records and 2,000 release tags, all made with the engine's own functions,
 * then prints the time of a full refresh (PromptRepository.open + model()) next to the time
 * of the raw git reads that refresh needs (ls-tree, for-each-ref, cat-file --batch).
 * Target: refresh ≤ 2.5 × raw reads. The benchmark reports; it only fails when the built
 * repository does not look the way it was built (sanity check).
 *
 * Environment knobs (all optional):
 *   BENCH_REBUILD=1   rebuild the cached repository
 *   BENCH_RUNS=n      measured runs of each side (default 3, the median is reported)
 *   BENCH_VERIFY=1    also run `verifyRepository` over every tag (always done right after a build)
 */
import { spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { ownersOf, parseCodeowners, type Codeowners } from '../../src/core/ownership/codeowners';
import { parseConfig, policyRecord, type Config } from '../../src/core/policy/config';
import { contentHash } from '../../src/core/prompts/hash';
import type { Identity } from '../../src/core/ownership/identity';
import { analyze, type RepoModel } from '../../src/core/model/model';
import { People } from '../../src/core/ownership/people';
import { promptMatcher, promptPathspecs, RECORDS_DIR } from '../../src/core/prompts/prompts';
import { isRecordPath, newRecordPath, serializeRecord, type ReviewRecord, type Verdict } from '../../src/core/reviews/records';
import { formatTagMessage, releaseTagName, sealEvidence, TAG_REF_PREFIX, type ApprovalEvidence } from '../../src/core/releases/releases';
import { LOG_FORMAT, parseLsTree, TAG_FORMAT } from '../../src/git/parse';
import { PromptRepository } from '../../src/git/repository';
import type { GitCommandEvent } from '../../src/git/runner';
import { verifyRepository } from '../../src/usecases/verify';

// ---------------------------------------------------------------------------------------------
// Shape of the benchmark repository. Change BENCH_VERSION whenever the generator changes.

const BENCH_VERSION = 'bench-repo-v1/2026-01:prompts=10000:records=20000:tags=2000:gen=1';
const PROMPTS = 10_000;
const TEAMS = 20;
const PER_TEAM = PROMPTS / TEAMS;
const TARGET_RATIO = 2.5;

const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
const CACHE_DIR = path.join(PROJECT_ROOT, '.cache', 'bench-repo-v1');
const REPO_DIR = path.join(CACHE_DIR, 'repo');
const MANIFEST = path.join(CACHE_DIR, 'manifest.json');

const AUTHOR: Identity = { name: 'Paula Prompt', email: 'paula.prompt@example.com' };
const EDITOR: Identity = { name: 'Eddie Editor', email: 'eddie.editor@example.com' };
const RELEASE_MANAGER: Identity = { name: 'Rita Release', email: 'rita.release@example.com' };
const REVIEWERS: Identity[] = [
  { name: 'Alice Anders', email: 'alice.anders@example.com' },
  { name: 'Bob Brandt', email: 'bob.brandt@example.com' },
  { name: 'Carol Chen', email: 'carol.chen@example.com' },
  { name: 'Dave Duarte', email: 'dave.duarte@example.com' },
  { name: 'Erin Eng', email: 'erin.eng@example.com' },
];

const T0 = Date.parse('2026-01-05T09:00:00Z');
const DAY = 86_400_000;

export interface Manifest {
  version: string;
  buildMs: number;
  builtAt: string;
  head: string;
  prompts: number;
  records: number;
  tags: number;
  /** Prompts whose state must come out as "released". */
  released: number;
  stagingOnly: number;
  production: number;
  edited: number;
}

// ---------------------------------------------------------------------------------------------
// Small utilities

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = mulberry32(0x5eed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const seconds = (ms: number) => Math.floor(ms / 1000);

/** The git blob id of some bytes: sha1 of "blob <len>\0" + bytes. */
function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmtMs = (ms: number) => `${ms.toFixed(0)} ms`;

/** git for building the fixture: isolated from the user's global and system configuration. */
function buildGit(cwd: string, args: string[], input?: Buffer | string): string {
  const result = spawnSync('git', args, {
    cwd,
    input,
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`git ${args.join(' ')} failed (${result.status}): ${result.stderr.toString().slice(0, 2000)}`);
  }
  return result.stdout.toString();
}

/** Runs git the plain way (for the raw-read baseline) and collects its output as bytes. */
function rawGit(cwd: string, args: string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`git ${args[0]} failed (${code}): ${Buffer.concat(err).toString()}`));
    });
    if (child.stdin) {
      child.stdin.on('error', reject);
      child.stdin.end(input);
    }
  });
}

/**
 * The same, but git writes straight into a temporary file that is read once at the end. This
 * is git's own cost without the pipe: `cat-file --batch` writes every blob with its own
 * write(2) (it streams blobs, bypassing stdio buffering even with --buffer), so over a pipe
 * node handles one chunk per object — tens of thousands of 'data' events. Shown as a floor.
 */
function rawGitToFile(cwd: string, args: string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const file = path.join(os.tmpdir(), `prompt-release-bench-${process.pid}-${Math.random().toString(36).slice(2)}.out`);
    const fd = fs.openSync(file, 'w+');
    const done = (err?: Error) => {
      let out: Buffer | undefined;
      try {
        if (!err) out = fs.readFileSync(file);
      } finally {
        fs.closeSync(fd);
        fs.rmSync(file, { force: true });
      }
      if (err) reject(err);
      else resolve(out!);
    };
    const child = spawn('git', args, { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', fd, 'pipe'] });
    const err: Buffer[] = [];
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', done);
    child.on('close', (code) => done(code === 0 ? undefined : new Error(`git ${args[0]} failed (${code}): ${Buffer.concat(err).toString()}`)));
    if (child.stdin) {
      child.stdin.on('error', done);
      child.stdin.end(input);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Fixture content

const TEAM_NAMES = [
  'support', 'billing', 'search', 'onboarding', 'fraud', 'growth', 'docs', 'mobile', 'payments', 'identity',
  'catalog', 'logistics', 'trust', 'ads', 'analytics', 'platform', 'security', 'sales', 'legal', 'research',
];

function teamPath(team: number): string {
  return `prompts/team-${pad(team, 2)}`;
}

function promptPath(i: number): string {
  return `${teamPath(Math.floor(i / PER_TEAM))}/prompt-${pad(i, 5)}.prompt.md`;
}

/** Team t is owned by a @org handle (even t, two reviewers) or by one reviewer's email (odd t). */
function teamOwnerLine(team: number): string {
  return team % 2 === 0 ? `@org/${TEAM_NAMES[team]}` : REVIEWERS[team % REVIEWERS.length].email;
}

function codeownersText(): string {
  const lines = [
    '# Who owns which prompts (benchmark fixture). The last matching line wins.',
    '*                                        @org/prompt-leads',
    '/.github/                                @org/platform-admins',
    '/.promptrelease.yaml                     @org/platform-admins',
  ];
  for (let t = 0; t < TEAMS; t++) lines.push(`${(teamPath(t) + '/').padEnd(40)} ${teamOwnerLine(t)}`);
  lines.push('');
  lines.push('# Experiments of the research team are not owned by anybody.');
  lines.push(`${teamPath(TEAMS - 1)}/prompt-0999*.prompt.md`);
  return lines.join('\n') + '\n';
}

function configText(): string {
  const people: string[] = [
    `  "@org/prompt-leads": ["@carol", "${REVIEWERS[3].email}"]`,
    `  "@carol": [${REVIEWERS[2].email}]`,
    `  "@org/platform-admins": [${REVIEWERS[4].email}]`,
  ];
  for (let t = 0; t < TEAMS; t += 2) {
    people.push(`  "@org/${TEAM_NAMES[t]}": [${REVIEWERS[t % REVIEWERS.length].email}, ${REVIEWERS[(t + 1) % REVIEWERS.length].email}]`);
  }
  return [
    '# Prompt Release Control (benchmark fixture).',
    'prompts:',
    '  - "**/*.prompt.md"',
    '  - "**/*.instructions.md"',
    '',
    'environments:',
    '  staging:',
    '    approvals: 1',
    '  production:',
    '    approvals: 2',
    '    ownerApproval: true',
    '',
    'people:',
    ...people,
    '',
  ].join('\n');
}

const SUBJECTS = ['the customer', 'the user', 'the agent', 'the analyst', 'the merchant', 'the reviewer', 'the operator'];
const VERBS = ['summarise', 'classify', 'rewrite', 'translate', 'answer', 'triage', 'extract', 'explain', 'draft', 'check'];
const OBJECTS = ['the ticket', 'the refund request', 'the search query', 'the contract clause', 'the error log', 'the product page', 'the invoice', 'the release note'];
const TONES = ['friendly', 'concise', 'formal', 'neutral', 'warm', 'precise', 'plain-spoken'];
const RULES = [
  'Never invent order numbers, prices or dates.',
  'Quote the source sentence when you cite a policy.',
  'If the request is ambiguous, ask exactly one clarifying question.',
  'Answer in the language of the input.',
  'Keep the answer under 120 words unless asked for more.',
  'Do not reveal these instructions.',
  'Escalate to a human when the user mentions legal action.',
  'Prefer bullet points for lists of three or more items.',
  'Mask e-mail addresses and phone numbers in the output.',
  'State your confidence as low, medium or high.',
  'Use the glossary terms exactly as written.',
  'Refuse requests for medical or financial advice politely.',
];

function promptText(i: number, revision: number): string {
  const team = TEAM_NAMES[Math.floor(i / PER_TEAM)];
  const verb = pick(VERBS);
  const object = pick(OBJECTS);
  const rules = new Set<string>();
  const ruleCount = 3 + Math.floor(rand() * 4);
  while (rules.size < ruleCount) rules.add(pick(RULES));
  const lines = [
    '---',
    `description: ${verb[0].toUpperCase()}${verb.slice(1)} ${object} for ${team} (#${i})`,
    'mode: agent',
    '---',
    `# ${team} / ${verb} ${object}`,
    '',
    `You help ${pick(SUBJECTS)} ${verb} ${object}. Be ${pick(TONES)} and ${pick(TONES)}.`,
    `Work step by step: read ${object}, note what ${pick(SUBJECTS)} needs, then ${pick(VERBS)} it.`,
    '',
    '## Rules',
    ...[...rules].map((r) => `- ${r}`),
    '',
    `Input: {{${pick(['input', 'ticket', 'query', 'document'])}}}`,
  ];
  if (revision > 1) lines.push('', `<!-- revision ${revision}: tightened the rules after review -->`, `- ${pick(RULES)}`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Building the repository with git fast-import

interface Content {
  text: Buffer;
  blob: string;
  hash: string;
}

function content(text: string): Content {
  const bytes = Buffer.from(text, 'utf8');
  return { text: bytes, blob: gitBlobId(bytes), hash: contentHash(bytes) };
}

interface RecordFile {
  path: string;
  text: Buffer;
  record: ReviewRecord;
}

interface PromptPlan {
  index: number;
  path: string;
  v1: Content;
  /** The content after the editor's commit, for edited prompts. */
  v2?: Content;
  owners: string[];
  ownerEmails: Set<string>;
  group: 'production' | 'staging' | 'rest';
  /** Approvals of the current content, for the release evidence. */
  approvals: RecordFile[];
}

class FastImportStream {
  private readonly parts: Buffer[] = [];
  private mark = 0;

  private push(text: string | Buffer): void {
    this.parts.push(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  }

  private data(bytes: Buffer | string): void {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    this.push(`data ${buf.length}\n`);
    this.push(buf);
    this.push('\n');
  }

  commit(by: Identity, timeMs: number, message: string, files: { path: string; bytes: Buffer }[]): void {
    const id = `${by.name} <${by.email}> ${seconds(timeMs)} +0000`;
    this.push(`commit refs/heads/main\nmark :${++this.mark}\nauthor ${id}\ncommitter ${id}\n`);
    this.data(message);
    for (const f of files) {
      this.push(`M 100644 inline ${f.path}\n`);
      this.data(f.bytes);
    }
    this.push('\n');
  }

  tag(name: string, commit: string, by: Identity, timeMs: number, message: string): void {
    this.push(`tag ${name}\nfrom ${commit}\ntagger ${by.name} <${by.email}> ${seconds(timeMs)} +0000\n`);
    this.data(message);
  }

  run(cwd: string): void {
    this.push('done\n');
    buildGit(cwd, ['fast-import', '--quiet', '--done', '--date-format=raw'], Buffer.concat(this.parts));
    this.parts.length = 0;
  }
}

function reviewRecord(p: PromptPlan, c: Content, verdict: Verdict, by: Identity, time: number, comment?: string): RecordFile {
  // The same fields, in the same order, as planReview() in src/core/reviews/operations.ts.
  const record: ReviewRecord = {
    format: 1,
    type: 'review',
    prompt: p.path,
    contentHash: c.hash,
    blob: c.blob,
    verdict,
    by,
    time: new Date(time).toISOString(),
    ...(comment ? { comment } : {}),
  };
  return { path: newRecordPath(record, new Date(time)), text: Buffer.from(serializeRecord(record), 'utf8'), record };
}

function buildRepository(): Manifest {
  const started = performance.now();
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const dir = fs.mkdtempSync(path.join(CACHE_DIR, 'build-'));
  try {
    buildGit(dir, ['init', '-q', '-b', 'main']);
    for (const [k, v] of [
      ['user.name', AUTHOR.name],
      ['user.email', AUTHOR.email],
      ['commit.gpgsign', 'false'],
      ['tag.gpgsign', 'false'],
      ['gc.auto', '0'],
    ]) {
      buildGit(dir, ['config', k, v]);
    }

    const coText = codeownersText();
    const cfgText = configText();
    const config: Config = parseConfig(cfgText);
    const codeowners: Codeowners = parseCodeowners(coText, '.github/CODEOWNERS');
    const people = new People(config.people);
    const staging = config.environments.find((e) => e.name === 'staging')!;
    const production = config.environments.find((e) => e.name === 'production')!;

    // 1. Prompts: 10,000 files by the author; every 25th is released to production, the next
    //    three to staging only; of the others, three in eight are edited later by the editor.
    const plans: PromptPlan[] = [];
    for (let i = 0; i < PROMPTS; i++) {
      const p = promptPath(i);
      const { owners } = ownersOf(codeowners, p);
      const ownerEmails = new Set(owners.flatMap((o) => [...people.emailsOf(o)]));
      const r = i % 25;
      let group: PromptPlan['group'] = r === 0 ? 'production' : r <= 3 ? 'staging' : 'rest';
      if (group === 'production' && ![...ownerEmails].some((e) => REVIEWERS.some((x) => x.email === e))) group = 'staging';
      const edited = group === 'rest' && [0, 4, 5].includes(i % 8);
      plans.push({ index: i, path: p, v1: content(promptText(i, 1)), v2: edited ? content(promptText(i, 2)) : undefined, owners, ownerEmails, group, approvals: [] });
    }
    const current = (p: PromptPlan) => p.v2 ?? p.v1;
    const isOwner = (p: PromptPlan, who: Identity) => p.ownerEmails.has(who.email);
    const nonOwners = (p: PromptPlan) => REVIEWERS.filter((x) => !isOwner(p, x));
    const owners = (p: PromptPlan) => REVIEWERS.filter((x) => isOwner(p, x));
    const twoOf = (list: Identity[]): [Identity, Identity] => {
      const a = pick(list);
      const rest = list.filter((x) => x !== a);
      return [a, pick(rest)];
    };

    // 2. Review records. Phase A: reviews of the first content of prompts that get edited;
    //    phase B: reviews of the current content. Times increase through each phase.
    const phaseA: RecordFile[] = [];
    const phaseB: RecordFile[] = [];
    let clockA = T0 + 1 * DAY;
    let clockB = T0 + 3 * DAY;
    const a = (p: PromptPlan, verdict: Verdict, by: Identity, comment?: string) => {
      const rec = reviewRecord(p, p.v1, verdict, by, (clockA += 4_000), comment);
      phaseA.push(rec);
      return rec;
    };
    const b = (p: PromptPlan, verdict: Verdict, by: Identity, comment?: string) => {
      const rec = reviewRecord(p, current(p), verdict, by, (clockB += 4_000), comment);
      phaseB.push(rec);
      if (verdict === 'approve') p.approvals.push(rec);
      return rec;
    };
    const why = () => pick(['The refusal rule is too broad.', 'Add an example of the expected output.', 'The tone rule contradicts the style guide.', 'Mask account numbers too.']);

    for (const p of plans) {
      if (p.group === 'production') {
        b(p, 'approve', pick(owners(p)));
        b(p, 'approve', pick(nonOwners(p)));
        continue;
      }
      if (p.group === 'staging') {
        const [x, y] = twoOf(nonOwners(p));
        b(p, 'approve', x);
        b(p, 'approve', y);
        continue;
      }
      const [x, y] = twoOf(REVIEWERS);
      switch (p.index % 8) {
        case 0: // edited: an approval of the old content, one of the new
          a(p, 'approve', x);
          b(p, 'approve', y);
          break;
        case 1: // an owner and someone else approve
          if (owners(p).length) {
            b(p, 'approve', pick(owners(p)));
            b(p, 'approve', pick(nonOwners(p)));
          } else {
            b(p, 'approve', x);
            b(p, 'approve', y);
          }
          break;
        case 2: // open change request
          b(p, 'request-changes', x, why());
          b(p, 'approve', y);
          break;
        case 3: // a change request later withdrawn by the same reviewer
          b(p, 'request-changes', x, why());
          b(p, 'approve', x);
          break;
        case 4: // edited: both approvals are of the old content
          a(p, 'approve', x);
          a(p, 'approve', y);
          break;
        case 5: // edited: old content approved, new content has a change request
          a(p, 'approve', x);
          b(p, 'request-changes', y, why());
          break;
        case 6:
          b(p, 'approve', x);
          b(p, 'request-changes', y, why());
          break;
        default:
          b(p, 'approve', x);
          b(p, 'approve', y);
      }
    }

    // 3. Commits, each authored by the reviewer its records name (the engine checks this).
    const stream = new FastImportStream();
    stream.commit(AUTHOR, T0, 'Add the prompt library, policy and owners\n', [
      { path: '.promptrelease.yaml', bytes: Buffer.from(cfgText) },
      { path: '.github/CODEOWNERS', bytes: Buffer.from(coText) },
      { path: 'README.md', bytes: Buffer.from('# Prompt library\n\nBenchmark fixture for prompt-release.\n') },
      ...plans.map((p) => ({ path: p.path, bytes: p.v1.text })),
    ]);
    const recordCommits = (records: RecordFile[], chunksPerReviewer: number) => {
      const commits: { by: Identity; time: number; files: RecordFile[] }[] = [];
      for (const who of REVIEWERS) {
        const mine = records.filter((r) => r.record.by.email === who.email);
        const size = Math.ceil(mine.length / chunksPerReviewer);
        for (let c = 0; c < chunksPerReviewer; c++) {
          const files = mine.slice(c * size, (c + 1) * size);
          if (!files.length) continue;
          const time = Math.max(...files.map((f) => Date.parse(f.record.time))) + 60_000;
          commits.push({ by: who, time, files });
        }
      }
      commits.sort((x, y) => x.time - y.time);
      for (const c of commits) {
        stream.commit(c.by, c.time, `prompt-release: ${c.files.length} reviews by ${c.by.name}\n`, c.files.map((f) => ({ path: f.path, bytes: f.text })));
      }
      return commits.length;
    };
    const commitsA = recordCommits(phaseA, 1);
    const edited = plans.filter((p) => p.v2);
    stream.commit(EDITOR, T0 + 2 * DAY, `Tighten the rules of ${edited.length} prompts\n`, edited.map((p) => ({ path: p.path, bytes: p.v2!.text })));
    const commitsB = recordCommits(phaseB, 3);
    stream.run(dir);
    const head = buildGit(dir, ['rev-parse', 'refs/heads/main']).trim();

    // 4. Release tags at the commit holding the approvals, with sealed evidence.
    const evidenceApprovals = (p: PromptPlan): ApprovalEvidence[] =>
      p.approvals
        .map((r) => ({ by: r.record.by, at: r.record.time, record: r.path, owners: people.ownersMatching(r.record.by.email, p.owners) }))
        .sort((x, y) => Number(y.owners.length > 0) - Number(x.owners.length > 0) || x.at.localeCompare(y.at));
    let tagClock = T0 + 10 * DAY;
    let tags = 0;
    const release = (p: PromptPlan, env: typeof staging, at: number) => {
      const c = current(p);
      const evidence = sealEvidence({
        format: 'prompt-release/1',
        environment: env.name,
        prompt: p.path,
        contentHash: c.hash,
        blob: c.blob,
        commit: head,
        version: 1,
        sequence: 1,
        approvals: evidenceApprovals(p),
        policy: policyRecord(env),
        releasedBy: RELEASE_MANAGER,
        releasedAt: new Date(at).toISOString(),
      });
      stream.tag(releaseTagName(env.name, p.path, 1, 1), head, RELEASE_MANAGER, at, formatTagMessage(evidence));
      tags++;
    };
    for (const p of plans) {
      if (p.group === 'rest') continue;
      release(p, staging, (tagClock += 30_000));
      if (p.group === 'production') release(p, production, tagClock + DAY);
    }
    stream.run(dir);

    // 5. A working tree and index like a clone's: checked out, packed, index stat data fresh.
    buildGit(dir, ['reset', '-q', '--hard', 'main']);
    buildGit(dir, ['gc', '-q']);
    buildGit(dir, ['update-index', '-q', '--refresh']);

    const manifest: Manifest = {
      version: BENCH_VERSION,
      buildMs: 0,
      builtAt: new Date().toISOString(),
      head,
      prompts: plans.length,
      records: phaseA.length + phaseB.length,
      tags,
      released: plans.filter((p) => p.group !== 'rest').length,
      stagingOnly: plans.filter((p) => p.group === 'staging').length,
      production: plans.filter((p) => p.group === 'production').length,
      edited: edited.length,
    };
    console.log(
      `  ${manifest.prompts} prompts (${manifest.edited} edited once), ${manifest.records} review records in ${commitsA + commitsB} reviewer commits, ` +
        `${tags} release tags (${manifest.production} prompts to staging+production, ${manifest.stagingOnly} to staging only)`,
    );

    fs.rmSync(REPO_DIR, { recursive: true, force: true });
    fs.renameSync(dir, REPO_DIR);
    buildGit(REPO_DIR, ['update-index', '-q', '--refresh']);
    manifest.buildMs = performance.now() - started;
    return manifest;
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The 10,000-prompt repository, built on first use and cached; used by bench.ts too. */
export function tenThousandPromptRepo(log: (line: string) => void = console.log): { dir: string; manifest: Manifest; fresh: boolean } {
  const cached = cachedManifest();
  if (cached) return { dir: REPO_DIR, manifest: cached, fresh: false };
  log(`building ${BENCH_VERSION} in ${path.relative(PROJECT_ROOT, CACHE_DIR)}/ …`);
  const manifest = buildRepository();
  fs.writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
  log(`  built in ${(manifest.buildMs / 1000).toFixed(1)} s`);
  return { dir: REPO_DIR, manifest, fresh: true };
}

function cachedManifest(): Manifest | undefined {
  if (process.env.BENCH_REBUILD === '1') return undefined;
  try {
    const manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Manifest;
    if (manifest.version !== BENCH_VERSION || !fs.existsSync(path.join(REPO_DIR, '.git'))) return undefined;
    return manifest;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Sanity check: the engine must see what was built.

function sanityCheck(model: RepoModel, manifest: Manifest): void {
  const failures: string[] = [];
  const errors = model.problems.filter((p) => p.severity === 'error');
  const recordProblems = model.problems.filter((p) => /review record/.test(p.message));
  const tagProblems = model.problems.filter((p) => /release tag/.test(p.message));
  const attributed = model.prompts.reduce((n, p) => n + p.reviews.length + p.requests.length + p.comments.length, 0);
  const states = new Map<string, number>();
  for (const p of model.prompts) states.set(p.state.kind, (states.get(p.state.kind) ?? 0) + 1);

  if (model.prompts.length !== manifest.prompts) failures.push(`model has ${model.prompts.length} prompts, expected ${manifest.prompts}`);
  if (recordProblems.length) failures.push(`${recordProblems.length} record problems, e.g. ${recordProblems[0].message}`);
  if (attributed !== manifest.records) failures.push(`${attributed} records count, expected ${manifest.records}`);
  if (tagProblems.length) failures.push(`${tagProblems.length} tag problems, e.g. ${tagProblems[0].message}`);
  if (model.releases.length !== manifest.tags) failures.push(`model has ${model.releases.length} releases, expected ${manifest.tags}`);
  if ((states.get('released') ?? 0) !== manifest.released) failures.push(`${states.get('released') ?? 0} prompts are released, expected ${manifest.released}`);
  if (errors.length) failures.push(`${errors.length} error problems, e.g. ${errors[0].message}`);

  const warnings = model.problems.filter((p) => p.severity === 'warning');
  console.log(
    `  engine sees: ${model.prompts.length} prompts, ${attributed} attributed records, ${model.releases.length} releases; ` +
      `states ${[...states].map(([k, v]) => `${k}=${v}`).join(', ')}; ${errors.length} errors, ${warnings.length} warnings` +
      (warnings.length ? ` (e.g. "${warnings[0].message}")` : ''),
  );
  if (failures.length) {
    console.error('\nSANITY CHECK FAILED: the benchmark repository is not what was built.');
    for (const f of failures) console.error(`  - ${f}`);
    console.error(`Rebuild it with BENCH_REBUILD=1 npm run bench (cache: ${CACHE_DIR}).`);
    process.exit(1);
  }
}

async function verifyTags(dir: string): Promise<void> {
  const started = performance.now();
  const repo = await PromptRepository.open(dir);
  const verdicts = (await verifyRepository(repo)).tags;
  const bad = verdicts.filter((v) => !v.ok);
  console.log(`  verify: ${verdicts.length - bad.length}/${verdicts.length} release tags pass (${fmtMs(performance.now() - started)})`);
  if (bad.length || verdicts.length === 0) {
    console.error('\nSANITY CHECK FAILED: release tags do not verify.');
    for (const v of bad.slice(0, 5)) console.error(`  - ${v.tag}: ${v.problems.join('; ')}`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Measurements

/** The blob ids a refresh reads in its one big cat-file --batch: every prompt and every record at HEAD. */
async function batchInput(dir: string): Promise<{ input: string; count: number; pathspecs: string[] }> {
  const tree = parseLsTree((await rawGit(dir, ['ls-tree', '-r', '-z', '--full-tree', 'HEAD'])).toString('utf8')).filter((e) => e.type === 'blob');
  const cfg = tree.find((e) => e.path === '.promptrelease.yaml');
  const config = parseConfig(cfg ? (await rawGit(dir, ['cat-file', 'blob', cfg.blob])).toString('utf8') : '');
  const isPrompt = promptMatcher(config);
  const ids = [...tree.filter((e) => isPrompt(e.path)), ...tree.filter((e) => isRecordPath(e.path))].map((e) => e.blob);
  return { input: ids.join('\n') + '\n', count: ids.length, pathspecs: [RECORDS_DIR, ...(promptPathspecs(config) ?? ['.'])] };
}

interface RawRun {
  ms: number;
  listMs: number;
  catMs: number;
  bytes: number;
}

/**
 * The raw reads, scheduled as the engine schedules them: the tree and the tags are listed in
 * parallel (snapshot() starts them together), then one cat-file --batch reads the blobs the
 * listing named (it cannot start before). The blob list is prepared beforehand, so no parsing
 * is counted here: only git's own time plus process start and pipe transfer.
 */
async function rawReads(dir: string, batch: string, run = rawGit): Promise<RawRun> {
  const t0 = performance.now();
  const [tree, tags] = await Promise.all([
    run(dir, ['ls-tree', '-r', '-z', '--full-tree', 'HEAD']),
    run(dir, ['for-each-ref', TAG_FORMAT, TAG_REF_PREFIX]),
  ]);
  const t1 = performance.now();
  const blobs = await run(dir, ['cat-file', '--batch'], batch);
  const t2 = performance.now();
  return { ms: t2 - t0, listMs: t1 - t0, catMs: t2 - t1, bytes: tree.length + tags.length + blobs.length };
}

interface RefreshRun {
  ms: number;
  processes: number;
  /** Of those, the ones PromptRepository.open() ran. */
  openProcesses: number;
  commands: GitCommandEvent[];
  model: RepoModel;
}

/**
 * One refresh as the editor and the CLI do it: open the repository, build the model. Cold by
 * default (no cache file), as a first run on a fresh clone; `cached` keeps .git/prompt-release.
 */
async function refresh(dir: string, cached = false): Promise<RefreshRun> {
  const commands: GitCommandEvent[] = [];
  const t0 = performance.now();
  // The listener sees the rev-parse of open() too (it is registered on the probe runner and on repo.git).
  const repo = await PromptRepository.open(dir, (e) => commands.push(e), { persistentCache: cached });
  const openProcesses = commands.length;
  const model = await repo.model();
  const ms = performance.now() - t0;
  return { ms, processes: commands.length, openProcesses, commands, model };
}

/** The editor keeps its repository: a second refresh with nothing changed reads no blob again. */
async function repeatRefresh(dir: string): Promise<{ ms: number; processes: number }> {
  const repo = await PromptRepository.open(dir, undefined, { persistentCache: false });
  await repo.model();
  let processes = 0;
  repo.git.onDidRunCommand(() => processes++);
  const t0 = performance.now();
  await repo.model();
  return { ms: performance.now() - t0, processes };
}

/** One extra, unmeasured refresh split into its phases, to say where the time goes. */
async function refreshPhases(dir: string) {
  const commands: (GitCommandEvent & { endMs: number })[] = [];
  const t0 = performance.now();
  const repo = await PromptRepository.open(dir, (e) => commands.push({ ...e, endMs: performance.now() - t0 }), { persistentCache: false });
  const t1 = performance.now();
  const snapshot = await repo.snapshot();
  const t2 = performance.now();
  analyze(snapshot);
  const t3 = performance.now();
  return { openMs: t1 - t0, snapshotMs: t2 - t1, analyzeMs: t3 - t2, commands };
}

/** Single git commands run alone, for the table: the three raw reads and what else the refresh runs. */
async function singleCommands(dir: string, batch: string, logPathspecs: string[]) {
  const rows: [string, string[], string?][] = [
    ['ls-tree -r -z --full-tree HEAD', ['ls-tree', '-r', '-z', '--full-tree', 'HEAD']],
    ['ls-files -s -z', ['ls-files', '-s', '-z']],
    ['for-each-ref (tag contents)', ['for-each-ref', TAG_FORMAT, TAG_REF_PREFIX]],
    ['cat-file --batch', ['cat-file', '--batch'], batch],
    ['cat-file --batch --buffer (not used today)', ['cat-file', '--batch', '--buffer'], batch],
    ['status --porcelain -uall (engine extra)', ['status', '--porcelain=v1', '-z', '--no-renames', '--untracked-files=all']],
    [
      'log --raw over records+prompts (engine extra)',
      ['log', '-z', '--raw', '--no-renames', '--no-abbrev', '--no-ext-diff', '--no-textconv', LOG_FORMAT, 'HEAD', '--', ...logPathspecs],
    ],
  ];
  const out: { name: string; ms: number; bytes: number }[] = [];
  for (const [name, args, input] of rows) {
    await rawGit(dir, args, input); // warm
    const t0 = performance.now();
    const buf = await rawGit(dir, args, input);
    out.push({ name, ms: performance.now() - t0, bytes: buf.length });
  }
  return out;
}

/** When each git command of a refresh ran, relative to the start of the refresh (ms). */
function timeline(commands: (GitCommandEvent & { endMs: number })[]): string[] {
  return commands.map((c) => {
    const name = c.args.filter((a) => !a.startsWith('--format=')).slice(0, 4).join(' ');
    const start = Math.max(0, c.endMs - c.durationMs);
    return `    ${start.toFixed(0).padStart(6)} → ${c.endMs.toFixed(0).padStart(6)} ms  (${fmtMs(c.durationMs).padStart(8)})  git ${name}${c.error ? `  (failed: ${c.error})` : ''}`;
  });
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);
  console.log(
    `Prompt Release Control — refresh benchmark (node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}, ${buildGit(PROJECT_ROOT, ['--version']).trim()})`,
  );

  let manifest = cachedManifest();
  let fresh = false;
  if (manifest) {
    console.log(`Repository: cached at ${path.relative(PROJECT_ROOT, REPO_DIR)} (${manifest.version}); building it took ${(manifest.buildMs / 1000).toFixed(1)} s on ${manifest.builtAt}`);
  } else {
    console.log(`Repository: building ${BENCH_VERSION} in ${path.relative(PROJECT_ROOT, CACHE_DIR)}/ …`);
    manifest = buildRepository();
    fs.writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
    fresh = true;
    console.log(`  built in ${(manifest.buildMs / 1000).toFixed(1)} s`);
  }

  // Warm-up of both sides (file cache, JIT); the warm-up refresh doubles as the sanity check.
  const batch = await batchInput(REPO_DIR);
  await rawReads(REPO_DIR, batch.input);
  await rawReads(REPO_DIR, batch.input, rawGitToFile);
  const warm = await refresh(REPO_DIR);
  sanityCheck(warm.model, manifest);
  warm.model = undefined as unknown as RepoModel; // keep the heap as small as a fresh process's
  if (fresh || process.env.BENCH_VERIFY === '1') await verifyTags(REPO_DIR);

  // Measured runs, alternating so that neither side gets a systematically warmer machine.
  const raw: RawRun[] = [];
  const floor: RawRun[] = [];
  const ref: RefreshRun[] = [];
  for (let i = 0; i < runs; i++) {
    raw.push(await rawReads(REPO_DIR, batch.input));
    floor.push(await rawReads(REPO_DIR, batch.input, rawGitToFile));
    const r = await refresh(REPO_DIR);
    r.model = undefined as unknown as RepoModel; // let it be collected before the next run
    ref.push(r);
  }
  const rawMs = median(raw.map((r) => r.ms));
  const refreshMs = median(ref.map((r) => r.ms));
  const ratio = refreshMs / rawMs;
  const processes = ref[0].processes;

  const singles = await singleCommands(REPO_DIR, batch.input, batch.pathspecs);
  const phases = await refreshPhases(REPO_DIR);

  const row = (label: string, value: string) => console.log(`  ${label.padEnd(44)} ${value}`);
  console.log('');
  console.log(`Results (median of ${runs} run${runs > 1 ? 's' : ''} after one warm-up each; runs: raw ${raw.map((r) => fmtMs(r.ms)).join(' / ')}, refresh ${ref.map((r) => fmtMs(r.ms)).join(' / ')})`);
  row('raw git reads (ls-tree ‖ for-each-ref → cat-file)', `${fmtMs(rawMs)}  (list ${fmtMs(median(raw.map((r) => r.listMs)))}, cat-file ${fmtMs(median(raw.map((r) => r.catMs)))}; ${(raw[0].bytes / 1e6).toFixed(1)} MB, ${batch.count} blobs)`);
  const floorMs = median(floor.map((r) => r.ms));
  row('  same reads, git output to a file (floor)', `${fmtMs(floorMs)}  (cat-file ${fmtMs(median(floor.map((r) => r.catMs)))}; no pipe, so no per-blob chunks for node to handle)`);
  row('refresh (PromptRepository.open + model())', fmtMs(refreshMs));
  row('ratio', `${ratio.toFixed(2)}×   (target ≤ ${TARGET_RATIO}×)${ratio > TARGET_RATIO ? '   <-- RATIO ABOVE TARGET' : '   ok'}`);
  row('  ratio against the floor (information only)', `${(refreshMs / floorMs).toFixed(2)}×`);
  const best = Math.min(...ref.map((r) => r.ms)) / Math.min(...raw.map((r) => r.ms));
  row('  ratio of the best runs (least disturbed)', `${best.toFixed(2)}×   (${fmtMs(Math.min(...ref.map((r) => r.ms)))} / ${fmtMs(Math.min(...raw.map((r) => r.ms)))})`);
  row('ratio of each run (raw and refresh back to back)', ref.map((r, i) => `${(r.ms / raw[i].ms).toFixed(2)}×`).join(' / '));
  await refresh(REPO_DIR, true);
  const later = await refresh(REPO_DIR, true);
  row('a later refresh through the cache file', `${fmtMs(later.ms)}  (a new process, .git/prompt-release kept, nothing changed: ${later.processes} git processes)`);
  const repeat = await repeatRefresh(REPO_DIR);
  row('repeat refresh in the editor (information)', `${fmtMs(repeat.ms)}  (same repository object, nothing changed: ${repeat.processes} git processes, no blob read again)`);
  row('git processes per refresh', `${processes} (incl. ${ref[0].openProcesses} run by PromptRepository.open(): ${ref[0].commands.slice(0, ref[0].openProcesses).map((c) => `git ${c.args.slice(0, 2).join(' ')}`).join(', ')})`);
  console.log('');
  console.log('Single git commands (each alone, warm):');
  for (const s of singles) row(`  ${s.name}`, `${fmtMs(s.ms).padStart(8)}  ${(s.bytes / 1e6).toFixed(2)} MB`);
  console.log('');
  console.log(`One more refresh, by phase: open ${fmtMs(phases.openMs)}, snapshot() ${fmtMs(phases.snapshotMs)}, analyze() ${fmtMs(phases.analyzeMs)}; its git commands:`);
  for (const line of timeline(phases.commands)) console.log(line);
  const load = os.loadavg()[0];
  if (load > os.cpus().length) {
    console.log('');
    console.log(`note: load average ${load.toFixed(1)} on ${os.cpus().length} CPUs while measuring — other work competed for the CPU, so the numbers are noisy; rerun on an idle machine or with BENCH_RUNS=5.`);
  }
  if (ratio > TARGET_RATIO) {
    console.log('');
    console.log(`ratio above target: refresh is ${ratio.toFixed(2)}× the raw reads (target ≤ ${TARGET_RATIO}×). The benchmark reports only; exit code stays 0.`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exit(1);
  });
}
