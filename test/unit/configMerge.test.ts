import * as assert from 'assert';
import { parseConfig } from '../../src/core/policy/config';
import { PromptReleaseError } from '../../src/core/common/errors';
import { mergeMethodWarning } from '../../src/core/model/pullRequest';

describe('config: merge (how pull requests are merged)', () => {
  it('defaults to merge commits and accepts merge, squash and rebase', () => {
    assert.strictEqual(parseConfig('prompts: ["**/*.prompt"]\n').merge, undefined);
    for (const m of ['merge', 'squash', 'rebase']) assert.strictEqual(parseConfig(`merge: ${m}\n`).merge, m);
  });

  it('refuses another value, naming file, line and column', () => {
    assert.throws(
      () => parseConfig('prompts: ["**/*.prompt"]\nmerge: fast-forward\n'),
      (err: unknown) => err instanceof PromptReleaseError && /"merge" must be merge, squash or rebase.*"fast-forward"/.test(err.message) && err.location?.line === 2 && err.location?.col === 8,
    );
  });

  it('warns with the word squash where evidence is unsigned, not where every environment requires signatures', () => {
    const unsigned = parseConfig('merge: squash\n');
    assert.match(mergeMethodWarning(unsigned) ?? '', /squash.*sign records.*merge commits/);
    assert.match(mergeMethodWarning(parseConfig('merge: rebase\n')) ?? '', /squash/);
    assert.strictEqual(mergeMethodWarning(parseConfig('merge: merge\n')), undefined);
    const signed = parseConfig('signers: .github/allowed_signers\nmerge: squash\nenvironments:\n  prod: { approvals: 1, signatures: required }\n');
    assert.strictEqual(mergeMethodWarning(signed), undefined);
  });
});
