import * as assert from 'assert';
import type { Identity } from '../../src/core/ownership/identity';
import { dashboardData } from '../../src/extension/dashboardData';
import { SnapshotBuilder } from '../helpers/snapshot';

const alice: Identity = { name: 'Alice', email: 'alice@example.com' };
const bob: Identity = { name: 'Bob', email: 'bob@example.com' };
const carol: Identity = { name: 'Carol', email: 'carol@example.com' };
const CONFIG = 'environments:\n  staging: { approvals: 1 }\n  production: { approvals: 2 }\n';

describe('the dashboard pipeline', () => {
  it("counts each prompt once, at its next environment: ready when the gate is open, blocked (with every reason) when work towards it is stuck", () => {
    const b = new SnapshotBuilder(CONFIG, 'prompts/** @alice\n');
    b.commit(carol, { 'prompts/ready.prompt.md': 'Ready.\n', 'prompts/stuck.prompt.md': 'Stuck.\n', 'prompts/idle.prompt.md': 'Nobody looked yet.\n', 'prompts/live.prompt.md': 'Live.\n' });
    b.review(alice, 'prompts/ready.prompt.md', 'approve');
    b.review(bob, 'prompts/stuck.prompt.md', 'request-changes', { comment: 'Too vague.' });
    b.review(alice, 'prompts/live.prompt.md', 'approve');
    const approval = b.review(bob, 'prompts/live.prompt.md', 'approve');
    b.release('prompts/live.prompt.md', 'staging', 1, carol, [approval]);
    const data = dashboardData([{ name: 'repo', root: '/repo', model: b.build() }]);
    assert.deepStrictEqual(data.pipeline, [
      { environment: 'staging', live: 1, ready: 1, blocked: 1 },
      { environment: 'production', live: 0, ready: 1, blocked: 0 },
    ]);
    assert.deepStrictEqual(data.ready.map((r) => `${r.path} → ${r.environment}`).sort(), ['prompts/live.prompt.md → production', 'prompts/ready.prompt.md → staging']);
    assert.strictEqual(data.blocked.length, 1, 'a draft nobody reviewed is not "blocked"');
    assert.strictEqual(data.blocked[0].path, 'prompts/stuck.prompt.md');
    assert.match(data.blocked[0].reasons.join(' '), /Too vague/);
    assert.deepStrictEqual(data.states, { approved: 2, 'changes-requested': 1, draft: 1 }, 'live in staging with two approvals is approved for production');
  });
});
