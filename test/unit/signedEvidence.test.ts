import * as assert from 'assert';
import type { Identity } from '../../src/core/ownership/identity';
import { approvalSignatureLines, signatureLensText, signatureText, splitTagObject } from '../../src/core/reviews/signedEvidence';
import { dashboardData } from '../../src/extension/dashboardData';
import { SnapshotBuilder } from '../helpers/snapshot';

const alice: Identity = { name: 'Alice', email: 'alice@example.com' };
const bob: Identity = { name: 'Bob', email: 'bob@example.com' };
const carol: Identity = { name: 'Carol', email: 'carol@example.com' };
const CONFIG = 'environments:\n  staging: { approvals: 1 }\n  production: { approvals: 2 }\npeople:\n  "@alice": [alice@example.com]\n';
const FINGERPRINT = 'SHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';
const PROMPT = 'prompts/greeting.prompt.md';

/** A model where Alice's approval is validly signed and Bob's is not, released to staging by Carol with a signed tag. */
function signedModel() {
  const b = new SnapshotBuilder(CONFIG, 'prompts/** @alice\n');
  b.commit(carol, { [PROMPT]: 'Hello {{name}}.\n' });
  const byAlice = b.review(alice, PROMPT, 'approve');
  b.review(bob, PROMPT, 'approve');
  b.release(PROMPT, 'staging', 1, carol, [byAlice]);
  const model = b.build();
  const prompt = model.byPath.get(PROMPT)!;
  for (const r of prompt.currentReviews) {
    r.signature = r.record.by.email === alice.email ? { status: 'valid', email: alice.email, keyType: 'ssh-ed25519', fingerprint: FINGERPRINT } : { status: 'unsigned' };
  }
  model.tagChecks[0].signature = { status: 'valid', email: carol.email, keyType: 'ssh-ed25519', fingerprint: FINGERPRINT };
  return { model, prompt };
}

describe('signatures where people look', () => {
  it('words a signature: the signer by handle when the people map has one, the key type and fingerprint; unsigned; why one does not count', () => {
    const name = (email: string) => (email === alice.email ? '@alice' : email);
    assert.strictEqual(signatureText({ status: 'valid', email: alice.email, keyType: 'ssh-ed25519', fingerprint: FINGERPRINT }, name), `signed by @alice (ED25519 ${FINGERPRINT})`);
    assert.strictEqual(signatureText({ status: 'unsigned' }), 'unsigned');
    assert.strictEqual(signatureText(undefined), 'unsigned');
    assert.strictEqual(signatureText({ status: 'invalid', reason: 'key is not listed', keyType: 'ecdsa-sha2-nistp256', fingerprint: FINGERPRINT }), `signature not trusted (ECDSA ${FINGERPRINT}): key is not listed`);
  });

  it('gives the hover one line per standing approval, and the CodeLens a summary only where signatures mean something', () => {
    const { model, prompt } = signedModel();
    assert.deepStrictEqual(approvalSignatureLines(model, prompt), [`Approved by Alice <alice@example.com>: signed by @alice (ED25519 ${FINGERPRINT})`, 'Approved by Bob <bob@example.com>: unsigned']);
    assert.strictEqual(signatureLensText(model, prompt), undefined, 'no signers file and nothing required: every approval is unsigned, so the lens says nothing');
    model.policy.signers = { file: '.github/allowed_signers', signers: [], errors: [] };
    assert.strictEqual(signatureLensText(model, prompt), '1 of 2 approvals signed');
  });

  it('puts each approval\'s signature and each release tag\'s signer in the dashboard data', () => {
    const { model } = signedModel();
    const data = dashboardData([{ name: 'repo', root: '/repo', model }]);
    const row = data.prompts.find((p) => p.path === PROMPT)!;
    assert.deepStrictEqual(row.signatures, [
      { by: 'Alice', text: `signed by @alice (ED25519 ${FINGERPRINT})`, signed: true },
      { by: 'Bob', text: 'unsigned', signed: false },
    ]);
    assert.strictEqual(row.signed, '1 of 2 approvals signed');
    assert.deepStrictEqual(data.recentReleases.map((r) => [r.path, r.signature, r.signed]), [[PROMPT, `signed by carol@example.com (ED25519 ${FINGERPRINT})`, true]]);
  });

  it('splits a tag object as git does: the signature starts at the last line that begins an armour', () => {
    const payload = 'object 0123\ntype commit\ntag t\ntagger A <a@x> 1 +0000\n\nMessage quoting\n-----BEGIN SSH SIGNATURE-----\nin its body\n';
    const signature = '-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n';
    assert.deepStrictEqual(splitTagObject(payload + signature), { payload, signature });
    assert.deepStrictEqual(splitTagObject('object 0123\ntype commit\ntag t\n\nplain\n'), { payload: 'object 0123\ntype commit\ntag t\n\nplain\n' });
  });
});
