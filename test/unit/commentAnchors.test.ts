import * as assert from 'assert';
import { carryLines } from '../../src/core/reviews/commentAnchors';

describe('comment threads carried to a newer version', () => {
  const v1 = 'You are kind.\nAnswer briefly.\nCite sources.\nNever guess.\n';

  it('moves a thread with the lines it is on when lines above were added or removed', () => {
    assert.deepStrictEqual(carryLines(v1, 'Intro.\nMore intro.\n' + v1, 2, 3), { startLine: 4, endLine: 5 });
    assert.deepStrictEqual(carryLines(v1, v1.replace('You are kind.\n', ''), 3, 4), { startLine: 2, endLine: 3 });
  });

  it('leaves a thread on its version when any of its lines changed', () => {
    assert.strictEqual(carryLines(v1, v1.replace('Answer briefly.', 'Answer at length.'), 2, 3), undefined);
    assert.strictEqual(carryLines(v1, v1.replace('Cite sources.\n', 'Cite sources.\nAsk first.\n'), 3, 4), undefined, 'a line inserted inside the range');
    assert.strictEqual(carryLines(v1, '', 1, 1), undefined);
  });

  it('keeps a thread where it is when nothing changed, and when the change is elsewhere', () => {
    assert.deepStrictEqual(carryLines(v1, v1, 2, 2), { startLine: 2, endLine: 2 });
    assert.deepStrictEqual(carryLines(v1, v1 + 'Be safe.\n', 1, 2), { startLine: 1, endLine: 2 });
  });
});
