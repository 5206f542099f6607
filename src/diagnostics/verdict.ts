// The outcome of one symptom rule: a condition without its type, status True meaning the good state.
import type { ConditionInput } from '../api/conditions.ts';

export type Verdict = Omit<ConditionInput, 'type' | 'observedGeneration'>;

export const good = (reason: string, message: string): Verdict => ({ status: 'True', reason, message });
export const bad = (reason: string, message: string): Verdict => ({ status: 'False', reason, message });
export const unknown = (reason: string, message: string): Verdict => ({ status: 'Unknown', reason, message });

/** formatAge renders seconds as e.g. 3h4m or 42s for messages and reports. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}
