export const USAGE = `prompt-release — owners, reviews and gated releases for prompts kept in git

Usage: prompt-release <command> [options]

Commands:
  init [--dry-run]                       propose what to review, then write .promptrelease.yaml
  status [paths…]                        owners, state, approvals and versions of every prompt
  status --attention [paths…]            what someone must act on: disputed live versions,
                                         overdue review requests, reviews due
  review <path> --approve | --request-changes [-m TEXT] [--confirm TEXT|all…]
                                         sign off on the committed content of a prompt
  check <path> --name NAME (--pass | --fail | --run CMD) [-m TEXT] [--details FILE]
                                         record a check (eval, lint) result on the content
  feedback <path> [--env ENV] -m TEXT [--rating good|bad]
                                         report how the version in use behaves
  request-review <path> --reviewer WHO… [-m TEXT]
                                         ask owners or people to review the committed content
  gate <path> [--env ENV] [--version vN] exit 0 if the prompt may be released to ENV, 1 if not
  release <path> [--env ENV] [--version vN]
                                         run the gate, then create the release tag;
                                         --version re-releases an earlier version (rollback)
  release --all --env ENV [--dry-run] [--push]
                                         a release train: every prompt the gate allows, together
  diff <path> [--from ENV|vN|approved|HEAD] [--to vN|HEAD|working]
                                         unified diff between two versions
  history <path>                         versions, reviews, checks, feedback and releases over time
  verify [--strict] [--lock FILE]        check every release tag, and that what is live meets
                                         today's policy on the trusted branch (CI); --strict
                                         fails on reviews due too; --lock checks a deployed
                                         export for drift
  show <path> --env ENV                  print the content of the version live in ENV
  export --env ENV --out DIR [paths…]    write the versions live in ENV and a lock file to DIR
  changelog --env ENV [--since REF|DATE] Markdown release notes of what changed in ENV
  install-hook [--remove]                opt-in pre-push guard: release tags must pass verify
  signers                                who may sign (the trusted signers file) and which
                                         keys were seen signing records and release tags
  pr-report --base REF [--json | --format markdown]
                                         what the gate will say about this branch's prompts
                                         once merged into REF (pull requests, CI)

Options:
  --json        print one JSON document instead of text
  --verbose     list every problem on its own line (by default, one line per kind:
                a count and the first few)
  -C <dir>      run as if started in <dir>
  --trusted B   the protected branch whose tip holds the policy and the evidence, best
                in full (refs/remotes/origin/main); a short name that a tag or another
                branch could also mean is refused (default: trustedBranch in the
                configuration, else origin's default branch, main or master)
  -h, --help    show help for a command

Exit codes: 0 success · 1 blocked, refused, a failed check recorded or verification failed · 2 invalid usage · 3 repository or configuration error`;

export const COMMAND_HELP: Record<string, string> = {
  init: `prompt-release init [--dry-run] [--force]

Shows what it finds before writing anything: the prompt files in the built-in formats, by
kind; files outside them that look like prompts (agent command templates in commands/
folders, agentic workflows), proposed as globs with a count each; link indexes (a file that
only lists many prompts), proposed under exclude. Then writes .promptrelease.yaml with that
proposal, a staging and a production environment, and a people map proposed from the
CODEOWNERS handles and the commit history (check it), every setting explained. --dry-run
shows the proposal and writes nothing. Refuses to overwrite an existing file unless --force
is given (the old file is kept as .bak, or .bak.2 and so on when that exists). A
configuration that is a symbolic link is refused.`,
  status: `prompt-release status [paths…] [--summary] [--state STATE] [--owner @HANDLE] [--env ENV] [--mine] [--json]
prompt-release status --attention [paths…] [--json]

For each prompt (or those under the given paths): owners, short content hash, state
(draft, in review, changes requested, approved for ENV, released to ENV as vN, modified
since release), where it is live, and approvals counted/required per environment. Up to 5
prompts are shown in detail, more one line each with a summary. The detailed view also
shows what a prompt includes (partials, files, linked prompts) and how many prompts use it,
the result of each check an environment requires, a live version due for review, and open
feedback ("2 reports on v4 in production"). --summary prints only the counts per state and
environment. Filters: --state in the words status prints ("in review", "changes requested",
"approved for staging", "released to production", "modified since release", "draft") or as
ids (in-review, approved, …), any case; --owner, --env (live there), --mine (you own it,
wrote it, or were asked to review it). Approvals never read as met while another rule keeps
the gate shut ("approvals 2/2, none from a code owner yet"). Warnings go to stderr, one line
per kind with a count and the first few; --verbose lists every one, --json has them all.

--attention lists what someone must act on, most urgent first, one line each with the
prompt, what it is and who can resolve it: disputed (a change request on a version that is
live), overdue (a review request unanswered for longer than escalateAfter), review due (a
live version whose latest approval is older than its environment's reviewEvery).`,
  review: `prompt-release review <path> --approve | --request-changes [-m TEXT] [--confirm TEXT…] [--json]

Records a sign-off on the committed content of <path>, and of every file it includes, as its
own commit, authored by you (git var GIT_AUTHOR_IDENT). Refuses when the working copy differs
from the commit and when you wrote part of the content or of what it includes
(self-approval). A change request needs -m with a reason.

--confirm "CRITERION" (repeatable) confirms one of the review criteria of the policy, word
for word; --confirm all confirms every one. An approval counts for an environment only when
it confirms each of that environment's criteria; the command says where it will not count.`,
  'request-review': `prompt-release request-review <path> --reviewer WHO [--reviewer WHO…] [-m TEXT] [--json]

Records a review request naming owners (@handle) or emails, so reviewers see it after a pull.`,
  check: `prompt-release check <path> --name NAME (--pass | --fail | --run "COMMAND") [-m SUMMARY] [--details FILE] [--json]

Records the result of a check (an eval run, a linter, a red-team suite) on the committed
content of <path> and of everything it includes, as its own commit. An environment whose
policy lists NAME under "checks" releases only content whose latest NAME result is a pass.

--run runs COMMAND through the shell in the repository root, with PROMPT_FILE (absolute
path), PROMPT_PATH (repository-relative) and PROMPT_CONTENT_HASH set; its output streams to
stderr. Exit status 0 records a pass, anything else a fail, with the command, its exit
status, a summary (-m, else its last line of output) and the end of its output. A command
that cannot start (exit 126 or 127 from the shell) records nothing. The working copy must be
the committed content. --pass or --fail records a result obtained elsewhere; --details FILE
attaches a report. Exit 0 when a pass was recorded, 1 when a fail was.`,
  feedback: `prompt-release feedback <path> [--env ENV] -m TEXT [--rating good|bad] [--json]

Records what someone using the prompt saw, on the version live in ENV (default: the furthest
environment it is live in; never released: the committed content). status shows open reports
("1 report on v1 in production (1 bad)") and history lists them; a new version answers them.`,
  gate: `prompt-release gate <path> [--env ENV] [--version vN] [--json]

Evaluates the release policy of ENV (default: the next environment for this content)
against the committed content. Exit 0 when allowed, 1 when blocked; every unmet
requirement is named.`,
  release: `prompt-release release <path> [--env ENV] [--version vN] [--json]

Runs the gate and, when it allows, creates the annotated tag
prompt-release/<env>/<path>/v<N> carrying the evidence. When blocked nothing is created and
the exit code is 1. Promotion is a release of the same version to the next environment.
Rollback is --version vN: the earlier version is released again from the commit it was
first released from, through the same gate; a re-release is tagged v<N>-2, v<N>-3, …
Existing tags are never moved or deleted.

With an SSH signing setup in git (gpg.format ssh, user.signingKey) the tag is signed as
"git tag -s" signs it, without running any program your git configuration names; to an
environment with "signatures: required" release refuses, before tagging, when you have no
signing setup or the signers file in force does not list your key for you.

release --all --env ENV [--dry-run] [--push] is a release train: it plans the release of the
committed content of every prompt to ENV, prints what goes and what is blocked (with every
reason), then creates all the tags in one transaction (all or none). --dry-run only prints
the plan; --push pushes the tags in one atomic push.`,
  diff: `prompt-release diff <path> [--from ENV|vN|approved|HEAD] [--to vN|HEAD|working] [--json]

Unified diff. --from defaults to the furthest environment the prompt was released to,
--to to the working copy. "approved" is the content of the latest approval.`,
  history: `prompt-release history <path> [--json]

The commits that changed the prompt under every name it had (renames followed, a rename made
on a side branch or by a merge included), its reviews, review requests, check results,
feedback and releases, oldest first: the entries the editor's Prompt History view shows.
Only that file's history is read. A shallow clone is refused.`,
  verify: `prompt-release verify [--strict] [--trusted BRANCH] [--json]

Checks every tag under refs/tags/prompt-release/: an annotated tag of a commit on the trusted
branch, an unedited evidence block, the exact content at that commit, and approval records
that are on the trusted branch. Then checks that the version live in each environment meets
today's policy (from the trusted branch's tip) with today's records: an open change request
on live content fails. A shallow clone is refused (exit 3). Exit 1 lists every problem.
Run it in CI with full history, so a plain "git tag" cannot bypass the gate.

In an environment with "signatures: required" a release tag counts only when its SSH
signature verifies with a key the trusted signers file lists for its tagger, who must be the
releaser its evidence names: an unsigned copy of a tag's message fails. --json gives each
tag's signature (status, signer, key type, fingerprint).

A live version whose latest approval is older than its environment's reviewEvery is a
warning: verify prints it and exits 0; --strict makes it a failure (exit 1). Re-approving the
same content renews it without a new release.

--lock FILE checks a directory written by export against its prompt-release.lock.json:
every file has the hash its entry names, no file is missing or extra, and each entry is a
verified release that is still the one live in its environment (or says which is).`,
  show: `prompt-release show <path> --env ENV [--json]

Prints the content of the version of <path> live in ENV, after checking that release as
verify does (exit 1 when it fails). --json adds the version, tag, content hash and approvals.`,
  'install-hook': `prompt-release install-hook [--remove]

Adds a pre-push hook that runs prompt-release verify whenever a push includes a release tag,
and refuses the push when it fails. It never replaces a hook it did not write; --remove
removes only its own.`,
  signers: `prompt-release signers [--trusted BRANCH] [--json]

Lists who may sign, from the signers file in force on the trusted branch (named by "signers:"
in .promptrelease.yaml, in git's allowed-signers format): each principal, key type,
fingerprint and line, and how many records and release tags each key signed that count.
Lines of the file that cannot be used are warnings. Without a signers file it says so and
gives the steps: configure git signing (git config gpg.format ssh; git config
user.signingKey ~/.ssh/id_ed25519.pub), add your key to the signers file through review,
turn on "signatures: required" for an environment.

When you have a signing setup, release signs its tag as "git tag -s" does (git verify-tag
accepts it); in an environment with "signatures: required" verify accepts only release tags
signed by a key the signers file lists for their releaser.`,
  'pr-report': `prompt-release pr-report --base REF [--json | --format markdown]

Compares HEAD (a branch or a detached checkout) with REF from their merge base and, for each
prompt the branch adds, changes, renames or whose includes it changes, says: its owners (from
REF's CODEOWNERS), the approvals of its head content and whether each will count once merged
(signed, or still attributable after the merge method set by merge: in .promptrelease.yaml),
whether an owner must still approve, and what still blocks it in each environment, decided by
REF's policy with this branch's records added. Rules changes (.promptrelease.yaml, CODEOWNERS,
the signers file) are listed with the approval they wait for. Exits 0 whenever it could
report, whatever the approvals say. --json prints one document (warnings on stderr);
--format markdown prints Markdown for a pull request comment or a CI step summary.`,
  changelog: `prompt-release changelog --env ENV [--since REF|DATE] [--json]

Markdown release notes: each prompt released to ENV in the period, from which version to
which, who approved and released it, and what changed in meaning (settings, template
variables, messages). --since takes a date (2026-11-01) or a revision: releases made from
commits that revision does not contain.`,
  export: `prompt-release export --env ENV --out DIR [paths…] [--json]

Writes the version live in ENV of every prompt (or of the paths given) under DIR at its
repository path, and DIR/prompt-release.lock.json (path, version, tag, commit, content hash,
approvers, released at and by). Verifies first and writes nothing when a live version fails,
naming it. Prompts never released to ENV are listed. DIR is created when missing; otherwise it
must be empty or an earlier export: only files whose bytes are released content of their path
are replaced or removed (a lock found there is checked, never trusted). A symbolic link at DIR,
below it, or at a file it writes is refused, never followed.`,
};
