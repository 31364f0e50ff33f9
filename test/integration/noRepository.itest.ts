import * as assert from 'assert';
import { api, waitFor } from './support';

describe('a folder that is not a git repository', function () {
  this.timeout(30000);
  it('is explained in the view, not reported as an error', async () => {
    const ext = await api();
    await waitFor('the scan', () => ext.workspace.folders[0]?.status !== 'loading');
    assert.strictEqual(ext.workspace.folders[0].status, 'no-repository');
    assert.strictEqual(ext.promptsTree.getChildren().length, 0);
  });
});
