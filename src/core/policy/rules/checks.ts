import { formatIdentity } from '../../ownership/identity';
import type { PolicyRule } from '../policy';
import { formatTime } from '../../common/words';
import { listSetting, setting } from '../settings';

declare module '../config' {
  interface EnvironmentPolicy {
    /** Checks (eval runs, linters, red-team suites) that must have passed on the exact content. */
    checks: string[];
  }
  interface PolicyRecord {
    checks?: string[];
  }
}

/**
 * `checks: [NAME…]`: the latest result of each named check on the exact content is a pass,
 * recorded by someone who did not write the content (as with approvals; anyone's failure counts).
 */
export const requiredChecks = {
  name: 'required checks',
  order: 110,
  purposes: ['release', 'live'],
  settings: [
    setting({
      key: 'checks',
      order: 40,
      meaning: 'checks (evals, linters, red-team suites) whose latest result on the exact content and its includes must be a pass, recorded with `prompt-release check PATH --name NAME --run CMD`; names use letters, digits, `.`, `:`, `_`, `-`',
      default: () => [],
      defaultText: 'none',
      schema: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' }, examples: [['eval', 'lint']] },
      parse: (node, context) =>
        listSetting('checks', node, context, 'a check name', '[eval, lint]', (text, item) => {
          if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(text)) context.fail(`check name "${text}" in "${context.env}" may use only letters, digits, ".", ":", "_" and "-"`, item);
        }),
      record: (value) => (value.length ? value : undefined),
    }),
  ],
  check(subject, { env }, tally) {
    return env.checks.flatMap((name) => {
      const result = tally.checks.get(name);
      const own = tally.selfRecordedChecks.get(name);
      if (!result && own) {
        return [
          {
            code: 'checks' as const,
            message: `needs a passing "${name}" check recorded by someone who did not write this content: the pass on record is by ${formatIdentity(own.record.by)}, who wrote part of it; have CI or a reviewer run it: prompt-release check ${subject.path} --name ${name} --run "<command>"`,
          },
        ];
      }
      if (!result) {
        return [
          {
            code: 'checks' as const,
            message: `needs a passing "${name}" check on this content (none recorded); run it: prompt-release check ${subject.path} --name ${name} --run "<command>"`,
          },
        ];
      }
      if (result.record.result === 'pass') return [];
      const summary = result.record.summary ? `: ${result.record.summary}` : '';
      return [
        {
          code: 'checks' as const,
          message: `check "${name}" failed on this content (recorded by ${formatIdentity(result.record.by)} at ${formatTime(result.record.time)}${summary}); fix the prompt, or record a new passing run`,
        },
      ];
    });
  },
} satisfies PolicyRule;
