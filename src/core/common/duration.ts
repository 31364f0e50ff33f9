/** A length of time as written in the configuration (90d) and in milliseconds. */
export interface Duration {
  text: string;
  ms: number;
}

const DURATION_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** "90d", "12h", "2w", "30m"; undefined when the text is none of those. */
export function parseDuration(text: string): Duration | undefined {
  const match = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) return undefined;
  return { text: `${Number(match[1])}${match[2]}`, ms: Number(match[1]) * DURATION_UNITS[match[2]] };
}

/** The JSON Schema pattern of a length of time. */
export const DURATION_PATTERN = '^\\s*0*[1-9][0-9]*\\s*[mhdw]\\s*$';
