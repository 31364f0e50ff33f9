/** A git identity as recorded in commits and review records. */
export interface Identity {
  name: string;
  email: string;
}

/** Emails identify people; git treats them case-insensitively in practice. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function formatIdentity(id: Identity): string {
  return id.name ? `${id.name} <${id.email}>` : `<${id.email}>`;
}

/** Parses the output of `git var GIT_AUTHOR_IDENT`: `Name <email> 1700000000 +0000`. */
export function parseIdent(ident: string): Identity & { time?: Date } {
  const match = /^(.*?)\s*<([^>]*)>\s*(\d+)?/.exec(ident.trim());
  if (!match) throw new Error(`unexpected git identity: ${ident}`);
  const [, name, email, seconds] = match;
  return { name, email, time: seconds ? new Date(Number(seconds) * 1000) : undefined };
}
