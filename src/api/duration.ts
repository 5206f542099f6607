// Aurora duration values (`<digits><unit>`), the only form Aurora's TimeAmountConverter accepts.
import { z } from 'zod';

const UNIT_MS = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  secs: 1000,
  mins: 60_000,
  hrs: 3_600_000,
  days: 86_400_000,
} as const;

export type DurationUnit = keyof typeof UNIT_MS;

export const DURATION_PATTERN = /^(\d+)(ns|us|ms|secs|mins|hrs|days)$/;

export const Duration = z
  .string()
  .regex(DURATION_PATTERN, {
    error:
      'must be an Aurora duration <digits><unit> with unit ns, us, ms, secs, mins, hrs or days (e.g. 30secs)',
  })
  .describe(
    'Aurora duration: <digits><unit>, unit one of ns, us, ms, secs, mins, hrs, days (1min is rejected).',
  );

export function isDuration(value: string): boolean {
  return DURATION_PATTERN.test(value);
}

/** parseDuration returns the duration in milliseconds and throws on anything Aurora would reject. */
export function parseDuration(value: string): number {
  const match = DURATION_PATTERN.exec(value);
  if (!match) throw new Error(`invalid Aurora duration ${JSON.stringify(value)}`);
  return Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
}

// largest unit first so 3600000 ms formats as 1hrs, not 3600secs
const FORMAT_ORDER: readonly DurationUnit[] = ['days', 'hrs', 'mins', 'secs', 'ms', 'us', 'ns'];

/** formatDuration renders milliseconds in the largest unit that represents the value exactly. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`cannot format ${ms} ms as an Aurora duration`);
  for (const unit of FORMAT_ORDER) {
    const amount = ms / UNIT_MS[unit];
    if (Number.isInteger(amount) && (amount > 0 || unit === 'ms')) return `${amount}${unit}`;
  }
  return `${Math.round(ms / UNIT_MS.ns)}ns`;
}
