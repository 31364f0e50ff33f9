import * as assert from 'assert';
import { parseScopedConfig, signingSetupFromEntries } from '../../src/git/signing';

describe('signing setup from git configuration (pure)', () => {
  const entry = (scope: string, key: string, value?: string) => ({ scope, origin: scope === 'command' ? 'command line:' : `file:${scope}`, key, value });

  it('parses git config -z --show-scope --show-origin output, including a bare key', () => {
    const out = 'global\0file:/home/a/.gitconfig\0gpg.format\nssh\0local\0file:.git/config\0user.signingkey\n~/.ssh/id\0command\0command line:\0user.signingkey\0';
    assert.deepStrictEqual(parseScopedConfig(out), [
      { scope: 'global', origin: 'file:/home/a/.gitconfig', key: 'gpg.format', value: 'ssh' },
      { scope: 'local', origin: 'file:.git/config', key: 'user.signingkey', value: '~/.ssh/id' },
      { scope: 'command', origin: 'command line:', key: 'user.signingkey', value: undefined },
    ]);
  });

  it('takes the last value as git does, and tells literal keys from files', () => {
    const found = signingSetupFromEntries([entry('global', 'gpg.format', 'ssh'), entry('global', 'user.signingkey', '~/.ssh/a'), entry('command', 'user.signingkey', 'key::ssh-ed25519 AAAA x')]);
    assert.deepStrictEqual(found, { configured: 'key::ssh-ed25519 AAAA x', form: { kind: 'literal', publicKey: 'ssh-ed25519 AAAA x' }, origin: 'command line:' });
    assert.deepStrictEqual(signingSetupFromEntries([entry('local', 'gpg.format', 'ssh'), entry('local', 'user.signingkey', 'ssh-ed25519 AAAA')])?.form, { kind: 'literal', publicKey: 'ssh-ed25519 AAAA' });
    assert.deepStrictEqual(signingSetupFromEntries([entry('local', 'gpg.format', 'ssh'), entry('local', 'user.signingkey', '/k/id')])?.form, { kind: 'file', path: '/k/id' });
  });

  it('has no setup unless gpg.format is exactly ssh and a key is named', () => {
    assert.strictEqual(signingSetupFromEntries([entry('global', 'user.signingkey', '/k')]), undefined);
    assert.strictEqual(signingSetupFromEntries([entry('global', 'gpg.format', 'ssh'), entry('local', 'gpg.format', 'openpgp'), entry('global', 'user.signingkey', '/k')]), undefined);
    assert.strictEqual(signingSetupFromEntries([entry('global', 'gpg.format', 'SSH'), entry('global', 'user.signingkey', '/k')]), undefined);
    assert.strictEqual(signingSetupFromEntries([entry('global', 'gpg.format', 'ssh'), entry('global', 'user.signingkey')]), undefined);
    assert.strictEqual(signingSetupFromEntries([entry('global', 'gpg.format', 'ssh'), entry('global', 'user.signingkey', '')]), undefined);
  });
});
