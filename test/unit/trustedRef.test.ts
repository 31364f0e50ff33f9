import * as assert from 'assert';
import { PromptReleaseError } from '../../src/core/common/errors';
import { candidateRefs, chooseTrustedRef, localBranchName, type ExistingRef } from '../../src/core/policy/trustedRef';

const commit = (ref: string, object = 'a'.repeat(40)): ExistingRef => ({ ref, object, type: 'commit' });

function refusal(name: string, existing: ExistingRef[]): string {
  try {
    chooseTrustedRef(name, existing);
  } catch (err) {
    assert.ok(err instanceof PromptReleaseError);
    assert.strictEqual(err.code, 'no-trusted-branch');
    return err.message;
  }
  assert.fail(`${name} was not refused`);
}

describe('the trusted branch by full ref name', () => {
  it("lists what a short name may mean, in git's order, and a full name as itself", () => {
    assert.deepStrictEqual(candidateRefs('origin/main'), ['refs/origin/main', 'refs/tags/origin/main', 'refs/heads/origin/main', 'refs/remotes/origin/main', 'refs/remotes/origin/main/HEAD']);
    assert.deepStrictEqual(candidateRefs('refs/remotes/origin/main'), ['refs/remotes/origin/main']);
  });

  it('resolves a short name that one branch answers to, by its full name', () => {
    assert.deepStrictEqual(chooseTrustedRef('origin/main', [commit('refs/remotes/origin/main', 'b'.repeat(40))]), { ref: 'refs/remotes/origin/main', commit: 'b'.repeat(40) });
    assert.deepStrictEqual(chooseTrustedRef('main', [commit('refs/heads/main'), commit('refs/heads/main/old')]).ref, 'refs/heads/main', 'a ref below the name is not the name');
    assert.deepStrictEqual(chooseTrustedRef('origin', [{ ...commit('refs/remotes/origin/HEAD'), symref: 'refs/remotes/origin/main' }]).ref, 'refs/remotes/origin/main');
  });

  it('refuses a short name more than one ref answers to, naming the branch in full', () => {
    const tag = refusal('origin/main', [commit('refs/tags/origin/main'), commit('refs/remotes/origin/main')]);
    assert.strictEqual(tag, 'origin/main is ambiguous: refs/tags/origin/main and refs/remotes/origin/main; name one in full: --trusted refs/remotes/origin/main');
    // Refused even when both name the same commit: which ref is trusted must not depend on where an attacker's ref points.
    const branch = refusal('origin/main', [commit('refs/heads/origin/main'), commit('refs/remotes/origin/main')]);
    assert.match(branch, /refs\/heads\/origin\/main and refs\/remotes\/origin\/main; name one in full: --trusted refs\/remotes\/origin\/main or --trusted refs\/heads\/origin\/main$/);
  });

  it('never trusts a tag, a ref outside refs/heads and refs/remotes, or something that is not a commit', () => {
    assert.match(refusal('v1', [commit('refs/tags/v1')]), /v1 names refs\/tags\/v1, which is not a branch: a tag is never a trusted branch/);
    assert.match(refusal('refs/tags/main', [commit('refs/tags/main')]), /is not a branch/);
    assert.match(refusal('notes/x', [commit('refs/notes/x')]), /not a branch/);
    assert.match(refusal('main', [{ ref: 'refs/heads/main', object: 'c'.repeat(40), type: 'tree' }]), /names a tree, not a commit/);
    assert.match(refusal('main', []), /the trusted branch "main" does not exist in this clone/);
  });

  it('names the branch to check out for a trusted ref', () => {
    assert.strictEqual(localBranchName('refs/heads/release/2026'), 'release/2026');
    assert.strictEqual(localBranchName('refs/remotes/origin/main'), 'main');
  });
});
