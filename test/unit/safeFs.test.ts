import * as assert from 'assert';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { PromptReleaseError } from '../../src/core/common/errors';
import { checkFolders, createFileNoFollow, listTreeNoFollow, removeFileNoFollow, replaceFileNoFollow } from '../../src/git/safeFs';

describe('writing without following links', () => {
  let root: string;
  let base: string;
  let outside: string;

  beforeEach(() => {
    root = realpathSync(mkdtempSync(path.join(tmpdir(), 'prc-safefs-')));
    base = path.join(root, 'base');
    outside = path.join(root, 'outside');
    mkdirSync(base);
    mkdirSync(outside);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const unsafe = (pattern: RegExp) => (err: unknown) => err instanceof PromptReleaseError && err.code === 'unsafe-path' && pattern.test(err.message);

  it('creates missing folders and replaces a file through a temporary file, leaving none behind', () => {
    replaceFileNoFollow(base, 'a/b/file.txt', 'one\n');
    replaceFileNoFollow(base, 'a/b/file.txt', 'two\n');
    assert.strictEqual(readFileSync(path.join(base, 'a/b/file.txt'), 'utf8'), 'two\n');
    assert.deepStrictEqual(readdirSync(path.join(base, 'a/b')), ['file.txt']);
    assert.strictEqual(statSync(path.join(base, 'a/b/file.txt')).mode & 0o022, 0, 'not writable by others');
  });

  it('refuses a link at any folder on the way or at the file, and writes nothing through it', () => {
    mkdirSync(path.join(base, 'a'));
    symlinkSync(outside, path.join(base, 'a', 'b'));
    assert.throws(() => replaceFileNoFollow(base, 'a/b/file.txt', 'x'), unsafe(/a\/b is a symbolic link/));
    assert.throws(() => createFileNoFollow(base, 'a/b/file.txt', 'x'), unsafe(/a\/b is a symbolic link/));
    assert.throws(() => checkFolders(base, 'a/b/c', true), unsafe(/a\/b is a symbolic link/));
    symlinkSync(path.join(outside, 'target.txt'), path.join(base, 'a', 'file.txt'));
    assert.throws(() => replaceFileNoFollow(base, 'a/file.txt', 'x'), unsafe(/a\/file\.txt is a symbolic link/));
    assert.throws(() => createFileNoFollow(base, 'a/file.txt', 'x'), unsafe(/a\/file\.txt is a symbolic link/));
    assert.deepStrictEqual(readdirSync(outside), []);
    assert.ok(lstatSync(path.join(base, 'a', 'file.txt')).isSymbolicLink());
  });

  it('refuses a file where a folder goes, and a path that leaves its base', () => {
    writeFileSync(path.join(base, 'a'), 'a file\n');
    assert.throws(() => replaceFileNoFollow(base, 'a/file.txt', 'x'), unsafe(/a is not a folder/));
    assert.throws(() => replaceFileNoFollow(base, '../outside/file.txt', 'x'), unsafe(/leaves the folder/));
    assert.deepStrictEqual(readdirSync(outside), []);
  });

  it('creates a new file exclusively, never over one already there', () => {
    createFileNoFollow(base, 'new.txt', 'first\n');
    assert.throws(() => createFileNoFollow(base, 'new.txt', 'second\n'), /EEXIST/);
    assert.strictEqual(readFileSync(path.join(base, 'new.txt'), 'utf8'), 'first\n');
  });

  it('removes only regular files, never through a link, and lists a tree without descending into links', () => {
    writeFileSync(path.join(outside, 'victim.txt'), 'keep\n');
    symlinkSync(outside, path.join(base, 'link'));
    writeFileSync(path.join(base, 'mine.txt'), 'mine\n');
    assert.throws(() => removeFileNoFollow(base, 'link/victim.txt'), unsafe(/link is a symbolic link/));
    assert.strictEqual(readFileSync(path.join(outside, 'victim.txt'), 'utf8'), 'keep\n');
    assert.deepStrictEqual(
      listTreeNoFollow(base).map((e) => [e.path, e.kind]).sort(),
      [['link', 'link'], ['mine.txt', 'file']],
    );
    assert.strictEqual(removeFileNoFollow(base, 'mine.txt'), true);
    assert.strictEqual(removeFileNoFollow(base, 'mine.txt'), false);
  });
});
