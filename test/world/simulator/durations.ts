// Aurora's TimeAmount and DataAmount flag syntax: `<digits><unit>`, units case-sensitive.

const TIME_UNITS_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  secs: 1000,
  mins: 60_000,
  hrs: 3_600_000,
  days: 86_400_000,
};

const DATA_UNITS_BYTES: Readonly<Record<string, number>> = {
  BYTES: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
};

/** Parses e.g. `15secs` into milliseconds; throws on `1min`, `1.5secs` or `15`. */
export function parseDuration(text: string): number {
  const m = /^(\d+)([a-z]+)$/.exec(text);
  const factor = m?.[2] !== undefined ? TIME_UNITS_MS[m[2]] : undefined;
  if (!m || factor === undefined) {
    throw new Error(
      `Invalid time amount "${text}": expected <digits><unit> with unit one of ${Object.keys(TIME_UNITS_MS).join(', ')}`,
    );
  }
  return Number(m[1]) * factor;
}

/** Parses e.g. `512KB` into bytes. */
export function parseDataSize(text: string): number {
  const m = /^(\d+)([A-Za-z]+)$/.exec(text);
  const factor = m?.[2] !== undefined ? DATA_UNITS_BYTES[m[2]] : undefined;
  if (!m || factor === undefined) {
    throw new Error(
      `Invalid data amount "${text}": expected <digits><unit> with unit one of ${Object.keys(DATA_UNITS_BYTES).join(', ')}`,
    );
  }
  return Number(m[1]) * factor;
}

/** Node timers overflow above 2^31-1 ms (about 24.8 days); longer delays are capped, which never fires in practice. */
export function timerMs(ms: number): number {
  return Math.min(Math.max(0, Math.round(ms)), 2 ** 31 - 1);
}
