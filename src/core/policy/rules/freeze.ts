import type { PolicyRule } from '../policy';
import { scalarValue, setting } from '../settings';

declare module '../config' {
  interface EnvironmentPolicy {
    /** `freeze: "<reason>"`: no new release to this environment while it is there; what is live stays live. */
    freeze?: string;
  }
}

declare module '../policy' {
  interface RequirementCodes {
    frozen: true;
  }
}

/**
 * `freeze: "<reason>"`: the environment takes no new release (a code freeze, an incident)
 * until the key is removed from the policy in force. Only the gate before a new tag asks:
 * what is live stays, and verify of existing releases is unaffected.
 */
export const environmentFreeze = {
  name: 'environment freeze',
  order: 5,
  purposes: ['release'],
  settings: [
    setting({
      key: 'freeze',
      order: 35,
      meaning: 'why new releases to this environment are stopped (a code freeze, an incident); what is live stays live and verifies as before; remove it (or write false) to release again',
      default: undefined,
      defaultText: 'none',
      schema: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'boolean', enum: [false] }], examples: ['end-of-quarter code freeze'] },
      parse(node, { env, fail }) {
        const value = scalarValue(node);
        if (value === false) return undefined;
        if (typeof value !== 'string' || value.trim() === '') fail(`"freeze" of "${env}" must say why releases are stopped, e.g. freeze: "end-of-quarter code freeze" (or be false)`);
        return (value as string).trim();
      },
    }),
  ],
  check(_subject, { env, trustedRef }) {
    if (!env.freeze) return [];
    return [
      {
        code: 'frozen',
        brief: `frozen: ${env.freeze}`,
        message: `${env.name} is frozen: ${env.freeze}; releases resume when \`freeze\` is removed from .promptrelease.yaml on the trusted branch (${trustedRef}) and that change is in force`,
      },
    ];
  },
} satisfies PolicyRule;
