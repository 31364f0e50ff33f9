import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { decodeRefPath, encodeRefPath, evidenceDigest, parseReleaseTagName, parseTagMessage, releaseTagName } from '../../src/core/releases/releases';
import { SnapshotBuilder } from '../helpers/snapshot';

describe('release tags', () => {
  it('names a tag for any prompt path, readable where possible, and reads it back', () => {
    const paths = ['prompts/support/greeting.prompt.md', '.github/prompts/fix.prompt.md', 'a..b/c.lock', 'sp ace/ü~^:?*[x].prompt', 'x/@{y}/AGENTS.md', '%41.prompt'];
    for (const p of paths) {
      const name = releaseTagName('production', p, 3, 1);
      execFileSync('git', ['check-ref-format', `refs/tags/${name}`]);
      assert.deepStrictEqual(parseReleaseTagName(name), { environment: 'production', prompt: p, version: 3 });
      assert.strictEqual(decodeRefPath(encodeRefPath(p)), p);
    }
    assert.strictEqual(releaseTagName('staging', 'prompts/greeting.prompt.md', 2, 1), 'prompt-release/staging/prompts/greeting.prompt.md/v2');
    assert.strictEqual(releaseTagName('staging', 'prompts/greeting.prompt.md', 2, 3), 'prompt-release/staging/prompts/greeting.prompt.md/v2-3');
  });

  it('detects an edited evidence block and a tag without one', () => {
    const b = new SnapshotBuilder('');
    b.commit({ name: 'C', email: 'c@example.com' }, { 'prompts/a.md': 'x\n' });
    b.release('prompts/a.md', 'staging', 1, { name: 'R', email: 'r@example.com' });
    const model = b.build();
    assert.strictEqual(model.releases.length, 1);
    const ev = model.releases[0].evidence;
    assert.strictEqual(evidenceDigest(ev), ev.digest);
    const message = `Release\n\n-----BEGIN PROMPT RELEASE EVIDENCE-----\n${JSON.stringify({ ...ev, version: 2 })}\n-----END PROMPT RELEASE EVIDENCE-----\n`;
    assert.match((parseTagMessage(message) as { error: string }).error, /does not match its digest/);
    assert.match((parseTagMessage('ship it') as { error: string }).error, /no release evidence block/);
  });
});

describe('release confirmation line counts', () => {
  it('counts added and removed lines', () => {
    const { summarizeChange, formatLineCounts } = require('../../src/core/history/changeSummary');
    const summary = summarizeChange('a.prompt.md', 'a\nb\nc\n', 'a\nB\nc\nd\n');
    assert.deepStrictEqual([summary.linesAdded, summary.linesRemoved], [2, 1]);
    assert.strictEqual(formatLineCounts(summary), '+2 −1 lines');
    assert.strictEqual(formatLineCounts({ linesAdded: 0, linesRemoved: 0 }), 'no line changes');
  });
});
