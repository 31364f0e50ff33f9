/* The prompt-release program: runs the CLI on the process's arguments (bin.ts starts it with its code cache). */
import { EXIT } from './exitCodes';
import { main } from './main';

// A reader that stops early (`status | head -1`) is not an error: end quietly, as git does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT.environment;
  },
);
