#!/usr/bin/env node
/*
 * The prompt-release command. It starts the program (cliProgram.js, next to this file) with
 * V8's code cache for it, kept beside it as cliProgram.js.cache: a CLI run is short, and
 * compiling the 800 KB program, then each function it calls, is 50 to 90 ms of every run.
 *
 * The cache is written at the end of the first run of each command (a later one adds what it
 * compiled), by the same account that installed the program: whoever can write there can
 * already change the program itself, and nothing is read from anywhere else (never the shared
 * temp folder, where another user could plant code). V8 refuses data that does not match this
 * source, Node version and flags, and we check a digest of every byte first; data that fails
 * either is replaced. A cache that cannot be read or
 * written only costs the time saved: the command runs the same.
 */
import { createHash } from 'crypto';
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { setFlagsFromString } from 'v8';
import { Script } from 'vm';

const PROGRAM = path.join(__dirname, 'cliProgram.js');
const CACHE = `${PROGRAM}.cache`;
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

interface CodeCache {
  /** The commands whose compiled functions the data holds. */
  commands: string[];
  /** sha256 of the program the data was made from. */
  program: string;
  data: Buffer;
}

/**
 * V8 checks that data was made for this Node and flags, but of the source only its length, and
 * not every byte of the data: a program of the same length (an upgrade) would run stale code,
 * and a damaged file could crash the process. Both are checked by digest before V8 sees them.
 */
const digestOf = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function readFileNoFollow(file: string): Buffer {
  const fd = openSync(file, constants.O_RDONLY | NOFOLLOW);
  try {
    const size = fstatSync(fd).size;
    const bytes = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, bytes, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return bytes.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

function readCache(program: string): CodeCache | undefined {
  try {
    const bytes = readFileNoFollow(CACHE);
    const end = bytes.indexOf(0x0a);
    const header = JSON.parse(bytes.subarray(0, end).toString('utf8')) as { commands?: unknown; program?: unknown; sha256?: unknown };
    if (header.program !== program) return undefined;
    const commands = Array.isArray(header.commands) ? header.commands.filter((c): c is string => typeof c === 'string') : [];
    const data = bytes.subarray(end + 1);
    return header.sha256 === digestOf(data) ? { commands, program, data } : undefined;
  } catch {
    return undefined;
  }
}

/** Written under a new name (created exclusively, never through a link), then renamed over the old cache. */
function writeCache(cache: CodeCache): void {
  const temporary = `${CACHE}.${process.pid}.${Date.now().toString(36)}`;
  try {
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o644);
    try {
      const bytes = Buffer.concat([Buffer.from(`${JSON.stringify({ commands: cache.commands, program: cache.program, sha256: digestOf(cache.data) })}\n`, 'utf8'), cache.data]);
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, CACHE);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was created.
    }
  }
}

/**
 * V8 optimises a function once it has run for a while (its interrupt budget). A command lasts
 * a second or less, and optimising code it stops using soon after took a core from the git
 * processes it waits on (2-core machines): a longer budget leaves the short-lived functions to
 * the baseline compilers, while the loops of a large repository still get optimised.
 */
const INTERRUPT_BUDGET = 400_000;

function start(): void {
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
  const bytes = readFileNoFollow(PROGRAM);
  const program = digestOf(bytes);
  const source = bytes.toString('utf8');
  const cache = readCache(program);
  const command = /^[a-z][a-z-]*$/.test(process.argv[2] ?? '') ? process.argv[2] : '';
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: PROGRAM, cachedData: cache?.data });
  const usable = cache !== undefined && !script.cachedDataRejected;
  if (!usable || !cache.commands.includes(command)) {
    process.on('exit', () => {
      try {
        writeCache({ commands: [...(usable ? cache.commands : []), command], program, data: script.createCachedData() });
      } catch {
        // The next run compiles again.
      }
    });
  }
  const module = { exports: {}, filename: PROGRAM, id: PROGRAM, loaded: false };
  const run = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: unknown, filename: string, dirname: string) => void;
  run(module.exports, createRequire(PROGRAM), module, PROGRAM, path.dirname(PROGRAM));
}

start();
