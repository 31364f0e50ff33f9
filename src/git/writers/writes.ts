import * as path from 'path';
import { PromptReleaseError } from '../../core/common/errors';
import type { Identity } from '../../core/ownership/identity';
import { newRecordPath, serializeRecord, type PromptRecord } from '../../core/reviews/records';
import type { GitRunner } from '../runner';
import { checkFolders, createFileNoFollow } from '../safeFs';

/** Signs a tag object's payload: the `-----BEGIN SSH SIGNATURE-----` armour, namespace git. */
export type TagSigner = (payload: Buffer) => Promise<string>;

export interface HeadInfo {
  commit: string;
  /** Absent when HEAD is detached. */
  branch?: string;
}

/**
 * Everything the tool writes to a repository: record commits, release tags, and pushes of
 * them. Nothing here reads to decide; the use cases decide, then write through this.
 */
export class RepositoryWrites {
  constructor(
    private readonly git: GitRunner,
    private readonly root: string,
    /** Where HEAD is now (read again when a write finds the branch moved). */
    private readonly head: () => Promise<HeadInfo>,
  ) {}

  /**
   * Commits one record file on the current branch, authored by `by`, without touching the
   * user's staged or unstaged work: one `git fast-import` writes the blob, the trees and the
   * commit on a private ref; one `git update-ref` moves the branch from the parent the caller
   * decided against (and from nothing else) and drops the private ref; then only the new file
   * is added to the working tree and the user's index. No hook runs and nothing is signed.
   */
  async commitRecord(record: PromptRecord, by: Identity, message: string, knownHead?: HeadInfo): Promise<{ commit: string; path: string }> {
    const recordPath = newRecordPath(record);
    const text = serializeRecord(record);
    const [head, when] = await Promise.all([knownHead ?? this.head(), this.commitTimes()]);
    if (!head.branch) {
      throw new PromptReleaseError('detached-head', 'HEAD is detached, so there is no branch to record this on', {
        hint: 'Check out a branch (git switch main) and try again; read-only commands work on a detached HEAD.',
      });
    }
    // The record's folder in the working tree must not lead through a link (a hostile commit, a
    // merge in progress): checked before anything is committed, and again as the file is written.
    checkFolders(this.root, path.posix.dirname(recordPath), false, { show: (p) => this.relativeName(p) });
    let parent = head.commit;
    for (let attempt = 0; ; attempt++) {
      const scratchRef = `refs/prompt-release/writing/${process.pid}-${Date.now().toString(36)}-${attempt}`;
      const { blob, commit } = await this.writeRecordCommit(scratchRef, parent, recordPath, text, by, when, message);
      try {
        // One transaction: the branch moves only from `parent`, and the private ref goes.
        await this.git.run(['update-ref', '-m', message.split('\n')[0], '--stdin'], { input: `update ${head.branch} ${commit} ${parent}\ndelete ${scratchRef} ${commit}\n` });
      } catch (err) {
        await this.git.run(['update-ref', '-d', scratchRef, commit]).catch(() => undefined);
        // Someone else moved the branch meanwhile: rebuild on top of their commit.
        const now = await this.head();
        if (attempt >= 3 || now.commit === parent || now.branch !== head.branch) throw err;
        parent = now.commit;
        continue;
      }
      try {
        this.placeInWorkingTree(recordPath, text);
      } catch (err) {
        // A link put in the record's way after the check: the record is committed, its copy refused.
        if (err instanceof PromptReleaseError && err.code === 'unsafe-path') throw new PromptReleaseError('unsafe-path', `${err.message}. The record is committed (${commit.slice(0, 12)}); only its copy in the working tree was not written`, { hint: `Remove the link, then: git checkout -- ${recordPath}` });
        throw err;
      }
      await this.git.run(['update-index', '--add', '--cacheinfo', `100644,${blob},${recordPath}`]);
      return { commit, path: recordPath };
    }
  }

  /**
   * When a record commit is made, as git's raw "<seconds> <zone>" for the author and the
   * committer: now, in this machine's zone, unless GIT_AUTHOR_DATE or GIT_COMMITTER_DATE says
   * otherwise, which git itself then reads (any of its date formats).
   */
  private async commitTimes(): Promise<{ author: string; committer: string }> {
    const fromGit = async (variable: 'GIT_AUTHOR_IDENT' | 'GIT_COMMITTER_IDENT') => (await this.git.run(['var', variable])).trim().split(' ').slice(-2).join(' ');
    if (process.env.GIT_AUTHOR_DATE || process.env.GIT_COMMITTER_DATE) {
      const [author, committer] = await Promise.all([fromGit('GIT_AUTHOR_IDENT'), fromGit('GIT_COMMITTER_IDENT')]);
      return { author, committer };
    }
    const offset = -new Date().getTimezoneOffset();
    const zone = `${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}${String(Math.abs(offset) % 60).padStart(2, '0')}`;
    const now = `${Math.floor(Date.now() / 1000)} ${zone}`;
    return { author: now, committer: now };
  }

  /** The blob, trees and commit of one record, in one `git fast-import`, on `ref`; their ids. */
  private async writeRecordCommit(ref: string, parent: string, recordPath: string, text: string, by: Identity, when: { author: string; committer: string }, message: string): Promise<{ blob: string; commit: string }> {
    // Our own names only: fast-import would need quoting for anything else.
    if (!/^[A-Za-z0-9._\/-]+$/.test(recordPath)) throw new PromptReleaseError('invalid-usage', `"${recordPath}" is not a record path this tool writes`);
    const who = `${by.name.replace(/[<>\n]/g, '')} <${by.email.replace(/[<>\n]/g, '')}>`;
    const data = (body: string) => `data ${Buffer.byteLength(body, 'utf8')}\n${body}\n`;
    const stream = [
      'feature done\n',
      'blob\nmark :1\n',
      data(text),
      `commit ${ref}\nmark :2\n`,
      `author ${who} ${when.author}\n`,
      `committer ${who} ${when.committer}\n`,
      data(message),
      `from ${parent}\n`,
      `M 100644 :1 ${recordPath}\n\n`,
      'get-mark :1\nget-mark :2\ndone\n',
    ].join('');
    const [blob, commit] = (await this.git.run(['fast-import', '--quiet', '--date-format=raw'], { input: stream })).trim().split('\n');
    if (!/^[0-9a-f]{40,64}$/.test(blob ?? '') || !/^[0-9a-f]{40,64}$/.test(commit ?? '')) throw new PromptReleaseError('git-failed', 'git fast-import did not say which commit it wrote; nothing was recorded');
    return { blob, commit };
  }

  private placeInWorkingTree(recordPath: string, text: string): void {
    // The name is new and random: created exclusively, never over something already there, and
    // never through a link at the file or at any folder on its way.
    createFileNoFollow(this.root, recordPath, text, { show: (p) => this.relativeName(p) });
  }

  /** A path under the work tree as a repository path, for messages. */
  private relativeName(absolute: string): string {
    const rel = path.relative(this.root, absolute);
    return rel && !rel.startsWith('..') ? rel.split(path.sep).join('/') : absolute;
  }

  /**
   * Creates an annotated tag; fails if it exists, so of two concurrent releases of the same
   * version exactly one wins. The tagger is the releasing identity.
   */
  async createTag(name: string, commit: string, message: string, by: Identity, sign?: TagSigner): Promise<void> {
    await this.createTags([{ name, commit, message, by }], sign);
  }

  /**
   * Creates several annotated tags at once: each tag object is written first, then every ref
   * in one transaction, so either all of them exist afterwards or none does.
   *
   * With `sign`, each tag is signed as `git tag -s` with gpg.format=ssh signs it: the SSH
   * signature (namespace git) over the tag object's payload is appended to the message. Every
   * signature is made before any object is written, and git itself never runs a signing program.
   */
  async createTags(tags: { name: string; commit: string; message: string; by: Identity }[], sign?: TagSigner): Promise<void> {
    if (tags.length === 0) return;
    const seconds = Math.floor(Date.now() / 1000);
    const payloads = tags.map((t) => `object ${t.commit}\ntype commit\ntag ${t.name}\ntagger ${t.by.name} <${t.by.email}> ${seconds} +0000\n\n${t.message}${sign && !t.message.endsWith('\n') ? '\n' : ''}`);
    const texts: string[] = [];
    for (const payload of payloads) {
      // One at a time: a signing key may ask for its passphrase or touch.
      const signature = sign ? await sign(Buffer.from(payload, 'utf8')) : '';
      texts.push(signature ? payload + (signature.endsWith('\n') ? signature : signature + '\n') : payload);
    }
    const objects = await Promise.all(texts.map((text) => this.git.run(['mktag'], { input: text }).then((oid) => oid.trim())));
    const transaction = ['start', ...tags.map((t, i) => `create refs/tags/${t.name} ${objects[i]}`), 'prepare', 'commit', ''].join('\n');
    try {
      await this.git.run(['update-ref', '--stdin'], { input: transaction });
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      const taken = /refs\/tags\/(\S+?)'?:? (?:reference )?already exists/.exec(text)?.[1] ?? tags.find((t) => text.includes(t.name))?.name;
      if (taken || /already exists/.test(text)) {
        throw new PromptReleaseError('release-conflict', `release tag ${taken ?? '(one of them)'} already exists: another release of this version happened at the same time; no tag was created`, {
          hint: 'Run prompt-release status to see what is released now.',
        });
      }
      throw err;
    }
  }

  /** The remote a push goes to: the current branch's upstream remote, else the only or "origin" remote. */
  async pushRemote(): Promise<string> {
    const head = await this.head();
    const remotes = (await this.git.run(['remote'])).split('\n').filter(Boolean);
    const branch = head.branch?.replace('refs/heads/', '');
    if (branch) {
      const upstream = await this.git.run(['config', '--get', `branch.${branch}.remote`]).catch(() => '');
      if (upstream.trim() && remotes.includes(upstream.trim())) return upstream.trim();
    }
    if (remotes.length === 1) return remotes[0];
    if (remotes.includes('origin')) return 'origin';
    throw new PromptReleaseError('not-found', 'this repository has no remote to push the release tag to', {
      hint: 'Add one with "git remote add origin <url>", then push the tag.',
    });
  }

  /**
   * Pushes one release tag atomically. A rejected push is reported as it is and never
   * retried with force: the remote keeps whatever release it already has.
   */
  async pushTag(tag: string): Promise<string> {
    return this.pushTags([tag]);
  }

  /** Pushes release tags in one atomic push: the remote gets all of them or none. */
  async pushTags(tags: string[]): Promise<string> {
    const tag = tags.join(', ');
    if (this.git.refusedSettings.length) {
      throw new PromptReleaseError('git-failed', `pushing was refused: this repository's git configuration names a program (${this.git.refusedSettings.join(', ')}) that prompt-release will not run`, {
        hint: 'Remove that setting (git config --unset …) or push the tag yourself.',
      });
    }
    const remote = await this.pushRemote();
    try {
      // The option outranks remote.<name>.receivepack, which is multi-valued and cannot be overridden with -c.
      await this.git.run(['push', '--atomic', '--porcelain', '--receive-pack=git-receive-pack', '--end-of-options', remote, ...tags.map((t) => `refs/tags/${t}:refs/tags/${t}`)]);
      return remote;
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      const rejected = /rejected|already exists|non-fast-forward/i.test(text);
      throw new PromptReleaseError('release-conflict', rejected ? `${remote} rejected the release tag ${tag}: a tag with that name already exists there` : `pushing ${tag} to ${remote} failed: ${text.split('\n')[0]}`, {
        hint: rejected ? 'Someone released this version at the same time. Fetch tags (git fetch --tags) and check the status; nothing was forced.' : 'Check your connection and credentials, then push again.',
      });
    }
  }
}
