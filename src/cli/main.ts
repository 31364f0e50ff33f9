#!/usr/bin/env node
import { parseArgs, type ParseArgsConfig } from 'util';
import { formatLocation, PromptReleaseError } from '../core/errors';
import { PromptRepository } from '../git/repository';
import * as commands from './commands';
import { EXIT, exitCodeFor } from './exitCodes';
import { COMMAND_HELP, USAGE } from './help';
import { consoleOutput, type Output } from './output';
import { statusCommand } from './statusCommand';

const COMMON: ParseArgsConfig['options'] = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  dir: { type: 'string', short: 'C' },
  trusted: { type: 'string' },
};

const OPTIONS: Record<string, ParseArgsConfig['options']> = {
  init: { force: { type: 'boolean' } },
  status: {},
  review: { approve: { type: 'boolean' }, 'request-changes': { type: 'boolean' }, message: { type: 'string', short: 'm' } },
  'request-review': { reviewer: { type: 'string', multiple: true, short: 'r' }, message: { type: 'string', short: 'm' } },
  gate: { env: { type: 'string' }, version: { type: 'string' } },
  release: { env: { type: 'string' }, version: { type: 'string' } },
  diff: { from: { type: 'string' }, to: { type: 'string' } },
  history: {},
  verify: {},
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

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const [command, ...rest] = argv;
  const wantsJson = rest.includes('--json');
  const out = consoleOutput(wantsJson);
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE + '\n');
      return command ? EXIT.ok : EXIT.usage;
    }
    if (command === '--version') {
      process.stdout.write(require('../../../package.json').version + '\n');
      return EXIT.ok;
    }
    const options = OPTIONS[command];
    if (!options) throw usageError(`unknown command "${command}"`);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
    } catch (err) {
      throw usageError((err as Error).message.split('\n')[0], `Usage: ${COMMAND_HELP[command].split('\n')[0]}`);
    }
    const { values, positionals } = parsed as { values: Record<string, any>; positionals: string[] };
    if (values.help) {
      process.stdout.write(COMMAND_HELP[command] + '\n');
      return EXIT.ok;
    }
    const workdir = values.dir ? require('path').resolve(cwd, values.dir) : cwd;
    const repo = await PromptRepository.open(workdir);
    if (values.trusted !== undefined) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(values.trusted) || values.trusted.includes('..')) throw usageError(`--trusted expects a branch name like main or origin/main, not "${values.trusted}"`);
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
      return commands.initCommand(repo, !!values.force, out);
    case 'status':
      return statusCommand(repo, positionals, out, cwd);
    case 'review': {
      if (!!values.approve === !!values['request-changes']) throw usageError('review needs exactly one of --approve or --request-changes');
      return commands.reviewCommand(repo, rel(onePath(command, positionals)), values.approve ? 'approve' : 'request-changes', values.message, out);
    }
    case 'request-review':
      if (!values.reviewer?.length) throw usageError('request-review needs at least one --reviewer (@handle or email)');
      return commands.requestReviewCommand(repo, rel(onePath(command, positionals)), values.reviewer, values.message, out);
    case 'gate':
      return commands.gateCommand(repo, rel(onePath(command, positionals)), values.env, versionNumber(values.version), out);
    case 'release':
      return commands.releaseCommand(repo, rel(onePath(command, positionals)), values.env, versionNumber(values.version), out);
    case 'diff':
      return commands.diffCommand(repo, rel(onePath(command, positionals)), values.from, values.to, out);
    case 'history':
      return commands.historyCommand(repo, rel(onePath(command, positionals)), out);
    case 'verify':
      if (positionals.length) throw usageError('verify takes no paths: it checks every release tag');
      return commands.verifyCommand(repo, out);
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

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = EXIT.environment;
    },
  );
}
