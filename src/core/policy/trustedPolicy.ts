import { Authorship } from '../ownership/authorship';
import { CODEOWNERS_LOCATIONS, ownersOf, parseCodeowners, type Codeowners } from '../ownership/codeowners';
import { CONFIG_FILE, defaultConfig, parseConfig, type Config } from './config';
import { PromptReleaseError, type Problem } from '../common/errors';
import { contentHash } from '../prompts/hash';
import { CommitGraph, ZERO_OID, type LogCommit } from '../history/history';
import { formatIdentity, type Identity } from '../ownership/identity';
import { RecordLedger } from '../reviews/ledger';
import { People } from '../ownership/people';
import { RECORDS_DIR } from '../prompts/prompts';
import type { ReviewRecord, RulesTransition, StoredRecord } from '../reviews/records';
import { parseAllowedSigners, type AllowedSigners } from '../reviews/signatures';

/** The files that make the rules: changing them is reviewed like a prompt when they have an owner. */
export const POLICY_FILES = [CONFIG_FILE, ...CODEOWNERS_LOCATIONS];

export function isPolicyFile(path: string): boolean {
  return POLICY_FILES.includes(path);
}

/** A rules file: a policy file, or a signers file one of these configurations names. */
export function isRulesFile(path: string, ...configs: Pick<Config, 'signers'>[]): boolean {
  return isPolicyFile(path) || configs.some((c) => c.signers !== undefined && c.signers === path);
}

/**
 * The signers files named by any of these configuration texts (`signers:`): the git layer
 * reads their history with the other rules files. A text that does not parse names none.
 */
export function signersPathsOf(configTexts: Iterable<string>): string[] {
  const paths = new Set<string>();
  for (const text of configTexts) {
    // Most versions never mention it: no need to parse them to know they name none.
    if (!text.includes('signers')) continue;
    try {
      const file = parseConfig(text, CONFIG_FILE).signers;
      if (file) paths.add(file);
    } catch {
      // A configuration that does not parse never takes effect, so it names no rules file.
    }
  }
  return [...paths].sort();
}

/** What the git layer reads from the trusted branch to know the rules and the evidence. */
export interface TrustedInputs {
  /**
   * The trusted branch's whole history of the rules files and the records folder, parents
   * first (`--topo-order --reverse --full-history --parents`): every merge, every parent.
   */
  log: LogCommit[];
  /** The rules files' blobs in the tree of each merge of that log (a merge's own diff does not say which side it took). */
  mergeTrees?: Map<string, Map<string, string>>;
  /** Texts of every record and policy blob in those logs, by blob id. */
  texts: Map<string, string>;
  /** The file named by `signers:` at the trusted tip (TEMP until the signers file is a rules file). */
  signersFile?: { file: string; text?: string };
}

export interface PendingPolicyChange {
  file: string;
  commit: string;
  author: Identity;
  /** The proposed blob; the zero id when the change deletes the file. */
  blob: string;
  contentHash: string;
  /** Owners (under the policy in force) who may approve it. */
  owners: string[];
  message: string;
  /** The transition an approval must name: from the version in force, where it took effect. */
  transition: RulesTransition;
  /** Who wrote it (or deleted the file): they cannot approve it. */
  writers: Identity[];
  /** The rules file in force this change replaces, when it is elsewhere (a move, a shadowing CODEOWNERS). */
  replaces?: string;
}

export interface TrustedPolicy {
  config: Config;
  codeowners?: Codeowners;
  people: People;
  ledger: RecordLedger;
  /** Policy file versions on the trusted branch that are not in force yet. */
  pending: PendingPolicyChange[];
  /** The blob of each policy file in force, for the editor and status. */
  inForce: Map<string, string>;
  /** The text of the configuration in force (absent: the defaults). */
  configText?: string;
  /** Authors of policy file contents (the same lineage rules as prompts). */
  authorship: Authorship;
  problems: Problem[];
  /** The signers file in force (named by `signers:` of the configuration in force), parsed. */
  signers?: AllowedSigners;
  /** The transition a review of each rules file binds to today: from the version in force of its slot. */
  bindings: Map<string, RulesTransition>;
}

/** The three places the rules live. */
type Kind = 'config' | 'codeowners' | 'signers';
const KINDS: Kind[] = ['config', 'codeowners', 'signers'];
const NONE = 'none';

/** One slot's version: which file (absent: none) with what content, and the commit where it took effect. */
interface Slot {
  file?: string;
  blob?: string;
  hash: string;
  since: string;
}

/** The rules in force along one history. */
interface RulesState {
  /** A configuration has been in the tree: from then on, changes to the rules need approval. */
  adopted: boolean;
  config: Config;
  codeowners?: Codeowners;
  signers?: AllowedSigners;
  slots: Record<Kind, Slot>;
  /** `kind:hash` of every version that was ever in force on this history. */
  seen: ReadonlySet<string>;
}

type Tree = ReadonlyMap<string, string>;

/**
 * The rules in force at the trusted tip, decided over the whole ancestry. The rules are three
 * slots: the configuration, the CODEOWNERS GitHub reads (the first of .github/, the root,
 * docs/) and the signers file the configuration names. Any change of a slot (its content,
 * its file, its presence) is a transition that takes effect once an owner under the rules
 * then in force, other than one who wrote it, approved that transition (an approval names
 * the version it moves from and the commit where that version took effect, so it is never
 * replayed). Each commit's rules follow from its parents' in topological order; at a merge
 * the tree's rules must be accepted from every parent, else they do not take effect, and
 * when parents in force disagree and no path settles it, the rules cannot be established
 * and reading them fails. Unowned rules files take effect at once, with a warning.
 */
export function trustedPolicy(inputs: TrustedInputs): TrustedPolicy {
  const problems: Problem[] = [];
  const parsedCache = new Map();
  const strictPeople = new People({});
  // Approvals of the policy itself are attributed by exact email: aliases come from the policy being decided.
  let strict: RecordLedger | undefined;
  const strictLedger = () => (strict ??= new RecordLedger(inputs.log, inputs.texts, strictPeople, parsedCache));
  const everInForce = new Set<string>();
  const authorship = new Authorship(inputs.log, strictPeople, (blob) => everInForce.has(blob));

  // Who put each blob at each path, and who deleted each path: they wrote the transition.
  const setters = new Map<string, Identity[]>();
  const lastChange = new Map<string, LogCommit>();
  const isRecord = (path: string) => path.startsWith(`${RECORDS_DIR}/`);
  for (const c of inputs.log) {
    for (const change of c.changes) {
      const removed = change.status === 'R' ? change.sources.filter((s) => s.path !== change.path && !isRecord(s.path)).map((s) => s.path) : [];
      for (const path of removed) note(path, ZERO_OID, c);
      if (!isRecord(change.path)) note(change.path, change.status === 'D' ? ZERO_OID : change.blob, c);
    }
  }
  function note(path: string, blob: string, c: LogCommit) {
    const key = `${path}\0${blob}`;
    setters.set(key, [...(setters.get(key) ?? []), c.author, ...c.coAuthors]);
    lastChange.set(path, c);
  }

  const parsed = new Map<string, unknown>();
  const parseErrors = new Map<string, Problem>();
  /** A version parsed once; undefined when it does not parse (it never takes effect). */
  function parseBlob<T>(blob: string, file: string, parse: (text: string) => T): T | undefined {
    const key = `${file}\0${blob}`;
    if (parsed.has(key)) return parsed.get(key) as T | undefined;
    const text = inputs.texts.get(blob);
    let value: T | undefined;
    if (text !== undefined) {
      try {
        value = parse(text);
      } catch (err) {
        const where = err instanceof PromptReleaseError && err.location ? err.location : { file };
        parseErrors.set(key, { severity: 'error', message: (err as Error).message, location: where });
      }
    }
    parsed.set(key, value);
    return value;
  }
  const hashes = new Map<string, string>();
  const hashOf = (blob: string) => {
    let h = hashes.get(blob);
    if (h === undefined) hashes.set(blob, (h = contentHash(Buffer.from(inputs.texts.get(blob) ?? '', 'utf8'))));
    return h;
  };
  const peopleCache = new Map<Config, People>();
  const peopleOf = (config: Config) => {
    let p = peopleCache.get(config);
    if (!p) peopleCache.set(config, (p = new People(config.people)));
    return p;
  };

  const start: RulesState = {
    adopted: false,
    config: defaultConfig(),
    slots: { config: { hash: NONE, since: ZERO_OID }, codeowners: { hash: NONE, since: ZERO_OID }, signers: { hash: NONE, since: ZERO_OID } },
    seen: new Set(),
  };

  // The walk: each commit's tree of rules files and the rules in force there (several
  // candidates when the parents' disagree and nothing settled it).
  const trees = new Map<string, Tree>();
  const states = new Map<string, RulesState[]>();
  const split = new Map<string, { commit: string; candidates: RulesState[] }>();
  const judged = new Map<string, boolean>();
  let dag: CommitGraph | undefined;
  const graph = () => (dag ??= new CommitGraph(inputs.log));
  let last: string | undefined;
  for (const c of inputs.log) {
    const parents = [...new Set(c.parents)];
    for (const p of parents) {
      if (!states.has(p)) {
        throw new PromptReleaseError('rules-undetermined', `cannot establish the rules in force on the trusted branch: commit ${c.commit.slice(0, 10)} has a parent (${p.slice(0, 10)}) whose history was not read`, {
          hint: 'Fetch the whole history of the trusted branch (git fetch --unshallow) and try again.',
        });
      }
    }
    const tree = treeOf(c, parents);
    trees.set(c.commit, tree);
    let candidates = parents.length ? parents.flatMap((p) => states.get(p)!) : [start];
    // A history without rules has no say against one with rules: its changes are judged under those.
    if (candidates.some((s) => s.adopted)) candidates = candidates.filter((s) => s.adopted);
    const results = candidates.map((s) => step(s, tree, c.commit));
    const agreed = agree(results, c.commit);
    states.set(c.commit, agreed);
    if (agreed.length > 1) split.set(c.commit, parents.length > 1 ? { commit: c.commit, candidates: agreed } : split.get(parents[0])!);
    last = c.commit;
  }

  const finalStates = last ? states.get(last)! : [start];
  if (finalStates.length > 1) {
    const where = split.get(last!)!;
    const differing = KINDS.filter((k) => new Set(where.candidates.map((s) => `${s.slots[k].file}:${s.slots[k].hash}`)).size > 1);
    const files = differing.map((k) => where.candidates.map((s) => s.slots[k].file ?? `no ${k === 'config' ? CONFIG_FILE : k === 'codeowners' ? 'CODEOWNERS' : 'signers file'}`).filter((f, i, all) => all.indexOf(f) === i).join(' / '));
    throw new PromptReleaseError(
      'rules-undetermined',
      `cannot establish the rules in force on the trusted branch: merge ${where.commit.slice(0, 10)} joins histories with different rules in force (${files.join('; ')}), and its rules were not approved from every side, so nothing is decided under them`,
      {
        hint: 'A merge that brings other rules needs an approval from each side: an owner under each parent\'s rules approves the merged version of each differing file (with a branch at that parent: prompt-release review FILE --approve --trusted THAT-BRANCH). A history that adopted rules of its own (an unrelated root) cannot replace the rules in force: the administrators of the trusted branch remove the merge.',
      },
    );
  }
  const state = finalStates[0];
  const tipTree: Tree = last ? trees.get(last)! : new Map();

  const people = peopleOf(state.config);
  const ledger = new RecordLedger(inputs.log, inputs.texts, people, parsedCache, state.signers);
  const pending = pendingAtTip(state, tipTree);
  problems.push(...ledger.problems);
  for (const e of state.codeowners?.errors ?? []) problems.push({ severity: 'error', message: e.message, location: { file: state.codeowners!.file, line: e.line, col: e.col }, subject: `${state.codeowners!.file}:${e.line}`, cause: 'lines GitHub skips in the code owners file' });
  if (state.config.signers && !state.slots.signers.blob) {
    problems.push({
      severity: 'error',
      message: `${CONFIG_FILE} names the signers file ${state.config.signers}, but the trusted branch has no such file in force, so no signature can be checked; add it (an allowed-signers file) or remove "signers:"`,
      location: { file: CONFIG_FILE },
    });
  }
  for (const e of state.signers?.errors ?? []) problems.push({ severity: 'error', message: e.message, location: { file: state.signers!.file, line: e.line, col: e.col } });
  for (const p of pending) problems.push({ severity: 'warning', message: p.message, location: { file: p.file } });
  const inForce = new Map<string, string>();
  for (const k of KINDS) {
    const slot = state.slots[k];
    if (slot.file && slot.blob) inForce.set(slot.file, slot.blob);
  }
  for (const [file] of inForce) {
    if (ownersOf(state.codeowners, file).owners.length > 0) continue;
    problems.push({
      severity: 'warning',
      message: `${file} has no owner in CODEOWNERS, so anyone who can push to the trusted branch can change the release rules; give it an owner`,
      location: { file },
    });
  }
  const bindings = new Map<string, RulesTransition>();
  for (const k of KINDS) {
    const slot = state.slots[k];
    const binding = { from: slot.hash, since: slot.since };
    if (slot.file) bindings.set(slot.file, binding);
    const proposed = proposedFile(k, tipTree, state);
    if (proposed && !bindings.has(proposed)) bindings.set(proposed, binding);
  }
  // A signers file the tip's configuration names (waiting for approval) replaces the one in force.
  const tipConfig = tipTree.get(CONFIG_FILE);
  const named = tipConfig ? (parsed.get(`${CONFIG_FILE}\0${tipConfig}`) as Config | undefined)?.signers ?? signersPathsOf([inputs.texts.get(tipConfig) ?? ''])[0] : undefined;
  if (named && !bindings.has(named)) bindings.set(named, { from: state.slots.signers.hash, since: state.slots.signers.since });
  for (const p of pending) bindings.set(p.file, p.transition);
  const configText = state.slots.config.blob ? inputs.texts.get(state.slots.config.blob) : undefined;
  return { config: state.config, codeowners: state.codeowners, people, ledger, pending, inForce, configText, authorship, problems, signers: state.signers, bindings };

  /** The rules files' blobs in a commit's tree: a merge's from git, others from the parent's and the commit's changes. */
  function treeOf(c: LogCommit, parents: string[]): Tree {
    const read = inputs.mergeTrees?.get(c.commit);
    if (read) return read;
    if (parents.length > 1) {
      throw new PromptReleaseError('rules-undetermined', `cannot establish the rules in force on the trusted branch: the rules files in merge ${c.commit.slice(0, 10)} were not read`, {
        hint: 'This is a bug in reading the history; report it with the output of git log --oneline -1 ' + c.commit,
      });
    }
    const before = parents.length ? trees.get(parents[0])! : new Map<string, string>();
    let tree: Map<string, string> | undefined;
    for (const change of c.changes) {
      if (isRecord(change.path)) continue;
      tree ??= new Map(before);
      if (change.status === 'R') for (const s of change.sources) if (s.path !== change.path) tree.delete(s.path);
      if (change.status === 'D' || change.blob === ZERO_OID) tree.delete(change.path);
      else tree.set(change.path, change.blob);
    }
    return tree ?? before;
  }

  /** The slot a tree proposes for each kind; the signers file is the one the configuration decided in this step names. */
  function proposedFile(kind: Kind, tree: Tree, decided: RulesState): string | undefined {
    if (kind === 'config') return tree.has(CONFIG_FILE) ? CONFIG_FILE : undefined;
    if (kind === 'codeowners') return CODEOWNERS_LOCATIONS.find((f) => tree.has(f));
    return decided.config.signers;
  }

  function proposedSlot(kind: Kind, tree: Tree, decided: RulesState): Omit<Slot, 'since'> {
    const file = proposedFile(kind, tree, decided);
    const blob = file ? tree.get(file) : undefined;
    if (!file || !blob) return { hash: NONE };
    return { file, blob, hash: hashOf(blob) };
  }

  /** The rules in force after commit `c` along one history whose rules were `from`. */
  function step(from: RulesState, tree: Tree, commit: string): RulesState {
    let next = from;
    for (const kind of KINDS) {
      const current = from.slots[kind];
      const proposed = proposedSlot(kind, tree, next);
      if (proposed.file === current.file && proposed.blob === current.blob) continue;
      // The configuration moved the signers file with it: the approval of the configuration covers naming none, or the same keys elsewhere.
      const movedWithConfig = kind === 'signers' && next.config.signers !== from.config.signers && (proposed.blob === undefined || proposed.hash === current.hash);
      if (from.adopted && !movedWithConfig && !accepted(from, kind, current, proposed)) continue;
      let value: Config | Codeowners | AllowedSigners | undefined;
      if (proposed.blob) {
        const file = proposed.file!;
        value =
          kind === 'config'
            ? parseBlob(proposed.blob, file, (t) => parseConfig(t, file))
            : kind === 'codeowners'
              ? parseBlob(proposed.blob, file, (t) => parseCodeowners(t, file))
              : parseBlob(proposed.blob, file, (t) => parseAllowedSigners(t, file));
        if (value === undefined) continue;
        everInForce.add(proposed.blob);
      }
      const seen = new Set(next.seen);
      if (proposed.blob) seen.add(`${kind}:${proposed.hash}`);
      next = {
        ...next,
        ...(kind === 'config' ? { config: (value as Config | undefined) ?? defaultConfig() } : kind === 'codeowners' ? { codeowners: value as Codeowners | undefined } : { signers: value as AllowedSigners | undefined }),
        slots: { ...next.slots, [kind]: { ...proposed, since: commit } },
        seen,
      };
    }
    const adopted = from.adopted || tree.has(CONFIG_FILE);
    return adopted === next.adopted ? next : { ...next, adopted };
  }

  /** One state when the histories' results agree (a slot reached by different commits took effect at this one), else each. */
  function agree(results: RulesState[], commit: string): RulesState[] {
    if (results.length === 1) return results;
    const key = (s: RulesState) => KINDS.map((k) => `${s.slots[k].file}:${s.slots[k].blob}`).join('|');
    const groups = new Map<string, RulesState[]>();
    for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    if (groups.size > 1) {
      // One history's rules may be the other's, changed since by approved transitions: those are the newer ones.
      const distinct = [...groups.values()].map((g) => g[0]);
      const newest = distinct.filter((d) => distinct.every((o) => o === d || supersedes(d, o)));
      if (newest.length !== 1) return distinct;
      const seen = new Set(results.flatMap((r) => [...r.seen]));
      return [{ ...newest[0], seen, adopted: results.some((r) => r.adopted) }];
    }
    const first = results[0];
    const slots = { ...first.slots };
    for (const k of KINDS) if (results.some((r) => r.slots[k].since !== first.slots[k].since)) slots[k] = { ...slots[k], since: commit };
    const seen = results.every((r) => r.seen === first.seen) ? first.seen : new Set(results.flatMap((r) => [...r.seen]));
    return [{ ...first, slots, seen, adopted: results.some((r) => r.adopted) }];
  }

  /**
   * Does `a` hold rules that replaced `b`'s: each slot the same, or taken into force at a commit
   * that descends from where `b`'s version took effect (so by a transition approved from it)?
   * The start of a history (no commit) is nobody's ancestor: unrelated roots never supersede.
   */
  function supersedes(a: RulesState, b: RulesState): boolean {
    return KINDS.every((k) => {
      const x = a.slots[k];
      const y = b.slots[k];
      if (x.file === y.file && x.blob === y.blob) return true;
      return x.since !== ZERO_OID && y.since !== ZERO_OID && graph().isAncestor(y.since, x.since);
    });
  }

  /** Owners of a slot's change under the rules `from`: the owners of the file in force, or of the new file when none is. */
  function ownersFor(from: RulesState, current: Slot, proposed: Omit<Slot, 'since'>): string[] {
    return ownersOf(from.codeowners, current.file ?? proposed.file!).owners;
  }

  /** Who wrote a transition: the authors of the new content and whoever put it there, or whoever deleted the file. */
  function writersOf(current: Slot, proposed: Omit<Slot, 'since'>): Identity[] {
    if (!proposed.blob) return setters.get(`${current.file}\0${ZERO_OID}`) ?? [];
    return [...authorship.authorsOf(proposed.blob).values(), ...(setters.get(`${proposed.file}\0${proposed.blob}`) ?? [])];
  }

  function accepted(from: RulesState, kind: Kind, current: Slot, proposed: Omit<Slot, 'since'>): boolean {
    const owners = ownersFor(from, current, proposed);
    if (owners.length === 0) return true;
    const key = [kind, current.file, current.hash, current.since, proposed.file, proposed.blob, from.slots.config.blob, from.slots.codeowners.blob, from.seen.has(`${kind}:${proposed.hash}`)].join('\0');
    let ok = judged.get(key);
    if (ok === undefined) judged.set(key, (ok = approved(from, kind, current, proposed, owners)));
    return ok;
  }

  /** Records approving exactly this transition (or, for a record older than bindings, content never in force here before). */
  function approvalsOf(from: RulesState, kind: Kind, current: Slot, proposed: Omit<Slot, 'since'>): StoredRecord<ReviewRecord>[] {
    const deletion = !proposed.blob;
    const about = deletion ? current.file! : proposed.file!;
    const hash = deletion ? current.hash : proposed.hash;
    return strictLedger()
      .about([about])
      .filter((r): r is StoredRecord<ReviewRecord> => r.record.type === 'review' && r.record.contentHash === hash)
      .filter((r) => {
        const t = r.record.transition;
        if (t === undefined) return !deletion && !from.seen.has(`${kind}:${hash}`);
        return typeof t === 'object' && t !== null && t.from === current.hash && t.since === current.since && (t.deleted === true) === deletion;
      });
  }

  function approved(from: RulesState, kind: Kind, current: Slot, proposed: Omit<Slot, 'since'>, owners: string[]): boolean {
    const currentPeople = peopleOf(from.config);
    const writers = new Set(writersOf(current, proposed).map((who) => currentPeople.personOf(who.email)));
    const { approvals } = strictLedger().verdicts(approvalsOf(from, kind, current, proposed));
    return approvals.some((a) => currentPeople.ownersMatching(a.record.by.email, owners).length > 0 && !writers.has(currentPeople.personOf(a.record.by.email)));
  }

  /** The tip's proposed rules that are not in force, each with how it is approved. */
  function pendingAtTip(inForceState: RulesState, tree: Tree): PendingPolicyChange[] {
    const result: PendingPolicyChange[] = [];
    for (const kind of KINDS) {
      const current = inForceState.slots[kind];
      const proposed = proposedSlot(kind, tree, inForceState);
      if (proposed.file === current.file && proposed.blob === current.blob) continue;
      const file = proposed.file ?? current.file!;
      if (proposed.blob) {
        const error = parseErrors.get(`${file}\0${proposed.blob}`);
        if (error && !current.blob) {
          // Nothing was ever in force in its place: deciding under the built-in defaults would pass what the file meant to forbid.
          throw new PromptReleaseError('invalid-config', `${error.message} (the newest version of ${file} on the trusted branch does not parse, and no earlier version of it was ever in force, so nothing can be decided until it is fixed)`, {
            location: error.location,
            hint: `Fix ${file} at the line shown and commit it to the trusted branch.`,
          });
        }
        if (error) {
          problems.push({ ...error, message: `${error.message} (the newest version of ${file} on the trusted branch does not parse, so it does not take effect; the version in force since commit ${current.since.slice(0, 10)} stays until it is fixed)` });
          continue;
        }
      }
      const owners = ownersFor(inForceState, current, proposed);
      const change = lastChange.get(file) ?? lastChange.get(current.file ?? '');
      const commit = change?.commit ?? '';
      const short = commit.slice(0, 10);
      const who = writersOf(current, proposed);
      const all = who.map(formatIdentity).filter((w, i, list) => list.indexOf(w) === i);
      const writers = all.length > 3 ? `${all.slice(0, 3).join(', ')} and ${all.length - 3} more` : all.join(', ') || change?.author.email || 'unknown';
      const transition: RulesTransition = { from: current.hash, since: current.since, ...(proposed.blob ? {} : { deleted: true }) };
      let message: string;
      if (!proposed.blob) {
        message = `${current.file} was deleted in commit ${short} (by ${writers}), but it has owners (${owners.join(', ')}): the version in force stays until an owner who did not delete it approves the deletion with: prompt-release review ${current.file} --approve (or restore the file)`;
      } else if (current.file && current.file !== proposed.file) {
        message = `${proposed.file} in commit ${short} (by ${writers}) would replace ${current.file}, the ${kind === 'codeowners' ? 'CODEOWNERS' : kind === 'signers' ? 'signers file' : 'file'} in force: this is a change of the rules and it is not in force yet; it needs an approval by an owner of ${current.file} (${owners.join(', ')}) who did not write it; until then ${current.file} applies. An owner approves the move with: prompt-release review ${proposed.file} --approve`;
      } else {
        message = `the change to ${file} in commit ${short} (by ${writers}) is not in force yet: it needs an approval by an owner (${owners.join(', ')}) who did not write it; until then the previous version applies. An owner approves it with: prompt-release review ${file} --approve`;
      }
      result.push({
        file,
        commit,
        author: change?.author ?? { name: '', email: '' },
        blob: proposed.blob ?? ZERO_OID,
        contentHash: proposed.blob ? proposed.hash : current.hash,
        owners,
        message,
        transition,
        writers: who,
        ...(current.file && current.file !== file ? { replaces: current.file } : {}),
      });
    }
    return result;
  }
}
