import { formatIdentity } from '../../ownership/identity';
import type { PolicyRule } from '../policy';
import { formatTime } from '../../shared/words';

/**
 * `checks: [NAME…]`: the latest result of each named check on the exact content is a pass,
 * recorded by someone who did not write the content (as with approvals; anyone's failure counts).
 */
export const requiredChecks: PolicyRule = {
  name: 'required checks',
  purposes: ['release', 'live'],
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
};
