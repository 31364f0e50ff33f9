import { PromptReleaseError } from '../../core/common/errors';
import { applyRenames, renameCandidates, renameIndex, ZERO_OID, type LogCommit } from '../../core/history/history';
import type { PromptHistoryInput } from '../../core/history/promptHistory';
import type { Config } from '../../core/policy/config';
import type { TrustedRef } from '../../core/model/model';
import { parseTagMessage, TAG_REF_PREFIX } from '../../core/releases/releases';
import { LOG_FLAGS, parseLog, parseLsTree, parseTags, RENAME_DETECTION, TAG_FORMAT } from '../parse';
import type { PromptRepository } from '../repository';

/** What one prompt's history is made of, as read from git: its own log, the trusted policy and the release tags. */
export interface PromptHistoryRead extends PromptHistoryInput {
  config: Config;
  /** Whether the file is committed at HEAD. */
  committed: boolean;
  /** Content hash of each blob the history names. */
  hashes: Map<string, string>;
}

/**
 * More renames than this, and the history is not shown: it is refused, never cut short. Each
 * rename `git log --follow` cannot see costs two git processes more.
 */
export const MAX_RENAME_ROUNDS = 20;

const literal = (file: string) => `:(literal)${file}`;

/**
 * One prompt's history, read from that path's own history and never the whole repository's:
 *
 * 1. `git log --follow` proposes the earlier names. It only proposes: what is a rename is
 *    decided below. Without `-m`: diffing every merge against each parent with rename
 *    detection took 0.75 s on awesome-copilot; a rename made in a merge is found by step 3
 *    instead, for one round more only where there is one.
 * 2. One path-limited `git log` over the path and every proposed name, on HEAD and the trusted
 *    branch together (the commits only the trusted branch has included), without rename
 *    detection: every commit that touched any of the names on every branch, merges as
 *    combined diffs. `--follow` alone loses commits of a side branch in a non-linear history.
 *    It starts alongside `--follow`, over the names the cache's prompt history knows for the
 *    path (see namesKnown), and is kept when `--follow` proposes no other name; otherwise it
 *    is read again over the proposed names, as if no guess had been made.
 * 3. Where one of the names came or went (added or deleted by a commit, or added by a merge
 *    against every parent), git's rename detection against the first parent, all in one
 *    `git diff-tree --stdin`, says what it was renamed from: the rename rule status uses too
 *    (renameCandidates, applyRenames in core/history/history.ts).
 * 4. Only when that finds a name the first log did not cover is the log read again: a fixed
 *    number of git processes whatever the length of the history.
 *
 * Authorship is the commits' own: author and co-author trailers as written, no .mailmap; only
 * the trusted policy joins identities. Records and releases come from the trusted branch and
 * the release tags, under every name the file had. A shallow clone is refused.
 */
export async function readPromptHistory(repo: PromptRepository, file: string): Promise<PromptHistoryRead> {
  if (file.includes('\n')) throw new PromptReleaseError('invalid-usage', 'a path with a line break has no history prompt-release can read');
  const trustedAttempt = (repo.trustedPin ? Promise.resolve(repo.trustedPin) : repo.resolveTrusted(repo.trustedOverride)).then((ref) => ({ ref }), (error: unknown) => ({ error }));
  // The earlier names are proposed by the longest read, which needs nothing else: it starts first.
  const proposed = repo.git
    .run(['log', '--follow', '-z', '--raw', '-M', '--no-abbrev', '--no-ext-diff', '--no-textconv', '--no-color', '--format=%x01%H%x00%P%x00%at%x00%ae%x00%an%x00%x00', '--end-of-options', 'HEAD', '--', literal(file)])
    .then((out) => proposedNames(out, file));
  proposed.catch(() => undefined);
  const reads = Promise.all([
    repo.git.run(['rev-parse', 'HEAD', '--is-shallow-repository']).catch(() => {
      throw new PromptReleaseError('no-commits', 'this repository has no commits yet, so no prompt has a history', { hint: 'Commit the prompt first.' });
    }),
    repo.git.run(['ls-tree', '-z', '--full-tree', '--end-of-options', 'HEAD', '--', literal(file)]),
    repo.git.run(['for-each-ref', TAG_FORMAT, TAG_REF_PREFIX]),
  ]);
  // Read from the cache while git runs.
  const guessed = repo.namesKnown(file);
  const [headOut, treeOutput, tagOutput] = await reads;
  const [head, shallowFlag] = headOut.trim().split('\n');
  if (shallowFlag?.trim() === 'true') {
    throw new PromptReleaseError('shallow-clone', `this clone is shallow, so the history of ${file} (who wrote each version, under which names, who approved it) cannot be established; nothing is shown rather than part of it`, {
      hint: 'Fetch the full history first: git fetch --unshallow (in GitHub Actions: actions/checkout with fetch-depth: 0).',
    });
  }
  const current = parseLsTree(treeOutput).find((e) => e.path === file);
  const tags = parseTags(tagOutput);
  const attempt = await trustedAttempt;
  if ('error' in attempt) throw attempt.error;
  const trusted = attempt.ref;

  const read = async (root: TrustedRef) => {
    const revisions = head === root.commit ? [head] : [head, root.commit];
    // The path-limited log starts now with the names the cache knows, alongside --follow; it is
    // used only if --follow proposes no name outside them (else the log is read as before).
    const early = namesLog(repo, revisions, guessed);
    early.catch(() => undefined);
    const [evidence, log] = await Promise.all([
      repo.trustedEvidence(root, tags, false),
      proposed.then((names) => followedLog(repo, revisions, file, names.every((n) => guessed.includes(n)) ? { names: guessed, output: early } : { names })),
    ]);
    return { ...evidence, log };
  };
  const { policy, mergedTags, log } = (await repo.underTrustedBranch(trusted, read)).read;

  // Releases made under any of the file's names are its own: which names, the log says.
  const names = new Set([file, ...(renameIndex(log).get(file) ?? [])]);
  const evidences = tags.map((t) => {
    const parsed = t.objectType === 'tag' ? parseTagMessage(t.message) : undefined;
    return parsed && 'evidence' in parsed && names.has(parsed.evidence.prompt) ? parsed.evidence : undefined;
  });
  const [objects, facts] = await Promise.all([
    repo.objectsAt(tags.map((t, i) => (evidences[i] ? `${t.commit}:${evidences[i]!.prompt}` : '\n'))),
    repo.blobFacts([...log.flatMap((c) => c.changes.filter((ch) => ch.blob !== ZERO_OID).map((ch) => ch.blob)), ...evidences.flatMap((e) => (e ? [e.blob] : []))]),
  ]);
  // One prompt's read: what the other prompts' status needs stays in the cache.
  repo.finishPartialRead();
  const promptAtCommit = new Map<string, { oid: string; type: string } | undefined>();
  tags.forEach((t, i) => promptAtCommit.set(t.name, objects[i]));
  return {
    path: file,
    log,
    current: current && { blob: current.blob, mode: current.mode },
    policy,
    tags,
    tagFacts: { onTrustedBranch: mergedTags, promptAtCommit, contentHashOf: (blob) => facts.get(blob)?.contentHash },
    config: policy.config,
    committed: current !== undefined,
    hashes: new Map([...facts].map(([blob, f]) => [blob, f.contentHash])),
  };
}

/** Every path `git log --follow` showed for the file: candidates for its earlier names. */
function proposedNames(output: string, file: string): string[] {
  const names = new Set([file]);
  for (const c of parseLog(output)) for (const ch of c.changes) for (const p of [ch.path, ...ch.sources.map((s) => s.path)]) names.add(p);
  return [...names];
}

/** Every commit of `revisions` that touched any of `names`, parents first, merges as combined diffs, no rename detection. */
function namesLog(repo: PromptRepository, revisions: string[], names: string[]): Promise<string> {
  return repo.git.run(['log', ...LOG_FLAGS.filter((f) => f !== '-M'), '--no-renames', '--full-history', '--topo-order', '--reverse', '--end-of-options', ...revisions, '--', ...names.map(literal)]);
}

/**
 * The log of every commit that touched the file under any of its names, parents first, with
 * the renames our rule finds put in place of the deletion and addition they show as.
 */
async function followedLog(repo: PromptRepository, revisions: string[], file: string, first: { names: string[]; output?: Promise<string> }): Promise<LogCommit[]> {
  let logged = [...first.names];
  const asked = new Set<string>();
  // Every rename git's detection found in the commits asked about; those to a logged name are applied.
  const detected = new Map<string, LogCommit['changes']>();
  for (let round = 0; ; round++) {
    const log = parseLog(await (round === 0 && first.output ? first.output : namesLog(repo, revisions, logged)));
    for (;;) {
      applyRenames(log, new Map([...detected].map(([commit, found]) => [commit, found.filter((r) => logged.includes(r.path))])));
      const names = new Set([file, ...(renameIndex(log).get(file) ?? [])]);
      const missing = [...names].filter((n) => !logged.includes(n));
      if (missing.length) {
        if (round >= MAX_RENAME_ROUNDS) {
          throw new PromptReleaseError('not-found', `the history of ${file} goes through more than ${MAX_RENAME_ROUNDS} renames that git log --follow does not show; prompt-release stops rather than show part of it`, {
            hint: 'Its history as git shows it: git log --follow -m -- ' + file,
          });
        }
        logged = [...logged, ...missing];
        break;
      }
      // Every logged name is asked about at once (git's proposals are nearly always right): one diff-tree.
      const births = renameCandidates(log, (p) => names.has(p) || logged.includes(p)).filter((b) => !asked.has(b.commit));
      if (births.length === 0) return log;
      for (const b of births) asked.add(b.commit);
      const output = await repo.git.run(RENAME_DETECTION, { input: births.map((b) => `${b.commit} ${b.firstParent}`).join('\n') + '\n' });
      for (const c of parseLog(output)) detected.set(c.commit, [...(detected.get(c.commit) ?? []), ...c.changes.filter((ch) => ch.status === 'R')]);
    }
  }
}
