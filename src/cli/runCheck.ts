import { spawn } from 'child_process';
import { PromptReleaseError } from '../core/common/errors';

/** What a check command did: its exit status and the end of what it printed. */
export interface CheckRun {
  exitCode?: number;
  /** Set when the command was ended by a signal instead of exiting. */
  signal?: string;
  /** The last non-empty line of its output, trimmed to a summary's length. */
  lastLine?: string;
  /** The end of its combined output (stdout and stderr, as they came). */
  output: string;
}

/** Output kept from a run: the end, where test runners print their results. */
const KEPT_OUTPUT = 64_000;
const SUMMARY_LENGTH = 200;
/** Colours and cursor moves are for the terminal, not the record. */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Runs a check command through the shell in the repository root, with the prompt named in
 * PROMPT_FILE (absolute), PROMPT_PATH (repository-relative) and PROMPT_CONTENT_HASH. Its
 * output streams to `echo` (stderr) as it comes, so a long eval shows progress. A command
 * that cannot start (no shell, or the shell finds no such command) is an error: it says
 * nothing about the prompt.
 */
export function runCheckCommand(
  command: string,
  options: { cwd: string; file: string; path: string; contentHash: string; echo?: (chunk: Buffer) => void },
): Promise<CheckRun> {
  return new Promise((resolve, reject) => {
    // Bytes, decoded once at the end: a chunk may end inside a character or an escape sequence.
    let chunks: Buffer[] = [];
    let size = 0;
    let cut = false;
    const keep = (chunk: Buffer) => {
      options.echo?.(chunk);
      chunks.push(chunk);
      size += chunk.length;
      if (size > KEPT_OUTPUT * 4) {
        const all = Buffer.concat(chunks);
        chunks = [all.subarray(all.length - KEPT_OUTPUT * 2)];
        size = chunks[0].length;
        cut = true;
      }
    };
    let child;
    try {
      child = spawn(command, {
        cwd: options.cwd,
        shell: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PROMPT_FILE: options.file, PROMPT_PATH: options.path, PROMPT_CONTENT_HASH: options.contentHash },
      });
    } catch (err) {
      reject(cannotStart(command, (err as Error).message));
      return;
    }
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('error', (err) => reject(cannotStart(command, err.message)));
    child.on('close', (code, signal) => {
      let output = Buffer.concat(chunks).toString('utf8').replace(ANSI, '');
      if (cut) output = output.replace(/^[^\n]*\n/, '');
      // POSIX shells exit 127 for a command they cannot find and 126 for one they cannot run.
      if (process.platform !== 'win32' && (code === 127 || code === 126)) {
        const said = lastLine(output);
        reject(cannotStart(command, `${code === 127 ? 'the shell found no such command' : 'the shell could not run it'} (exit ${code})${said ? `: ${said}` : ''}`));
        return;
      }
      const kept = cut || output.length > KEPT_OUTPUT ? '…' + output.slice(-KEPT_OUTPUT) : output;
      resolve({ exitCode: code ?? undefined, signal: signal ?? undefined, lastLine: lastLine(output), output: kept });
    });
  });
}

function lastLine(output: string): string | undefined {
  const line = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  if (!line) return undefined;
  return line.length > SUMMARY_LENGTH ? line.slice(0, SUMMARY_LENGTH - 1) + '…' : line;
}

function cannotStart(command: string, why: string): PromptReleaseError {
  return new PromptReleaseError('invalid-usage', `the check command could not start: ${why}; nothing was recorded`, {
    hint: `Check the command (it runs through the shell in the repository root): ${command}`,
  });
}
