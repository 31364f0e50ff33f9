import { ZERO_OID, type LogCommit } from '../history/history';
import type { Identity } from './identity';
import type { People } from './people';

/** The people who wrote a content, keyed by person (aliases share a key). */
export type Authors = Map<string, Identity>;

interface BlobOrigin {
  writers: Authors;
  sources: string[];
}

/**
 * Who wrote each content, following content rather than file names: a blob's authors are
 * the author and co-authors of the commit that first produced it, plus the authors of what
 * it was made from (the previous content, the source of a rename or copy, each side of a
 * merge). A blob that already existed elsewhere (a revert, a copy, a merge that takes one
 * side) keeps the authors it had. Inheritance stops at a checkpoint: content that was
 * reviewed and released, whose authors had their work approved by others.
 */
export class Authorship {
  private readonly origins = new Map<string, BlobOrigin>();
  private readonly memo = new Map<string, Authors>();

  /** `log` is parents first. */
  constructor(
    log: LogCommit[],
    private readonly people: People,
    private readonly isCheckpoint: (blob: string) => boolean = () => false,
  ) {
    for (const c of log) {
      for (const change of c.changes) {
        if (change.status === 'D' || change.blob === ZERO_OID || this.origins.has(change.blob)) continue;
        const writers: Authors = new Map();
        for (const who of [c.author, ...c.coAuthors]) writers.set(people.personOf(who.email), who);
        const sources = change.sources.map((s) => s.blob).filter((b) => b !== ZERO_OID && b !== change.blob);
        this.origins.set(change.blob, { writers, sources });
      }
    }
  }

  /** Whether the log shows where this content came from. */
  knows(blob: string): boolean {
    return this.origins.has(blob);
  }

  authorsOf(blob: string): Authors {
    return this.resolve(blob, new Set());
  }

  private resolve(blob: string, visiting: Set<string>): Authors {
    const memo = this.memo.get(blob);
    if (memo) return memo;
    const origin = this.origins.get(blob);
    const result: Authors = new Map(origin?.writers ?? []);
    if (origin && !visiting.has(blob)) {
      visiting.add(blob);
      for (const source of origin.sources) {
        if (this.isCheckpoint(source)) continue;
        for (const [key, who] of this.resolve(source, visiting)) if (!result.has(key)) result.set(key, who);
      }
      visiting.delete(blob);
    }
    this.memo.set(blob, result);
    return result;
  }
}
