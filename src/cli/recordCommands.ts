import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { PromptReleaseError } from '../core/common/errors';
import { shortHash } from '../core/prompts/hash';
import { formatIdentity } from '../core/ownership/identity';
import type { RepoModel } from '../core/model/model';
import { planCheck, requirePrompt, type CheckInput } from '../core/reviews/operations';
import { closest, someOf } from '../core/common/words';
import * as engine from '../usecases/engine';
import type { PromptRepository } from '../git/repository';
import { EXIT } from './exitCodes';
import { briefly, type Output } from './output';
import { runCheckCommand } from './runCheck';

export interface CheckOptions {
  name: string;
  /** Exactly one of a recorded result or a command to run. */
  result?: 'pass' | 'fail';
  run?: string;
  summary?: string;
  /** A file whose text becomes the record's details (a report). */
  detailsFile?: string;
}

/**
 * `check <path> --name NAME (--pass | --fail | --run CMD)`: records a check result bound to
 * the committed content and what it includes. With --run the result is the command's exit
 * status on the working tree, which must be the committed content.
 */
export async function checkCommand(repo: PromptRepository, file: string, options: CheckOptions, out: Output, cwd: string): Promise<number> {
  const details = options.detailsFile !== undefined ? readDetails(options.detailsFile, cwd) : undefined;
  const [model, by] = await Promise.all([repo.model(), repo.identity()]);
  const prompt = requirePrompt(model, file);
  // Everything that would refuse the record is checked before a long run, not after.
  planCheck(prompt, model, { name: options.name, result: 'pass' }, by, new Date());
  const contentHash = prompt.contentHash!;
  let input: CheckInput;
  if (options.run !== undefined) {
    out.error(`Running "${options.run}" on ${file} (${shortHash(contentHash)}) in ${repo.root}…`);
    // Where signatures are required, an unsignable result is refused before the command runs.
    await engine.requireSigningSetup(repo, model);
    const run = await runCheckCommand(options.run, {
      cwd: repo.root,
      file: path.join(repo.root, ...prompt.path.split('/')),
      path: prompt.path,
      contentHash,
      echo: (chunk) => process.stderr.write(chunk),
    });
    const how = run.signal ? `it was ended by ${run.signal}` : `exit ${run.exitCode}`;
    input = {
      name: options.name,
      result: run.exitCode === 0 ? 'pass' : 'fail',
      summary: options.summary ?? run.lastLine ?? `${options.run}: ${how}`,
      details: details ?? (run.output.trim() ? run.output : undefined),
      command: options.run,
      exitCode: run.exitCode ?? undefined,
    };
    await requireUnchanged(repo, model, file);
  } else {
    input = { name: options.name, result: options.result!, summary: options.summary, details };
  }
  const result = await engine.check(repo, file, input, model);
  const record = result.record;
  out.data({ record, recordPath: result.recordPath, commit: result.commit, requiredIn: requiredIn(model, record.name) });
  const outcome = record.result === 'pass' ? 'passed' : `failed${record.exitCode !== undefined ? ` (exit ${record.exitCode})` : ''}`;
  out.line(`Recorded: check "${record.name}" ${outcome} on ${file} (${shortHash(record.contentHash)}) as ${formatIdentity(record.by)}.`);
  if (record.summary) out.line(`  ${record.summary}`);
  if (record.includes?.length) out.line(`  covers what it includes: ${briefly(record.includes.map((i) => i.path), out)}`);
  out.line(`Recorded in commit ${result.commit.slice(0, 10)} (${result.recordPath}); push it so others see it.`);
  const required = requiredIn(model, record.name);
  if (required.length === 0) {
    const known = [...new Set(model.config.environments.flatMap((e) => e.checks))];
    const guess = closest(record.name, known);
    out.error(
      `note: no environment's policy requires a "${record.name}" check, so the gate does not look at this result${guess ? `; did you mean --name ${guess}?` : known.length ? ` (required checks: ${known.join(', ')})` : ''}`,
    );
  } else if (record.result === 'fail') {
    out.line(`The gate for ${required.join(' and ')} needs "${record.name}" to pass on this content: fix the prompt, or run the check again.`);
  } else if (prompt.authors.some((a) => model.people.samePerson(a.email, by.email))) {
    out.line(`It does not count for ${required.join(' and ')}: you wrote part of this content, and a pass counts only when someone else records it. Have CI or a reviewer run the check.`);
  } else {
    out.line(`It satisfies the "${record.name}" check of ${required.join(' and ')} for this content.`);
  }
  return record.result === 'pass' ? EXIT.ok : EXIT.refused;
}

function requiredIn(model: RepoModel, name: string): string[] {
  return model.config.environments.filter((e) => e.checks.includes(name)).map((e) => e.name);
}

function readDetails(file: string, cwd: string): string {
  const absolute = path.resolve(cwd, file);
  if (!existsSync(absolute)) {
    throw new PromptReleaseError('not-found', `--details file ${file} does not exist; nothing was recorded`, { hint: 'Give the path of a report file, relative to where you run the command.' });
  }
  try {
    return readFileSync(absolute, 'utf8');
  } catch (err) {
    throw new PromptReleaseError('not-found', `--details file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); nothing was recorded`);
  }
}

/**
 * The result is about what the command saw: if HEAD, the trusted tip or the working copy of
 * the prompt or of what it includes changed while it ran, it is about nothing recordable.
 */
async function requireUnchanged(repo: PromptRepository, model: RepoModel, file: string): Promise<void> {
  const prompt = requirePrompt(model, file);
  const [same, ...includes] = await Promise.all([repo.stillDescribes(model, file), ...prompt.includes.map((d) => repo.workingCopyState(d.path))]);
  const changed = prompt.includes.filter((_, i) => includes[i] !== 'clean').map((d) => d.path);
  if (same && changed.length === 0) return;
  throw new PromptReleaseError('uncommitted-changes', `the repository changed while the check ran (${changed.length ? `${someOf(changed)} changed` : `HEAD, the trusted branch or ${file} moved`}), so its result is not about the committed content; nothing was recorded`, {
    hint: 'Commit or discard the changes, then run the check again.',
  });
}

export interface FeedbackOptions {
  environment?: string;
  body?: string;
  rating?: string;
}

/** `feedback <path> [--env ENV] -m TEXT [--rating good|bad]`: a report on the version in use. */
export async function feedbackCommand(repo: PromptRepository, file: string, options: FeedbackOptions, out: Output): Promise<number> {
  if (!options.body?.trim()) throw new PromptReleaseError('invalid-usage', 'feedback needs -m with what you saw', { hint: 'Usage: prompt-release feedback <path> [--env ENV] -m TEXT [--rating good|bad]' });
  if (options.rating !== undefined && options.rating !== 'good' && options.rating !== 'bad') {
    throw new PromptReleaseError('invalid-usage', `--rating is good or bad, not "${options.rating}"`, { hint: 'Leave it out for a report without a rating.' });
  }
  const result = await engine.feedback(repo, file, { environment: options.environment, body: options.body, rating: options.rating as 'good' | 'bad' | undefined });
  const f = result.record;
  out.data({ record: f, recordPath: result.recordPath, commit: result.commit });
  const on = f.environment ? `v${f.version}, the version live in ${f.environment}` : `the committed content (${shortHash(f.contentHash)}), which is not released anywhere yet`;
  out.line(`Recorded feedback ${f.id}${f.rating ? ` (rated ${f.rating})` : ''} on ${file} ${on}, as ${formatIdentity(f.by)}.`);
  out.line(`Recorded in commit ${result.commit.slice(0, 10)} (${result.recordPath}); push it so the owners see it. A new version of the prompt answers it.`);
  return EXIT.ok;
}
