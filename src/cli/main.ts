import { parseArgs, type ParseArgsConfig } from 'util';
import { formatLocation, PromptReleaseError } from '../core/common/errors';
import { closest } from '../core/common/words';
import { PromptRepository } from '../git/repository';
import * as path from 'path';
import * as commands from './commands';
import * as delivery from './deliveryCommands';
import { EXIT, exitCodeFor } from './exitCodes';
import { COMMAND_HELP, USAGE } from './help';
import { consoleOutput, type Output } from './output';
import * as records from './recordCommands';
import { signersCommand } from './signersCommand';
import { prReportCommand } from './prReport';
import { attentionCommand, statusCommand } from './statusCommand';

const COMMON: ParseArgsConfig['options'] = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  dir: { type: 'string', short: 'C' },
  trusted: { type: 'string' },
};

const OPTIONS: Record<string, ParseArgsConfig['options']> = {
  init: { force: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  status: { summary: { type: 'boolean' }, state: { type: 'string' }, owner: { type: 'string' }, env: { type: 'string' }, mine: { type: 'boolean' }, attention: { type: 'boolean' } },
  review: { approve: { type: 'boolean' }, 'request-changes': { type: 'boolean' }, message: { type: 'string', short: 'm' }, confirm: { type: 'string', multiple: true } },
  check: { name: { type: 'string' }, pass: { type: 'boolean' }, fail: { type: 'boolean' }, run: { type: 'string' }, message: { type: 'string', short: 'm' }, details: { type: 'string' } },
  feedback: { env: { type: 'string' }, message: { type: 'string', short: 'm' }, rating: { type: 'string' } },
  'request-review': { reviewer: { type: 'string', multiple: true, short: 'r' }, message: { type: 'string', short: 'm' } },
  gate: { env: { type: 'string' }, version: { type: 'string' } },
  release: { env: { type: 'string' }, version: { type: 'string' }, all: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, push: { type: 'boolean' } },
  diff: { from: { type: 'string' }, to: { type: 'string' } },
  history: {},
  verify: { lock: { type: 'string' }, strict: { type: 'boolean' } },
  show: { env: { type: 'string' } },
  export: { env: { type: 'string' }, out: { type: 'string' } },
  changelog: { env: { type: 'string' }, since: { type: 'string' } },
  'install-hook': { remove: { type: 'boolean' } },
  signers: {},
  'pr-report': { base: { type: 'string' }, format: { type: 'string' } },
};

function usageError(message: string, hint?: string): PromptReleaseError {
  return new PromptReleaseError('invalid-usage', message, { hint: hint ?? 'Run prompt-release --help.' });
}

function onePath(command: string, positionals: string[]): string {
  if (positionals.length !== 1) throw usageError(`${command} needs exactly one prompt path`, `Usage: ${COMMAND_HELP[command].split('\n')[0]}`);
  return positionals[0];
}

function versionNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^v?(\d+)$/.exec(text);
  if (!match) throw usageError(`--version expects a released version like v2, not "${text}"`);
  return Number(match[1]);
}

/** The version in package.json, from the bundle (dist/) or the compiled sources (out/src/cli/). */
function packageVersion(): string {
  const fs = require('fs') as typeof import('fs');
  const path = require('path') as typeof import('path');
  for (const candidate of ['../package.json', '../../../package.json']) {
    const file = path.join(__dirname, candidate);
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')).version;
  }
  return 'unknown';
}

/** Splits the command from the rest, so global options may come before or after it. */
export function splitCommand(argv: string[]): { command?: string; rest: string[] } {
  const takesValue = new Set(['-C', '--dir', '--trusted']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (takesValue.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return { command: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { rest: argv };
}

/** node's parseArgs messages, made plain: which option, and what was probably meant. */
function optionError(err: Error, command: string, options: Record<string, unknown>): PromptReleaseError {
  const usage = `Usage: ${COMMAND_HELP[command].split('\n')[0]}`;
  const unknown = /Unknown option '([^']+)'/.exec(err.message)?.[1];
  if (unknown) {
    const names = Object.keys(options).map((o) => `--${o}`);
    const guess = closest(unknown.replace(/=.*$/, ''), names);
    return usageError(`${command} has no option ${unknown}`, guess ? `Did you mean ${guess}? ${usage}` : usage);
  }
  const missing = /Option '([^']+)' argument missing/.exec(err.message)?.[1];
  if (missing) return usageError(`${missing.split(',').pop()!.trim().replace(/ <value>$/, '')} needs a value`, usage);
  return usageError(err.message.split('\n')[0].replace(/'/g, ''), usage);
}

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const { command, rest } = splitCommand(argv);
  const wantsJson = argv.includes('--json');
  const out = consoleOutput(wantsJson, argv.includes('--verbose'));
  try {
    if (!command && (argv.includes('--version') || argv.includes('-V'))) {
      process.stdout.write(packageVersion() + '\n');
      return EXIT.ok;
    }
    if (!command || command === 'help') {
      const topic = command === 'help' ? rest.find((a) => !a.startsWith('-')) : undefined;
      process.stdout.write((topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : USAGE) + '\n');
      return command || argv.includes('--help') || argv.includes('-h') ? EXIT.ok : EXIT.usage;
    }
    const options = OPTIONS[command];
    if (!options) {
      const guess = closest(command, Object.keys(OPTIONS));
      throw usageError(`unknown command "${command}"`, guess ? `Did you mean "prompt-release ${guess}"? Run prompt-release --help for every command.` : undefined);
    }
    const all = { ...COMMON, ...options };
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: all, allowPositionals: true, strict: true });
    } catch (err) {
      throw optionError(err as Error, command, all as Record<string, unknown>);
    }
    const { values, positionals } = parsed as { values: Record<string, any>; positionals: string[] };
    if (values.help) {
      process.stdout.write(COMMAND_HELP[command] + '\n');
      return EXIT.ok;
    }
    const workdir = values.dir ? require('path').resolve(cwd, values.dir) : cwd;
    // verify decides from git alone: CI's verdict never rests on a file a previous run left.
    const repo = await PromptRepository.open(workdir, undefined, { persistentCache: command !== 'verify' });
    if (values.trusted !== undefined) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(values.trusted) || values.trusted.includes('..')) throw usageError(`--trusted expects a branch name like refs/remotes/origin/main, origin/main or main, not "${values.trusted}"`);
      repo.trustedOverride = values.trusted;
    }
    return await run(command, repo, values, positionals, out, workdir);
  } catch (err) {
    return reportError(err, out);
  }
}

async function run(command: string, repo: PromptRepository, values: Record<string, any>, positionals: string[], out: Output, cwd: string): Promise<number> {
  const rel = (p: string) => repo.relativePath(p, cwd);
  switch (command) {
    case 'init':
      return commands.initCommand(repo, !!values.force, !!values['dry-run'], out);
    case 'status':
      if (values.attention) {
        if (values.summary || values.state || values.owner || values.env || values.mine) throw usageError('status --attention takes paths only: it lists what needs attention, most urgent first');
        return attentionCommand(repo, positionals, out, cwd);
      }
      return statusCommand(repo, { paths: positionals, summary: values.summary, state: values.state, owner: values.owner, env: values.env, mine: values.mine }, out, cwd);
    case 'review': {
      if (!!values.approve === !!values['request-changes']) throw usageError('review needs exactly one of --approve or --request-changes');
      return commands.reviewCommand(repo, rel(onePath(command, positionals)), values.approve ? 'approve' : 'request-changes', values.message, values.confirm ?? [], out);
    }
    case 'check': {
      const modes = ['pass', 'fail', 'run'].filter((m) => values[m] !== undefined);
      if (modes.length !== 1) throw usageError(`check needs exactly one of --pass, --fail or --run "COMMAND"${modes.length ? ` (got ${modes.map((m) => '--' + m).join(' and ')})` : ''}`, `Usage: ${COMMAND_HELP.check.split('\n')[0]}`);
      if (!values.name) throw usageError('check needs --name: the check as the policy\'s "checks" lists it (e.g. --name eval)', `Usage: ${COMMAND_HELP.check.split('\n')[0]}`);
      if (values.run !== undefined && !values.run.trim()) throw usageError('--run needs a command, e.g. --run "npm run eval"');
      const file = rel(onePath(command, positionals));
      return records.checkCommand(repo, file, { name: values.name, result: values.pass ? 'pass' : values.fail ? 'fail' : undefined, run: values.run, summary: values.message, detailsFile: values.details }, out, cwd);
    }
    case 'feedback':
      return records.feedbackCommand(repo, rel(onePath(command, positionals)), { environment: values.env, body: values.message, rating: values.rating }, out);
    case 'request-review':
      if (!values.reviewer?.length) throw usageError('request-review needs at least one --reviewer (@handle or email)');
      return commands.requestReviewCommand(repo, rel(onePath(command, positionals)), values.reviewer, values.message, out);
    case 'gate':
      return commands.gateCommand(repo, rel(onePath(command, positionals)), values.env, versionNumber(values.version), out);
    case 'release':
      if (values.all) {
        if (positionals.length || values.version) throw usageError('release --all takes no paths and no --version: it releases every prompt whose gate allows the environment');
        return commands.releaseTrainCommand(repo, values.env, !!values['dry-run'], !!values.push, out);
      }
      if (values['dry-run'] || values.push) throw usageError('--dry-run and --push go with release --all');
      return commands.releaseCommand(repo, rel(onePath(command, positionals)), values.env, versionNumber(values.version), out);
    case 'diff':
      return commands.diffCommand(repo, rel(onePath(command, positionals)), values.from, values.to, out);
    case 'history':
      return commands.historyCommand(repo, rel(onePath(command, positionals)), out);
    case 'verify':
      if (positionals.length) throw usageError('verify takes no paths: it checks every release tag');
      if (values.lock && values.strict) throw usageError('--strict goes with verify of the release tags, not with --lock');
      return values.lock ? delivery.verifyLockCommand(repo, path.resolve(cwd, values.lock), out) : commands.verifyCommand(repo, !!values.strict, out);
    case 'show':
      return delivery.showCommand(repo, rel(onePath(command, positionals)), values.env, out);
    case 'install-hook':
      return delivery.installHookCommand(repo, !!values.remove, out);
    case 'signers':
      if (positionals.length) throw usageError('signers takes no paths: it lists who may sign, from the signers file in force');
      return signersCommand(repo, out);
    case 'changelog':
      if (positionals.length) throw usageError('changelog takes no paths: it describes every prompt released to --env');
      return delivery.changelogCommand(repo, values.env, values.since, out);
    case 'pr-report':
      if (positionals.length) throw usageError('pr-report takes no paths: it describes every prompt the branch changes', `Usage: ${COMMAND_HELP['pr-report'].split('\n')[0]}`);
      if (values.json && values.format) throw usageError('give either --json or --format, not both');
      return prReportCommand(repo, values.base, values.format, out);
    case 'export':
      return delivery.exportCommand(repo, values.env, values.out && path.resolve(cwd, values.out), positionals.map(rel), out);
  }
  throw usageError(`unknown command "${command}"`);
}

/** The one place errors become words: a message, where, and what to do; never a stack trace. */
function reportError(err: unknown, out: Output): number {
  if (err instanceof PromptReleaseError) {
    const where = err.location ? `${formatLocation(err.location)}: ` : '';
    if (out.json) {
      process.stdout.write(JSON.stringify({ error: { code: err.code, message: err.message, location: err.location ?? null, hint: err.hint ?? null } }, null, 2) + '\n');
    }
    out.error(`error: ${where}${err.message}`);
    if (err.hint) out.error(`hint: ${err.hint}`);
    return exitCodeFor(err.code);
  }
  const message = err instanceof Error ? err.message : String(err);
  out.error(`error: unexpected failure: ${message}`);
  out.error('hint: this is a bug in prompt-release; please report it with the command you ran.');
  if (process.env.PROMPT_RELEASE_DEBUG && err instanceof Error) out.error(err.stack ?? '');
  return EXIT.environment;
}
