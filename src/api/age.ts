// Ages for people: condition messages, the diagnose report and restore previews.

/** formatAgeMs renders milliseconds, rounded to the second, in two units at most: 42s, 3m5s, 3h4m, 2d3h. */
export function formatAgeMs(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}
