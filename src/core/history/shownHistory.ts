import { formatIdentity } from '../ownership/identity';
import { shortHash } from '../prompts/hash';
import { promptHistoryOf, type PromptHistoryInput } from './promptHistory';
import { promptTimeline, type TimelineEntry } from './timeline';

/** One line of a prompt's history: what happened, and the sentence that says it (without the time). */
export type ShownEntry = TimelineEntry & { text: string };

/** A prompt's history as the CLI's `history` and the editor's history view both show it. */
export interface ShownHistory {
  path: string;
  /** The path and every earlier name, newest first. */
  names: string[];
  /** Commits (renames among them), reviews, requests, checks, feedback and releases, oldest first. */
  entries: ShownEntry[];
}

/**
 * The one place a prompt's shown history is built, from what the history reader returns:
 * every commit under every name the prompt had, the records about it and its releases, in
 * the order they happened, each with the sentence that tells it.
 */
export function shownHistory(read: PromptHistoryInput & { hashes: Map<string, string> }): ShownHistory {
  const history = promptHistoryOf(read);
  const entries = promptTimeline(history, history.events, read.hashes).map((e) => ({ ...e, text: describeEntry(e) }));
  return { path: history.path, names: history.names, entries };
}

/** What one entry says, the same in the terminal and the editor. */
export function describeEntry(e: TimelineEntry): string {
  switch (e.kind) {
    case 'version': {
      const what = e.deleted ? 'deleted' : e.renamedFrom ? `renamed from ${e.renamedFrom}` : 'changed';
      const who = formatIdentity(e.author) + (e.coAuthors?.length ? ` with ${e.coAuthors.map(formatIdentity).join(', ')}` : '');
      return `${what} in ${e.commit.slice(0, 10)} by ${who}${e.contentHash ? `  ${shortHash(e.contentHash)}` : ''}${e.version ? `  (v${e.version})` : ''}`;
    }
    case 'review':
      return `${e.verdict === 'approve' ? 'approved' : 'changes requested'} by ${formatIdentity(e.by)}  ${shortHash(e.contentHash)}${e.comment ? `  "${e.comment}"` : ''}`;
    case 'review-request':
      return `review requested by ${formatIdentity(e.by)} from ${e.reviewers.join(', ')}`;
    case 'release':
      return `released v${e.version} to ${e.environment} by ${formatIdentity(e.by)}  (${e.tag})`;
    case 'check':
      return `check ${e.name} ${e.result === 'pass' ? 'passed' : 'failed'}, recorded by ${formatIdentity(e.by)}  ${shortHash(e.contentHash)}${e.version ? ` (v${e.version})` : ''}${e.summary ? `  "${e.summary}"` : ''}`;
    case 'feedback': {
      const on = e.environment ? `v${e.version} in ${e.environment}` : `${shortHash(e.contentHash)}${e.version ? ` (v${e.version})` : ''}`;
      return `feedback ${e.id}${e.rating ? ` (${e.rating})` : ''} on ${on} by ${formatIdentity(e.by)}  "${oneLine(e.body)}"`;
    }
  }
}

/** The first line of a text, marked when there is more. */
function oneLine(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  return lines.length > 1 ? `${lines[0]} …` : lines[0];
}
