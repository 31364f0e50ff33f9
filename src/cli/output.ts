/** Where a command writes: text for people, one JSON document for machines. */
export interface Output {
  json: boolean;
  line(text?: string): void;
  error(text: string): void;
  data(value: unknown): void;
}

export function consoleOutput(json: boolean): Output {
  return {
    json,
    line: (text = '') => {
      if (!json) process.stdout.write(text + '\n');
    },
    error: (text) => process.stderr.write(text + '\n'),
    data: (value) => {
      if (json) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
    },
  };
}

export { formatTime } from '../core/words';

/** The root every decision rested on, by full ref name and commit: what a command that decides prints. */
export function formatTrusted(trusted: { ref: string; commit: string }): string {
  return `Trusted: ${trusted.ref} at ${trusted.commit.slice(0, 10)}.`;
}
