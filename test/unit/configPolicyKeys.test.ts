import * as assert from 'assert';
import { parseConfig, parseDuration, policyRecord } from '../../src/core/policy/config';
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

describe('.promptrelease.yaml: checks, criteria, reviewEvery and escalateAfter', () => {
  it('parses them per environment, and escalateAfter at the top level', () => {
    const config = parseConfig(`environments:
  staging:
    checks: [eval, "promptfoo:brand"]
  production:
    approvals: 2
    criteria: ["brand voice", "no legal claims"]
    reviewEvery: 90d
escalateAfter: 3d
`);
    const [staging, production] = config.environments;
    assert.deepStrictEqual([staging.checks, staging.criteria, staging.reviewEvery], [['eval', 'promptfoo:brand'], [], undefined]);
    assert.deepStrictEqual([production.checks, production.criteria, production.reviewEvery], [[], ['brand voice', 'no legal claims'], { text: '90d', ms: 90 * 86_400_000 }]);
    assert.deepStrictEqual(config.escalateAfter, { text: '3d', ms: 3 * 86_400_000 });
  });

  it('reads lengths of time in minutes, hours, days and weeks, and nothing else', () => {
    assert.deepStrictEqual(['30m', '12h', '90d', '2w', ' 7 d '].map((t) => parseDuration(t)?.ms), [30 * 60_000, 12 * 3_600_000, 90 * 86_400_000, 14 * 86_400_000, 7 * 86_400_000]);
    assert.deepStrictEqual(['0d', '90', '3 days', '1.5d', '-1d', 'd', ''].map((t) => parseDuration(t)), Array(7).fill(undefined));
    assert.strictEqual(parseDuration('090d')?.text, '90d');
  });

  it('writes only the settings that differ from the default into release evidence', () => {
    const [staging, production] = parseConfig('environments:\n  staging: {}\n  production: { checks: [eval], criteria: [tone], reviewEvery: 12w }\n').environments;
    assert.deepStrictEqual(policyRecord(staging), { approvals: 1, ownerApproval: false, requirePrevious: false });
    assert.deepStrictEqual(policyRecord(production), { approvals: 1, ownerApproval: false, requirePrevious: true, checks: ['eval'], criteria: ['tone'], reviewEvery: '12w' });
  });

  it('names file, line and column of a bad length of time', () => {
    failsAt('environments:\n  production:\n    reviewEvery: 90 days\n', /"reviewEvery" of "production" must be a length of time like 90d/, 3, 18);
    failsAt('environments:\n  production: { reviewEvery: 0d }\n', /"reviewEvery" of "production" must be a length of time/, 2, 30);
    failsAt('environments:\n  staging: {}\nescalateAfter: soon\n', /"escalateAfter" must be a length of time like 3d/, 3, 16);
    failsAt('escalateAfter: [3d]\n', /"escalateAfter" must be a length of time/, 1, 16);
  });

  it('names file, line and column of a criterion listed twice, an empty one, or criteria that are not a list', () => {
    failsAt('environments:\n  production:\n    criteria:\n      - brand voice\n      - "brand voice"\n', /"brand voice" is listed twice in "criteria" of "production"/, 5, 9);
    failsAt('environments:\n  production:\n    criteria: ["tone", ""]\n', /each entry of "criteria" in "production" must be a short sentence/, 3, 24);
    failsAt('environments:\n  production:\n    criteria: brand voice\n', /"criteria" of "production" must be a list, e.g. \["brand voice", "no legal claims"\]/, 3, 15);
  });

  it('names file, line and column of a bad check name or a check listed twice', () => {
    failsAt('environments:\n  staging:\n    checks: [eval, "red team"]\n', /check name "red team" in "staging" may use only letters, digits/, 3, 20);
    failsAt('environments:\n  staging:\n    checks: [-lint]\n', /check name "-lint" in "staging"/, 3, 14);
    failsAt('environments:\n  staging: { checks: [eval, eval] }\n', /"eval" is listed twice in "checks" of "staging"/, 2, 29);
    failsAt('environments:\n  staging: { checks: eval }\n', /"checks" of "staging" must be a list, e.g. \[eval, lint\]/, 2, 22);
  });

  it('lists the new keys when a key is unknown', () => {
    failsAt('environments:\n  staging: { check: [eval] }\n', /unknown policy key "check" in "staging" \(expected .*checks, criteria, reviewEvery, signatures\)/, 2, 14);
    failsAt('escalate: 3d\n', /unknown setting "escalate" \(expected .*escalateAfter/, 1, 1);
  });
});
