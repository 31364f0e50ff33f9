import * as assert from 'assert';
import { parseCatFileBatch, parseLog, parseStatus, parseTags } from '../../src/git/parse';

describe('git output parsers', () => {
  it('reads log records with raw changes, including paths with spaces', () => {
    const out = '\x01' + ['c1', '1700000000', 'a@example.com', 'A B', '', '\n:000000 100644 0000 b1 A', 'p/a b.md', ':100644 000000 b0 0000 D', 'p/gone.md', ''].join('\0') + '\x01' + ['c0', '1600000000', 'z@example.com', 'Z', '', '\n:000000 100644 0000 b0 A', 'p/gone.md', ''].join('\0');
    const log = parseLog(out);
    assert.strictEqual(log.length, 2);
    assert.deepStrictEqual(log[0].changes, [{ path: 'p/a b.md', status: 'A', blob: 'b1' }, { path: 'p/gone.md', status: 'D', blob: '0000' }]);
    assert.deepStrictEqual(log[1].author, { email: 'z@example.com', name: 'Z' });
  });

  it('splits cat-file batch output by size, so content may contain newlines and NULs', () => {
    const out = Buffer.concat([Buffer.from('aaa blob 5\n'), Buffer.from([1, 10, 0, 10, 2]), Buffer.from('\nbbb missing\nccc blob 0\n\n')]);
    const objects = parseCatFileBatch(out, 3);
    assert.deepStrictEqual([...objects[0]!.bytes], [1, 10, 0, 10, 2]);
    assert.strictEqual(objects[1], undefined);
    assert.strictEqual(objects[2]!.bytes.length, 0);
  });

  it('reads tag records whose messages span lines', () => {
    const rec = (name: string, msg: string) => ['refs/tags/' + name, 'tag', 't1', 'c1', 'Dave', 'dave@example.com', '1700000000', msg].join('\0') + '\0\x1e\n';
    const tags = parseTags(rec('prompt-release/a/v1', 'line 1\n\nline 3\n') + rec('prompt-release/b/v1', 'x'));
    assert.strictEqual(tags.length, 2);
    assert.strictEqual(tags[0].message, 'line 1\n\nline 3\n');
    assert.strictEqual(tags[1].commit, 'c1');
  });

  it('maps porcelain status to working-copy states', () => {
    const map = parseStatus(' M a.md\0?? b.md\0D  c.md\0A  d.md\0');
    assert.deepStrictEqual([...map], [['a.md', 'modified'], ['b.md', 'untracked'], ['c.md', 'deleted'], ['d.md', 'untracked']]);
  });
});
