/** Where in a user's file a problem sits; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
}

export type ErrorCode =
  | 'not-a-repository'
  | 'no-commits'
  | 'detached-head'
  | 'invalid-config'
  | 'invalid-codeowners'
  | 'unknown-environment'
  | 'unknown-reviewer'
  | 'unknown-identity'
  | 'outside-repository'
  | 'unsafe-path'
  | 'not-a-prompt'
  | 'not-committed'
  | 'uncommitted-changes'
  | 'binary-prompt'
  | 'oversized-prompt'
  | 'unusable-prompt'
  | 'shallow-clone'
  | 'no-trusted-branch'
  | 'self-approval'
  | 'gate-blocked'
  | 'release-conflict'
  | 'not-found'
  | 'git-failed'
  | 'invalid-usage'
  | 'invalid-lock'
  | 'rules-undetermined'
  | 'cancelled';

/**
 * The one error type the engine throws on purpose. Its message is written for the
 * person at the keyboard; `hint` says what to do next. Anything else that escapes is a bug.
 */
export class PromptReleaseError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { location?: SourceLocation; hint?: string; details?: string[] } = {},
  ) {
    super(message);
    this.name = 'PromptReleaseError';
  }

  get location(): SourceLocation | undefined {
    return this.options.location;
  }

  get hint(): string | undefined {
    return this.options.hint;
  }

  get details(): string[] {
    return this.options.details ?? [];
  }
}

export function formatLocation(loc: SourceLocation): string {
  let text = loc.file;
  if (loc.line !== undefined) {
    text += `:${loc.line}`;
    if (loc.col !== undefined) text += `:${loc.col}`;
  }
  return text;
}

/** A problem found in the repository's data that does not stop the command. */
export interface Problem {
  severity: 'error' | 'warning';
  message: string;
  location?: SourceLocation;
  /** The prompt it is about, so a view of some prompts shows only theirs. */
  prompt?: string;
  /** What a grouped line names for it when it is about something else than a prompt (an owner). */
  subject?: string;
  /** Problems with the same cause are shown as one line: "N prompts have no owner in CODEOWNERS". */
  cause?: string;
}
