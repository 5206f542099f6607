// Aurora duration values (`<digits><unit>`), the only form Aurora's TimeAmountConverter accepts: parse and format.
// Kept free of zod so the backup-agent sidecar can check its retention without loading the schema library.

// nanoseconds per unit, so sub-millisecond units stay exact integers until the final division
const UNIT_NS = {
  ns: 1,
  us: 1e3,
  ms: 1e6,
  secs: 1e9,
  mins: 60e9,
  hrs: 3600e9,
  days: 86400e9,
} as const;

export type DurationUnit = keyof typeof UNIT_NS;

export const DURATION_PATTERN = /^(\d+)(ns|us|ms|secs|mins|hrs|days)$/;

export function isDuration(value: string): boolean {
  return DURATION_PATTERN.test(value);
}

/** parseDuration returns the duration in milliseconds and throws on anything Aurora would reject. */
export function parseDuration(value: string): number {
  const match = DURATION_PATTERN.exec(value);
  if (!match) throw new Error(`invalid Aurora duration ${JSON.stringify(value)}`);
  return (Number(match[1]) * UNIT_NS[match[2] as DurationUnit]) / 1e6;
}

// largest unit first so 3600000 ms formats as 1hrs, not 3600secs
const FORMAT_ORDER: readonly DurationUnit[] = ['days', 'hrs', 'mins', 'secs', 'ms', 'us', 'ns'];

/** formatDuration renders milliseconds in the largest unit that represents the value exactly. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`cannot format ${ms} ms as an Aurora duration`);
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return '0ms';
  for (const unit of FORMAT_ORDER) {
    if (ns % UNIT_NS[unit] === 0) return `${ns / UNIT_NS[unit]}${unit}`;
  }
  return `${ns}ns`;
}
