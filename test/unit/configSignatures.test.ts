import * as assert from 'assert';
import { parseConfig } from '../../src/core/policy/config';
import { PromptReleaseError } from '../../src/core/common/errors';

function failsAt(text: string, message: RegExp, line: number, col: number) {
  assert.throws(
    () => parseConfig(text, 'x/.promptrelease.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof PromptReleaseError, String(err));
      assert.match(err.message, message);
      assert.deepStrictEqual([err.location?.file, err.location?.line, err.location?.col], ['x/.promptrelease.yaml', line, col], err.message);
      return true;
    },
  );
}

describe('.promptrelease.yaml: signers and signatures: required', () => {
  it('reads the signers file path and which environments require signatures', () => {
    const config = parseConfig('signers: .github/allowed_signers\nenvironments:\n  staging: {}\n  production: { signatures: required }\n');
    assert.strictEqual(config.signers, '.github/allowed_signers');
    assert.deepStrictEqual(config.environments.map((e) => e.signatures), [undefined, 'required']);
  });

  it('names file, line and column of a signers path outside the repository or not a path', () => {
    failsAt('signers: /etc/allowed_signers\n', /"signers" must be the path of an allowed-signers file relative to the repository root/, 1, 10);
    failsAt('signers: ../keys\n', /"signers" must be the path of an allowed-signers file/, 1, 10);
    failsAt('environments:\n  staging: {}\nsigners: [a, b]\n', /"signers" must be the path of an allowed-signers file/, 3, 10);
    failsAt('signers:\n', /"signers" must be the path of an allowed-signers file/, 1, 9);
  });

  it('accepts only "required" for signatures, and says so', () => {
    failsAt('environments:\n  production:\n    signatures: optional\n', /"signatures" of "production" accepts only "required"/, 3, 17);
    failsAt('environments:\n  production: { signatures: true }\n', /accepts only "required"/, 2, 29);
  });
});
