/*
 * A repository shaped like a real project that keeps prompts next to its code: prompt files
 * of a few KB among code and documentation, many commits by many people (most of them
 * change code), renames, side branches merged back, co-authored commits and review
 * records. Deterministic: the same options make the same repository. Used by
 * `npm run bench` and by the editor's scale run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { contentHash } from '../../src/core/prompts/hash';
import { newRecordPath, serializeRecord, type ReviewRecord } from '../../src/core/reviews/records';

export interface RealisticRepoOptions {
  prompts: number;
  otherFiles: number;
  commits: number;
  people?: number;
  /** Where prompt i lives (default: prompts/team-*, .github/instructions/*, agents/*). */
  promptPath?: (i: number) => string;
  /** Where the other (code, docs) file i lives (default: src/module-*, docs/*). */
  otherPath?: (i: number) => string;
}

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

function git(REPO: string, args: string[], input?: string | Buffer): string {
  const r = spawnSync('git', args, { cwd: REPO, input, encoding: 'utf8', maxBuffer: 1 << 30, env: GIT_ENV });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A deterministic pseudo-random sequence, so every build is the same repository. */
function random(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

const WORDS = 'answer the customer politely cite sources never invent facts keep replies short use the product glossary escalate refunds over limit summarise the ticket in three bullet points respond in the user language avoid legal advice'.split(' ');

function paragraph(rand: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
}

/** A prompt file of about 1–3 KB: front matter, a role, rules and a template variable. */
function promptText(rand: () => number, i: number): string {
  const rules = Array.from({ length: 8 + Math.floor(rand() * 16) }, (_, k) => `- Rule ${k + 1}: ${paragraph(rand, 10)}.`);
  return `---\ndescription: Assistant ${i}\nmodel: gpt-4o\ntemperature: 0.${Math.floor(rand() * 9)}\n---\nYou are assistant ${i}. ${paragraph(rand, 30)}.\n\n## Rules\n${rules.join('\n')}\n\nUser question: {{question}}\n`;
}

function codeText(rand: () => number, i: number): string {
  return Array.from({ length: 20 + Math.floor(rand() * 60) }, (_, k) => `export const value${i}_${k} = ${Math.floor(rand() * 1e6)}; // ${paragraph(rand, 6)}`).join('\n') + '\n';
}

/** Builds the repository in `dir` (created, must not exist or be empty), on branch main. */
export function buildRealisticRepo(dir: string, options: RealisticRepoOptions): void {
  const REPO = dir;
  const COMMITS = options.commits;
  const PEOPLE = Array.from({ length: options.people ?? 25 }, (_, i) => ({ name: `Person ${i}`, email: `person${i}@example.com` }));
  fs.mkdirSync(REPO, { recursive: true });
  git(REPO, ['init', '-q', '-b', 'main']);
  const rand = random(7);
  const promptPath = options.promptPath ?? ((i: number) =>
    i % 7 === 0 ? `.github/instructions/area-${i}.instructions.md` : i % 11 === 0 ? `agents/agent-${i}.agent.md` : `prompts/team-${i % 12}/prompt-${i}.prompt.md`);
  const prompts = Array.from({ length: options.prompts }, (_, i) => promptPath(i));
  const otherPath = options.otherPath ?? ((i: number) => (i % 5 === 0 ? `docs/guide-${i}.md` : `src/module-${i % 40}/file-${i}.ts`));
  const code = Array.from({ length: options.otherFiles }, (_, i) => otherPath(i));
  const texts = new Map<string, string>();
  prompts.forEach((p, i) => texts.set(p, promptText(rand, i)));
  code.forEach((p, i) => texts.set(p, codeText(rand, i)));
  const out: string[] = [];
  let mark = 0;
  let time = 1_700_000_000;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}`;
  const commit = (branch: string, who: { name: string; email: string }, message: string, body: string[], parents: number[], coAuthor?: { name: string; email: string }) => {
    mark++;
    time += 600;
    const msg = coAuthor ? `${message}\n\nCo-authored-by: ${coAuthor.name} <${coAuthor.email}>\n` : message;
    out.push(`commit refs/heads/${branch}`, `mark :${mark}`, `author ${who.name} <${who.email}> ${time} +0000`, `committer ${who.name} <${who.email}> ${time} +0000`, data(msg));
    if (parents[0]) out.push(`from :${parents[0]}`);
    for (const p of parents.slice(1)) out.push(`merge :${p}`);
    out.push(...body, '');
    return mark;
  };
  const modify = (p: string) => [`M 100644 inline ${p}`, data(texts.get(p)!)];
  const edit = (p: string, line: string) => {
    texts.set(p, texts.get(p)! + line + '\n');
    return modify(p);
  };
  let mainTip = commit('main', PEOPLE[0], 'Initial import', [
    ...modify('.github/CODEOWNERS'.replace(/.*/, (p) => (texts.set(p, '* @org/maintainers\nprompts/** @org/prompt-team\n'), p))),
    ...modify('.promptrelease.yaml'.replace(/.*/, (p) => (texts.set(p, 'environments:\n  staging: { approvals: 1 }\n  production: { approvals: 2 }\n'), p))),
    ...[...prompts, ...code].flatMap(modify),
  ], []);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  let commits = 1;
  while (commits < COMMITS) {
    const who = pick(PEOPLE);
    const roll = rand();
    if (roll < 0.03) {
      const i = Math.floor(rand() * prompts.length);
      // A skill is renamed with its folder (skills/skill-3/SKILL.md); a file with no number (AGENTS.md) keeps its name.
      const to = prompts[i].replace(/(prompt|area|agent|skill)-(\d+)/, `$1-$2-r${commits}`);
      if (to === prompts[i]) continue;
      mainTip = commit('main', who, `Rename ${prompts[i]}`, [`R ${prompts[i]} ${to}`], [mainTip]);
      texts.set(to, texts.get(prompts[i])!);
      texts.delete(prompts[i]);
      prompts[i] = to;
    } else if (roll < 0.10) {
      const p = rand() < 0.5 ? pick(prompts) : pick(code);
      const side = commit(`side-${commits}`, who, `Side edit ${p}`, edit(p, `// side change ${commits}`), [mainTip]);
      commits++;
      mainTip = commit('main', PEOPLE[1], `Merge side-${commits}`, [], [mainTip, side]);
    } else if (roll < 0.18) {
      const p = pick(prompts);
      const record: ReviewRecord = { format: 1, type: 'review', prompt: p, contentHash: contentHash(Buffer.from(texts.get(p)!)), blob: 'unknown', verdict: 'approve', by: who, time: new Date(time * 1000).toISOString() };
      const recordPath = newRecordPath(record, new Date(time * 1000));
      texts.set(recordPath, serializeRecord(record));
      mainTip = commit('main', who, `prompt-release: approve ${p}`, modify(recordPath), [mainTip]);
    } else if (roll < 0.38) {
      const p = pick(prompts);
      const pair = rand() < 0.2 ? PEOPLE[(PEOPLE.indexOf(who) + 1) % PEOPLE.length] : undefined;
      mainTip = commit('main', who, `Tune ${p}`, edit(p, `- Rule added in ${commits}: ${paragraph(rand, 8)}.`), [mainTip], pair);
    } else {
      const files = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(code));
      mainTip = commit('main', who, `Change ${files[0]}`, [...new Set(files)].flatMap((f) => edit(f, `export const change${commits} = ${commits};`)), [mainTip]);
    }
    commits++;
  }
  out.push('done', '');
  git(REPO, ['fast-import', '--quiet', '--done', '--date-format=raw'], out.join('\n'));
  git(REPO, ['reset', '-q', '--hard', 'main']);
  git(REPO, ['gc', '-q']);
}

