import * as assert from 'assert';
import { type CommitSides, parseCatFileBatch, parseLog, parseStatus, parseTags, StreamedLog } from '../../src/git/parse';

describe('git output parsers', () => {
  it('reads log records with raw changes, renames, merges and co-authors, including paths with spaces', () => {
    const commit = (id: string, parents: string, who: string, trailers: string, ...entries: string[]) =>
      '\x01' + [id, parents, '1700000000', who, 'Name', trailers, '', ...entries, ''].join('\0');
    const out =
      commit('c1', 'c0', 'a@example.com', 'Zed <z@example.com>\x1fYan <y@example.com>', '\n:000000 100644 0000 b1 A', 'p/a b.md', ':100644 000000 b0 0000 D', 'p/gone.md') +
      commit('c2', 'c1', 'r@example.com', '', '\n:100644 100644 b1 b1 R100', 'p/a b.md', 'p/moved.md') +
      commit('m', 'c2 s1', 'm@example.com', '', '\n::100644 100644 100644 b1 s2 b9 MM', 'p/moved.md');
    const log = parseLog(out);
    assert.strictEqual(log.length, 3);
    assert.deepStrictEqual(log[0].changes, [
      { path: 'p/a b.md', status: 'A', blob: 'b1', mode: '100644', sources: [] },
      { path: 'p/gone.md', status: 'D', blob: '0000', mode: '000000', sources: [{ path: 'p/gone.md', blob: 'b0' }] },
    ]);
    assert.deepStrictEqual(log[0].coAuthors, [{ name: 'Zed', email: 'z@example.com' }, { name: 'Yan', email: 'y@example.com' }]);
    assert.deepStrictEqual(log[0].parents, ['c0']);
    assert.deepStrictEqual(log[1].changes, [{ path: 'p/moved.md', status: 'R', blob: 'b1', mode: '100644', sources: [{ path: 'p/a b.md', blob: 'b1' }] }]);
    assert.deepStrictEqual(log[2].parents, ['c2', 's1']);
    assert.deepStrictEqual(log[2].changes, [{ path: 'p/moved.md', status: 'M', blob: 'b9', mode: '100644', sources: [{ path: 'p/moved.md', blob: 'b1' }, { path: 'p/moved.md', blob: 's2' }], merge: true }]);
  });

  it('with a filter, leaves out a commit that kept no change unless it is a merge, and still says what each commit added or deleted', () => {
    const commit = (id: string, parents: string, who: string, ...entries: string[]) => '\x01' + [id, parents, '1700000000', who, 'Name', '', '', ...entries, ''].join('\0');
    const out =
      commit('c1', 'c0', 'a@example.com', '\n:000000 100644 0000 b1 A', 'p/a.prompt.md') +
      commit('c2', 'c1', 'b@example.com', '\n:000000 100644 0000 b2 A', 'docs/readme.txt', ':100644 000000 b3 0000 D', 'docs/old.txt') +
      commit('m', 'c2 s1', 'm@example.com', '\n::100644 100644 100644 b2 s2 b9 MM', 'docs/readme.txt') +
      commit('c3', 'm', 'c@example.com', '\n:100644 100644 b1 b4 M', 'p/a.prompt.md');
    const sides = new Map<string, CommitSides>();
    const log = parseLog(out, (p) => p.endsWith('.prompt.md'), sides);
    assert.deepStrictEqual(log.map((c) => [c.commit, c.parents, c.author.email, c.changes.length]), [
      ['c1', ['c0'], 'a@example.com', 1],
      ['m', ['c2', 's1'], 'm@example.com', 0],
      ['c3', ['m'], 'c@example.com', 1],
    ]);
    assert.deepStrictEqual(sides.get('c2'), { added: true, deleted: true }, 'a commit left out still says what it added and deleted');
    assert.strictEqual(parseLog(out).length, 4, 'without a filter every commit is read');
  });

  it('parses a log read while git writes it exactly as the whole text, wherever the pieces break and whenever the filter comes', async () => {
    const commit = (id: string, parents: string, ...entries: string[]) => '\x01' + [id, parents, '1700000000', 'a@example.com', 'Ané Ü', '', '', ...entries, ''].join('\0');
    const out = Array.from({ length: 12 }, (_, i) =>
      commit(`c${i}`, i ? `c${i - 1}` : '', `\n:000000 100644 0000 b${i} A`, `p/ü${i}.prompt.md`, ':100644 000000 b0 0000 D', `other/${i}.txt`),
    ).join('');
    const keep = (p: string) => p.endsWith('.prompt.md');
    const wholeSides = new Map<string, CommitSides>();
    const whole = parseLog(out, keep, wholeSides);
    const bytes = Buffer.from(out, 'utf8');
    for (const size of [1, 5, 33, 200, bytes.length]) {
      for (const filterAfter of [0, 3, 1000]) {
        let feed!: (text: string) => void;
        let finish!: (whole: string) => void;
        const streamed = new StreamedLog((onText) => new Promise<string>((resolve) => ((feed = onText), (finish = resolve))));
        const decoder = new (require('string_decoder').StringDecoder)('utf8');
        let asked: Promise<{ log: unknown; sides: Map<string, CommitSides> }> | undefined;
        for (let at = 0, n = 0; at < bytes.length; at += size, n++) {
          if (n === filterAfter) asked = streamed.commits(keep);
          feed(decoder.write(bytes.subarray(at, at + size)));
        }
        asked ??= streamed.commits(keep);
        finish(out);
        const got = await asked;
        assert.deepStrictEqual(got.log, whole, `pieces of ${size} bytes, filter after ${filterAfter}`);
        assert.deepStrictEqual(got.sides, wholeSides);
        // Another filter reads the whole text again.
        const other = await streamed.commits((p) => p.startsWith('other/'));
        assert.deepStrictEqual(other.log, parseLog(out, (p) => p.startsWith('other/')));
      }
    }
  });

  it('splits cat-file batch output by size, so content may contain newlines and NULs', () => {
    const out = Buffer.concat([Buffer.from('aaa blob 5\n'), Buffer.from([1, 10, 0, 10, 2]), Buffer.from('\nbbb missing\nccc blob 0\n\n')]);
    const objects = parseCatFileBatch(out, 3);
    assert.deepStrictEqual([...objects[0]!.bytes], [1, 10, 0, 10, 2]);
    assert.strictEqual(objects[1], undefined);
    assert.strictEqual(objects[2]!.bytes.length, 0);
  });

  it('reads tag records whose messages span lines', () => {
    const rec = (name: string, msg: string) => ['refs/tags/' + name, 'tag', 't1', 'c1', 'Dave', 'dave@example.com', '1700000000', 'commit', msg].join('\0') + '\0\x1e\n';
    const tags = parseTags(rec('prompt-release/a/v1', 'line 1\n\nline 3\n') + rec('prompt-release/b/v1', 'x'));
    assert.strictEqual(tags.length, 2);
    assert.strictEqual(tags[0].message, 'line 1\n\nline 3\n');
    assert.strictEqual(tags[1].commit, 'c1');
    assert.strictEqual(tags[1].targetType, 'commit');
  });

  it('reads a signed tag object whole: the signature and the exact payload it covers', () => {
    const payload = 'object c1\ntype commit\ntag prompt-release/a/v1\ntagger Dave <dave@example.com> 1700000000 +0000\n\nRelease\n';
    const signature = '-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n';
    const rec = ['refs/tags/prompt-release/a/v1', 'tag', 't1', 'c1', 'Dave', '<dave@example.com>', '1700000000', 'commit', 'Release\n' + signature, payload + signature].join('\0') + '\0\x1e\n';
    const unsigned = ['refs/tags/prompt-release/b/v1', 'tag', 't2', 'c1', 'Dave', '<dave@example.com>', '1700000000', 'commit', 'Release\n', payload].join('\0') + '\0\x1e\n';
    const [signed, plain] = parseTags(rec + unsigned);
    assert.deepStrictEqual([signed.signature, signed.payload], [signature, payload]);
    assert.deepStrictEqual([plain.signature, plain.payload], [undefined, undefined]);
  });

  it('maps porcelain status to working-copy states', () => {
    const map = parseStatus(' M a.md\0?? b.md\0D  c.md\0A  d.md\0');
    assert.deepStrictEqual([...map], [['a.md', 'modified'], ['b.md', 'untracked'], ['c.md', 'deleted'], ['d.md', 'untracked']]);
  });
});
