/*
 * `npm start`: a demo anyone can open in a browser. Builds and installs the extension into
 * the real VS Code the integration runner uses, creates a repository with prompts in every
 * state (three people's reviews, a comment thread, releases), and serves it until Ctrl+C.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PromptRepository } from '../../src/git/repository';
import * as engine from '../../src/usecases/engine';
import { BOB } from '../helpers/gitFixture';
import { installRealVscode, repoRoot } from './installRealVscode';
import { createStatesRepo, PROMPTS } from './promptFixtures';
import { freePort } from './realVscode';
import { QUIET_WORKBENCH_SETTINGS } from './workbench';
import { VSIX } from './vsixCheck';

async function addCommentThread(dir: string): Promise<void> {
  const saved = { name: process.env.GIT_AUTHOR_NAME, email: process.env.GIT_AUTHOR_EMAIL };
  process.env.GIT_AUTHOR_NAME = BOB.name;
  process.env.GIT_AUTHOR_EMAIL = BOB.email;
  try {
    const repo = await PromptRepository.open(dir);
    await engine.comment(repo, PROMPTS.inReview, { startLine: 5, endLine: 5, body: 'Two sentences feels too strict for refund questions. Could we allow three?' });
  } finally {
    if (saved.name === undefined) delete process.env.GIT_AUTHOR_NAME;
    else process.env.GIT_AUTHOR_NAME = saved.name;
    if (saved.email === undefined) delete process.env.GIT_AUTHOR_EMAIL;
    else process.env.GIT_AUTHOR_EMAIL = saved.email;
  }
}

async function main(): Promise<void> {
  const paths = installRealVscode();
  const vsix = path.join(repoRoot(), VSIX);
  if (!fs.existsSync(vsix)) throw new Error(`${VSIX} is missing; npm start builds it with npm run package`);

  console.log('Creating the demo repository…');
  const workspace = await createStatesRepo();
  await addCommentThread(workspace);

  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'prc-demo-vscode-'));
  const dirs = { userData: path.join(data, 'user-data'), serverData: path.join(data, 'server-data'), extensions: path.join(data, 'extensions') };
  const settingsFile = path.join(dirs.userData, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify(QUIET_WORKBENCH_SETTINGS, null, 2));
  const common = ['--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData, '--server-data-dir', dirs.serverData, '--accept-server-license-terms'];
  await new Promise<void>((resolve, reject) => {
    const install = spawn(paths.node, [paths.serverMain, '--install-extension', vsix, ...common], { stdio: 'ignore' });
    install.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`installing ${VSIX} failed (${code})`))));
  });

  const port = Number(process.env.PORT) || (await freePort());
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };
  for (const key of Object.keys(env)) if (/^(npm_|VSCODE_|ELECTRON_)/i.test(key)) delete env[key];
  const server = spawn(
    paths.node,
    [paths.serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--disable-telemetry', '--disable-workspace-trust', ...common],
    { cwd: workspace, env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const stop = () => {
    server.kill('SIGTERM');
    fs.rmSync(data, { recursive: true, force: true });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => {
    console.log(`VS Code stopped (${code ?? 'signal'}). The demo repository stays at ${workspace}.`);
    process.exit(code ?? 0);
  });

  console.log(`
Prompt Release Control demo
  repository  ${workspace}
              you are Alice Owner <alice@example.com>, an owner of prompts/**;
              Carol wrote the prompts, Bob and Erin reviewed some, Dave released two.
  open        http://127.0.0.1:${port}/?folder=${encodeURI(workspace)}

Try: open prompts/draft.prompt.md and click Approve in the CodeLens, then "Prompt Release: Release…";
open the Prompt Releases view in the activity bar; "Prompt Release: Open Release Dashboard".
Press Ctrl+C to stop.`);
}

main().catch((err) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
