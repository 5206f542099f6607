// A five-field cron expression (minute hour day-of-month month day-of-week, in UTC) and the question a schedule
// asks of it: did a tick fall in a time window. Small on purpose: numbers, `*`, ranges, lists and steps only.

export interface CronSchedule {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
  /** both day fields restricted: cron matches either, as Vixie cron does */
  eitherDay: boolean;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

function parseField(text: string, field: (typeof FIELDS)[number]): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m)
      throw new Error(`${field.name} "${part}" is not *, n, a-b or a list of them with an optional /step`);
    const star = m[1] === '*';
    const from = star ? field.min : Number(m[2]);
    const to = star ? field.max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? field.max : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (from < field.min || to > field.max || from > to || step < 1)
      throw new Error(`${field.name} "${part}" is outside ${field.min}-${field.max}`);
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** parseCron throws an Error naming the field that is wrong. */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5)
    throw new Error(`"${expression}" must have 5 fields: minute hour day month weekday`);
  const [minutes, hours, days, months, weekdays] = FIELDS.map((f, i) => parseField(parts[i] ?? '', f)) as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  // 7 is Sunday too
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    minutes,
    hours,
    days,
    months,
    weekdays,
    eitherDay: parts[2] !== '*' && parts[4] !== '*',
  };
}

/** cronProblem: undefined for a valid expression, else why not (for schema validation). */
export function cronProblem(expression: string): string | undefined {
  try {
    parseCron(expression);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function dayMatches(s: CronSchedule, t: Date): boolean {
  const dom = s.days.has(t.getUTCDate());
  const dow = s.weekdays.has(t.getUTCDay());
  return s.eitherDay ? dom || dow : dom && dow;
}

const MINUTE = 60_000;

/**
 * nextTick: the first whole minute at or after `from` that the schedule matches, or undefined when none falls
 * before `until`. It skips whole months, days and hours that cannot match, so a window of a year costs little.
 */
export function nextTick(s: CronSchedule, from: Date, until: Date): Date | undefined {
  let t = new Date(Math.ceil(from.getTime() / MINUTE) * MINUTE);
  while (t.getTime() < until.getTime()) {
    if (!s.months.has(t.getUTCMonth() + 1)) {
      t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1));
    } else if (!dayMatches(s, t)) {
      t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1));
    } else if (!s.hours.has(t.getUTCHours())) {
      t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours() + 1));
    } else if (!s.minutes.has(t.getUTCMinutes())) {
      t = new Date(t.getTime() + MINUTE);
    } else {
      return t;
    }
  }
  return undefined;
}
