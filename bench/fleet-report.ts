// Result lines of the fleet benchmark: a measured value judged against a target (or shown for information).
export type Verdict = 'ok' | 'MISS' | 'info';

export interface ResultLine {
  verdict: Verdict;
  name: string;
  measured: string;
  /** absent for information lines */
  target?: string;
}

export function info(name: string, measured: string): ResultLine {
  return { verdict: 'info', name, measured };
}

/** a line judged against an upper bound: ok when value <= max */
export function atMost(name: string, value: number, max: number, unit = ''): ResultLine {
  return {
    verdict: value <= max ? 'ok' : 'MISS',
    name,
    measured: `${fmt(value)}${unit}`,
    target: `<= ${fmt(max)}${unit}`,
  };
}

/** a line judged against a lower bound: ok when value >= min */
export function atLeast(name: string, value: number, min: number, unit = ''): ResultLine {
  return {
    verdict: value >= min ? 'ok' : 'MISS',
    name,
    measured: `${fmt(value)}${unit}`,
    target: `>= ${fmt(min)}${unit}`,
  };
}

/** a plain number with at most 3 decimals, no trailing zeros, so lines stay short and comparable */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toFixed(3)));
}

export function formatLine(line: ResultLine): string {
  const head = `${line.verdict.padEnd(5)} ${line.name.padEnd(50)} ${line.measured}`;
  return line.target === undefined ? head : `${head} / ${line.target}`;
}

/** "k1=v1 k2=v2" sorted by count, largest first, for breakdowns by verb and resource */
export function formatCounts(counts: ReadonlyMap<string, number>, limit = 12): string {
  const entries = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return 'none';
  const shown = entries.slice(0, limit).map(([key, n]) => `${key}=${n}`);
  if (entries.length > limit) shown.push(`(+${entries.length - limit} more)`);
  return shown.join(' ');
}

export function misses(lines: readonly ResultLine[]): number {
  return lines.filter((l) => l.verdict === 'MISS').length;
}
