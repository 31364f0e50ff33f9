import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { standardRepo, type TempRepo } from '../helpers/gitFixture';

/**
 * The command starts its program with V8's code cache kept beside it (src/cli/bin.ts). Each
 * case runs a private copy of dist/, so no other test sees its cache.
 */
const DIST = path.resolve(__dirname, '../../../dist');

describe('the CLI code cache', function () {
  let repo: TempRepo;
  let dir: string;
  let cache: string;
  beforeEach(() => {
    repo = standardRepo();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prc-bin-'));
    for (const f of ['cli.js', 'cliProgram.js']) fs.copyFileSync(path.join(DIST, f), path.join(dir, f));
    cache = path.join(dir, 'cliProgram.js.cache');
  });
  afterEach(() => {
    repo.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(dir, 'cli.js'), ...args], { cwd: repo.dir, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const commandsIn = () => JSON.parse(fs.readFileSync(cache).subarray(0, fs.readFileSync(cache).indexOf(0x0a)).toString('utf8')).commands as string[];

  it('is written by the first run of a command, used as it is by the next, and grows with each new command', () => {
    const first = run('status', '--json');
    assert.strictEqual(first.code, 0, first.stderr);
    assert.deepStrictEqual(commandsIn(), ['status']);
    const written = fs.statSync(cache);
    const again = run('status', '--json');
    assert.strictEqual(again.stdout, first.stdout);
    // Accepted by V8 (a rejected cache would have been written again).
    const after = fs.statSync(cache);
    assert.strictEqual(after.ino, written.ino);
    assert.strictEqual(after.mtimeMs, written.mtimeMs);
    assert.strictEqual(run('verify').code, 0);
    assert.deepStrictEqual(commandsIn(), ['status', 'verify']);
  });

  it('replaces damaged data, or data V8 refuses, and never changes what the command prints', () => {
    const clean = run('status', '--json');
    const bytes = fs.readFileSync(cache);
    const start = bytes.indexOf(0x0a) + 1;
    const header = JSON.parse(bytes.subarray(0, start - 1).toString('utf8'));
    // Damaged bytes under the header that vouched for the intact ones: never handed to V8.
    const damagedBytes = Buffer.from(bytes.subarray(start));
    for (let i = 16; i < damagedBytes.length; i += 97) damagedBytes[i] ^= 0xff;
    fs.writeFileSync(cache, Buffer.concat([Buffer.from(JSON.stringify({ ...header, commands: ['status', 'verify'] }) + '\n'), damagedBytes]));
    const damaged = run('status', '--json');
    assert.strictEqual(damaged.code, 0, damaged.stderr);
    assert.strictEqual(damaged.stdout, clean.stdout);
    assert.deepStrictEqual(commandsIn(), ['status'], 'the refused data and its command list were replaced');
    // Intact bytes made for another build of the same length (V8 compares only the length): replaced too.
    const other = fs.readFileSync(cache);
    const otherStart = other.indexOf(0x0a) + 1;
    const programFile = path.join(dir, 'cliProgram.js');
    const original = fs.readFileSync(programFile, 'utf8');
    const sameLength = original.replace(/"--format=/, '"--FORMAT=');
    assert.notStrictEqual(sameLength, original);
    assert.strictEqual(sameLength.length, original.length);
    fs.writeFileSync(programFile, sameLength);
    const otherHeader = JSON.parse(other.subarray(0, otherStart - 1).toString('utf8'));
    fs.writeFileSync(cache, Buffer.concat([Buffer.from(JSON.stringify({ ...otherHeader, commands: ['status', 'verify'] }) + '\n'), other.subarray(otherStart)]));
    run('status', '--json');
    assert.deepStrictEqual(commandsIn(), ['status'], 'the cache of the other build was not used, and was replaced');
    assert.strictEqual(JSON.parse(fs.readFileSync(cache).subarray(0, fs.readFileSync(cache).indexOf(0x0a)).toString('utf8')).program, createHash('sha256').update(sameLength).digest('hex'));
    fs.writeFileSync(programFile, original);
    run('status', '--json');
    fs.writeFileSync(cache, 'not a cache at all');
    assert.strictEqual(run('status', '--json').stdout, clean.stdout);
    assert.deepStrictEqual(commandsIn(), ['status']);
  });

  it('never writes through a link put at its name, and runs when the cache cannot be written', () => {
    const victim = path.join(repo.dir, 'victim.txt');
    fs.writeFileSync(victim, 'keep me\n');
    fs.symlinkSync(victim, cache);
    const linked = run('status', '--json');
    assert.strictEqual(linked.code, 0, linked.stderr);
    assert.strictEqual(fs.readFileSync(victim, 'utf8'), 'keep me\n');
    assert.ok(!fs.lstatSync(cache).isSymbolicLink(), 'the link itself was replaced by the cache');
    fs.rmSync(cache);
    fs.mkdirSync(cache);
    const blocked = run('status', '--json');
    assert.strictEqual(blocked.code, 0, blocked.stderr);
    assert.strictEqual(blocked.stdout, linked.stdout);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['cli.js', 'cliProgram.js', 'cliProgram.js.cache'], 'no temporary file is left behind');
  });
});
