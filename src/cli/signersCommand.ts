import { keyTypeLabel, SIGNING_SETUP_STEPS, signersReport } from '../core/reviews/signedEvidence';
import { plural } from '../core/common/words';
import type { PromptRepository } from '../git/repository';
import { EXIT } from './exitCodes';
import { formatTime, type Output } from './output';


/** `signers [--json]`: who may sign (the trusted signers file in force) and which of their keys were seen signing. */
export async function signersCommand(repo: PromptRepository, out: Output): Promise<number> {
  const model = await repo.model();
  const report = signersReport(model);
  const required = model.config.environments.filter((e) => e.signatures === 'required').map((e) => e.name);
  out.data({
    trusted: model.trusted,
    file: report.file ?? null,
    configured: report.configured ?? null,
    required,
    signers: report.signers.map((s) => ({ ...s, keyTypeLabel: keyTypeLabel(s.keyType) })),
    errors: report.errors,
    unsigned: report.unsigned,
  });
  if (out.json) return EXIT.ok;
  if (!report.file) {
    out.line(
      report.configured
        ? `"signers: ${report.configured}" is configured, but no such signers file is in force on ${model.trusted.ref}: nobody's signature can count yet.`
        : `No signers file is configured on ${model.trusted.ref}: approvals and release tags are unsigned evidence, resting on commit authorship alone.`,
    );
    out.line('To make them signed evidence:');
    for (const step of SIGNING_SETUP_STEPS) out.line(`  ${step}`);
    return EXIT.ok;
  }
  out.line(`Signers file in force on ${model.trusted.ref}: ${report.file}${required.length ? ` (required in ${required.join(', ')})` : ' (no environment requires signatures yet)'}`);
  if (report.signers.length === 0) out.line('  It lists nobody: no signature can count.');
  const width = Math.min(40, Math.max(0, ...report.signers.map((s) => s.principals.join(',').length)));
  for (const s of report.signers) {
    const seen = s.seen.records || s.seen.tags ? `signed ${[s.seen.records ? plural(s.seen.records, 'record') : '', s.seen.tags ? plural(s.seen.tags, 'release tag') : ''].filter(Boolean).join(' and ')}${s.seen.last ? `, last at ${formatTime(s.seen.last)}` : ''}` : 'not seen signing yet';
    const namespaces = s.namespaces ? `  namespaces ${s.namespaces.join(',')}` : '';
    out.line(`  ${s.principals.join(',').padEnd(width)}  ${keyTypeLabel(s.keyType).padEnd(7)}  ${s.fingerprint}  line ${s.line}${namespaces}  ${seen}`);
  }
  for (const e of report.errors) out.error(`warning: ${report.file}:${e.line}:${e.col}: ${e.message} (this line is ignored)`);
  out.line(`Unsigned: ${plural(report.unsigned.records, 'record')}, ${plural(report.unsigned.tags, 'release tag')}.`);
  return EXIT.ok;
}
