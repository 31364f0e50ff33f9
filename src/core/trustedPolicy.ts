import { Authorship } from './authorship';
import { CODEOWNERS_LOCATIONS, ownersOf, parseCodeowners, type Codeowners } from './codeowners';
import { CONFIG_FILE, defaultConfig, parseConfig, type Config } from './config';
import { PromptReleaseError, type Problem } from './errors';
import { contentHash } from './hash';
import { ZERO_OID, type LogCommit } from './history';
import { formatIdentity, type Identity } from './identity';
import { RecordLedger } from './ledger';
import { People } from './people';
import type { ReviewRecord, StoredRecord } from './records';
import { parseAllowedSigners, type AllowedSigners } from './signatures';

/** The files that make the rules: changing them is reviewed like a prompt when they have an owner. */
export const POLICY_FILES = [CONFIG_FILE, ...CODEOWNERS_LOCATIONS];

export function isPolicyFile(path: string): boolean {
  return POLICY_FILES.includes(path);
}

/** What the git layer reads from the trusted branch to know the rules and the evidence. */
export interface TrustedInputs {
  /** The trusted branch's first-parent history of the policy files, parents first: the states the branch went through. */
  firstParentLog: LogCommit[];
  /** Its full history of the policy files and the records folder, parents first. */
  log: LogCommit[];
  /** Texts of every record and policy blob in those logs, by blob id. */
  texts: Map<string, string>;
  /** The file named by `signers:` at the trusted tip (TEMP until the signers file is a rules file). */
  signersFile?: { file: string; text?: string };
}

export interface PendingPolicyChange {
  file: string;
  commit: string;
  author: Identity;
  blob: string;
  contentHash: string;
  /** Owners (under the policy in force) who may approve it. */
  owners: string[];
  message: string;
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
}

interface PolicyState {
  config: Config;
  configBlob?: string;
  codeowners?: Codeowners;
  codeownersFile?: string;
  codeownersBlob?: string;
}

/**
 * The policy in force at the trusted tip. The branch's states are walked in first-parent
 * order; a new version of an owned policy file takes effect once an owner under the policy
 * then in force, other than one of its authors, approved its exact content (the approval may
 * be recorded later). Unowned policy files take effect at once, with a warning.
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

  let state: PolicyState = { config: defaultConfig() };
  const proposed = new Map<string, string>();
  const latestChange = new Map<string, { commit: LogCommit; blob: string }>();
  const pendingByFile = new Map<string, PendingPolicyChange>();
  // Only the versions proposed at the tip matter: a later fix clears an earlier version's error.
  const parseErrors = new Map<string, Problem>();

  // Review of the rules starts when the repository adopts the tool: the first commit with a
  // configuration. Before it, nobody could have recorded an approval, so changes apply as made.
  let adopted = false;
  for (const commit of inputs.firstParentLog) {
    for (const change of commit.changes) {
      if (!isPolicyFile(change.path)) continue;
      if (change.status === 'D' || change.blob === ZERO_OID) proposed.delete(change.path);
      else proposed.set(change.path, change.blob);
      latestChange.set(change.path, { commit, blob: change.blob });
    }
    state = adopt(state, adopted);
    if (proposed.has(CONFIG_FILE)) adopted = true;
  }

  const people = new People(state.config.people);
  let signers: AllowedSigners | undefined;
  const signersFile = state.config.signers;
  if (signersFile) {
    const text = inputs.signersFile?.file === signersFile ? inputs.signersFile.text : undefined;
    if (text === undefined) problems.push({ severity: 'error', message: `the signers file ${signersFile} named by ${CONFIG_FILE} is not on the trusted branch, so no signature counts; commit it there`, location: { file: signersFile } });
    signers = parseAllowedSigners(text ?? '', signersFile);
    for (const e of text === undefined ? [] : signers.errors) problems.push({ severity: 'error', message: e.message, location: { file: signersFile, line: e.line, col: e.col } });
  }
  const ledger = new RecordLedger(inputs.log, inputs.texts, people, parsedCache, signers);
  problems.push(...parseErrors.values(), ...ledger.problems);
  for (const e of state.codeowners?.errors ?? []) problems.push({ severity: 'error', message: e.message, location: { file: state.codeowners!.file, line: e.line, col: e.col } });
  const inForce = new Map<string, string>();
  if (state.configBlob) inForce.set(CONFIG_FILE, state.configBlob);
  if (state.codeownersBlob && state.codeownersFile) inForce.set(state.codeownersFile, state.codeownersBlob);
  for (const p of pendingByFile.values()) problems.push({ severity: 'warning', message: p.message, location: { file: p.file } });
  const unowned = POLICY_FILES.filter((f) => (f === CONFIG_FILE ? state.configBlob : f === state.codeownersFile) && ownersOf(state.codeowners, f).owners.length === 0);
  for (const file of unowned) {
    problems.push({
      severity: 'warning',
      message: `${file} has no owner in CODEOWNERS, so anyone who can push to the trusted branch can change the release rules; give it an owner`,
      location: { file },
    });
  }
  const configText = state.configBlob ? inputs.texts.get(state.configBlob) : undefined;
  return { config: state.config, codeowners: state.codeowners, people, ledger, pending: [...pendingByFile.values()], inForce, configText, authorship, problems, signers };

  /** Takes each proposed file that differs from what is in force, if the policy in force lets it. */
  function adopt(current: PolicyState, reviewed: boolean): PolicyState {
    let next = current;
    const configBlob = proposed.get(CONFIG_FILE);
    if (configBlob === current.configBlob) parseErrors.delete(CONFIG_FILE);
    else {
      if (!reviewed || mayTakeEffect(current, CONFIG_FILE, configBlob)) {
        const config = parseAt(configBlob, CONFIG_FILE, (text) => parseConfig(text, CONFIG_FILE));
        if (config !== undefined) {
          next = { ...next, config: config ?? defaultConfig(), configBlob };
          if (configBlob) everInForce.add(configBlob);
        }
      }
    }
    const ownersFile = CODEOWNERS_LOCATIONS.find((f) => proposed.has(f));
    const ownersBlob = ownersFile ? proposed.get(ownersFile) : undefined;
    if (ownersBlob === current.codeownersBlob && ownersFile === current.codeownersFile) {
      for (const f of CODEOWNERS_LOCATIONS) parseErrors.delete(f);
    } else {
      const file = ownersFile ?? current.codeownersFile!;
      if (!reviewed || mayTakeEffect(current, file, ownersBlob)) {
        const parsed = parseAt(ownersBlob, file, (text) => parseCodeowners(text, file));
        if (parsed !== undefined) {
          next = { ...next, codeowners: parsed ?? undefined, codeownersFile: ownersFile, codeownersBlob: ownersBlob };
          if (ownersBlob) everInForce.add(ownersBlob);
        }
      }
    }
    return next;
  }

  /** Parses a proposed version; a version that does not parse never takes effect. `null` means the file was removed. */
  function parseAt<T>(blob: string | undefined, file: string, parse: (text: string) => T): T | null | undefined {
    parseErrors.delete(file);
    if (!blob) return null;
    const text = inputs.texts.get(blob);
    if (text === undefined) return undefined;
    try {
      return parse(text);
    } catch (err) {
      const where = err instanceof PromptReleaseError && err.location ? err.location : { file };
      parseErrors.set(file, { severity: 'error', message: `${(err as Error).message} (this version of ${file} on the trusted branch does not take effect; the previous one stays in force until it is fixed)`, location: where });
      return undefined;
    }
  }

  function mayTakeEffect(current: PolicyState, file: string, blob: string | undefined): boolean {
    const owners = ownersOf(current.codeowners, file).owners;
    if (owners.length === 0) {
      pendingByFile.delete(file);
      return true;
    }
    const change = latestChange.get(file)!;
    if (!blob) {
      pendingByFile.set(file, pendingChange(file, change.commit, ZERO_OID, '', owners, `${file} was deleted in commit ${change.commit.commit.slice(0, 10)}, but it has owners (${owners.join(', ')}); the previous version stays in force until it is restored`));
      return false;
    }
    const text = inputs.texts.get(blob) ?? '';
    const hash = contentHash(Buffer.from(text, 'utf8'));
    const currentPeople = new People(current.config.people);
    const authors = new Set([...authorship.authorsOf(blob).values()].map((who) => currentPeople.personOf(who.email)));
    const approved = strictLedger()
      .about([file])
      .filter((r): r is StoredRecord<ReviewRecord> => r.record.type === 'review' && r.record.contentHash === hash);
    const { approvals } = strictLedger().verdicts(approved);
    const byOwner = approvals.find((a) => currentPeople.ownersMatching(a.record.by.email, owners).length > 0 && !authors.has(currentPeople.personOf(a.record.by.email)));
    if (byOwner) {
      pendingByFile.delete(file);
      return true;
    }
    const all = [...authorship.authorsOf(blob).values()].map(formatIdentity);
    const writers = all.length > 3 ? `${all.slice(0, 3).join(', ')} and ${all.length - 3} more` : all.join(', ');
    pendingByFile.set(
      file,
      pendingChange(
        file,
        change.commit,
        blob,
        hash,
        owners,
        `the change to ${file} in commit ${change.commit.commit.slice(0, 10)} (by ${writers || change.commit.author.email}) is not in force yet: it needs an approval by an owner (${owners.join(', ')}) who did not write it; until then the previous version applies. An owner approves it with: prompt-release review ${file} --approve`,
      ),
    );
    return false;
  }

  function pendingChange(file: string, commit: LogCommit, blob: string, hash: string, owners: string[], message: string): PendingPolicyChange {
    return { file, commit: commit.commit, author: commit.author, blob, contentHash: hash, owners, message };
  }
}
