import type { ErrorCode } from '../core/common/errors';

/** Documented in the README; CI scripts depend on them. */
export const EXIT = {
  ok: 0,
  /** The gate is blocked, verify found problems, or a sign-off was refused. */
  refused: 1,
  /** The command line is wrong: unknown command or option, a path that is not a prompt. */
  usage: 2,
  /** The repository cannot be worked on: not a git repository, invalid config, git failed. */
  environment: 3,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'self-approval':
    case 'uncommitted-changes':
    case 'not-committed':
    case 'binary-prompt':
    case 'oversized-prompt':
    case 'unusable-prompt':
    case 'gate-blocked':
    case 'release-conflict':
    case 'detached-head':
    case 'invalid-lock':
    case 'unsafe-path':
      return EXIT.refused;
    case 'invalid-usage':
    case 'unknown-environment':
    case 'not-a-prompt':
    case 'outside-repository':
    case 'not-found':
    case 'unknown-reviewer':
      return EXIT.usage;
    default:
      return EXIT.environment;
  }
}
